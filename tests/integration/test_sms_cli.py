"""`verve sms reply` records the opt-out word; `verve outbox send` delivers SMS to the
gateway named by VERVE_SMS_*."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db.models import Applicant, OutboxMessage
from recruitment.cli import common, main


@pytest.fixture
def verve(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("VERVE_SMTP_HOST", "VERVE_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("recruitment.messaging.smtp.SECRETS_FILES", ())
    monkeypatch.setattr("recruitment.messaging.sms_gateway.SECRETS_FILES", ())
    common.engine.cache_clear()
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    yield run
    common.engine().dispose()
    common.engine.cache_clear()


def test_a_stopp_reply_stops_sms_to_that_number(verve, make_applicant, session):
    applicant_id = make_applicant(phone="+4791234567")
    result = verve("sms", "reply", "912 34 567", "STOPP")
    assert result.exit_code == 0 and "1 applicant(s) opted out" in result.output
    assert session.get(Applicant, applicant_id).sms_opted_out_at is not None
    assert "not an opt-out" in verve("sms", "reply", "91234567", "Takk").output


def test_outbox_send_delivers_sms_to_the_configured_gateway(
    verve, session_factory, session, sms_gateway
):
    with session_factory.begin() as s:
        s.add(
            OutboxMessage(
                kind="meeting_reminder",
                channel="sms",
                to_address="+4791234567",
                subject="SMS",
                body_text="Påminnelse",
                message_id="sms-cli-1",
            )
        )
    result = verve("outbox", "send", env=sms_gateway.env())
    assert result.exit_code == 0, result.output
    assert sms_gateway.references() == {"sms-cli-1": 1}
    assert session.scalar(select(OutboxMessage.status)) == "sent"


def test_outbox_status_counts_uncertain_sms_and_mark_sent_settles_one(verve, session_factory):
    with session_factory.begin() as s:
        row = OutboxMessage(
            kind="meeting_reminder",
            channel="sms",
            to_address="+4791234567",
            subject="SMS",
            body_text="Påminnelse",
            message_id="sms-cli-uncertain",
            status="uncertain",
        )
        s.add(row)
        s.flush()
        outbox_id = row.id

    status = verve("outbox", "status")
    assert status.exit_code == 0 and "uncertain  1" in status.output
    listed = verve("outbox", "list", "--status", "uncertain")
    assert f"{outbox_id:>6}  uncertain" in listed.output

    assert verve("outbox", "mark-sent", str(outbox_id)).exit_code == 0
    with session_factory() as s:
        assert s.get(OutboxMessage, outbox_id).status == "sent"
    assert "uncertain  0" in verve("outbox", "status").output
    assert verve("outbox", "mark-sent", str(outbox_id)).exit_code != 0
