"""The worker loop: reminders on its own, a clean stop, and the transactional outbox."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import OutboxMessage, Registration
from recruitment.messaging._queue import queue_email
from recruitment.messaging.outbox import DeliveryPolicy, work
from tests.smtp import subject


def run_worker(session_factory, smtp_server, stop, totals, **options):
    def run():
        totals["stats"] = work(
            session_factory=session_factory,
            smtp_settings=smtp_server.settings,
            worker_id="loop",
            policy=DeliveryPolicy(lease_seconds=60),
            poll_seconds=0.05,
            stop=stop,
            handle_signals=False,
            **options,
        )

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_worker_queues_due_reminders_by_itself_and_delivers_them(
    session_factory, smtp_server, make_applicant, make_meeting
):
    meeting = make_meeting(starts_at=datetime.now(UTC) + timedelta(days=1))
    applicant = make_applicant(email="kari@example.no", language="en")
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
    stop, totals = threading.Event(), {}
    thread = run_worker(session_factory, smtp_server, stop, totals, reminder_every_seconds=0.1)
    try:
        smtp_server.wait_for(1, timeout=20)
    finally:
        stop.set()
        thread.join(20)

    [mail] = smtp_server.messages
    assert subject(mail).startswith("Reminder: the information meeting on")
    assert totals["stats"].reminders == 1  # and never again, however often the loop ran


def test_a_stopped_worker_finishes_the_message_in_hand_and_gives_the_rest_back(
    session_factory, session, smtp_server
):
    with session_factory.begin() as s:
        for i in range(10):
            queue_email(
                session=s,
                kind="callback_requested",
                to_address=f"p{i}@example.no",
                lang="nb",
                context={},
            )
    smtp_server.handler.delay = 0.2
    stop, totals = threading.Event(), {}
    thread = run_worker(session_factory, smtp_server, stop, totals, batch_size=10)
    smtp_server.wait_for(1, timeout=20)
    stop.set()
    thread.join(20)

    stats = totals["stats"]
    assert stats.sent >= 1 and stats.released >= 1 and stats.sent + stats.released == 10
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    assert counts == {"sent": stats.sent, "queued": stats.released}  # nothing left "sending"
    assert len(smtp_server.messages) == stats.sent


def test_a_message_is_queued_only_if_the_change_that_caused_it_is_saved(session_factory, session):
    with pytest.raises(RuntimeError), session_factory.begin() as s:
        queue_email(
            session=s, kind="callback_requested", to_address="ola@example.no", lang="nb", context={}
        )
        raise RuntimeError("the booking failed after the message was queued")

    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
