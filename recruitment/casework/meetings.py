"""Information meetings: planning (single and recurring), the registrations and
waitlist, reminders, confirmations and cancellation. Attendance lives in
`attendance`, the read side in `meeting_views`.

Times are planned in the office's wall-clock time (`recruitment.core.timefmt`) and
stored in UTC, so a series of 18:00 meetings stays at 18:00 on both sides of a
daylight-saving change.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from dateutil import rrule
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    InfoMeeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    StaffUser,
    Stage,
    utcnow,
)
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.pipeline import Gate
from recruitment.core.timefmt import format_when, office_datetime, office_zone
from recruitment.journey import _booking
from recruitment.messaging._queue import notify_applicant, remind

#: Registrations that hold a seat or a waitlist place (the people a meeting concerns).
ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)
MAX_SERIES = 52
SERIES_RULES = ("weekly", "monthly")


class MeetingNotPlanned(VerveError):
    """The meeting was already held or cancelled, so it cannot be changed that way."""

    key = "meetings.error_not_planned"


# --- time --------------------------------------------------------------------------


def series_dates(
    *,
    first_day: date,
    at: time,
    rule: str,
    count: int,
    interval: int = 1,
    nth: int | None = None,
    weekday: int | None = None,
    zone: ZoneInfo | None = None,
) -> list[datetime]:
    """The UTC start times of a recurring series, computed in the office's wall-clock time.

    `rule` "weekly": every `interval` weeks on `weekday` (default: first_day's);
    "monthly": the `nth` (1..4, or -1 for the last) `weekday` of every `interval` months.
    Dates before `first_day` are never produced.
    """
    fields: dict[str, str] = {}
    if rule not in SERIES_RULES:
        fields["rule"] = "meetings.error_rule"
    if not 1 <= count <= MAX_SERIES:
        fields["count"] = "meetings.error_count"
    if not 1 <= interval <= 12:
        fields["interval"] = "meetings.error_interval"
    weekday = first_day.weekday() if weekday is None else weekday
    if not 0 <= weekday <= 6:
        fields["weekday"] = "meetings.error_weekday"
    if rule == "monthly" and nth not in (1, 2, 3, 4, -1):
        fields["nth"] = "meetings.error_nth"
    if fields:
        raise ValidationFailed(fields)
    day_rule = rrule.weekday(weekday)
    if rule == "monthly":
        freq, byweekday = rrule.MONTHLY, day_rule(nth)
    else:
        freq, byweekday = rrule.WEEKLY, day_rule
    # rrule works on naive wall-clock times; attaching the office's zone afterwards gives
    # each occurrence the offset in force on its own date.
    start = datetime.combine(first_day, at)
    occurrences = rrule.rrule(
        freq, dtstart=start, interval=interval, count=count, byweekday=byweekday
    )
    return [office_datetime(moment.date(), moment.time(), zone) for moment in occurrences]


# --- validation --------------------------------------------------------------------


def _valid_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc) and " " not in value


def _clean_details(
    session: Session,
    *,
    mode: str,
    join_url: str | None,
    address: str | None,
    capacity: int,
    duration_minutes: int,
    language: str,
    host_id: int | None,
) -> tuple[dict[str, object], dict[str, str]]:
    """Checked meeting fields, and a field -> message map for everything wrong."""
    fields: dict[str, str] = {}
    join_url = (join_url or "").strip() or None
    address = " ".join((address or "").split()) or None
    if mode not in {m.value for m in MeetingMode}:
        fields["mode"] = "meetings.error_mode"
    elif mode == MeetingMode.DIGITAL.value:
        if not join_url:
            fields["join_url"] = "meetings.error_join_url_required"
        elif not _valid_url(join_url) or len(join_url) > 1000:
            fields["join_url"] = "meetings.error_join_url_invalid"
        address = None
    else:
        if not address:
            fields["address"] = "meetings.error_address_required"
        elif len(address) > 300:
            fields["address"] = "meetings.error_address_too_long"
        join_url = None
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        fields["capacity"] = "meetings.error_capacity"
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 1 <= duration_minutes <= 600
    ):
        fields["duration_minutes"] = "meetings.error_duration"
    if language not in {"nb", "en"}:
        fields["language"] = "meetings.error_language"
    if host_id is not None:
        host = session.get(StaffUser, host_id)
        if host is None or not host.active:
            fields["host_id"] = "meetings.error_host"
    values = {
        "mode": mode,
        "join_url": join_url,
        "address": address,
        "capacity": capacity,
        "duration_minutes": duration_minutes,
        "language": language,
        "host_id": host_id,
    }
    return values, fields


def _check_start(starts_at: datetime, now: datetime, fields: dict[str, str]) -> None:
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    if starts_at <= now:
        fields["starts_at"] = "meetings.error_in_past"


def _meeting(session: Session, meeting_id: int, *, lock: bool = False) -> InfoMeeting:
    meeting = session.get(InfoMeeting, meeting_id, with_for_update=lock)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id} not found")
    return meeting


def _planned(meeting: InfoMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED.value:
        raise MeetingNotPlanned(f"meeting {meeting.id} is {meeting.status}")


# --- planning ------------------------------------------------------------------------


@requires("meetings.write")
def create_meeting(
    *,
    session: Session,
    actor: Actor,
    starts_at: datetime,
    mode: str,
    capacity: int,
    join_url: str | None = None,
    address: str | None = None,
    duration_minutes: int = 90,
    language: str = "nb",
    host_id: int | None = None,
    notes: str | None = None,
    kind: str = MeetingKind.STANDARD.value,
    series_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Plan one information meeting; return its id."""
    values, fields = _clean_details(
        session,
        mode=mode,
        join_url=join_url,
        address=address,
        capacity=capacity,
        duration_minutes=duration_minutes,
        language=language,
        host_id=host_id,
    )
    _check_start(starts_at, now or utcnow(), fields)
    if fields:
        raise ValidationFailed(fields)
    meeting = InfoMeeting(
        starts_at=starts_at,
        kind=kind,
        notes=(notes or "").strip() or None,
        series_id=series_id,
        **values,
    )
    session.add(meeting)
    session.flush()
    return meeting.id


@requires("meetings.write")
def create_series(
    *,
    session: Session,
    actor: Actor,
    first_day: date,
    at: time,
    rule: str,
    count: int,
    mode: str,
    capacity: int,
    interval: int = 1,
    nth: int | None = None,
    weekday: int | None = None,
    join_url: str | None = None,
    address: str | None = None,
    duration_minutes: int = 90,
    language: str = "nb",
    host_id: int | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Plan a recurring series in one action (all meetings or none); return their ids."""
    starts = series_dates(
        zone=office_zone(session),
        first_day=first_day,
        at=at,
        rule=rule,
        count=count,
        interval=interval,
        nth=nth,
        weekday=weekday,
    )
    now = now or utcnow()
    if starts and starts[0] <= now:
        raise ValidationFailed({"first_day": "meetings.error_in_past"})
    series_id = str(uuid.uuid4())
    return [
        create_meeting(
            session=session,
            actor=actor,
            starts_at=start,
            mode=mode,
            capacity=capacity,
            join_url=join_url,
            address=address,
            duration_minutes=duration_minutes,
            language=language,
            host_id=host_id,
            notes=notes,
            series_id=series_id,
            now=now,
        )
        for start in starts
    ]


@requires("meetings.write")
def edit_meeting(
    *,
    session: Session,
    actor: Actor,
    meeting_id: int,
    starts_at: datetime,
    mode: str,
    capacity: int,
    join_url: str | None = None,
    address: str | None = None,
    duration_minutes: int = 90,
    language: str = "nb",
    host_id: int | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> int:
    """Change a planned meeting. Registrants get an updated invitation when the time or
    place changed; freed seats go to the waitlist in order. Returns messages queued."""
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    values, fields = _clean_details(
        session,
        mode=mode,
        join_url=join_url,
        address=address,
        capacity=capacity,
        duration_minutes=duration_minutes,
        language=language,
        host_id=host_id,
    )
    now = now or utcnow()
    if starts_at != meeting.starts_at:
        _check_start(starts_at, now, fields)
    registered = _booking.seats_taken(session, meeting.id)
    if "capacity" not in fields and capacity < registered:
        fields["capacity"] = "meetings.error_capacity_below_registered"
    if fields:
        raise ValidationFailed(fields)
    moved = (
        starts_at != meeting.starts_at
        or values["duration_minutes"] != meeting.duration_minutes
        or values["mode"] != meeting.mode
        or values["join_url"] != meeting.join_url
        or values["address"] != meeting.address
    )
    meeting.starts_at = starts_at
    meeting.notes = (notes or "").strip() or None
    for name, value in values.items():
        setattr(meeting, name, value)
    session.flush()
    queued = 0
    if moved:
        for registration in _registrations(
            session, meeting.id, (RegistrationStatus.REGISTERED.value,)
        ):
            registration.ics_sequence += 1
            queued += _queue_confirmation(session, registration)
    # More seats: the waitlist moves up in order and is told so, with an invitation.
    promoted = _booking.fill_from_waitlist(session, meeting.id, now=now)
    return queued + sum(1 for registration in promoted if registration.applicant.email)


def _registrations(
    session: Session, meeting_id: int, statuses: tuple[str, ...]
) -> list[Registration]:
    """In the order people joined (the waitlist's order too)."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.meeting_id == meeting_id, Registration.status.in_(statuses))
            .order_by(
                func.coalesce(Registration.queued_at, Registration.created_at), Registration.id
            )
        )
    )


# --- messages --------------------------------------------------------------------------


def _queue_confirmation(session: Session, registration: Registration) -> int:
    """The booking confirmation with the registration's calendar invitation, as booking sends it."""
    queued = notify_applicant(
        session=session,
        applicant=registration.applicant,
        kind="booking_confirmation",
        context=_booking.mail_context(session, registration),
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        ics=_booking.ics_for(session, registration),
    )
    return 1 if queued else 0


@requires("meetings.write")
def send_reminder(
    *, session: Session, actor: Actor, meeting_id: int, now: datetime | None = None
) -> int:
    """Queue a reminder to everyone still registered for a planned meeting; return how many."""
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    queued = 0
    for registration in _registrations(session, meeting.id, (RegistrationStatus.REGISTERED.value,)):
        queued += bool(
            remind(
                session=session,
                registration=registration,
                context=_booking.mail_context(session, registration),
            )
        )
    meeting.reminder_sent_at = now or utcnow()
    session.flush()
    return queued


@requires("meetings.write")
def resend_confirmation(
    *, session: Session, actor: Actor, meeting_id: int, registration_id: int | None = None
) -> int:
    """Queue the confirmation with its calendar invitation again, to one registrant or
    to everyone registered; return how many were queued."""
    meeting = _meeting(session, meeting_id)
    _planned(meeting)
    registrations = _registrations(session, meeting.id, (RegistrationStatus.REGISTERED.value,))
    if registration_id is not None:
        registrations = [r for r in registrations if r.id == registration_id]
        if not registrations:
            raise NotFound(f"registration {registration_id} is not a seat at meeting {meeting_id}")
    return sum(_queue_confirmation(session, registration) for registration in registrations)


def _next_meeting(
    session: Session, *, after: datetime, mode: str | None = None, exclude_id: int | None = None
) -> InfoMeeting | None:
    """The next planned standard meeting after `after` that still has a free seat,
    preferring `mode` when one of that mode exists."""
    seats = (
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.meeting_id == InfoMeeting.id,
            Registration.status.in_(_booking.SEAT_HOLDING),
        )
        .scalar_subquery()
    )
    query = (
        select(InfoMeeting)
        .where(
            InfoMeeting.status == MeetingStatus.PLANNED.value,
            InfoMeeting.kind == MeetingKind.STANDARD.value,
            InfoMeeting.starts_at > after,
            seats < InfoMeeting.capacity,
        )
        .order_by(InfoMeeting.starts_at, InfoMeeting.id)
    )
    if exclude_id is not None:
        query = query.where(InfoMeeting.id != exclude_id)
    if mode is not None:
        same_mode = session.scalars(query.where(InfoMeeting.mode == mode).limit(1)).first()
        if same_mode is not None:
            return same_mode
    return session.scalars(query.limit(1)).first()


