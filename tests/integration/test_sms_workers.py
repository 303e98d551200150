"""SMS exactly once in practice: two workers on PostgreSQL, and a worker process killed
mid-batch, counted by the outbox reference at a local gateway that records requests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from db.models import JournalEntry, OutboxMessage
from recruitment.messaging.outbox import DeliveryPolicy, work

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


@pytest.mark.parametrize("backend", ["postgresql"])
def test_an_sms_worker_killed_mid_batch_loses_nothing_and_a_second_delivers_the_rest_once(
    database_url, session_factory, sms_gateway
):
    expected = queue_sms(session_factory, 80)
    sms_gateway.delay = 0.02  # slow enough to be killed in the middle

    first = start_worker(database_url, sms_gateway)
    try:
        assert sms_gateway.wait_for(10, timeout=60) >= 10
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(sms_gateway.references()) < 80, "the worker finished before it could be killed"
    assert statuses(session_factory).get("sending", 0) > 0

    second = start_worker(database_url, sms_gateway)
    try:
        sms_gateway.wait_for(80, timeout=60, unique=True)
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=20)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, output

    received = sms_gateway.references()
    assert set(received) == expected  # none lost
    # At most the one SMS in flight when the first worker died reaches the gateway
    # twice, with the same reference (refId) for the gateway to drop.
    assert sum(received.values()) - len(received) <= 1
    assert statuses(session_factory) == {"sent": 80}
