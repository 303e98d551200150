"""The meetings the public sign-up form offers: upcoming, with the seats left. Booking
itself is `recruitment.journey._booking`, reached through the sign-up, the personal link
and the coordinators' meeting services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    InfoMeeting,
    MeetingKind,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from recruitment.journey._booking import SEAT_HOLDING


@dataclass(frozen=True, slots=True)
class MeetingChoice:
    """An upcoming meeting as the sign-up page offers it."""

    id: int
    starts_at: datetime
    duration_minutes: int
    mode: str
    address: str | None
    language: str
    capacity: int
    seats_left: int
    waitlisted: int


def open_meetings(
    session: Session, *, now: datetime | None = None, limit: int = 20
) -> list[MeetingChoice]:
    """Planned standard meetings still ahead, soonest first, with seats left."""
    now = now or utcnow()

    # Counted per listed meeting (index on meeting_id, status), not over every
    # registration ever made: this runs on every view of the public sign-up page.
    def counted(statuses: tuple[str, ...]):
        return (
            select(func.count(Registration.id))
            .where(Registration.meeting_id == InfoMeeting.id, Registration.status.in_(statuses))
            .correlate(InfoMeeting)
            .scalar_subquery()
        )

    rows = session.execute(
        select(
            InfoMeeting,
            counted(tuple(SEAT_HOLDING)),
            counted((RegistrationStatus.WAITLISTED.value,)),
        )
        .where(
            InfoMeeting.status == MeetingStatus.PLANNED.value,
            InfoMeeting.kind == MeetingKind.STANDARD.value,
            InfoMeeting.starts_at > now,
        )
        .order_by(InfoMeeting.starts_at, InfoMeeting.id)
        .limit(limit)
    ).all()
    return [
        MeetingChoice(
            id=m.id,
            starts_at=m.starts_at,
            duration_minutes=m.duration_minutes,
            mode=m.mode,
            address=m.address,
            language=m.language,
            capacity=m.capacity,
            seats_left=max(m.capacity - n_taken, 0),
            waitlisted=n_waiting,
        )
        for m, n_taken, n_waiting in rows
    ]
