"""The hand-over mark that keeps an SMS from being sent twice, rule by rule, on SQLite and
PostgreSQL: a stale claim without the mark is sent (once), one with it becomes uncertain
and is never sent by itself, staff decide (send again, or mark as sent) and only staff
who may manage the outbox. The killed-worker run is in test_sms_workers.py."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from db.models import JournalEntry, OutboxMessage, utcnow
from recruitment.core.access import Actor
from recruitment.core.errors import PermissionDenied
from recruitment.messaging.outbox import (
    DeliveryPolicy,
    _claim,
    _hand_over,
    _mark_sent,
    send_due,
)
from recruitment.messaging.outbox_views import (
    NotRetryable,
    NotUncertain,
    mark_uncertain_sent,
    outbox_counts,
    outbox_message,
    retry_message,
)
from recruitment.messaging.sms_gateway import LinkMobilityGateway

POLICY = DeliveryPolicy(max_attempts=3, backoff_seconds=60, lease_seconds=600)


def queue(session_factory, applicant_id: int | None = None, **fields) -> int:
    values = {
        "kind": "meeting_reminder",
        "channel": "sms",
        "to_address": "+4791234567",
        "language": "nb",
        "subject": "SMS: Påminnelse",
        "body_text": "Påminnelse: møtet er i morgen kl. 18:00.",
        "message_id": f"sms-{uuid.uuid4()}",
        "applicant_id": applicant_id,
        **fields,
    }
    with session_factory.begin() as session:
        return session.execute(insert(OutboxMessage).returning(OutboxMessage.id), [values]).scalar()


def row(session_factory, outbox_id: int) -> OutboxMessage:
    with session_factory() as session:
        found = session.get(OutboxMessage, outbox_id)
        session.expunge(found)
        return found


def left_by_a_dead_worker(session_factory, *, handed_over: bool, applicant_id=None) -> int:
    """A row claimed by a worker that died an hour ago, with or without the mark."""
    an_hour_ago = utcnow() - timedelta(hours=1)
    return queue(
        session_factory,
        applicant_id,
        status="sending",
        claimed_by="dead",
        claimed_at=an_hour_ago,
        handed_over_at=an_hour_ago if handed_over else None,
    )


def claim_as(session_factory, worker_id: str) -> list:
    return _claim(
        session_factory=session_factory,
        worker_id=worker_id,
        batch_size=5,
        policy=POLICY,
        channels=("sms",),
    )


def test_a_stale_claim_without_the_mark_is_reclaimed_and_sent_once(session_factory, sms_gateway):
    outbox_id = left_by_a_dead_worker(session_factory, handed_over=False)
    stats = send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        worker_id="w2",
        policy=POLICY,
    )
    assert (stats.reclaimed, stats.sent, stats.uncertain) == (1, 1, 0)
    assert list(sms_gateway.references().values()) == [1]
    sent = row(session_factory, outbox_id)
    assert sent.status == "sent" and sent.handed_over_at is not None


def test_a_stale_claim_with_the_mark_becomes_uncertain_and_is_never_sent_by_itself(
    session_factory, sms_gateway
):
    outbox_id = left_by_a_dead_worker(session_factory, handed_over=True)
    for _ in range(2):  # a second round does not send it either
        stats = send_due(
            session_factory=session_factory,
            smtp_settings=None,
            sms_provider=sms_gateway.provider,
            worker_id="w2",
            policy=POLICY,
        )
        assert stats.claimed == 0
    assert sms_gateway.requests == []
    uncertain = row(session_factory, outbox_id)
    assert uncertain.status == "uncertain"
    assert uncertain.claimed_by == "dead"  # the last holder, in case it was only slow
    assert uncertain.attempts == 1  # the hand-over was an attempt
    assert "may have reached the gateway" in uncertain.last_error
    with session_factory() as session:
        counts = outbox_counts(session=session, actor=Actor.system())
        shown = outbox_message(
            session=session, actor=Actor.system(), outbox_id=outbox_id, lang="en"
        )
    assert counts["uncertain"] == 1 and counts["sending"] == 0
    assert shown["reason"].startswith("Verve handed the text message to the SMS gateway")


def test_a_slow_worker_whose_sms_was_set_uncertain_still_marks_it_sent_once(
    session_factory, make_applicant
):
    applicant = make_applicant()
    outbox_id = queue(session_factory, applicant)
    [claimed] = _claim(
        session_factory=session_factory,
        worker_id="slow",
        batch_size=5,
        policy=POLICY,
        channels=("sms",),
    )
    assert _hand_over(session_factory, claimed, "slow", POLICY)
    assert not _hand_over(session_factory, claimed, "slow", POLICY)  # only once
    # Its lease runs out while it waits for the gateway; another worker looks.
    later = utcnow() + timedelta(seconds=POLICY.lease_seconds + 1)
    assert (
        _claim(
            session_factory=session_factory,
            worker_id="other",
            batch_size=5,
            policy=POLICY,
            channels=("sms",),
            now=later,
        )
        == []
    )
    assert row(session_factory, outbox_id).status == "uncertain"
    # The gateway answers the slow worker after all: the SMS is sent, journalled once.
    _mark_sent(session_factory, claimed, "slow")
    _mark_sent(session_factory, claimed, "slow")
    assert row(session_factory, outbox_id).status == "sent"
    with session_factory() as session:
        entries = session.scalars(
            select(JournalEntry.channel).where(JournalEntry.outbox_id == outbox_id)
        ).all()
    assert entries == ["sms"]


def test_a_worker_whose_claim_was_taken_over_or_ran_out_does_not_hand_over(session_factory):
    outbox_id = queue(session_factory)
    [claimed] = _claim(
        session_factory=session_factory,
        worker_id="w1",
        batch_size=5,
        policy=POLICY,
        channels=("sms",),
    )
    with session_factory.begin() as session:  # the lease ran out long ago
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(claimed_at=utcnow() - timedelta(hours=1))
        )
    assert not _hand_over(session_factory, claimed, "w1", POLICY)
    [again] = claim_as(session_factory, "w2")
    assert again.reclaimed
    assert not _hand_over(session_factory, claimed, "w1", POLICY)  # w2 holds it now
    assert _hand_over(session_factory, again, "w2", POLICY)
    assert row(session_factory, outbox_id).claimed_by == "w2"


def test_a_gateway_that_never_answers_leaves_the_sms_uncertain_not_retried(
    session_factory, sms_gateway
):
    outbox_id = queue(session_factory)
    sms_gateway.delay = 1.5  # longer than the worker waits
    slow = LinkMobilityGateway(replace(sms_gateway.settings, timeout=0.3))
    stats = send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=slow,
        worker_id="w1",
        policy=DeliveryPolicy(max_attempts=3, backoff_seconds=0, lease_seconds=600),
    )
    assert (stats.sent, stats.retried, stats.uncertain) == (0, 0, 1)
    uncertain = row(session_factory, outbox_id)
    assert uncertain.status == "uncertain" and uncertain.attempts == 1
    assert "no answer from the gateway" in uncertain.last_error
    sms_gateway.delay = 0
    assert sms_gateway.wait_for(1, timeout=5) == 1  # the gateway did get it
    again = send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        worker_id="w1",
        policy=POLICY,
    )
    assert again.claimed == 0 and len(sms_gateway.requests) == 1


def test_send_again_queues_an_uncertain_sms_for_one_new_attempt(
    session_factory, sms_gateway, coordinator
):
    outbox_id = left_by_a_dead_worker(session_factory, handed_over=True)
    claim_as(session_factory, "w2")
    with session_factory.begin() as session:
        retry_message(session=session, actor=coordinator, outbox_id=outbox_id)
    queued = row(session_factory, outbox_id)
    assert (queued.status, queued.handed_over_at, queued.claimed_by) == ("queued", None, None)
    stats = send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        worker_id="w2",
        policy=POLICY,
    )
    assert stats.sent == 1
    assert list(sms_gateway.references().values()) == [1]
    assert row(session_factory, outbox_id).status == "sent"
    with session_factory.begin() as session, pytest.raises(NotRetryable):
        retry_message(session=session, actor=coordinator, outbox_id=outbox_id)


def test_mark_as_sent_journals_an_uncertain_sms_without_sending_it(
    session_factory, sms_gateway, coordinator, make_applicant
):
    applicant = make_applicant()
    outbox_id = left_by_a_dead_worker(session_factory, handed_over=True, applicant_id=applicant)
    claim_as(session_factory, "w2")
    with session_factory.begin() as session:
        mark_uncertain_sent(session=session, actor=coordinator, outbox_id=outbox_id)
    done = row(session_factory, outbox_id)
    assert done.status == "sent" and done.sent_at is not None and done.last_error is None
    with session_factory() as session:
        entries = session.execute(
            select(JournalEntry.channel, JournalEntry.author_id, JournalEntry.applicant_id).where(
                JournalEntry.outbox_id == outbox_id
            )
        ).all()
    assert [tuple(e) for e in entries] == [("sms", coordinator.id, applicant)]
    # Sent means sent: no worker sends it, and it cannot be marked twice.
    send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        worker_id="w2",
        policy=POLICY,
    )
    assert sms_gateway.requests == []
    with session_factory.begin() as session, pytest.raises(NotUncertain):
        mark_uncertain_sent(session=session, actor=coordinator, outbox_id=outbox_id)


def test_only_staff_who_may_manage_the_outbox_decide_on_an_uncertain_sms(session_factory, manager):
    outbox_id = left_by_a_dead_worker(session_factory, handed_over=True)
    claim_as(session_factory, "w2")
    nobody = Actor(id=None, username="anonymous", role="")
    for actor in (manager, nobody):
        for decide in (retry_message, mark_uncertain_sent):
            with session_factory.begin() as session, pytest.raises(PermissionDenied):
                decide(session=session, actor=actor, outbox_id=outbox_id)
    assert row(session_factory, outbox_id).status == "uncertain"
