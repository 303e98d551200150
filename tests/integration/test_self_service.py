"""The personal link: what it shows and allows, and that a bad link reveals nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import Applicant, Evaluation, Registration
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.journey import _booking, self_service
from recruitment.journey.applicants import _ensure_token
from recruitment.journey.evaluations import AlreadyAnswered


@pytest.fixture
def with_token(session_factory):
    def give(applicant_id: int) -> str:
        with session_factory.begin() as s:
            return _ensure_token(s, s.get(Applicant, applicant_id))

    return give


def booked(session_factory, applicant_id, meeting_id) -> int:
    with session_factory.begin() as s:
        return _booking.book_meeting(session=s, applicant_id=applicant_id, meeting_id=meeting_id).id


def test_the_page_shows_the_booking_the_stage_and_the_coordinator(
    session_factory, make_applicant, make_meeting, with_token, coordinator
):
    applicant_id = make_applicant(coordinator_id=coordinator.id)
    token = with_token(applicant_id)
    meeting_id = make_meeting(mode="in_person", join_url=None, address="Helsehuset")
    booked(session_factory, applicant_id, meeting_id)
    with session_factory() as s:
        page = self_service.my_page(session=s, token=token)
    assert page.stage == "meeting_booked"
    assert page.coordinator_name == "Kari Koordinator"
    [view] = page.bookings
    assert (view.meeting_id, view.status, view.place) == (meeting_id, "registered", "Helsehuset")


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 500, None])
def test_an_unknown_link_reveals_nothing(session_factory, token):
    with pytest.raises(self_service.UnknownLink) as caught, session_factory() as s:
        self_service.my_page(session=s, token=token)
    assert caught.value.key == "self_service.unknown_link"


def test_an_expired_link_is_refused_like_an_unknown_one(
    session_factory, make_applicant, with_token
):
    applicant_id = make_applicant()
    token = with_token(applicant_id)
    with session_factory.begin() as s:
        s.get(Applicant, applicant_id).token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(self_service.UnknownLink), session_factory() as s:
        self_service.my_page(session=s, token=token)


def test_an_anonymised_applicants_link_stops_working(session_factory, make_applicant, with_token):
    applicant_id = make_applicant()
    token = with_token(applicant_id)
    with session_factory.begin() as s:
        s.get(Applicant, applicant_id).anonymised_at = datetime.now(UTC)
    with pytest.raises(self_service.UnknownLink), session_factory() as s:
        self_service.my_page(session=s, token=token)


def test_cancel_then_choose_another_meeting_from_the_link(
    session_factory, session, make_applicant, make_meeting, with_token
):
    applicant_id = make_applicant()
    token = with_token(applicant_id)
    first, second = (
        make_meeting(),
        make_meeting(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)),
    )
    registration_id = booked(session_factory, applicant_id, first)
    with session_factory.begin() as s:
        self_service.cancel_my_booking(session=s, token=token, registration_id=registration_id)
    assert session.get(Applicant, applicant_id).stage == "signed_up"
    session.rollback()
    with session_factory.begin() as s:
        again = self_service.choose_my_meeting(session=s, token=token, meeting_id=second)
    session.expire_all()
    assert session.get(Applicant, applicant_id).stage == "meeting_booked"
    assert session.get(Registration, again).meeting_id == second


def test_someone_elses_booking_cannot_be_cancelled_with_my_link(
    session_factory, session, make_applicant, make_meeting, with_token
):
    mine, theirs = make_applicant(), make_applicant()
    token = with_token(mine)
    their_registration = booked(session_factory, theirs, make_meeting())
    with pytest.raises(NotFound), session_factory.begin() as s:
        self_service.cancel_my_booking(session=s, token=token, registration_id=their_registration)
    assert session.get(Registration, their_registration).status == "registered"


def test_contact_details_are_updated_with_the_same_checks(
    session_factory, session, make_applicant, with_token
):
    applicant_id = make_applicant()
    other = make_applicant(email="taken@example.no")
    token = with_token(applicant_id)
    good = {
        "first_name": "Kari",
        "last_name": "Berg",
        "email": "KARI@example.no",
        "phone": "+47 912 34 567",
        "postcode": "0150",
    }
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        self_service.update_my_contact(
            session=s, token=token, raw={**good, "phone": "12", "postcode": ""}
        )
    assert caught.value.fields == {
        "phone": "validation.phone_invalid",
        "postcode": "validation.required",
    }
    with session_factory.begin() as s:
        # A taken address is not refused here (that would reveal it is registered).
        assert self_service.update_my_contact(
            session=s, token=token, raw={**good, "email": "taken@example.no"}
        )
    with session_factory.begin() as s:
        # A new address waits for its confirmation (tests/integration/test_no_takeover.py).
        assert self_service.update_my_contact(session=s, token=token, raw=good)
    applicant = session.get(Applicant, applicant_id)
    assert (applicant.last_name, applicant.email, applicant.phone, applicant.postcode) == (
        "Berg",
        "ola1@example.no",
        "+4791234567",
        "0150",
    )
    assert session.get(Applicant, other).email == "taken@example.no"


def test_withdrawing_cancels_bookings_and_gives_the_seat_to_the_waitlist(
    session_factory, session, make_applicant, make_meeting, with_token
):
    meeting_id = make_meeting(capacity=1)
    leaving, waiting = make_applicant(), make_applicant()
    token = with_token(leaving)
    booked(session_factory, leaving, meeting_id)
    waiting_reg = booked(session_factory, waiting, meeting_id)
    with session_factory.begin() as s:
        self_service.withdraw_me(session=s, token=token)
    applicant = session.get(Applicant, leaving)
    assert (applicant.stage, applicant.exit_reason) == ("withdrawn", "changed_mind")
    assert session.get(Registration, waiting_reg).status == "registered"


def _attended_held_meeting(session_factory, make_applicant, make_meeting):
    applicant_id = make_applicant()
    meeting_id = make_meeting()
    registration_id = booked(session_factory, applicant_id, meeting_id)
    with session_factory.begin() as s:
        s.get(Registration, registration_id).status = "attended"
        s.get(Registration, registration_id).meeting.status = "held"
    return applicant_id, meeting_id


def test_an_attendee_answers_the_evaluation_once(
    session_factory, session, make_applicant, make_meeting, with_token
):
    applicant_id, meeting_id = _attended_held_meeting(session_factory, make_applicant, make_meeting)
    token = with_token(applicant_id)
    with session_factory() as s:
        assert [
            d.meeting_id for d in self_service.my_page(session=s, token=token).evaluations_due
        ] == [meeting_id]
    answer = dict(
        meeting_id=meeting_id,
        rating=4,
        got_information=True,
        technical_problems=False,
        comment="<b>Bra</b>",
    )
    with session_factory.begin() as s:
        self_service.evaluate_meeting(session=s, token=token, **answer)
    with pytest.raises(AlreadyAnswered), session_factory.begin() as s:
        self_service.evaluate_meeting(session=s, token=token, **answer)
    assert session.scalar(select(func.count()).select_from(Evaluation)) == 1
    assert session.scalars(select(Evaluation)).one().comment == "<b>Bra</b>"
    session.rollback()
    with session_factory() as s:
        assert self_service.my_page(session=s, token=token).evaluations_due == []


def test_only_attendees_of_a_held_meeting_may_evaluate(
    session_factory, make_applicant, make_meeting, with_token
):
    applicant_id = make_applicant()
    meeting_id = make_meeting()
    booked(session_factory, applicant_id, meeting_id)
    token = with_token(applicant_id)
    with pytest.raises(NotFound), session_factory.begin() as s:
        self_service.evaluate_meeting(
            session=s,
            token=token,
            meeting_id=meeting_id,
            rating=5,
            got_information=True,
            technical_problems=False,
        )


@pytest.mark.parametrize("rating", [0, 6, "5", None, True, 3.5])
def test_a_rating_outside_one_to_five_is_refused(
    session_factory, make_applicant, make_meeting, with_token, rating
):
    applicant_id, meeting_id = _attended_held_meeting(session_factory, make_applicant, make_meeting)
    token = with_token(applicant_id)
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        self_service.evaluate_meeting(
            session=s,
            token=token,
            meeting_id=meeting_id,
            rating=rating,
            got_information=None,
            technical_problems=False,
        )
    assert caught.value.fields == {
        "rating": "evaluations.rating_invalid",
        "got_information": "validation.required",
    }
