"""Information meetings on SQLite and PostgreSQL: planning, series, attendance,
reminders, confirmations and cancellation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from db.models import (
    Applicant,
    InfoMeeting,
    OutboxMessage,
    Registration,
    StageEvent,
)
from recruitment.casework import attendance, meeting_views, meetings
from recruitment.core.errors import NotFound, PermissionDenied, ValidationFailed
from recruitment.core.timefmt import format_when, local
from tests.stages import step_to

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def book(session_factory):
    """Put an applicant on a meeting as the public booking does (seat or waitlist)."""

    def make(applicant_id: int, meeting_id: int, status: str = "registered") -> int:
        with session_factory.begin() as s:
            registration = Registration(
                applicant_id=applicant_id,
                meeting_id=meeting_id,
                status=status,
                ics_uid=f"{uuid.uuid4()}@test",
            )
            s.add(registration)
            s.flush()
            step_to(session=s, applicant_id=applicant_id, to_stage="meeting_booked", by_id=None)
            return registration.id

    return make


def stages(session, applicant_id):
    return [
        e.to_stage
        for e in session.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id)
        )
    ]


def outbox(session, kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.scalars(query))


# --- series and time zones ---------------------------------------------------------


def test_first_tuesday_of_every_month_for_six_months_stays_at_18_oslo_time_across_dst(
    session_factory, coordinator
):
    with session_factory.begin() as s:
        ids = meetings.create_series(
            session=s,
            actor=coordinator,
            first_day=date(2026, 1, 1),
            at=time(18, 0),
            rule="monthly",
            nth=1,
            weekday=1,
            count=6,
            mode="in_person",
            address="Helsehuset, Storgata 1",
            capacity=20,
            now=datetime(2025, 12, 1, tzinfo=UTC),
        )
    with session_factory() as s:
        rows = [s.get(InfoMeeting, i) for i in ids]
        assert [local(m.starts_at).date() for m in rows] == [
            date(2026, 1, 6),
            date(2026, 2, 3),
            date(2026, 3, 3),
            date(2026, 4, 7),
            date(2026, 5, 5),
            date(2026, 6, 2),
        ]
        assert {local(m.starts_at).time() for m in rows} == {time(18, 0)}
        # Winter time is UTC+1, summer time (from 29 March 2026) UTC+2.
        assert [m.starts_at.hour for m in rows] == [17, 17, 17, 16, 16, 16]
        assert len({m.series_id for m in rows}) == 1 and rows[0].series_id


def test_a_series_with_a_bad_field_creates_no_meeting(session_factory, session, coordinator):
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        meetings.create_series(
            session=s,
            actor=coordinator,
            first_day=date(2026, 4, 1),
            at=time(18),
            rule="weekly",
            count=4,
            mode="digital",
            join_url="not a link",
            capacity=10,
            now=NOW,
        )
    assert caught.value.fields == {"join_url": "meetings.error_join_url_invalid"}
    assert session.scalars(select(InfoMeeting)).all() == []


# --- creating and editing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, problems",
    [
        ({"mode": "digital", "join_url": None}, {"join_url": "meetings.error_join_url_required"}),
        ({"mode": "in_person", "address": "  "}, {"address": "meetings.error_address_required"}),
        (
            {"mode": "digital", "join_url": "https://teams.example/x", "capacity": 0},
            {"capacity": "meetings.error_capacity"},
        ),
        (
            {"mode": "digital", "join_url": "https://teams.example/x", "duration_minutes": 0},
            {"duration_minutes": "meetings.error_duration"},
        ),
        (
            {"mode": "digital", "join_url": "https://teams.example/x", "language": "sv"},
            {"language": "meetings.error_language"},
        ),
        (
            {
                "mode": "digital",
                "join_url": "https://teams.example/x",
                "starts_at": NOW - timedelta(hours=1),
            },
            {"starts_at": "meetings.error_in_past"},
        ),
    ],
)
def test_a_meeting_with_missing_or_bad_details_is_refused_field_by_field(
    session, coordinator, fields, problems
):
    values = {"starts_at": NOW + timedelta(days=3), "capacity": 10, "now": NOW} | fields
    with pytest.raises(ValidationFailed) as caught:
        meetings.create_meeting(session=session, actor=coordinator, **values)
    assert caught.value.fields == problems


def test_a_digital_meeting_keeps_its_link_and_an_in_person_one_its_address(
    session, coordinator, make_staff
):
    host = make_staff("coordinator", full_name="Vera Vert")
    digital = meetings.create_meeting(
        session=session,
        actor=coordinator,
        starts_at=NOW + timedelta(days=1),
        mode="digital",
        join_url="https://teams.example/meet/1",
        address="ignored",
        capacity=30,
        language="en",
        host_id=host.id,
        now=NOW,
    )
    view = meeting_views.get_meeting(session=session, actor=coordinator, meeting_id=digital)
    assert (view.join_url, view.address, view.language, view.host_name) == (
        "https://teams.example/meet/1",
        None,
        "en",
        "Vera Vert",
    )


def test_editing_the_time_sends_registrants_an_updated_invitation(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=5))
    first = book(make_applicant(), meeting_id)
    book(make_applicant(), meeting_id, status="waitlisted")
    with session_factory.begin() as s:
        queued = meetings.edit_meeting(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            starts_at=NOW + timedelta(days=6),
            mode="digital",
            join_url="https://teams.example.com/meet/abc",
            capacity=10,
            now=NOW,
        )
    assert queued == 2  # the moved seat and the waitlisted person who now has a seat
    with session_factory() as s:
        assert s.get(Registration, first).ics_sequence == 1
        assert {r.status for r in s.scalars(select(Registration))} == {"registered"}
        assert all(m.ics and "BEGIN:VCALENDAR" in m.ics for m in outbox(s, "booking_confirmation"))


def test_capacity_cannot_drop_below_the_seats_already_taken(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=5), capacity=3)
    for _ in range(2):
        book(make_applicant(), meeting_id)
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        meetings.edit_meeting(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            starts_at=NOW + timedelta(days=5),
            mode="digital",
            join_url="https://teams.example.com/meet/abc",
            capacity=1,
            now=NOW,
        )
    assert caught.value.fields == {"capacity": "meetings.error_capacity_below_registered"}


# --- lists -------------------------------------------------------------------------------


def test_upcoming_and_past_meetings_are_listed_apart_with_their_counts(
    session, coordinator, make_applicant, make_meeting, book
):
    past = make_meeting(starts_at=NOW - timedelta(days=10))
    later = make_meeting(starts_at=NOW + timedelta(days=10))
    soon = make_meeting(starts_at=NOW + timedelta(hours=2), capacity=1)
    book(make_applicant(), soon)
    book(make_applicant(), soon, status="waitlisted")
    upcoming = meeting_views.list_meetings(
        session=session, actor=coordinator, when="upcoming", now=NOW
    )
    assert [m.id for m in upcoming] == [soon, later]
    assert (upcoming[0].registered, upcoming[0].waitlisted, upcoming[0].seats_left) == (1, 1, 0)
    assert [
        m.id
        for m in meeting_views.list_meetings(
            session=session, actor=coordinator, when="past", now=NOW
        )
    ] == [past]


def test_a_limited_list_shows_the_nearest_meetings_each_with_only_its_own_counts(
    session, coordinator, make_applicant, make_meeting, book
):
    """The list picks its meetings before it counts bookings: the counts must still be
    each meeting's own, and the order and the cut the same, on both sides of today."""
    past = [make_meeting(starts_at=NOW - timedelta(days=d)) for d in (30, 20, 10)]
    coming = [make_meeting(starts_at=NOW + timedelta(days=d)) for d in (10, 20, 30)]
    for n, meeting_id in enumerate(past + coming):
        for _ in range(n % 3 + 1):
            book(make_applicant(), meeting_id)
        book(make_applicant(), meeting_id, status="waitlisted")

    def listed(when: str) -> list[tuple[int, int, int]]:
        views = meeting_views.list_meetings(
            session=session, actor=coordinator, when=when, now=NOW, limit=2
        )
        return [(m.id, m.registered, m.waitlisted) for m in views]

    assert listed("past") == [(past[2], 3, 1), (past[1], 2, 1)]
    assert listed("upcoming") == [(coming[0], 1, 1), (coming[1], 2, 1)]


