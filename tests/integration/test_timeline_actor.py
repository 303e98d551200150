"""The applicant's timeline says who acted: a staff member by name, the applicant
themselves (My page, the sign-up form) or the system; a booking moved to another
meeting is an entry of its own, with both meetings and who moved it."""

from datetime import UTC, datetime, timedelta

from db.models import Applicant
from recruitment.casework.journal import timeline
from recruitment.casework.stage_moves import advance_stage
from recruitment.journey import _booking, self_service
from recruitment.journey.applicants import _ensure_token, sign_up


def _raw(**changes) -> dict:
    return {
        "first_name": "Siri",
        "last_name": "Selv",
        "email": "siri@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1970,
        "consent": True,
        **changes,
    }


def _timeline(session_factory, actor, applicant_id):
    with session_factory() as s:
        return timeline(session=s, actor=actor, applicant_id=applicant_id)


def _stages(items):
    return [
        (item["to_stage"], item["actor_kind"], item["who"])
        for item in reversed(items)
        if item["kind"] == "stage"
    ]


def _token(session_factory, applicant_id) -> str:
    with session_factory.begin() as s:
        return _ensure_token(s, s.get(Applicant, applicant_id))


def test_a_public_sign_up_is_credited_to_the_sign_up_form(
    session_factory, make_meeting, coordinator
):
    meeting = make_meeting()
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=_raw(), meeting_id=meeting)
    assert _stages(_timeline(session_factory, coordinator, result.applicant_id)) == [
        ("signed_up", "sign_up_form", None),
        ("meeting_booked", "sign_up_form", None),
    ]


def test_withdrawing_and_cancelling_on_my_page_are_credited_to_the_applicant(
    session_factory, make_applicant, make_meeting, coordinator
):
    applicant_id = make_applicant()
    meeting = make_meeting()
    token = _token(session_factory, applicant_id)
    with session_factory.begin() as s:
        registration = self_service.choose_my_meeting(session=s, token=token, meeting_id=meeting)
    with session_factory.begin() as s:
        self_service.cancel_my_booking(session=s, token=token, registration_id=registration)
    with session_factory.begin() as s:
        self_service.withdraw_me(session=s, token=token)
    assert _stages(_timeline(session_factory, coordinator, applicant_id))[1:] == [
        ("meeting_booked", "my_page", None),
        ("signed_up", "my_page", None),
        ("withdrawn", "my_page", None),
    ]


def test_a_staff_move_names_the_staff_member_and_a_job_is_the_system(
    session_factory, make_applicant, coordinator
):
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            to_stage="withdrawn",
            reason_code="changed_mind",
        )
    # The factory signs up with nobody named and nobody acting: the system.
    assert _stages(_timeline(session_factory, coordinator, applicant_id)) == [
        ("signed_up", "system", None),
        ("withdrawn", "staff", "Kari Koordinator"),
    ]


def test_moving_a_booking_on_my_page_is_a_timeline_entry_with_both_meetings(
    session_factory, make_applicant, make_meeting, coordinator
):
    applicant_id = make_applicant()
    first_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    second_at = first_at + timedelta(days=7)
    first, second = make_meeting(starts_at=first_at), make_meeting(starts_at=second_at)
    token = _token(session_factory, applicant_id)
    with session_factory.begin() as s:
        self_service.choose_my_meeting(session=s, token=token, meeting_id=first)
    with session_factory.begin() as s:
        self_service.choose_my_meeting(session=s, token=token, meeting_id=second)
    [change] = [
        item
        for item in _timeline(session_factory, coordinator, applicant_id)
        if item["kind"] == "meeting_change"
    ]
    assert (change["from_meeting_at"], change["to_meeting_at"]) == (first_at, second_at)
    assert (change["actor_kind"], change["who"]) == ("my_page", None)


def test_a_coordinator_moving_a_booking_is_named_on_the_entry(
    session_factory, make_applicant, make_meeting, coordinator
):
    applicant_id = make_applicant()
    first, second = make_meeting(), make_meeting()
    with session_factory.begin() as s:
        _booking.book_meeting(session=s, applicant_id=applicant_id, meeting_id=first)
    with session_factory.begin() as s:
        _booking.book_or_move(
            session=s, applicant_id=applicant_id, meeting_id=second, by_id=coordinator.id
        )
    [change] = [
        item
        for item in _timeline(session_factory, coordinator, applicant_id)
        if item["kind"] == "meeting_change"
    ]
    assert (change["actor_kind"], change["who"]) == ("staff", "Kari Koordinator")
