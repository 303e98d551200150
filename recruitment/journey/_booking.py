"""Booking info meetings: seats, the waitlist, cancelling and rebooking.

Building blocks, not services: the public sign-up, the personal link and the
coordinators' meeting services call them once they know who may act (see UNGUARDED in
recruitment/core/access.py); pages and the command line never import this module.

Every function runs inside the caller's transaction. The meeting row is locked
before seats are counted (PostgreSQL: SELECT ... FOR UPDATE; SQLite serialises
writers with BEGIN IMMEDIATE), so many sign-ups at once never exceed capacity and
the waitlist is served in the order people joined it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    InfoMeeting,
    Interview,
    JournalChannel,
    JournalEntry,
    MeetingStatus,
    Placement,
    PlacementStatus,
    Registration,
    RegistrationStatus,
    ServiceUser,
    ServiceUserStatus,
    Stage,
    StageEvent,
    utcnow,
)
from recruitment.core import links
from recruitment.core._moves import move_applicant, record_meeting_change
from recruitment.core.errors import (
    InvalidStageTransition,
    MeetingFull,
    MeetingUnavailable,
    NotFound,
)
from recruitment.core.i18n import t
from recruitment.core.pipeline import EXITS, Gate
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import format_when, office_zone
from recruitment.journey import calendar
from recruitment.messaging._queue import notify_applicant

#: Statuses that hold a seat (a no-show held one too: the seat was theirs).
SEAT_HOLDING = (
    RegistrationStatus.REGISTERED.value,
    RegistrationStatus.ATTENDED.value,
    RegistrationStatus.NO_SHOW.value,
)
ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)


def _lock_meeting(session: Session, meeting_id: int) -> InfoMeeting | None:
    query = (
        select(InfoMeeting)
        .where(InfoMeeting.id == meeting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def _bookable(meeting: InfoMeeting | None, now: datetime) -> InfoMeeting:
    if meeting is None or meeting.status != MeetingStatus.PLANNED.value or meeting.starts_at <= now:
        raise MeetingUnavailable(f"meeting {getattr(meeting, 'id', None)} cannot be booked")
    return meeting


def seats_taken(session: Session, meeting_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.meeting_id == meeting_id, Registration.status.in_(SEAT_HOLDING))
    )


def waitlist(session: Session, meeting_id: int) -> list[Registration]:
    """The waitlisted registrations of a meeting, first in line first."""
    return list(
        session.scalars(
            select(Registration)
            .where(
                Registration.meeting_id == meeting_id,
                Registration.status == RegistrationStatus.WAITLISTED.value,
            )
            .order_by(Registration.queued_at, Registration.id)
        )
    )


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED.value:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.meeting_id == registration.meeting_id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            (Registration.queued_at < registration.queued_at)
            | (
                (Registration.queued_at == registration.queued_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return ahead + 1


# --- messages --------------------------------------------------------------------


def self_service_url(session: Session, applicant: Applicant) -> str:
    """The applicant's personal link, in their language."""
    return links.self_service_url(session, applicant.token or "", applicant.language)


def ics_for(session: Session, registration: Registration, *, cancel: bool = False) -> str:
    """The calendar invite of a registration as it stands (METHOD:CANCEL when `cancel`)."""
    applicant, meeting = registration.applicant, registration.meeting
    lang = applicant.language
    return calendar.registration_ics(
        uid=registration.ics_uid,
        sequence=registration.ics_sequence,
        meeting=meeting,
        lang=lang,
        attendee_email=applicant.email,
        organizer_email=str(get_setting(session, "office_email")) or None,
        cancel=cancel,
        description=t("booking.ics_description", lang, url=self_service_url(session, applicant)),
        zone=office_zone(session),
    )


def mail_context(session: Session, registration: Registration) -> dict[str, object]:
    """What every booking message may say: who, when, how, where, and the personal link."""
    applicant, meeting = registration.applicant, registration.meeting
    lang = applicant.language
    seated = registration.status in SEAT_HOLDING
    position = waitlist_position(session, registration)
    return {
        "first_name": applicant.first_name,
        "when": format_when(meeting.starts_at, lang, office_zone(session)),
        "duration_minutes": meeting.duration_minutes,
        "mode": t(f"booking.mode_{meeting.mode}", lang),
        "place": calendar.meeting_place(meeting, lang, reveal_link=seated),
        "status": t("booking.status_waitlisted", lang, position=position)
        if position
        else t("booking.status_registered", lang),
        "waitlist_position": position,
        "self_service_url": self_service_url(session, applicant),
        "office_name": get_setting(session, "office_name"),
    }