def test_a_meetings_registrations_and_waitlist_are_listed_in_booking_order(
    session, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=1), capacity=1)
    seat = book(make_applicant(first_name="Anne"), meeting_id)
    waiting = book(make_applicant(first_name="Bjørn"), meeting_id, status="waitlisted")
    seats = meeting_views.registrations_frame(
        session=session, actor=coordinator, meeting_id=meeting_id, statuses=attendance.MARKABLE
    )
    waitlist = meeting_views.registrations_frame(
        session=session, actor=coordinator, meeting_id=meeting_id, statuses=("waitlisted",)
    )
    assert seats["registration_id"].tolist() == [seat]
    assert waitlist["registration_id"].tolist() == [waiting]
    assert waitlist["name"].str.startswith("Bjørn").all()


# --- attendance ----------------------------------------------------------------------


def test_attendees_move_to_meeting_attended_and_no_shows_stay_booked(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW - timedelta(hours=1))
    came, stayed_away = make_applicant(), make_applicant()
    r_came, r_away = book(came, meeting_id), book(stayed_away, meeting_id)
    with session_factory.begin() as s:
        counts = attendance.mark_attendance(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            attended={r_came: True, r_away: False},
            now=NOW,
        )
    assert counts == {"attended": 1, "no_show": 1}
    with session_factory() as s:
        assert s.get(Applicant, came).stage == "meeting_attended"
        assert stages(s, came) == ["signed_up", "meeting_booked", "meeting_attended"]
        assert s.get(Applicant, stayed_away).stage == "meeting_booked"
        assert stages(s, stayed_away) == ["signed_up", "meeting_booked"]
        assert s.get(Registration, r_away).status == "no_show"
        assert s.get(Registration, r_came).status == "attended"
        event = s.scalars(select(StageEvent).where(StageEvent.to_stage == "meeting_attended")).one()
        assert event.by_id == coordinator.id


