"""Booking rules on both databases: capacity, waitlist order, move-up, cancel, rebook."""

import threading
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from db.models import Applicant, OutboxMessage, Registration, StageEvent
from recruitment.accounts.office_settings import change_setting
from recruitment.core import timefmt
from recruitment.core.errors import MeetingFull, MeetingUnavailable, ValidationFailed
from recruitment.core.links import PUBLIC_URL_MARK
from recruitment.journey import _booking, booking
from recruitment.journey.applicants import sign_up


def book(session_factory, applicant_id, meeting_id, **kwargs) -> tuple[int, str]:
    with session_factory.begin() as s:
        registration = _booking.book_meeting(
            session=s, applicant_id=applicant_id, meeting_id=meeting_id, **kwargs
        )
        return registration.id, registration.status


def statuses(session, meeting_id) -> dict[str, int]:
    rows = session.execute(
        select(Registration.status, func.count())
        .where(Registration.meeting_id == meeting_id)
        .group_by(Registration.status)
    ).all()
    session.rollback()
    return dict(rows)


def outbox(session, **where) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    rows = list(session.scalars(query))
    session.rollback()
    return rows


def parse(ics: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics)


def event_of(ics: str):
    return next(iter(parse(ics).walk("VEVENT")))


def test_booking_gives_a_seat_moves_the_stage_and_queues_a_confirmation_with_an_invite(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id, meeting_id = make_applicant(), make_meeting(capacity=2)
    registration_id, status = book(session_factory, applicant_id, meeting_id)
    assert status == "registered"
    assert session.get(Applicant, applicant_id).stage == "meeting_booked"
    [message] = outbox(session, kind="booking_confirmation")
    assert message.registration_id == registration_id
    assert (
        "my-page?token=" in message.body_text and "teams.example.com/meet/abc" in message.body_text
    )
    calendar = parse(message.ics)
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    event = event_of(message.ics)
    assert event["UID"] == session.get(Registration, registration_id).ics_uid
    assert event["SEQUENCE"] == 0
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Oslo"
    assert event["LOCATION"] == "https://teams.example.com/meet/abc"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_message_and_the_invite_give_the_same_personal_link_in_the_applicants_language(
    session_factory, session, make_applicant, make_meeting, lang
):
    book(session_factory, make_applicant(language=lang, token=f"t0k3n-{lang}"), make_meeting())
    [message] = outbox(session, kind="booking_confirmation")
    # Queued with a mark for the public address, put in when the message is sent.
    link = f"{PUBLIC_URL_MARK}/my-page?token=t0k3n-{lang}&lang={lang}"
    assert link in message.body_text
    assert link in str(event_of(message.ics)["DESCRIPTION"])


def test_the_offices_time_zone_setting_moves_the_message_and_the_invite(
    session_factory, session, make_applicant, make_meeting, admin, monkeypatch
):
    # The zone read here is remembered for the process: put the default back afterwards.
    monkeypatch.setattr(timefmt._Office, "zone", timefmt.zone_named(timefmt.FALLBACK_ZONE))
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="time_zone", value="Europe/London")
    starts = datetime(2030, 12, 3, 17, 0, tzinfo=UTC)  # 17:00 in London, 18:00 in Oslo
    book(session_factory, make_applicant(language="en"), make_meeting(starts_at=starts))
    [message] = outbox(session, kind="booking_confirmation")
    assert "on Tuesday 3 December 2030 at 17:00" in message.body_text
    assert [tz["TZID"] for tz in parse(message.ics).walk("VTIMEZONE")] == ["Europe/London"]
    start = event_of(message.ics).decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London" and start.hour == 17