def _notify(
    session: Session,
    registration: Registration,
    kind: str,
    *,
    cancel: bool = False,
    extra: dict[str, object] | None = None,
) -> None:
    applicant = registration.applicant
    seated = registration.status in SEAT_HOLDING
    if registration.status == RegistrationStatus.WAITLISTED.value and kind in {
        "booking_confirmation",
        "rebooked",
    }:
        # A waitlist place is its own message: no seat promised, no join link.
        kind = "waitlisted"
    # Only a seat goes into the calendar; a waitlist place is not an appointment.
    ics = ics_for(session, registration, cancel=cancel) if (seated or cancel) else None
    notify_applicant(
        session=session,
        applicant=applicant,
        kind=kind,
        context={**mail_context(session, registration), **(extra or {})},
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        ics=ics,
    )


# --- booking ---------------------------------------------------------------------


def _enter_meeting_booked(session: Session, applicant: Applicant, by_id: int | None) -> None:
    if Stage(applicant.stage) in EXITS:
        raise InvalidStageTransition(
            "someone who left must sign up again before booking",
            from_stage=applicant.stage,
            to_stage=Stage.MEETING_BOOKED.value,
        )
    if applicant.stage == Stage.SIGNED_UP.value:
        move_applicant(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.MEETING_BOOKED,
            by_id=by_id,
            via=Gate.BOOKING,
        )


def _leave_meeting_booked(session: Session, applicant: Applicant, by_id: int | None) -> None:
    """Back to signed_up once nothing is booked any more."""
    if applicant.stage != Stage.MEETING_BOOKED.value:
        return
    active = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.applicant_id == applicant.id, Registration.status.in_(ACTIVE))
    )
    if not active:
        move_applicant(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.SIGNED_UP,
            by_id=by_id,
            via=Gate.BOOKING,
        )


def _place(
    session: Session, registration: Registration, meeting: InfoMeeting, allow_waitlist: bool
) -> None:
    """Give `registration` a seat at the locked `meeting`, or a waitlist place."""
    if seats_taken(session, meeting.id) < meeting.capacity:
        registration.status = RegistrationStatus.REGISTERED.value
    elif allow_waitlist:
        registration.status = RegistrationStatus.WAITLISTED.value
    else:
        raise MeetingFull(f"meeting {meeting.id} is full")
    # Stamped now, after the meeting lock was taken, so the stamps follow the order in
    # which bookings got the lock (the `now` a caller passed may predate the wait).
    registration.queued_at = utcnow()
    registration.cancelled_at = None


def check_bookable(
    *, session: Session, meeting_id: int, allow_waitlist: bool, now: datetime | None = None
) -> None:
    """What `book_meeting` would refuse (MeetingUnavailable, MeetingFull), without booking."""
    meeting = _bookable(_lock_meeting(session, meeting_id), now or utcnow())
    if not allow_waitlist and seats_taken(session, meeting.id) >= meeting.capacity:
        raise MeetingFull(f"meeting {meeting.id} is full")


def book_meeting(
    *,
    session: Session,
    applicant_id: int,
    meeting_id: int,
    by_id: int | None = None,
    allow_waitlist: bool = True,
    now: datetime | None = None,
    notify: bool = True,
) -> Registration:
    """A seat for the applicant, or a waitlist place (MeetingFull if `allow_waitlist` is
    False); booking the same meeting twice returns the booking already there."""
    now = now or utcnow()
    meeting = _bookable(_lock_meeting(session, meeting_id), now)
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    registration = session.scalars(
        select(Registration).where(
            Registration.applicant_id == applicant_id, Registration.meeting_id == meeting_id
        )
    ).first()
    if registration is not None and registration.status in ACTIVE:
        return registration  # a double click, or the same sign-up sent twice
    if registration is None:
        registration = Registration(
            applicant_id=applicant_id, meeting_id=meeting_id, ics_uid=f"{uuid.uuid4()}@verve"
        )
        registration.ics_sequence = 0
        _place(session, registration, meeting, allow_waitlist)
        session.add(registration)
    else:
        # Booked again after cancelling: the same calendar entry comes back, updated.
        _place(session, registration, meeting, allow_waitlist)
        registration.ics_sequence += 1
    session.flush()
    _enter_meeting_booked(session, applicant, by_id)
    if notify:
        _notify(session, registration, "booking_confirmation")
    return registration


