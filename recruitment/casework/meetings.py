"""Information meetings: planning (single and recurring), the registrations and
waitlist, attendance, reminders, confirmations and cancellation.

Times are planned in Europe/Oslo wall-clock time and stored in UTC, so a series of
18:00 meetings stays at 18:00 on both sides of a daylight-saving change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pandas as pd
from dateutil import rrule
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
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

from recruitment.journey import booking
from recruitment.journey import calendar
from recruitment.core.access import Actor, require, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.messaging.mail import queue_email
from recruitment.core.pipeline import move_applicant

OSLO = ZoneInfo("Europe/Oslo")

#: Registrations that hold a seat or a waitlist place (the people a meeting concerns).
ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)
#: Registrations whose attendance can be marked.
MARKABLE = (
    RegistrationStatus.REGISTERED.value,
    RegistrationStatus.ATTENDED.value,
    RegistrationStatus.NO_SHOW.value,
)
MAX_SERIES = 52
SERIES_RULES = ("weekly", "monthly")


class MeetingNotPlanned(VerveError):
    """The meeting was already held or cancelled, so it cannot be changed that way."""

    key = "meetings.error_not_planned"


class AttendanceTooEarly(VerveError):
    key = "meetings.error_attendance_too_early"


class AttendanceCannotBeUndone(VerveError):
    """An attendee has moved on in the pipeline; the funnel never moves back past a meeting."""

    key = "meetings.error_attendance_cannot_be_undone"


# --- time --------------------------------------------------------------------------


def oslo_datetime(day: date, at: time) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in Oslo (summer or winter time)."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def local(when: datetime) -> datetime:
    return when.astimezone(OSLO)


def format_when(when: datetime, lang: str) -> str:
    """A meeting time as people read it in Oslo, e.g. "tirsdag 3. mars 2026 kl. 18.00"."""
    return calendar.format_when(when, lang)


def series_dates(
    *,
    first_day: date,
    at: time,
    rule: str,
    count: int,
    interval: int = 1,
    nth: int | None = None,
    weekday: int | None = None,
) -> list[datetime]:
    """The UTC start times of a recurring series, computed in Oslo wall-clock time.

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
    # rrule works on naive wall-clock times; attaching Oslo afterwards gives each
    # occurrence the offset in force on its own date.
    start = datetime.combine(first_day, at)
    occurrences = rrule.rrule(freq, dtstart=start, interval=interval, count=count, byweekday=byweekday)
    return [oslo_datetime(moment.date(), moment.time()) for moment in occurrences]


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
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 600:
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
    require(actor, "meetings.write")
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
    require(actor, "meetings.write")
    starts = series_dates(first_day=first_day, at=at, rule=rule, count=count, interval=interval, nth=nth, weekday=weekday)
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
    require(actor, "meetings.write")
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
    registered = booking.seats_taken(session, meeting.id)
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
        for registration in _registrations(session, meeting.id, (RegistrationStatus.REGISTERED.value,)):
            registration.ics_sequence += 1
            queued += _queue_confirmation(session, registration)
    # More seats: the waitlist moves up in order and is told so, with an invitation.
    promoted = booking.fill_from_waitlist(session, meeting.id, now=now)
    return queued + sum(1 for registration in promoted if registration.applicant.email)


def _registrations(session: Session, meeting_id: int, statuses: tuple[str, ...]) -> list[Registration]:
    """In the order people joined (the waitlist's order too)."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.meeting_id == meeting_id, Registration.status.in_(statuses))
            .order_by(func.coalesce(Registration.queued_at, Registration.created_at), Registration.id)
        )
    )


# --- messages --------------------------------------------------------------------------


def _queue_confirmation(session: Session, registration: Registration) -> int:
    """The booking confirmation with the registration's calendar invitation, as booking sends it."""
    applicant = registration.applicant
    if not applicant.email:
        return 0
    queue_email(
        session=session,
        kind="booking_confirmation",
        to_address=applicant.email,
        lang=applicant.language,
        context=booking.mail_context(session, registration),
        applicant_id=applicant.id,
        meeting_id=registration.meeting_id,
        registration_id=registration.id,
        ics=booking.ics_for(session, registration),
    )
    return 1


