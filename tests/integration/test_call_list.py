"""The call list: a phone sign-up without e-mail is on the next day's list, its outcome
is in the journal, and someone not reached is listed again the next day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Applicant, JournalEntry, OutboxMessage
from recruitment.casework.call_list import call_list, record_call_outcome
from recruitment.core.errors import PermissionDenied
from recruitment.core.timefmt import office_datetime
from recruitment.journey.applicants import register_caller

TODAY = datetime.now(UTC).date() + timedelta(days=30)


def caller(**fields) -> dict:
    return {
        "first_name": "Per",
        "last_name": "Olsen",
        "email": "",
        "phone": "69 12 34 56",  # a landline: calls only
        "postcode": "1606",
        "birth_year": 1948,
        "consent": True,
        **fields,
    }


@pytest.fixture
def tomorrow_meeting(make_meeting):
    from datetime import time

    return make_meeting(
        starts_at=office_datetime(TODAY + timedelta(days=1), time(18)),
        mode="in_person",
        address="Helsehuset",
        join_url=None,
    )


def test_a_phone_sign_up_without_email_is_on_the_next_days_call_list_and_its_outcome_journalled(
    session_factory, session, coordinator, tomorrow_meeting
):
    with session_factory.begin() as s:
        result = register_caller(
            session=s,
            actor=coordinator,
            raw=caller(instead_of_email="letter"),
            meeting_id=tomorrow_meeting,
        )
    applicant = session.get(Applicant, result.applicant_id)
    assert applicant.email is None and applicant.call_consent_at is not None
    # No e-mail to send: what he gets instead is in the journal.
    notes = session.scalars(
        select(JournalEntry.subject).where(JournalEntry.applicant_id == result.applicant_id)
    ).all()
    assert any("brev" in (n or "") for n in notes)
    assert session.scalar(select(OutboxMessage.id)) is None
    session.rollback()

    with session_factory() as s:
        rows = call_list(session=s, actor=coordinator, day=TODAY)
    assert [(r.name, r.phone, r.why) for r in rows] == [("Per Olsen", "+4769123456", "chose_call")]

    with session_factory.begin() as s:
        record_call_outcome(
            session=s, actor=coordinator, registration_id=rows[0].registration_id, outcome="reached"
        )
    with session_factory() as s:
        assert call_list(session=s, actor=coordinator, day=TODAY) == []
        journal = s.scalars(
            select(JournalEntry).where(
                JournalEntry.applicant_id == result.applicant_id, JournalEntry.channel == "phone"
            )
        ).all()
    assert [j.subject for j in journal] == ["Ringt om møtet: nådd"]
    assert journal[0].author_id == coordinator.id


def test_someone_not_reached_is_listed_again_the_next_day_and_not_after_being_reached(
    session_factory, coordinator, tomorrow_meeting
):
    with session_factory.begin() as s:
        register_caller(session=s, actor=coordinator, raw=caller(), meeting_id=tomorrow_meeting)
    with session_factory() as s:
        [row] = call_list(session=s, actor=coordinator, day=TODAY)
    from datetime import time

    with session_factory.begin() as s:
        record_call_outcome(
            session=s,
            actor=coordinator,
            registration_id=row.registration_id,
            outcome="no_answer",
            now=office_datetime(TODAY, time(10)),
        )
    with session_factory() as s:
        assert call_list(session=s, actor=coordinator, day=TODAY) == []  # not again today
        [again] = call_list(session=s, actor=coordinator, day=TODAY + timedelta(days=1))
    assert again.last_outcome == "no_answer"
    with session_factory.begin() as s:
        record_call_outcome(
            session=s,
            actor=coordinator,
            registration_id=row.registration_id,
            outcome="left_message",
            now=office_datetime(TODAY + timedelta(days=1), time(9)),
        )
    with session_factory() as s:
        assert call_list(session=s, actor=coordinator, day=TODAY + timedelta(days=1)) == []


def test_people_with_email_or_sms_only_are_not_on_the_call_list(
    session_factory, coordinator, tomorrow_meeting
):
    with session_factory.begin() as s:
        register_caller(
            session=s,
            actor=coordinator,
            raw=caller(email="kari@example.no", phone="91234567", channels=["email", "sms"]),
            meeting_id=tomorrow_meeting,
        )
    with session_factory() as s:
        assert call_list(session=s, actor=coordinator, day=TODAY) == []


def test_a_manager_may_not_record_a_call(session_factory, manager, coordinator, tomorrow_meeting):
    with session_factory.begin() as s:
        register_caller(session=s, actor=coordinator, raw=caller(), meeting_id=tomorrow_meeting)
    with session_factory() as s:
        [row] = call_list(session=s, actor=coordinator, day=TODAY)
    with pytest.raises(PermissionDenied), session_factory.begin() as s:
        record_call_outcome(
            session=s, actor=manager, registration_id=row.registration_id, outcome="reached"
        )
