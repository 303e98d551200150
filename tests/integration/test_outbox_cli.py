"""`verve outbox send|list|retry` and `verve reminders send` against a real SMTP server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db.models import OutboxMessage, Registration
from recruitment.cli import common, main
from recruitment.messaging._queue import queue_email


@pytest.fixture
def verve(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("recruitment.messaging.smtp.SECRETS_FILES", ())
    common.engine.cache_clear()
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        return result

    yield run
    common.engine().dispose()
    common.engine.cache_clear()


def test_outbox_send_queues_due_reminders_delivers_everything_due_and_prints_counts(
    verve, session_factory, session, smtp_server, make_applicant, make_meeting
):
    meeting = make_meeting(starts_at=datetime.now(UTC) + timedelta(days=1))
    applicant = make_applicant(email="kari@example.no")
    with session_factory.begin() as s:
        s.add(
            Registration(
                applicant_id=applicant,
                meeting_id=meeting,
                status="registered",
                ics_uid=str(uuid.uuid4()),
                created_at=datetime.now(UTC) - timedelta(days=10),
            )
        )
        queue_email(
            session=s, kind="callback_requested", to_address="ola@example.no", lang="nb", context={}
        )

    result = verve("outbox", "send", env=smtp_server.env())

    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output and "reminders 1" in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["kari@example.no", "ola@example.no"]


def test_outbox_list_shows_failed_messages_and_retry_queues_one_again(
    verve, session_factory, session, smtp_server
):
    with session_factory.begin() as s:
        outbox_id = queue_email(
            session=s,
            kind="callback_requested",
            to_address="gone@example.no",
            lang="en",
            context={},
        ).id
    smtp_server.handler.refuse.add("gone@example.no")
    assert "failed 1" in verve("outbox", "send", env=smtp_server.env()).output

    listed = verve("outbox", "list", "--status", "failed")
    assert (
        f"{outbox_id}" in listed.output
        and "gone@example.no" in listed.output
        and "550" in listed.output
    )

    assert verve("outbox", "retry", str(outbox_id)).exit_code == 0
    assert (
        session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == outbox_id))
        == "queued"
    )
    session.rollback()
    again = verve("outbox", "retry", str(outbox_id))
    assert again.exit_code != 0 and "Only failed or uncertain messages" in again.output


def test_without_smtp_outbox_send_says_so_and_leaves_the_queue_alone(
    verve, session_factory, session, monkeypatch
):
    monkeypatch.delenv("VERVE_SMTP_HOST", raising=False)
    with session_factory.begin() as s:
        queue_email(
            session=s, kind="callback_requested", to_address="ola@example.no", lang="nb", context={}
        )

    result = verve("outbox", "send")

    assert result.exit_code == 0
    assert "no SMTP configured" in result.output
    assert session.scalar(select(OutboxMessage.status)) == "queued"