@requires("meetings.write")
def send_reminder(*, session: Session, actor: Actor, meeting_id: int, now: datetime | None = None) -> int:
    """Queue a reminder to everyone still registered for a planned meeting; return how many."""
    require(actor, "meetings.write")
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    queued = 0
    for registration in _registrations(session, meeting.id, (RegistrationStatus.REGISTERED.value,)):
        applicant = registration.applicant
        if not applicant.email:
            continue
        queue_email(
            session=session,
            kind="meeting_reminder",
            to_address=applicant.email,
            lang=applicant.language,
            context=booking.mail_context(session, registration),
            applicant_id=applicant.id,
            meeting_id=meeting.id,
            registration_id=registration.id,
        )
        queued += 1
    meeting.reminder_sent_at = now or utcnow()
    session.flush()
    return queued


@requires("meetings.write")
def resend_confirmation(
    *, session: Session, actor: Actor, meeting_id: int, registration_id: int | None = None
) -> int:
    """Queue the confirmation with its calendar invitation again, to one registrant or
    to everyone registered; return how many were queued."""
    require(actor, "meetings.write")
    meeting = _meeting(session, meeting_id)
    _planned(meeting)
    registrations = _registrations(session, meeting.id, (RegistrationStatus.REGISTERED.value,))
    if registration_id is not None:
        registrations = [r for r in registrations if r.id == registration_id]
        if not registrations:
            raise NotFound(f"registration {registration_id} is not a seat at meeting {meeting_id}")
    return sum(_queue_confirmation(session, registration) for registration in registrations)


def next_meeting(
    session: Session, *, after: datetime, mode: str | None = None, exclude_id: int | None = None
) -> InfoMeeting | None:
    """The next planned standard meeting after `after` that still has a free seat,
    preferring `mode` when one of that mode exists."""
    seats = (
        select(func.count())
        .select_from(Registration)
        .where(Registration.meeting_id == InfoMeeting.id, Registration.status.in_(booking.SEAT_HOLDING))
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
    *, session: Session, actor: Actor, meeting_id: int, reason_text: str | None = None, now: datetime | None = None
) -> int:
    """Cancel a planned meeting: every registrant gets a cancellation (with the calendar
    entry withdrawn) offering the next meeting, and goes back to `signed_up` unless they
    hold a seat at another meeting. Returns messages queued."""
    require(actor, "meetings.write")
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancelled_at = now
    if reason_text and reason_text.strip():
        meeting.notes = "\n".join(filter(None, [meeting.notes, reason_text.strip()]))
    offer = next_meeting(session, after=max(now, meeting.starts_at), mode=meeting.mode, exclude_id=meeting.id)
    queued = 0
    for registration in _registrations(session, meeting.id, ACTIVE):
        had_seat = registration.status == RegistrationStatus.REGISTERED.value
        registration.status = RegistrationStatus.CANCELLED.value
        registration.cancelled_at = now
        registration.ics_sequence += 1
        session.flush()
        applicant = registration.applicant
        if applicant.stage == Stage.MEETING_BOOKED.value and not _holds_other_booking(session, applicant.id):
            move_applicant(
                session=session,
                applicant_id=applicant.id,
                to_stage=Stage.SIGNED_UP,
                by_id=actor.id,
                reason_code="meeting_cancelled",
                at=now,
            )
        if not applicant.email:
            continue
        context = booking.mail_context(session, registration)
        # The offer: `next_meeting` is a whole sentence for the template to show as is.
        if offer is not None:
            context["next_meeting_when"] = format_when(offer.starts_at, applicant.language)
            context["next_meeting_id"] = offer.id
            context["next_meeting"] = t("meetings.offer_next", applicant.language, when=context["next_meeting_when"])
        else:
            context["next_meeting"] = t("meetings.offer_none", applicant.language)
        queue_email(
            session=session,
            kind="meeting_cancelled",
            to_address=applicant.email,
            lang=applicant.language,
            context=context,
            applicant_id=applicant.id,
            meeting_id=meeting.id,
            registration_id=registration.id,
            # Only a seat was ever put in a calendar; a waitlist place has nothing to remove.
            ics=booking.ics_for(session, registration, cancel=True) if had_seat else None,
        )
        queued += 1
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


# --- the day of the meeting ---------------------------------------------------------------


