"""The outbox and template pages as coordinators and managers see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from db.models import OutboxMessage
from recruitment.messaging._queue import queue_email
from recruitment.messaging.outbox import DeliveryPolicy, send_due
from tests.dashboard.conftest import logged_in, page_path

OUTBOX = page_path("outbox.py")
TEMPLATES = page_path("mail_templates.py")


@pytest.fixture(autouse=True)
def no_smtp_from_the_environment(monkeypatch):
    for name in ("VERVE_SMTP_HOST", "VERVE_SMTP_SENDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("recruitment.messaging.smtp.SECRETS_FILES", ())


def page(path: str, actor, lang: str = "en") -> AppTest:
    at = AppTest.from_file(path, default_timeout=30)
    at.query_params["lang"] = lang
    return logged_in(at, actor)


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.text] + [e.value for e in at.info] + [e.value for e in at.error]
    return "\n".join(
        str(p) for p in parts + [e.value for e in at.success] + [e.value for e in at.markdown]
    )


def queue(session_factory, to: str, **fields) -> int:
    with session_factory.begin() as s:
        return queue_email(
            session=s, kind="callback_requested", to_address=to, lang="en", context={}, **fields
        ).id


def test_a_message_refused_with_550_is_shown_as_failed_and_a_coordinator_can_send_it_again(
    app_database, session_factory, session, smtp_server, coordinator
):
    outbox_id = queue(session_factory, "gone@example.no")
    smtp_server.handler.refuse.add("gone@example.no")
    send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=DeliveryPolicy()
    )

    at = page(OUTBOX, coordinator).run()

    assert not at.exception
    assert at.metric[1].value == "1"  # failed
    table = at.dataframe[0].value
    assert list(table["status_label"]) == ["Failed"] and list(table["to_address"]) == [
        "gone@example.no"
    ]
    assert list(table["kind_label"]) == ["Call-back requested"]
    assert "550" in table["last_error"][0]
    shown = texts(at)
    assert "To: gone@example.no" in shown and "We will call you soon" in shown and "550" in shown

    at.button(key="outbox_retry").click().run()

    assert not at.exception
    assert "queued again" in texts(at)
    assert (
        session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == outbox_id))
        == "queued"
    )


def test_without_a_mail_server_coordinators_read_queued_messages_in_the_app(
    app_database, session_factory, coordinator, make_applicant
):
    queue(session_factory, "jane@example.no", applicant_id=make_applicant(first_name="Jane <b>"))

    at = page(OUTBOX, coordinator).run()

    assert not at.exception
    shown = texts(at)
    assert "No mail server is set up" in shown
    assert "Hello Jane <b>," in shown  # shown as text, never as HTML
    assert not at.button  # nothing to retry: it is only queued


def test_managers_cannot_open_the_outbox(app_database, manager):
    at = page(OUTBOX, manager).run()
    assert not at.exception
    assert "You do not have access" in texts(at) or at.error
    assert not at.dataframe


def test_the_template_page_previews_every_kind_in_both_languages(app_database, coordinator):
    at = page(TEMPLATES, coordinator).run()
    assert not at.exception
    assert "Subject: You have a place at the information meeting on" in texts(at)

    at.selectbox(key="template_kind").set_value("meeting_cancelled").run()
    at.selectbox(key="template_language").set_value("nb").run()

    assert not at.exception
    assert "Emne: Avlyst: informasjonsmøtet" in texts(
        at
    ) or "Subject: Avlyst: informasjonsmøtet" in texts(at)
    assert "templates/nb/meeting_cancelled.txt" in " ".join(c.value for c in at.caption)


def test_coordinators_get_the_mail_pages_in_the_menu_and_managers_do_not(coordinator, manager):
    from dashboard.navigation import staff_pages_for

    def paths(actor):
        return {spec.path for spec in staff_pages_for(actor)}

    assert {"messaging/outbox.py", "messaging/mail_templates.py"} <= paths(coordinator)
    assert not {"messaging/outbox.py", "messaging/mail_templates.py"} & paths(manager)


def test_the_outbox_shows_the_offices_clock_like_every_other_page(
    app_database, session_factory, coordinator
):
    # 01:47 UTC is 02:47 in Oslo; the outbox used to show the UTC time.
    outbox_id = queue(session_factory, "jane@example.no")
    with session_factory.begin() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(created_at=datetime(2026, 11, 29, 1, 47, tzinfo=UTC))
        )

    english = page(OUTBOX, coordinator).run()
    bokmal = page(OUTBOX, coordinator, lang="nb").run()

    assert not english.exception and not bokmal.exception
    assert english.dataframe[0].value["created_at"].tolist() == ["29 Nov 2026, 02:47"]
    assert bokmal.dataframe[0].value["created_at"].tolist() == ["29.11.2026 kl. 02.47"]


def uncertain_sms(session_factory, applicant_id: int | None = None) -> int:
    """An SMS a dead worker handed to the gateway, found stale by the next worker."""
    from datetime import timedelta

    from db.models import utcnow
    from recruitment.messaging.outbox import _claim

    an_hour_ago = utcnow() - timedelta(hours=1)
    with session_factory.begin() as s:
        row = OutboxMessage(
            kind="meeting_reminder",
            channel="sms",
            to_address="+4791234567",
            language="nb",
            subject="SMS: Påminnelse",
            body_text="Påminnelse: møtet er i morgen kl. 18:00.",
            message_id="sms-uncertain-1",
            applicant_id=applicant_id,
            status="sending",
            claimed_by="dead",
            claimed_at=an_hour_ago,
            handed_over_at=an_hour_ago,
        )
        s.add(row)
        s.flush()
        outbox_id = row.id
    _claim(
        session_factory=session_factory,
        worker_id="next",
        batch_size=5,
        policy=DeliveryPolicy(),
        channels=("sms",),
    )
    return outbox_id


@pytest.mark.parametrize(
    ("lang", "label", "reason", "button"),
    [
        ("en", "Uncertain", "Verve handed the text message", "Mark as sent"),
        ("nb", "Usikker", "Verve ga SMS-en videre", "Marker som sendt"),
    ],
)
def test_an_uncertain_sms_is_shown_first_with_its_reason_and_can_be_marked_sent(
    app_database, session_factory, session, coordinator, make_applicant, lang, label, reason, button
):
    from db.models import JournalEntry

    applicant = make_applicant()
    outbox_id = uncertain_sms(session_factory, applicant)

    at = page(OUTBOX, coordinator, lang).run()

    assert not at.exception
    assert at.metric[2].value == "1"  # uncertain
    table = at.dataframe[0].value
    assert list(table["status_label"]) == [label]
    assert list(table["next_attempt_at"]) == ["–"]  # only a person sends it again
    assert table["last_error"][0].startswith(reason)
    assert at.warning[0].value.startswith(reason)
    assert at.button(key="outbox_mark_sent").label == button

    at.button(key="outbox_mark_sent").click().run()

    assert not at.exception
    session.expire_all()
    assert session.get(OutboxMessage, outbox_id).status == "sent"
    assert session.scalars(
        select(JournalEntry.channel).where(JournalEntry.outbox_id == outbox_id)
    ).all() == ["sms"]


def test_send_again_puts_an_uncertain_sms_back_in_the_queue(
    app_database, session_factory, session, coordinator
):
    outbox_id = uncertain_sms(session_factory)

    at = page(OUTBOX, coordinator).run()
    at.button(key="outbox_uncertain_retry").click().run()

    assert not at.exception
    assert "queued again" in texts(at)
    session.expire_all()
    row = session.get(OutboxMessage, outbox_id)
    assert (row.status, row.handed_over_at) == ("queued", None)
