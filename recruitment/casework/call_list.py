"""The call list: the people to phone about tomorrow's meetings, and how each call went.

Who is on it on the office's day D: everyone still registered for a planned meeting
on D or D+1 who chose to be phoned, or who has neither e-mail nor SMS (no message can
reach them). A call's outcome goes to the journal and takes the person off the list:
*reached*, *left a message* and *wrong number* for good; *no answer* for the rest of
the day, and they are listed again the next day (the meeting day itself, for a
meeting tomorrow). Someone booked yesterday for today's meeting is listed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    CallOutcome,
    CallOutcomeKind,
    InfoMeeting,
    JournalChannel,
    JournalEntry,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.core.i18n import t
from recruitment.core.timefmt import day_span, format_when, office_zone, today
from recruitment.core.validation import display_phone

OUTCOMES: tuple[str, ...] = tuple(o.value for o in CallOutcomeKind)
#: Outcomes after which the person is called again the next day.
NOT_REACHED = frozenset({CallOutcomeKind.NO_ANSWER.value})


@dataclass(frozen=True, slots=True)
class CallRow:
    """One person to call. `why`: "chose_call" or "no_email_no_sms"; `last_outcome` and
    `last_called_at` are the previous call, if any (a no answer from an earlier day)."""

    registration_id: int
    applicant_id: int
    name: str
    phone: str | None
    meeting_id: int
    starts_at: datetime
    mode: str
    why: str
    last_outcome: str | None
    last_called_at: datetime | None
    address: str | None = None  # where an in-person meeting is, to tell the person
    language: str = "nb"  # the language to speak with them in (their chosen one)

    @property
    def phone_display(self) -> str:
        """The number as one dials it (`912 34 568`)."""
        return display_phone(self.phone)


@dataclass(frozen=True, slots=True)
class CallMade:
    """A call recorded on the office's day: who, about which meeting, how it went."""

    applicant_id: int
    name: str
    outcome: str
    at: datetime
    meeting_starts_at: datetime | None


def _wants_call():
    """SQL: the applicant chose calls, or no message can reach them."""
    can_sms = and_(
        Applicant.sms_consent_at.is_not(None),
        Applicant.sms_opted_out_at.is_(None),
        Applicant.phone.is_not(None),
    )
    return or_(Applicant.call_consent_at.is_not(None), and_(Applicant.email.is_(None), ~can_sms))


@requires("applicants.read")
def call_list(
    *, session: Session, actor: Actor, day: date | None = None, now: datetime | None = None
) -> list[CallRow]:
    """The people to phone on `day` (default: the office's today), soonest meeting first."""
    zone = office_zone(session)
    day = day or today(now, zone)
    day_start, _ = day_span(day, zone)
    _, end = day_span(day + timedelta(days=1), zone)
    in_window = (
        select(Registration.id)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(InfoMeeting.starts_at >= day_start, InfoMeeting.starts_at < end)
    )
    # The last call about each booking in the window only: not every call ever made.
    latest = (
        select(
            CallOutcome.registration_id,
            func.max(CallOutcome.id).label("last_id"),
        )
        .where(CallOutcome.registration_id.in_(in_window))
        .group_by(CallOutcome.registration_id)
        .subquery()
    )
    rows = session.execute(
        select(Registration, Applicant, InfoMeeting, CallOutcome)
        .join(Applicant, Applicant.id == Registration.applicant_id)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .outerjoin(latest, latest.c.registration_id == Registration.id)
        .outerjoin(CallOutcome, CallOutcome.id == latest.c.last_id)
        .where(
            Registration.status == RegistrationStatus.REGISTERED.value,
            InfoMeeting.status == MeetingStatus.PLANNED.value,
            InfoMeeting.starts_at >= day_start,
            InfoMeeting.starts_at < end,
            Applicant.anonymised_at.is_(None),
            _wants_call(),
            or_(
                CallOutcome.id.is_(None),
                and_(
                    CallOutcome.outcome.in_(NOT_REACHED),
                    CallOutcome.at < day_start,
                ),
            ),
        )
        .order_by(InfoMeeting.starts_at, Applicant.last_name, Applicant.first_name)
    ).all()
    return [
        CallRow(
            registration_id=registration.id,
            applicant_id=applicant.id,
            name=f"{applicant.first_name} {applicant.last_name}",
            phone=applicant.phone,
            meeting_id=meeting.id,
            starts_at=meeting.starts_at,
            mode=meeting.mode,
            why="chose_call" if applicant.call_consent_at is not None else "no_email_no_sms",
            last_outcome=outcome.outcome if outcome else None,
            last_called_at=outcome.at if outcome else None,
            address=meeting.address,
            language=applicant.language or "nb",
        )
        for registration, applicant, meeting, outcome in rows
    ]


@requires("applicants.read")
def calls_made(
    *, session: Session, actor: Actor, day: date | None = None, now: datetime | None = None
) -> list[CallMade]:
    """The calls recorded from the list on `day` (default: the office's today), latest
    first: what the coordinator has done so far, and what to correct if a click was wrong."""
    zone = office_zone(session)
    start, end = day_span(day or today(now, zone), zone)
    rows = session.execute(
        select(CallOutcome, Applicant, InfoMeeting.starts_at)
        .join(Applicant, Applicant.id == CallOutcome.applicant_id)
        .outerjoin(InfoMeeting, InfoMeeting.id == CallOutcome.meeting_id)
        .where(CallOutcome.at >= start, CallOutcome.at < end, Applicant.anonymised_at.is_(None))
        .order_by(CallOutcome.at.desc(), CallOutcome.id.desc())
    ).all()
    return [
        CallMade(
            applicant_id=applicant.id,
            name=f"{applicant.first_name} {applicant.last_name}",
            outcome=outcome.outcome,
            at=outcome.at,
            meeting_starts_at=starts_at,
        )
        for outcome, applicant, starts_at in rows
    ]


@requires("applicants.write")
def record_call_outcome(
    *,
    session: Session,
    actor: Actor,
    registration_id: int,
    outcome: str,
    note: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record how a call from the list went, in the journal and the call's own record;
    returns the journal entry's id."""
    if outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": "validation.unknown_choice"})
    registration = session.get(Registration, registration_id)
    if registration is None or registration.applicant.anonymised_at is not None:
        raise NotFound(f"registration {registration_id}")
    now = now or utcnow()
    applicant, meeting = registration.applicant, registration.meeting
    lang = applicant.language
    when = format_when(meeting.starts_at, lang, office_zone(session))
    entry = JournalEntry(
        applicant_id=applicant.id,
        channel=JournalChannel.PHONE.value,
        subject=t(f"call_list.journal_{outcome}", lang),
        body=t("call_list.journal_body", lang, when=when)
        + (f"\n{note.strip()[:2000]}" if note and note.strip() else ""),
        author_id=actor.id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    session.add(
        CallOutcome(
            applicant_id=applicant.id,
            registration_id=registration.id,
            meeting_id=meeting.id,
            outcome=outcome,
            at=now,
            by_id=actor.id,
            journal_entry_id=entry.id,
        )
    )
    session.flush()
    return entry.id