def test_an_in_person_meeting_puts_the_address_in_the_invite(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(
        mode="in_person", join_url=None, address="Helsehuset, Storgata 1, Fredrikstad"
    )
    book(session_factory, make_applicant(), meeting_id)
    [message] = outbox(session)
    assert event_of(message.ics)["LOCATION"] == "Helsehuset, Storgata 1, Fredrikstad"


def test_a_full_meeting_puts_the_next_applicant_on_the_waitlist_without_an_invite(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=1)
    book(session_factory, make_applicant(), meeting_id)
    second = make_applicant()
    _, status = book(session_factory, second, meeting_id)
    assert status == "waitlisted"
    assert session.get(Applicant, second).stage == "meeting_booked"
    message = outbox(session, applicant_id=second)[0]
    assert message.kind == "waitlisted" and message.ics is None
    # The waitlisted person is not sent the join link before they have a seat.
    assert "teams.example.com" not in str(
        _booking.mail_context(session, session.get(Registration, 2))["place"]
    )


def test_a_full_meeting_refuses_when_the_waitlist_was_not_chosen_and_saves_nothing(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=1)
    book(session_factory, make_applicant(), meeting_id)
    with pytest.raises(MeetingFull):
        book(session_factory, make_applicant(), meeting_id, allow_waitlist=False)
    assert statuses(session, meeting_id) == {"registered": 1}


@pytest.mark.parametrize(
    "change",
    [
        {"status": "cancelled"},
        {"status": "held"},
        {"starts_at": datetime.now(UTC) - timedelta(hours=1)},
    ],
)
def test_a_cancelled_held_or_past_meeting_cannot_be_booked(
    session_factory, session, make_applicant, make_meeting, change
):
    meeting_id = make_meeting(**change)
    applicant_id = make_applicant()
    with pytest.raises(MeetingUnavailable):
        book(session_factory, applicant_id, meeting_id)
    assert statuses(session, meeting_id) == {}
    assert session.get(Applicant, applicant_id).stage == "signed_up"


def test_booking_the_same_meeting_twice_keeps_one_booking_and_sends_one_message(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id, meeting_id = make_applicant(), make_meeting()
    first = book(session_factory, applicant_id, meeting_id)
    assert book(session_factory, applicant_id, meeting_id) == first
    assert len(outbox(session)) == 1


def test_a_cancellation_moves_the_first_waitlisted_person_up_and_tells_them(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=1)
    seated = book(session_factory, make_applicant(), meeting_id)[0]
    first_in_line, second_in_line = make_applicant(), make_applicant()
    first_reg = book(session_factory, first_in_line, meeting_id)[0]
    book(session_factory, second_in_line, meeting_id)
    with session_factory.begin() as s:
        _booking.cancel_registration(session=s, registration_id=seated)
    assert session.get(Registration, first_reg).status == "registered"
    assert statuses(session, meeting_id) == {"registered": 1, "waitlisted": 1, "cancelled": 1}
    [moved_up] = outbox(session, kind="waitlist_moved_up")
    assert moved_up.applicant_id == first_in_line
    assert parse(moved_up.ics)["METHOD"] == "REQUEST"


def test_cancelling_sends_method_cancel_with_the_same_uid_and_returns_the_stage(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id = make_applicant()
    registration_id, _ = book(session_factory, applicant_id, make_meeting())
    with session_factory.begin() as s:
        _booking.cancel_registration(session=s, registration_id=registration_id)
    registration = session.get(Registration, registration_id)
    [message] = outbox(session, kind="booking_cancelled")
    calendar = parse(message.ics)
    event = event_of(message.ics)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == registration.ics_uid and event["SEQUENCE"] == 1
    assert session.get(Applicant, applicant_id).stage == "signed_up"
    moves = session.execute(
        select(StageEvent.from_stage, StageEvent.to_stage).order_by(StageEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [
        (None, "signed_up"),
        ("signed_up", "meeting_booked"),
        ("meeting_booked", "signed_up"),
    ]


def test_rebooking_keeps_the_row_and_uid_and_bumps_the_sequence(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id = make_applicant()
    old_meeting = make_meeting(capacity=1)
    new_meeting = make_meeting(
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=14)
    )
    registration_id, _ = book(session_factory, applicant_id, old_meeting)
    waiting = make_applicant()
    waiting_reg = book(session_factory, waiting, old_meeting)[0]
    uid = session.get(Registration, registration_id).ics_uid
    session.rollback()
    with session_factory.begin() as s:
        moved = _booking.rebook(
            session=s, registration_id=registration_id, to_meeting_id=new_meeting
        )
        assert moved.id == registration_id
    session.expire_all()
    registration = session.get(Registration, registration_id)
    assert (registration.meeting_id, registration.ics_uid, registration.ics_sequence) == (
        new_meeting,
        uid,
        1,
    )
    [message] = outbox(session, kind="rebooked")
    event = event_of(message.ics)
    assert (event["UID"], event["SEQUENCE"]) == (uid, 1)
    # The seat freed at the old meeting goes to the first in line there.
    assert session.get(Registration, waiting_reg).status == "registered"
    assert session.get(Applicant, applicant_id).stage == "meeting_booked"


def test_rebooking_to_a_full_meeting_without_the_waitlist_changes_nothing(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id = make_applicant()
    old_meeting, full_meeting = make_meeting(), make_meeting(capacity=1)
    registration_id, _ = book(session_factory, applicant_id, old_meeting)
    book(session_factory, make_applicant(), full_meeting)
    with pytest.raises(MeetingFull), session_factory.begin() as s:
        _booking.rebook(
            session=s,
            registration_id=registration_id,
            to_meeting_id=full_meeting,
            allow_waitlist=False,
        )
    registration = session.get(Registration, registration_id)
    assert (registration.meeting_id, registration.status, registration.ics_sequence) == (
        old_meeting,
        "registered",
        0,
    )


def test_booking_again_after_cancelling_reuses_the_calendar_entry(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id, meeting_id = make_applicant(), make_meeting()
    registration_id, _ = book(session_factory, applicant_id, meeting_id)
    with session_factory.begin() as s:
        _booking.cancel_registration(session=s, registration_id=registration_id)
    again_id, status = book(session_factory, applicant_id, meeting_id)
    assert (again_id, status) == (registration_id, "registered")
    assert session.get(Registration, registration_id).ics_sequence == 2


def test_open_meetings_show_seats_left_and_hide_cancelled_past_and_combined_ones(
    session, make_applicant, make_meeting, session_factory
):
    soon = make_meeting(capacity=2)
    make_meeting(status="cancelled")
    make_meeting(starts_at=datetime.now(UTC) - timedelta(days=1))
    make_meeting(kind="combined", mode="in_person", join_url=None, address="Kontoret")
    book(session_factory, make_applicant(), soon)
    choices = booking.open_meetings(session)
    assert [(c.id, c.seats_left, c.capacity) for c in choices] == [(soon, 1, 2)]


def test_sign_up_with_a_meeting_creates_the_applicant_and_the_booking_in_one_go(
    session_factory, session, make_meeting
):
    meeting_id = make_meeting()
    raw = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1960,
        "consent": True,
    }
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=raw, meeting_id=meeting_id, lang="en")
    assert result.status == "registered" and result.created and len(result.token) >= 43
    # The same address signing up again for another meeting changes nothing until the
    # owner confirms from the mailbox (tests/integration/test_no_takeover.py).
    other = make_meeting(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=20))
    with session_factory.begin() as s:
        again = sign_up(
            session=s, raw={**raw, "email": "KARI@example.no"}, meeting_id=other, lang="en"
        )
    assert again.pending and again.applicant_id == result.applicant_id
    assert session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert session.get(Registration, result.registration_id).meeting_id == meeting_id
    assert [(m.kind, m.language) for m in outbox(session)] == [
        ("booking_confirmation", "en"),
        ("confirm_sign_up", "en"),
    ]


def test_sign_up_into_a_meeting_that_filled_up_saves_nothing(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=1)
    book(session_factory, make_applicant(), meeting_id)
    raw = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1960,
        "consent": True,
    }
    with pytest.raises(MeetingFull), session_factory.begin() as s:
        sign_up(session=s, raw=raw, meeting_id=meeting_id, allow_waitlist=False)
    assert session.scalar(select(func.count()).select_from(Applicant)) == 1


def test_asking_to_be_phoned_signs_up_without_a_meeting_and_flags_the_call_back(
    session_factory, session
):
    raw = {
        "first_name": "Per",
        "last_name": "Hansen",
        "email": "per@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1950,
        "consent": True,
    }
    with session_factory.begin() as s:
        result = sign_up(session=s, raw=raw, meeting_id=None, callback=True)
    applicant = session.get(Applicant, result.applicant_id)
    assert (
        applicant.stage == "signed_up" and applicant.callback_requested and applicant.prefers_phone
    )
    assert [m.kind for m in outbox(session)] == ["callback_requested"]
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        sign_up(session=s, raw=raw, meeting_id=None, callback=False)
    assert caught.value.fields == {"meeting": "signup.choose_meeting"}


def test_fifty_concurrent_bookings_for_ten_seats_register_exactly_ten(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=10)
    applicants = [make_applicant() for _ in range(50)]
    barrier = threading.Barrier(len(applicants))
    results: dict[int, tuple[int, str, int | None]] = {}
    errors: list[BaseException] = []

    def attempt(applicant_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            with session_factory.begin() as s:
                registration = _booking.book_meeting(
                    session=s, applicant_id=applicant_id, meeting_id=meeting_id
                )
                # The place the booking saw inside its own transaction.
                results[applicant_id] = (
                    registration.id,
                    registration.status,
                    _booking.waitlist_position(s, registration),
                )
        except BaseException as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in applicants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == 50
    assert statuses(session, meeting_id) == {"registered": 10, "waitlisted": 40}
    # Arrival order: the positions each booking was told are 1..40, and the waitlist
    # the database serves is in exactly that order.
    told = sorted(
        (pos, reg_id) for reg_id, status, pos in results.values() if status == "waitlisted"
    )
    assert [pos for pos, _ in told] == list(range(1, 41))
    assert [reg_id for _, reg_id in told] == [r.id for r in _booking.waitlist(session, meeting_id)]
    # Every seated booking arrived before every waitlisted one.
    rows = {r.id: r for r in session.scalars(select(Registration))}
    last_seated = max(
        rows[reg_id].queued_at for reg_id, status, _ in results.values() if status == "registered"
    )
    assert all(rows[reg_id].queued_at >= last_seated for _, reg_id in told)


def run_together(actions) -> list[BaseException]:
    """Start every action in its own thread and transaction at the same moment."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action) -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as error:  # collected and reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_the_same_e_mail_sent_ten_times_at_once_makes_one_applicant_and_one_booking(
    session_factory, session, make_meeting
):
    meeting_id = make_meeting()
    raw = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1960,
        "consent": True,
    }

    def send() -> None:
        with session_factory.begin() as s:
            sign_up(session=s, raw=raw, meeting_id=meeting_id)

    assert run_together([send] * 10) == []
    assert session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert statuses(session, meeting_id) == {"registered": 1}
    # One booking confirmation; the nine that found the address taken asked its owner.
    kinds = sorted(m.kind for m in outbox(session))
    assert kinds == ["booking_confirmation"] + ["confirm_sign_up"] * 9


def test_cancellations_and_new_bookings_at_once_never_exceed_capacity_and_serve_the_line_in_order(
    session_factory, session, make_applicant, make_meeting
):
    meeting_id = make_meeting(capacity=5)
    seated = [book(session_factory, make_applicant(), meeting_id)[0] for _ in range(5)]
    line = [book(session_factory, make_applicant(), meeting_id)[0] for _ in range(6)]
    newcomers = [make_applicant() for _ in range(10)]

    def cancel(registration_id):
        def action() -> None:
            with session_factory.begin() as s:
                _booking.cancel_registration(session=s, registration_id=registration_id)

        return action

    def arrive(applicant_id):
        return lambda: book(session_factory, applicant_id, meeting_id)

    errors = run_together([cancel(r) for r in seated[:3]] + [arrive(a) for a in newcomers])
    assert errors == []
    assert statuses(session, meeting_id) == {"registered": 5, "cancelled": 3, "waitlisted": 13}
    # The three freed seats went to the first three who were already waiting.
    now_seated = set(
        session.scalars(
            select(Registration.id).where(
                Registration.meeting_id == meeting_id, Registration.status == "registered"
            )
        )
    )
    assert now_seated == set(seated[3:]) | set(line[:3])
    assert [r.id for r in _booking.waitlist(session, meeting_id)][:3] == line[3:]


def test_rebooking_from_a_seat_onto_a_waitlist_withdraws_the_calendar_entry(
    session_factory, session, make_applicant, make_meeting
):
    applicant_id = make_applicant()
    seat_meeting, full_meeting = make_meeting(), make_meeting(capacity=1)
    registration_id, _ = book(session_factory, applicant_id, seat_meeting)
    book(session_factory, make_applicant(), full_meeting)
    with session_factory.begin() as s:
        _booking.rebook(session=s, registration_id=registration_id, to_meeting_id=full_meeting)
    [message] = outbox(session, applicant_id=applicant_id, kind="waitlisted")
    assert parse(message.ics)["METHOD"] == "CANCEL"
    assert event_of(message.ics)["SEQUENCE"] == 1
