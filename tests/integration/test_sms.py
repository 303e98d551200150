"""SMS through the outbox: chosen at sign-up, queued with the booking, delivered to a
local gateway that records requests, retried with back-off, never twice, nothing after
a cancellation, and stopped by the opt-out word."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from db.models import Applicant, InfoMeeting, JournalEntry, OutboxMessage
from recruitment.casework import meetings
from recruitment.core.errors import ValidationFailed
from recruitment.journey import self_service
from recruitment.journey.applicants import sign_up
from recruitment.messaging.opt_out import receive_sms_reply
from recruitment.messaging.outbox import DeliveryPolicy, send_due
from recruitment.messaging.reminders import queue_due_reminders

FAST = DeliveryPolicy(max_attempts=3, backoff_seconds=60, lease_seconds=600)


def raw(**fields) -> dict:
    return {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "912 34 567",
        "postcode": "1606",
        "birth_year": 1955,
        "consent": True,
        "channels": ["sms"],
        **fields,
    }


def messages(session, **where) -> list[SimpleNamespace]:
    """The outbox rows as plain values (no open transaction is left behind)."""
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    found = [
        SimpleNamespace(**{c.key: getattr(m, c.key) for c in OutboxMessage.__table__.columns})
        for m in session.scalars(query)
    ]
    session.rollback()
    return found


def remind_at(session_factory, meeting_id: int, before: timedelta = timedelta(days=1)) -> int:
    with session_factory.begin() as s:
        starts = s.get(InfoMeeting, meeting_id).starts_at
    with session_factory.begin() as s:
        return queue_due_reminders(session=s, now=starts - before)


def test_a_booking_by_someone_who_chose_sms_queues_one_sms_confirmation_and_one_reminder(
    session_factory, session, make_meeting, sms_gateway
):
    meeting_id = make_meeting(mode="in_person", address="Helsehuset, Kirkegata 1", join_url=None)
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=raw(), meeting_id=meeting_id)
    assert remind_at(session_factory, meeting_id) == 1
    assert remind_at(session_factory, meeting_id, timedelta(hours=2)) == 0  # never twice

    sms = messages(session, channel="sms")
    assert [m.kind for m in sms] == ["booking_confirmation", "meeting_reminder"]
    assert {m.to_address for m in sms} == {"+4791234567"}
    # She chose SMS only: no e-mail although she has an address.
    assert messages(session, channel="email") == []

    stats = send_due(
        session_factory=session_factory, smtp_settings=None, sms_provider=sms_gateway.provider
    )
    assert stats.sent == 2
    assert sms_gateway.references() == {m.message_id: 1 for m in sms}
    first = sms_gateway.requests[0]
    assert first["destination"] == "+4791234567" and first["source"] == "Kommunen"
    assert "Helsehuset, Kirkegata 1" in first["userData"] and "Kari" in first["userData"]
    journal = session.scalars(
        select(JournalEntry).where(JournalEntry.applicant_id == result.applicant_id)
    ).all()
    assert sorted(j.channel for j in journal if j.outbox_id) == ["sms", "sms"]


def test_email_and_sms_chosen_together_each_get_the_reminder_once_even_when_staff_send_it_again(
    session_factory, session, make_meeting, coordinator
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        sign_up(session=s, raw=raw(channels=["email", "sms"]), meeting_id=meeting_id)
    remind_at(session_factory, meeting_id)
    with session_factory.begin() as s:
        meetings.send_reminder(session=s, actor=coordinator, meeting_id=meeting_id)
    remind_at(session_factory, meeting_id, timedelta(hours=3))
    reminders = messages(session, kind="meeting_reminder")
    assert sorted(m.channel for m in reminders) == ["email", "sms"]


def test_a_reminder_queued_before_the_booking_was_cancelled_is_withdrawn_not_sent(
    session_factory, session, make_meeting, sms_gateway
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=raw(), meeting_id=meeting_id)
    remind_at(session_factory, meeting_id)
    with session_factory.begin() as s:
        self_service.cancel_my_booking(
            session=s, token=result.token, registration_id=result.registration_id
        )
    remind_at(session_factory, meeting_id, timedelta(hours=2))  # nothing new after cancelling
    send_due(session_factory=session_factory, smtp_settings=None, sms_provider=sms_gateway.provider)
    sent_kinds = [r["userData"] for r in sms_gateway.requests]
    statuses = {m.kind: m.status for m in messages(session, channel="sms")}
    assert statuses["meeting_reminder"] == "withdrawn"
    assert statuses["booking_cancelled"] == "sent"
    assert not any("Påminnelse" in text for text in sent_kinds)


def test_a_gateway_error_is_retried_with_back_off_and_nothing_is_lost(
    session_factory, session, make_meeting, sms_gateway
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        sign_up(session=s, raw=raw(), meeting_id=meeting_id)
    sms_gateway.fail_with, sms_gateway.fail_times = 503, 1
    before = datetime.now(UTC)
    stats = send_due(
        session_factory=session_factory,
        smtp_settings=None,
        sms_provider=sms_gateway.provider,
        policy=FAST,
    )
    assert (stats.sent, stats.retried) == (0, 1)
    [waiting] = messages(session, channel="sms")
    assert waiting.status == "queued" and waiting.attempts == 1
    assert "HTTP 503" in waiting.last_error
    assert waiting.next_attempt_at >= before + timedelta(seconds=59)
    # Due again after the back-off: delivered, with the same reference.
    with session_factory.begin() as s:
        s.get(OutboxMessage, waiting.id).next_attempt_at = datetime.now(UTC)
    send_due(session_factory=session_factory, smtp_settings=None, sms_provider=sms_gateway.provider)
    assert sms_gateway.references() == {waiting.message_id: 1}
    assert messages(session, channel="sms")[0].status == "sent"


def test_a_number_the_gateway_refuses_fails_at_once_with_its_reason(
    session_factory, session, make_meeting, sms_gateway
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        sign_up(session=s, raw=raw(), meeting_id=meeting_id)
    sms_gateway.fail_with, sms_gateway.fail_times = 400, 5
    send_due(session_factory=session_factory, smtp_settings=None, sms_provider=sms_gateway.provider)
    [refused] = messages(session, channel="sms")
    assert refused.status == "failed" and "HTTP 400" in refused.last_error


def test_without_a_gateway_sms_stay_queued_while_mail_is_delivered(
    session_factory, session, make_meeting, smtp_server
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        sign_up(session=s, raw=raw(channels=["email", "sms"]), meeting_id=meeting_id)
    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings)
    assert {m.channel: m.status for m in messages(session)} == {"email": "sent", "sms": "queued"}


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("+46 70 123 45 67", "validation.sms_number_not_norwegian"),
        ("69 00 00 00", "validation.sms_number_not_mobile"),
        ("12345678", "validation.sms_number_invalid"),
    ],
)
def test_sms_to_a_foreign_landline_or_malformed_number_is_refused_with_a_clear_message(
    session_factory, session, make_meeting, phone, message
):
    meeting_id = make_meeting()
    with pytest.raises(ValidationFailed) as refused, session_factory.begin() as s:
        sign_up(session=s, raw=raw(phone=phone), meeting_id=meeting_id)
    assert refused.value.fields["phone"] == message
    assert session.scalar(select(Applicant.id)) is None  # nothing half-saved


def test_the_opt_out_word_stops_further_sms_and_is_in_the_journal(
    session_factory, session, make_meeting
):
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=raw(channels=["email", "sms"]), meeting_id=meeting_id)
    with session_factory.begin() as s:
        assert receive_sms_reply(session=s, from_number="91234567", text="Hei, ses!") == 0
        assert receive_sms_reply(session=s, from_number="+47 912 34 567", text=" stopp ") == 1
    remind_at(session_factory, meeting_id)
    assert [m.channel for m in messages(session, kind="meeting_reminder")] == ["email"]
    applicant = session.get(Applicant, result.applicant_id)
    assert applicant.sms_opted_out_at is not None
    assert any("STOPP" in (j.subject or "").upper() for j in session.scalars(select(JournalEntry)))