def test_marking_attendance_twice_changes_nothing_the_second_time(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW - timedelta(hours=1))
    applicant = make_applicant()
    reg = book(applicant, meeting_id)
    for _ in range(2):
        with session_factory.begin() as s:
            attendance.mark_attendance(
                session=s, actor=coordinator, meeting_id=meeting_id, attended={reg: True}, now=NOW
            )
    with session_factory() as s:
        assert stages(s, applicant).count("meeting_attended") == 1


def test_a_no_show_marked_later_as_attended_moves_on(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW - timedelta(hours=1))
    applicant = make_applicant()
    reg = book(applicant, meeting_id)
    with session_factory.begin() as s:
        attendance.mark_attendance(
            session=s, actor=coordinator, meeting_id=meeting_id, attended={reg: False}, now=NOW
        )
    with session_factory.begin() as s:
        attendance.mark_attendance(
            session=s, actor=coordinator, meeting_id=meeting_id, attended={reg: True}, now=NOW
        )
    with session_factory() as s:
        assert s.get(Applicant, applicant).stage == "meeting_attended"


def test_an_attendance_cannot_be_taken_back_and_nothing_is_half_saved(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW - timedelta(hours=1))
    first, second = make_applicant(), make_applicant()
    r1, r2 = book(first, meeting_id), book(second, meeting_id)
    with session_factory.begin() as s:
        attendance.mark_attendance(
            session=s, actor=coordinator, meeting_id=meeting_id, attended={r1: True}, now=NOW
        )
    with pytest.raises(attendance.AttendanceCannotBeUndone), session_factory.begin() as s:
        attendance.mark_attendance(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            attended={r2: True, r1: False},
            now=NOW,
        )
    with session_factory() as s:
        assert s.get(Applicant, second).stage == "meeting_booked"
        assert s.get(Registration, r2).status == "registered"