def fill_from_waitlist(
    session: Session, meeting_id: int, *, now: datetime | None = None
) -> list[Registration]:
    """Move waitlisted people up into free seats, first in line first, and tell them."""
    now = now or utcnow()
    meeting = _lock_meeting(session, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.PLANNED.value or meeting.starts_at <= now:
        return []
    free = meeting.capacity - seats_taken(session, meeting_id)
    moved = []
    for registration in waitlist(session, meeting_id)[: max(free, 0)]:
        registration.status = RegistrationStatus.REGISTERED.value
        registration.ics_sequence += 1
        moved.append(registration)
    session.flush()
    for registration in moved:
        _notify(session, registration, "waitlist_moved_up")
    return moved


def _get_registration(session: Session, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"registration {registration_id} not found")
    return registration


def cancel_registration(
    *,
    session: Session,
    registration_id: int,
    by_id: int | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> Registration:
    """Cancel a booking or waitlist place; the first in line gets the freed seat."""
    now = now or utcnow()
    registration = _get_registration(session, registration_id)
    # Lock the meeting first, in the same order as booking, so the freed seat and the
    # move-up are one step no other booking can slip between.
    _lock_meeting(session, registration.meeting_id)
    session.refresh(registration)
    if registration.status not in ACTIVE:
        return registration
    had_seat = registration.status == RegistrationStatus.REGISTERED.value
    registration.status = RegistrationStatus.CANCELLED.value
    registration.cancelled_at = now
    registration.ics_sequence += 1
    session.flush()
    if notify:
        _notify_cancelled(session, registration, had_seat)
    _leave_meeting_booked(session, registration.applicant, by_id)
    if had_seat:
        fill_from_waitlist(session, registration.meeting_id, now=now)
    return registration


def _notify_cancelled(session: Session, registration: Registration, had_seat: bool) -> None:
    notify_applicant(
        session=session,
        applicant=registration.applicant,
        kind="booking_cancelled",
        context=mail_context(session, registration),
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        # Only a calendar entry that was sent needs removing.
        ics=ics_for(session, registration, cancel=True) if had_seat else None,
    )


def rebook(
    *,
    session: Session,
    registration_id: int,
    to_meeting_id: int,
    by_id: int | None = None,
    allow_waitlist: bool = True,
    now: datetime | None = None,
) -> Registration:
    """Move a booking to another meeting, keeping its row and calendar UID (SEQUENCE + 1)."""
    now = now or utcnow()
    registration = _get_registration(session, registration_id)
    from_meeting_id = registration.meeting_id
    if to_meeting_id == from_meeting_id:
        return book_meeting(
            session=session,
            applicant_id=registration.applicant_id,
            meeting_id=to_meeting_id,
            by_id=by_id,
            now=now,
        )
    # Lock both meetings in id order, so two opposite rebookings cannot deadlock.
    locked = {mid: _lock_meeting(session, mid) for mid in sorted((from_meeting_id, to_meeting_id))}
    target = _bookable(locked[to_meeting_id], now)
    session.refresh(registration)
    clash = session.scalars(
        select(Registration).where(
            Registration.applicant_id == registration.applicant_id,
            Registration.meeting_id == to_meeting_id,
        )
    ).first()
    if clash is not None:
        if clash.status in ACTIVE:
            raise MeetingUnavailable("already booked on that meeting")
        # An old cancelled booking there is history of no further use; this row takes its place.
        session.delete(clash)
        session.flush()
    had_seat = registration.status == RegistrationStatus.REGISTERED.value
    old_when = format_when(
        registration.meeting.starts_at, registration.applicant.language, office_zone(session)
    )
    registration.meeting_id = to_meeting_id
    registration.meeting = target
    _place(session, registration, target, allow_waitlist)
    registration.ics_sequence += 1
    session.flush()
    _enter_meeting_booked(session, registration.applicant, by_id)
    record_meeting_change(
        session=session,
        applicant_id=registration.applicant_id,
        from_meeting_id=from_meeting_id,
        to_meeting_id=to_meeting_id,
        by_id=by_id,
        at=now,
    )
    # Moved from a seat onto a waitlist: the calendar entry already sent is withdrawn.
    withdraw_entry = had_seat and registration.status == RegistrationStatus.WAITLISTED.value
    _notify(
        session,
        registration,
        "rebooked",
        cancel=withdraw_entry,
        extra={"old_meeting_when": old_when},
    )
    if had_seat:
        fill_from_waitlist(session, from_meeting_id, now=now)
    return registration


def active_registrations(session: Session, applicant_id: int) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .join(InfoMeeting)
            .where(Registration.applicant_id == applicant_id, Registration.status.in_(ACTIVE))
            .order_by(InfoMeeting.starts_at)
        )
    )


