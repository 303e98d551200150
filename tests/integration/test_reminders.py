"""Meeting reminders: when they are queued, to whom, and never twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Applicant, InfoMeeting, OutboxMessage, Registration, Setting
from recruitment.messaging.reminders import queue_due_reminders

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def register(session_factory):
    def make(
        applicant_id: int,
        meeting_id: int,
        status: str = "registered",
        *,
        booked_days_before: int = 10,
    ) -> int:
        with session_factory.begin() as s:
            meeting = s.get(InfoMeeting, meeting_id)
            registration = Registration(
                applicant_id=applicant_id,
                meeting_id=meeting_id,
                status=status,
                ics_uid=str(uuid.uuid4()),
                created_at=meeting.starts_at - timedelta(days=booked_days_before),
            )
            s.add(registration)
            s.flush()
            return registration.id

    return make


def run(session_factory, now=NOW) -> int:
    with session_factory.begin() as s:
        return queue_due_reminders(session=s, now=now)


def reminders(session) -> list[OutboxMessage]:
    session.expire_all()
    found = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "meeting_reminder")
        .order_by(OutboxMessage.id)
    ).all()
    session.rollback()
    return found


def test_a_reminder_is_queued_once_the_meeting_is_within_the_reminder_days(
    session_factory, session, make_applicant, make_meeting, register
):
    meeting = make_meeting(
        starts_at=NOW + timedelta(days=2, hours=8), mode="in_person", address="Helsehuset"
    )
    applicant = make_applicant(first_name="Åse", email="aase@example.no", language="nb")
    registration = register(applicant, meeting)

    assert (
        run(session_factory, NOW) == 0
    )  # two days and eight hours ahead: not yet (default: 2 days)
    assert run(session_factory, NOW + timedelta(hours=9)) == 1

    [reminder] = reminders(session)
    assert (reminder.to_address, reminder.registration_id, reminder.meeting_id) == (
        "aase@example.no",
        registration,
        meeting,
    )
    assert reminder.subject.startswith("Påminnelse: informasjonsmøtet")
    assert "Hei Åse!" in reminder.body_text and "Helsehuset" in reminder.body_text


def test_reminders_are_never_queued_twice(
    session_factory, session, make_applicant, make_meeting, register
):
    meeting = make_meeting(starts_at=NOW + timedelta(days=1))
    register(make_applicant(), meeting)

    assert run(session_factory) == 1
    assert run(session_factory) == 0
    assert run(session_factory, NOW + timedelta(hours=12)) == 0
    assert len(reminders(session)) == 1


def test_the_number_of_days_is_a_setting_and_zero_turns_reminders_off(
    session_factory, session, make_applicant, make_meeting, register
):
    register(make_applicant(), make_meeting(starts_at=NOW + timedelta(days=4)))
    with session_factory.begin() as s:
        s.add(Setting(key="reminder_days_before", value=0))
    assert run(session_factory) == 0
    with session_factory.begin() as s:
        s.get(Setting, "reminder_days_before").value = 5
    assert run(session_factory) == 1


def test_no_reminder_for_cancelled_meetings_cancelled_or_waitlisted_places_or_people_who_left(
    session_factory, session, make_applicant, make_meeting, register
):
    soon = NOW + timedelta(days=1)
    cancelled_meeting = make_meeting(starts_at=soon, status="cancelled")
    register(make_applicant(), cancelled_meeting)
    meeting = make_meeting(starts_at=soon)
    register(make_applicant(), meeting, "cancelled")
    register(make_applicant(), meeting, "waitlisted")
    left = make_applicant()
    with session_factory.begin() as s:
        s.get(Applicant, left).stage = "withdrawn"
    register(left, meeting)
    register(make_applicant(), make_meeting(starts_at=NOW - timedelta(hours=1)))  # already begun
    still_registered = register(make_applicant(), meeting)

    assert run(session_factory) == 1
    assert [r.registration_id for r in reminders(session)] == [still_registered]


def test_someone_who_booked_inside_the_reminder_window_gets_no_reminder(
    session_factory, session, make_applicant, make_meeting, register
):
    meeting = make_meeting(starts_at=NOW + timedelta(days=1))
    register(make_applicant(), meeting, booked_days_before=1)  # their confirmation is a day old

    assert run(session_factory) == 0


def test_a_registration_moved_to_another_meeting_is_reminded_of_the_new_one(
    session_factory, session, make_applicant, make_meeting, register
):
    first = make_meeting(starts_at=NOW + timedelta(days=1))
    registration = register(make_applicant(), first)
    assert run(session_factory) == 1
    later = make_meeting(starts_at=NOW + timedelta(days=8))
    with session_factory.begin() as s:
        s.get(
            Registration, registration
        ).meeting_id = later  # rebooked: same registration, new meeting

    assert run(session_factory, NOW + timedelta(days=6, hours=1)) == 1
    assert [r.meeting_id for r in reminders(session)] == [first, later]
