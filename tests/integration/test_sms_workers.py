"""SMS exactly once in practice: two workers on PostgreSQL, and a worker process killed
while the gateway holds one of its SMS, counted by the outbox reference at a local
gateway that records requests. (The rules one by one: tests/integration/test_sms_handover.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from db.models import JournalEntry, OutboxMessage
from recruitment.core.access import Actor
from recruitment.messaging.outbox import DeliveryPolicy, work
from recruitment.messaging.outbox_views import outbox_messages

CLI = Actor.system("test")

VERVE = str(Path(sys.executable).with_name("verve"))


def queue_sms(session_factory, count: int, applicant_id: int | None = None) -> set[str]:
    rows = [
        {
            "kind": "meeting_reminder",
            "channel": "sms",
            "to_address": f"+479{i:07d}",
            "language": "nb",
            "subject": "SMS: Påminnelse",
            "body_text": f"Påminnelse nummer {i}: møtet er i morgen kl. 18:00.",
            "message_id": f"sms-{uuid.uuid4()}",
            "applicant_id": applicant_id,
        }
        for i in range(count)
    ]
    with session_factory.begin() as session:
        session.execute(insert(OutboxMessage), rows)
    return {r["message_id"] for r in rows}


def statuses(session_factory) -> dict[str, int]:
    with session_factory() as session:
        return dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_workers_on_postgresql_deliver_each_sms_exactly_once(
    session_factory, sms_gateway, make_applicant
):
    applicant = make_applicant()
    expected = queue_sms(session_factory, 400, applicant_id=applicant)
    stop = threading.Event()
    totals = {}
    policy = DeliveryPolicy(max_attempts=3, backoff_seconds=0.1, lease_seconds=120)

    def run(name: str) -> None:
        totals[name] = work(
            session_factory=session_factory,
            smtp_settings=None,
            sms_provider=sms_gateway.provider,
            worker_id=name,
            batch_size=20,
            policy=policy,
            poll_seconds=0.05,
            stop=stop,
            handle_signals=False,
        )

    workers = [threading.Thread(target=run, args=(f"w{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    try:
        sms_gateway.wait_for(400, timeout=120)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)

    received = sms_gateway.references()
    assert set(received) == expected
    assert max(received.values()) == 1
    assert statuses(session_factory) == {"sent": 400}
    assert totals["w1"].sent > 20 and totals["w2"].sent > 20, totals
    with session_factory() as session:
        channels = session.scalars(select(JournalEntry.channel).distinct()).all()
        assert channels == ["sms"]
        assert session.scalar(select(func.count(func.distinct(JournalEntry.outbox_id)))) == 400


def start_worker(database_url: str, sms_gateway) -> subprocess.Popen:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VERVE_SMTP_", "VERVE_SMS_"))
    }
    env |= {
        **sms_gateway.env(),
        "DATABASE_URL": database_url,
        "VERVE_MAIL_LEASE_SECONDS": "1",
        "VERVE_MAIL_BACKOFF_SECONDS": "0.1",
    }
    return subprocess.Popen(
        [
            VERVE,
            "outbox",
            "work",
            "--poll",
            "0.1",
            "--batch-size",
            "40",
            "--reminders-every",
            "3600",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


# On SQLite too: one worker at a time there (a lock file the kernel frees when it dies).
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_sms_worker_killed_while_the_gateway_holds_an_sms_sends_nothing_twice(
    database_url, session_factory, sms_gateway
):
    expected = queue_sms(session_factory, 80)
    # The gateway takes the 5th SMS and keeps the worker waiting for its answer: the
    # kill lands after the hand-over and before the worker hears back, every time.
    sms_gateway.hold(5)

    first = start_worker(database_url, sms_gateway)
    try:
        assert sms_gateway.holding.wait(60), "the gateway never got the 5th SMS"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        sms_gateway.release()
    held = sms_gateway.requests[4]["refId"]
    assert len(sms_gateway.references()) == 5
    # The rest of the dead worker's batch was claimed (40) but not handed over.
    assert statuses(session_factory).get("sending", 0) == 36

    second = start_worker(database_url, sms_gateway)
    try:
        assert wait_until(lambda: statuses(session_factory) == {"sent": 79, "uncertain": 1}), (
            statuses(session_factory)
        )
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=20)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, output
    assert "reclaimed 35" in output, output  # the first worker's batch, less the held one

    received = sms_gateway.references()
    assert set(received) == expected  # none lost
    assert all(count == 1 for count in received.values()), received  # none twice

    with session_factory() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id == held)).one()
        assert row.status == "uncertain" and row.handed_over_at is not None
        frame = outbox_messages(session=session, actor=CLI, status="uncertain", lang="en")
        nb = outbox_messages(session=session, actor=CLI, status="uncertain", lang="nb")
    assert list(frame["id"]) == [row.id]
    assert list(frame["status_label"]) == ["Uncertain"]
    assert frame["last_error"][0].startswith("Verve handed the text message to the SMS gateway")
    assert nb["last_error"][0].startswith("Verve ga SMS-en videre")
