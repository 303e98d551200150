"""The day of an information meeting: who came (attendees move on in the pipeline, no-shows
are recorded) and that the meeting was held.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import (
    MeetingStatus,
    RegistrationStatus,
    Stage,
    utcnow,
)
from recruitment.casework.meetings import (
    MeetingNotPlanned,
    _meeting,
    _planned,
    _registrations,
)
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, VerveError
from recruitment.core.pipeline import Gate
from recruitment.core.timefmt import office_day, office_zone

#: Registrations whose attendance can be marked.
MARKABLE = (
    RegistrationStatus.REGISTERED.value,
    RegistrationStatus.ATTENDED.value,
    RegistrationStatus.NO_SHOW.value,
)


class AttendanceTooEarly(VerveError):
    key = "meetings.error_attendance_too_early"


class AttendanceCannotBeUndone(VerveError):
    """An attendee has moved on in the pipeline; the funnel never moves back past a meeting."""

    key = "meetings.error_attendance_cannot_be_undone"


# --- the day of the meeting ---------------------------------------------------------------


@requires("meetings.write", "applicants.write")
def mark_attendance(
    *,
    session: Session,
    actor: Actor,
    meeting_id: int,
    attended: dict[int, bool],
    now: datetime | None = None,
) -> dict[str, int]:
    """Record who came, for everyone at once ({registration id: came?}). Attendees move to
    `meeting_attended`; no-shows stay in `meeting_booked` with the no-show recorded.
    Returns counts {"attended": n, "no_show": m}."""
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise MeetingNotPlanned(f"meeting {meeting.id} is cancelled")
    zone = office_zone(session)
    if office_day(meeting.starts_at, zone) > office_day(now, zone):
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
                    via=Gate.ATTENDANCE,
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
def mark_held(
    *, session: Session, actor: Actor, meeting_id: int, now: datetime | None = None
) -> None:
    """Record that a planned meeting took place."""
    now = now or utcnow()
    meeting = _meeting(session, meeting_id, lock=True)
    _planned(meeting)
    zone = office_zone(session)
    if office_day(meeting.starts_at, zone) > office_day(now, zone):
        raise AttendanceTooEarly(f"meeting {meeting.id} has not taken place yet")
    meeting.status = MeetingStatus.HELD.value
    meeting.held_at = now
    session.flush()
