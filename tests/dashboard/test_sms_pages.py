"""SMS on the coordinators' pages: the template page counts an SMS's length as a phone
sends it, and the outbox shows an SMS's channel, its failed attempt and the next try."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from db.models import OutboxMessage
from recruitment.messaging.outbox import DeliveryPolicy, send_due
from tests.dashboard.conftest import logged_in, page_path

OUTBOX = page_path("outbox.py")
TEMPLATES = page_path("mail_templates.py")


@pytest.fixture(autouse=True)
def no_gateways_from_the_environment(monkeypatch):
    for name in ("VERVE_SMTP_HOST", "VERVE_SMTP_SENDER", "VERVE_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("recruitment.messaging.smtp.SECRETS_FILES", ())
    monkeypatch.setattr("recruitment.messaging.sms_gateway.SECRETS_FILES", ())


def page(path: str, actor, lang: str = "en") -> AppTest:
    at = AppTest.from_file(path, default_timeout=30)
    at.query_params["lang"] = lang
    return logged_in(at, actor)


def test_the_template_page_counts_the_sms_and_warns_when_it_needs_two(app_database, coordinator):
    at = page(TEMPLATES, coordinator).run()
    assert not at.exception
    [counter] = at.success
    assert "(GSM-7): 1 SMS" in counter.value
    area = at.text_area(key="sms_template_booking_confirmation_en")
    area.input("Hei {first_name} 🙂 " + "x" * 80).run()
    assert not at.exception
    [warning] = at.warning
    assert "(UCS-2): 2 SMS" in warning.value


def test_the_outbox_shows_an_sms_that_failed_once_and_when_it_is_tried_again(
    app_database, session_factory, coordinator, sms_gateway
):
    with session_factory.begin() as s:
        s.add(
            OutboxMessage(
                kind="meeting_reminder",
                channel="sms",
                to_address="+4791234567",
                subject="SMS: Reminder",
                body_text="Påminnelse: infomøte i morgen.",
                message_id="sms-test-1",
                next_attempt_at=datetime.now(UTC),
            )
        )
    sms_gateway.fail_with, sms_gateway.fail_times = 503, 1
    send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        policy=DeliveryPolicy(backoff_seconds=600),
    )
    at = page(OUTBOX, coordinator).run()
    at.segmented_control(key="outbox_status").set_value("queued").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["channel_label"]) == ["SMS"]
    assert list(table["attempts"]) == [1] and "HTTP 503" in table["last_error"][0]
    shown = "\n".join(t.value for t in at.text)
    assert "Attempt 1 failed. Next attempt" in shown
    assert any("No SMS gateway is set up" in i.value for i in at.info)
