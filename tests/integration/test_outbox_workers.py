"""Exactly once in practice: concurrent workers on PostgreSQL, and a worker process
killed mid-batch, counted by Message-ID at a real SMTP server."""

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


def queue_many(session_factory, count: int, applicant_id: int | None = None) -> set[str]:
    """`count` plain messages straight into the table (rendering is not under test here)."""
    rows = [
        {
            "kind": "callback_requested",
            "to_address": f"person{i}@example.no",
            "language": "nb",
            "subject": f"Melding {i}",
            "body_text": f"Hei nummer {i}\n",
            "body_html": None,
            "message_id": f"<{uuid.uuid4()}@verve.invalid>",
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
def test_two_workers_on_postgresql_deliver_a_thousand_messages_each_exactly_once(
    session_factory, smtp_server, make_applicant
):
    applicant = make_applicant()
    expected = queue_many(session_factory, 1000, applicant_id=applicant)
    stop = threading.Event()
    totals = {}

    def run(name: str) -> None:
        totals[name] = work(
            session_factory=session_factory,
            smtp_settings=smtp_server.settings,
            worker_id=name,
            batch_size=25,
            policy=policy,
            poll_seconds=0.05,
            stop=stop,
            handle_signals=False,
        )

    policy = DeliveryPolicy(max_attempts=3, backoff_seconds=0.1, lease_seconds=120)
    workers = [threading.Thread(target=run, args=(f"w{n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    try:
        smtp_server.wait_for(1000, timeout=120)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)

    received = smtp_server.message_ids()
    assert set(received) == expected
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1][:5]
    assert statuses(session_factory) == {"sent": 1000}
    # Both workers really took part, and between them sent each message once.
    assert totals["w1"].sent > 100 and totals["w2"].sent > 100, totals
    assert totals["w1"].sent + totals["w2"].sent == 1000
    with session_factory() as session:
        journalled = session.scalar(select(func.count(func.distinct(JournalEntry.outbox_id))))
        assert journalled == session.scalar(select(func.count()).select_from(JournalEntry)) == 1000


def start_worker(database_url: str, smtp_server) -> subprocess.Popen:
    env = {
        **os.environ,
        **smtp_server.env(),
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


def test_a_worker_killed_mid_batch_loses_nothing_and_the_restarted_one_delivers_the_rest(
    database_url, session_factory, smtp_server
):
    expected = queue_many(session_factory, 80)
    smtp_server.handler.delay = 0.01  # slow enough to be killed in the middle

    first = start_worker(database_url, smtp_server)
    try:
        assert smtp_server.wait_for(10, timeout=60) >= 10  # well inside the first batch of 40
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    before_restart = len(smtp_server.message_ids())
    assert before_restart < 80, "the worker finished before it could be killed"
    assert statuses(session_factory).get("sending", 0) > 0  # claims it left behind

    second = start_worker(database_url, smtp_server)
    try:
        smtp_server.wait_for(80, timeout=60, unique=True)
        # SIGTERM: the worker finishes the message in hand and stops cleanly.
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=20)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, output

    received = smtp_server.message_ids()
    assert set(received) == expected  # none lost
    # At most the one message in flight when the first worker died arrives twice,
    # with the same Message-ID, so the receiving side can drop it.
    assert sum(received.values()) - len(received) <= 1
    assert statuses(session_factory) == {"sent": 80}