@requires("meetings.write")
def mark_attendance(
    *, session: Session, actor: Actor, meeting_id: int, attended: dict[int, bool], now: datetime | None = None
) -> dict[str, int]:
    """Record who came, for everyone at once ({registration id: came?}). Attendees move to
    `meeting_attended`; no-shows stay in `meeting_booked` with the no-show recorded.
    Returns counts {"attended": n, "no_show": m}."""
    require(actor, "meetings.write")
    require(actor, "applicants.write")
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise MeetingNotPlanned(f"meeting {meeting.id} is cancelled")
    if local(meeting.starts_at).date() > local(now).date():
        raise AttendanceTooEarly(f"meeting {meeting.id} has not taken place yet")
    registrations = {r.id: r for r in _registrations(session, meeting.id, MARKABLE)}
    unknown = set(attended) - set(registrations)
    if unknown:
        raise NotFound(f"registrations {sorted(unknown)} are not seats at meeting {meeting.id}")
    counts = {"attended": 0, "no_show": 0}
    for registration_id, came in attended.items():
        registration = registrations[registration_id]
        applicant = registration.applicant
        if came:
            counts["attended"] += 1
            if registration.status == RegistrationStatus.ATTENDED.value:
                continue
            registration.status = RegistrationStatus.ATTENDED.value
            registration.attended_marked_at = now
            if applicant.stage == Stage.MEETING_BOOKED.value:
                move_applicant(
                    session=session,
                    applicant_id=applicant.id,
                    to_stage=Stage.MEETING_ATTENDED,
                    by_id=actor.id,
                    at=now,
                )
        else:
            counts["no_show"] += 1
            if registration.status == RegistrationStatus.NO_SHOW.value:
                continue
            if registration.status == RegistrationStatus.ATTENDED.value:
                # The funnel has no step back from an attended meeting; a mistake is
                # put right in the journal, not by rewriting the stage history.
                raise AttendanceCannotBeUndone(
                    f"applicant {applicant.id} already attended",
                    name=f"{applicant.first_name} {applicant.last_name}",
                )
            registration.status = RegistrationStatus.NO_SHOW.value
            registration.attended_marked_at = now
    session.flush()
    return counts


@requires("meetings.write")
def mark_held(*, session: Session, actor: Actor, meeting_id: int, now: datetime | None = None) -> None:
    """Record that a planned meeting took place."""
    require(actor, "meetings.write")
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    if local(meeting.starts_at).date() > local(now).date():
        raise AttendanceTooEarly(f"meeting {meeting.id} has not taken place yet")
    meeting.status = MeetingStatus.HELD.value
    meeting.held_at = now
    session.flush()


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingView:
    """One meeting as the pages show it."""

    id: int
    starts_at: datetime
    duration_minutes: int
    mode: str
    kind: str
    join_url: str | None
    address: str | None
    capacity: int
    language: str
    host_id: int | None
    host_name: str | None
    status: str
    series_id: str | None
    notes: str | None
    registered: int
    waitlisted: int
    attended: int
    no_show: int
    reminder_sent_at: datetime | None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered - self.attended - self.no_show, 0)


def _counts_query():
    def count(status: str):
        return func.count(Registration.id).filter(Registration.status == status)

    return (
        select(
            InfoMeeting,
            StaffUser.full_name,
            count(RegistrationStatus.REGISTERED.value),
            count(RegistrationStatus.WAITLISTED.value),
            count(RegistrationStatus.ATTENDED.value),
            count(RegistrationStatus.NO_SHOW.value),
        )
        .outerjoin(Registration, Registration.meeting_id == InfoMeeting.id)
        .outerjoin(StaffUser, StaffUser.id == InfoMeeting.host_id)
        .group_by(InfoMeeting.id, StaffUser.full_name)
    )


def _view(row) -> MeetingView:
    meeting, host_name, registered, waitlisted, attended, no_show = row
    return MeetingView(
        id=meeting.id,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        mode=meeting.mode,
        kind=meeting.kind,
        join_url=meeting.join_url,
        address=meeting.address,
        capacity=meeting.capacity,
        language=meeting.language,
        host_id=meeting.host_id,
        host_name=host_name,
        status=meeting.status,
        series_id=meeting.series_id,
        notes=meeting.notes,
        registered=registered,
        waitlisted=waitlisted,
        attended=attended,
        no_show=no_show,
        reminder_sent_at=meeting.reminder_sent_at,
    )