def test_attendance_cannot_be_marked_before_the_day_of_the_meeting(
    session, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    reg = book(make_applicant(), meeting_id)
    with pytest.raises(attendance.AttendanceTooEarly):
        attendance.mark_attendance(
            session=session, actor=coordinator, meeting_id=meeting_id, attended={reg: True}, now=NOW
        )


def test_a_meeting_is_marked_held_once(session, coordinator, make_meeting):
    meeting_id = make_meeting(starts_at=NOW - timedelta(hours=2))
    attendance.mark_held(session=session, actor=coordinator, meeting_id=meeting_id, now=NOW)
    assert session.get(InfoMeeting, meeting_id).status == "held"
    with pytest.raises(meetings.MeetingNotPlanned):
        attendance.mark_held(session=session, actor=coordinator, meeting_id=meeting_id, now=NOW)


# --- messages ------------------------------------------------------------------------


def test_a_reminder_goes_to_everyone_still_registered_and_nobody_else(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2), capacity=2)
    a, b, c = make_applicant(), make_applicant(), make_applicant()
    book(a, meeting_id)
    book(b, meeting_id)
    book(c, meeting_id, status="waitlisted")
    with session_factory.begin() as s:
        assert (
            meetings.send_reminder(session=s, actor=coordinator, meeting_id=meeting_id, now=NOW)
            == 2
        )
    with session_factory() as s:
        messages = outbox(s, "meeting_reminder")
        assert sorted(m.applicant_id for m in messages) == sorted([a, b])
        assert all(m.meeting_id == meeting_id for m in messages)
        assert s.get(InfoMeeting, meeting_id).reminder_sent_at == NOW