@requires("meetings.write")
def cancel_meeting(
    *,
    session: Session,
    actor: Actor,
    meeting_id: int,
    reason_text: str | None = None,
    now: datetime | None = None,
) -> int:
    """Cancel a planned meeting: every registrant gets a cancellation (with the calendar
    entry withdrawn) offering the next meeting, and goes back to `signed_up` unless they
    hold a seat at another meeting. Returns messages queued."""
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancelled_at = now
    if reason_text and reason_text.strip():
        meeting.notes = "\n".join(filter(None, [meeting.notes, reason_text.strip()]))
    offer = _next_meeting(
        session, after=max(now, meeting.starts_at), mode=meeting.mode, exclude_id=meeting.id
    )
    queued = 0
    for registration in _registrations(session, meeting.id, ACTIVE):
        had_seat = registration.status == RegistrationStatus.REGISTERED.value
        registration.status = RegistrationStatus.CANCELLED.value
        registration.cancelled_at = now
        registration.ics_sequence += 1
        session.flush()
        applicant = registration.applicant
        if applicant.stage == Stage.MEETING_BOOKED.value and not _holds_other_booking(
            session, applicant.id
        ):
            move_applicant(
                session=session,
                applicant_id=applicant.id,
                to_stage=Stage.SIGNED_UP,
                by_id=actor.id,
                reason_code="meeting_cancelled",
                at=now,
                via=Gate.BOOKING,
            )
        context = _booking.mail_context(session, registration)
        # The offer: `next_meeting` is a whole sentence for the template to show as is.
        if offer is not None:
            context["next_meeting_when"] = format_when(
                offer.starts_at, applicant.language, office_zone(session)
            )
            context["next_meeting_id"] = offer.id
            context["next_meeting"] = t(
                "meetings.offer_next", applicant.language, when=context["next_meeting_when"]
            )
        else:
            context["next_meeting"] = t("meetings.offer_none", applicant.language)
        sent = notify_applicant(
            session=session,
            applicant=applicant,
            kind="meeting_cancelled",
            context=context,
            meeting_id=meeting.id,
            registration_id=registration.id,
            # Only a seat was ever put in a calendar; a waitlist place has nothing to remove.
            ics=_booking.ics_for(session, registration, cancel=True) if had_seat else None,
        )
        queued += bool(sent)
    session.flush()
    return queued


def _holds_other_booking(session: Session, applicant_id: int) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
            .where(
                Registration.applicant_id == applicant_id,
                Registration.status.in_(ACTIVE),
                InfoMeeting.status == MeetingStatus.PLANNED.value,
            )
        )
        or 0
    ) > 0