def book_or_move(
    *,
    session: Session,
    applicant_id: int,
    meeting_id: int,
    by_id: int | None = None,
    allow_waitlist: bool = True,
) -> Registration:
    """Book `meeting_id` for someone; an applicant who already holds a booking elsewhere
    has that booking moved (one person, one booking, one calendar entry)."""
    current = active_registrations(session, applicant_id)
    if current and all(r.meeting_id != meeting_id for r in current):
        return rebook(
            session=session,
            registration_id=current[0].id,
            to_meeting_id=meeting_id,
            by_id=by_id,
            allow_waitlist=allow_waitlist,
        )
    return book_meeting(
        session=session,
        applicant_id=applicant_id,
        meeting_id=meeting_id,
        by_id=by_id,
        allow_waitlist=allow_waitlist,
    )


def leave_pipeline(
    *,
    session: Session,
    applicant_id: int,
    to_stage: Stage | str,
    by_id: int | None,
    reason_code: str | None,
    reason_text: str | None = None,
    at: datetime | None = None,
) -> StageEvent:
    """Withdraw or reject someone and release what they held, in one step whoever acts
    (the applicant's own link or staff): the exit is recorded from the stage they were in,
    every booking and waitlist place is cancelled with its message and calendar
    cancellation, a freed seat goes to the first on the waitlist (who is told), and open
    interviews are called off."""
    to_stage = Stage(to_stage)
    if to_stage not in EXITS:
        raise InvalidStageTransition(
            f"{to_stage} is not an exit", from_stage=None, to_stage=to_stage.value
        )
    when = at or utcnow()
    # The exit first, so the funnel records the stage they left from (cancelling the
    # booking first would step them back to signed_up).
    event = move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=to_stage,
        by_id=by_id,
        reason_code=reason_code,
        reason_text=reason_text,
        at=when,
    )
    for registration in active_registrations(session, applicant_id):
        cancel_registration(session=session, registration_id=registration.id, by_id=by_id, now=when)
    for interview in session.scalars(
        select(Interview).where(
            Interview.applicant_id == applicant_id,
            Interview.outcome.is_(None),
            Interview.cancelled_at.is_(None),
        )
    ):
        interview.cancelled_at = when
    _end_placements(
        session, applicant_id, to_stage, by_id, event.reason_code, event.reason_text, when
    )
    session.flush()
    return event


# The journal keeps names by reference (see recruitment.casework.journal), never as text.
_CONTACT, _CASE_REF = "{contact}", "{case_ref}"
_OPEN_PLACEMENTS = (
    PlacementStatus.PROPOSED.value,
    PlacementStatus.ACTIVE.value,
    PlacementStatus.PAUSED.value,
)


def _end_placements(
    session: Session,
    applicant_id: int,
    exit_stage: Stage,
    by_id: int | None,
    reason_code: str | None,
    reason_text: str | None,
    when: datetime,
) -> None:
    """Someone who leaves holds no placement: a running one ends today and a proposal
    is withdrawn, with the exit as the reason (the contact stopped when they withdrew;
    a rejection is the office's "other", its reason written out); a service user left
    without a running placement waits again, and both journals say so."""
    end_reason = "contact_stopped" if exit_stage == Stage.WITHDRAWN else "other"
    # Stored in the office language (bokmål), as every journal line.
    exit_text = t(f"reasons.{reason_code}", "nb") if reason_code else ""
    end_text = "; ".join(part for part in (exit_text, reason_text or "") if part) or None
    for placement in session.scalars(
        select(Placement)
        .where(Placement.applicant_id == applicant_id, Placement.status.in_(_OPEN_PLACEMENTS))
        .order_by(Placement.id)
    ):
        was_running = placement.status != PlacementStatus.PROPOSED.value
        placement.status = PlacementStatus.ENDED.value
        placement.end_reason = end_reason
        placement.end_reason_text = end_text
        if was_running:
            placement.end_date = max(when.date(), placement.start_date or when.date())
        session.flush()
        user = session.get(ServiceUser, placement.service_user_id, with_for_update=True)
        still_running = session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(
                Placement.service_user_id == placement.service_user_id,
                Placement.status.in_(_OPEN_PLACEMENTS[1:]),
            )
        )
        if (
            was_running
            and user is not None
            and user.status == ServiceUserStatus.PLACED.value
            and not still_running
        ):
            user.status = ServiceUserStatus.WAITING.value
            user.waiting_since = placement.end_date
        for target in (
            {"applicant_id": applicant_id},
            {"service_user_id": placement.service_user_id},
        ):
            session.add(
                JournalEntry(
                    channel=JournalChannel.SYSTEM.value,
                    subject=t(
                        "placements.journal_ended", "nb", contact=_CONTACT, case_ref=_CASE_REF
                    ),
                    body=end_text or "",
                    author_id=by_id,
                    placement_id=placement.id,
                    created_at=when,
                    **target,
                )
            )