def test_the_confirmation_can_be_resent_to_one_registrant_or_all(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    one, other = make_applicant(), make_applicant()
    r_one = book(one, meeting_id)
    book(other, meeting_id)
    with session_factory.begin() as s:
        assert (
            meetings.resend_confirmation(
                session=s, actor=coordinator, meeting_id=meeting_id, registration_id=r_one
            )
            == 1
        )
    with session_factory.begin() as s:
        assert (
            meetings.resend_confirmation(session=s, actor=coordinator, meeting_id=meeting_id) == 2
        )
    with session_factory() as s:
        messages = outbox(s, "booking_confirmation")
        assert [m.applicant_id for m in messages][0] == one and len(messages) == 3
        uid = s.get(Registration, r_one).ics_uid
        assert uid in messages[0].ics and "METHOD:REQUEST" in messages[0].ics


def test_resending_to_someone_not_on_the_meeting_is_refused(session, coordinator, make_meeting):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    with pytest.raises(NotFound):
        meetings.resend_confirmation(
            session=session, actor=coordinator, meeting_id=meeting_id, registration_id=999
        )


@pytest.fixture
def mail_contexts(monkeypatch):
    """The context each queued message was rendered with (the real outbox row is written too)."""
    seen: list[dict] = []
    from recruitment.messaging import _queue

    real = _queue.queue_email

    def spy(**kwargs):
        seen.append(
            {"applicant_id": kwargs["applicant_id"], "kind": kwargs["kind"], **kwargs["context"]}
        )
        return real(**kwargs)

    monkeypatch.setattr(_queue, "queue_email", spy)
    return seen


def test_cancelling_tells_every_registrant_and_offers_the_next_meeting(
    session_factory, coordinator, make_applicant, make_meeting, book, mail_contexts
):
    cancelled = make_meeting(starts_at=NOW + timedelta(days=2), capacity=1)
    in_person = make_meeting(
        starts_at=NOW + timedelta(days=20), mode="in_person", join_url=None, address="Helsehuset"
    )
    following = make_meeting(starts_at=NOW + timedelta(days=30))
    make_meeting(starts_at=NOW + timedelta(days=25), status="cancelled")
    seat, waiting = make_applicant(), make_applicant(language="en")
    book(seat, cancelled)
    book(waiting, cancelled, status="waitlisted")
    with session_factory.begin() as s:
        assert (
            meetings.cancel_meeting(
                session=s, actor=coordinator, meeting_id=cancelled, reason_text="Sick host", now=NOW
            )
            == 2
        )
    with session_factory() as s:
        messages = outbox(s, "meeting_cancelled")
        assert sorted(m.applicant_id for m in messages) == sorted([seat, waiting])
        # Only the seat was ever in a calendar; the waitlisted person has nothing to remove.
        ics = {m.applicant_id: m.ics for m in messages}
        assert "METHOD:CANCEL" in ics[seat] and ics[waiting] is None
        offer = s.get(InfoMeeting, following).starts_at
        # The next meeting of the same mode (digital) is offered, in each person's language.
        by_applicant = {c["applicant_id"]: c for c in mail_contexts}
        assert by_applicant[seat]["next_meeting_id"] == following != in_person
        assert by_applicant[seat]["next_meeting_when"] == format_when(offer, "nb")
        assert format_when(offer, "en") in by_applicant[waiting]["next_meeting"]
        assert {r.status for r in s.scalars(select(Registration))} == {"cancelled"}
        assert s.get(Applicant, seat).stage == "signed_up"
        assert s.get(Applicant, waiting).stage == "signed_up"
        back = s.scalars(
            select(StageEvent).where(StageEvent.applicant_id == seat).order_by(StageEvent.id.desc())
        ).first()
        assert (back.from_stage, back.to_stage, back.reason_code) == (
            "meeting_booked",
            "signed_up",
            "meeting_cancelled",
        )
        assert s.get(InfoMeeting, cancelled).status == "cancelled"


def test_cancelling_when_no_later_meeting_has_seats_says_a_new_one_will_come(
    session_factory, coordinator, make_applicant, make_meeting, book, mail_contexts
):
    from recruitment.core.i18n import t

    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    full = make_meeting(starts_at=NOW + timedelta(days=9), capacity=1)
    book(make_applicant(), full)
    book(make_applicant(), meeting_id)
    with session_factory.begin() as s:
        meetings.cancel_meeting(session=s, actor=coordinator, meeting_id=meeting_id, now=NOW)
    assert [c["next_meeting"] for c in mail_contexts] == [t("meetings.offer_none", "nb")]


def test_someone_booked_on_another_meeting_keeps_their_stage_when_one_is_cancelled(
    session_factory, coordinator, make_applicant, make_meeting, book
):
    first = make_meeting(starts_at=NOW + timedelta(days=2))
    second = make_meeting(starts_at=NOW + timedelta(days=9))
    applicant = make_applicant()
    book(applicant, first)
    with session_factory.begin() as s:
        s.add(
            Registration(
                applicant_id=applicant, meeting_id=second, status="registered", ics_uid="other@test"
            )
        )
    with session_factory.begin() as s:
        meetings.cancel_meeting(session=s, actor=coordinator, meeting_id=first, now=NOW)
    with session_factory() as s:
        assert s.get(Applicant, applicant).stage == "meeting_booked"


def test_a_cancelled_meeting_cannot_be_cancelled_or_reminded_again(
    session, coordinator, make_meeting
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    meetings.cancel_meeting(session=session, actor=coordinator, meeting_id=meeting_id, now=NOW)
    for action in (meetings.cancel_meeting, meetings.send_reminder):
        with pytest.raises(meetings.MeetingNotPlanned):
            action(session=session, actor=coordinator, meeting_id=meeting_id, now=NOW)


# --- roles -------------------------------------------------------------------------------


def test_managers_may_read_meetings_but_change_nothing(session, manager, make_meeting):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=2))
    assert meeting_views.list_meetings(session=session, actor=manager, now=NOW)
    writes = [
        lambda: meetings.create_meeting(
            session=session,
            actor=manager,
            starts_at=NOW + timedelta(days=1),
            mode="in_person",
            address="X",
            capacity=5,
            now=NOW,
        ),
        lambda: meetings.create_series(
            session=session,
            actor=manager,
            first_day=date(2026, 4, 1),
            at=time(18),
            rule="weekly",
            count=2,
            mode="in_person",
            address="X",
            capacity=5,
            now=NOW,
        ),
        lambda: meetings.edit_meeting(
            session=session,
            actor=manager,
            meeting_id=meeting_id,
            starts_at=NOW + timedelta(days=2),
            mode="in_person",
            address="X",
            capacity=5,
            now=NOW,
        ),
        lambda: meetings.cancel_meeting(
            session=session, actor=manager, meeting_id=meeting_id, now=NOW
        ),
        lambda: attendance.mark_attendance(
            session=session, actor=manager, meeting_id=meeting_id, attended={}, now=NOW
        ),
        lambda: attendance.mark_held(
            session=session, actor=manager, meeting_id=meeting_id, now=NOW
        ),
        lambda: meetings.send_reminder(
            session=session, actor=manager, meeting_id=meeting_id, now=NOW
        ),
        lambda: meetings.resend_confirmation(session=session, actor=manager, meeting_id=meeting_id),
        lambda: meeting_views.registrations_frame(
            session=session, actor=manager, meeting_id=meeting_id, statuses=meetings.ACTIVE
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert session.get(InfoMeeting, meeting_id).status == "planned"