@requires("meetings.read")
def get_meeting(*, session: Session, actor: Actor, meeting_id: int) -> MeetingView:
    require(actor, "meetings.read")
    row = session.execute(_counts_query().where(InfoMeeting.id == meeting_id)).first()
    if row is None:
        raise NotFound(f"meeting {meeting_id} not found")
    return _view(row)


@requires("meetings.read")
def list_meetings(
    *, session: Session, actor: Actor, when: str = "upcoming", now: datetime | None = None, limit: int = 200
) -> list[MeetingView]:
    """Upcoming meetings (soonest first; today's stay listed all day) or past ones (latest first)."""
    require(actor, "meetings.read")
    now = now or utcnow()
    start_of_today = oslo_datetime(local(now).date(), time(0, 0))
    query = _counts_query()
    if when == "upcoming":
        query = query.where(InfoMeeting.starts_at >= start_of_today).order_by(InfoMeeting.starts_at, InfoMeeting.id)
    else:
        query = query.where(InfoMeeting.starts_at < start_of_today).order_by(
            InfoMeeting.starts_at.desc(), InfoMeeting.id.desc()
        )
    return [_view(row) for row in session.execute(query.limit(limit))]


def meetings_frame(views: list[MeetingView], lang: str) -> pd.DataFrame:
    """Columns: id, when, mode, status, registered, waitlisted, capacity, host (labels in `lang`)."""
    return pd.DataFrame(
        [
            {
                "id": view.id,
                "when": format_when(view.starts_at, lang),
                "mode": t(f"meetings.mode_{view.mode}", lang)
                + (f" · {t('meetings.kind_combined', lang)}" if view.kind == MeetingKind.COMBINED.value else ""),
                "status": t(f"meetings.status_{view.status}", lang),
                "registered": view.registered + view.attended + view.no_show,
                "waitlisted": view.waitlisted,
                "capacity": view.capacity,
                "host": view.host_name or "",
            }
            for view in views
        ],
        columns=["id", "when", "mode", "status", "registered", "waitlisted", "capacity", "host"],
    )


@requires("applicants.read")
def registrations_frame(
    *, session: Session, actor: Actor, meeting_id: int, statuses: tuple[str, ...], lang: str = "nb"
) -> pd.DataFrame:
    """A meeting's registrations in `statuses`, in booking order. Columns: registration_id,
    applicant_id, name, email, phone, stage (label), status (code), attended (bool)."""
    require(actor, "applicants.read")
    rows = session.execute(
        select(Registration, Applicant)
        .join(Applicant, Applicant.id == Registration.applicant_id)
        .where(Registration.meeting_id == meeting_id, Registration.status.in_(statuses))
        .order_by(func.coalesce(Registration.queued_at, Registration.created_at), Registration.id)
    ).all()
    return pd.DataFrame(
        [
            {
                "registration_id": registration.id,
                "applicant_id": applicant.id,
                "name": f"{applicant.first_name} {applicant.last_name}",
                "email": applicant.email or "",
                "phone": applicant.phone or "",
                "stage": t(f"stages.{applicant.stage}", lang),
                "status": registration.status,
                "attended": registration.status == RegistrationStatus.ATTENDED.value,
            }
            for registration, applicant in rows
        ],
        columns=["registration_id", "applicant_id", "name", "email", "phone", "stage", "status", "attended"],
    )


@requires("meetings.read")
def host_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    """Active staff who can host a meeting or hold an interview: id -> name."""
    require(actor, "meetings.read")
    rows = session.execute(
        select(StaffUser.id, StaffUser.full_name, StaffUser.username)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(("admin", "coordinator")))
        .order_by(StaffUser.full_name)
    )
    return {id_: name or username for id_, name, username in rows}


@requires("meetings.read")
def meeting_for_day(*, session: Session, actor: Actor, day: date) -> list[MeetingView]:
    """Meetings on an Oslo calendar day (the coordinator's "today")."""
    require(actor, "meetings.read")
    start = oslo_datetime(day, time(0, 0))
    end = oslo_datetime(day + timedelta(days=1), time(0, 0))
    query = _counts_query().where(InfoMeeting.starts_at >= start, InfoMeeting.starts_at < end).order_by(InfoMeeting.starts_at)
    return [_view(row) for row in session.execute(query)]
