"""Meeting reminders, queued by the mail worker (and `verve outbox send`).

Rules: a reminder is queued `reminder_days_before` days (a setting; 0 turns reminders
off) before a planned meeting, to each applicant still registered for it, on each
channel they chose (e-mail, SMS; a call is the call list's). Never twice on any channel:
an outbox row of kind `meeting_reminder` for that registration, meeting and channel is
the record that it was queued (`_queue.remind`). None for cancelled meetings or
registrations, waitlisted people, or anyone who has left; one queued before a
cancellation is withdrawn by the worker instead of sent. Someone who booked inside
the reminder window gets none either: their confirmation is only days old.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    InfoMeeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    Stage,
    utcnow,
)
from recruitment.core.settings import get_setting
from recruitment.messaging._queue import REMINDER, remind

__all__ = ["REMINDER", "queue_due_reminders"]


def queue_due_reminders(*, session: Session, now: datetime | None = None) -> int:
    """Queue the reminders that are due at `now`; returns how many were queued."""
    now = now or utcnow()
    days = int(get_setting(session, "reminder_days_before"))
    if days <= 0:
        return 0
    window = timedelta(days=days)
    # Locking the meetings makes concurrent workers on PostgreSQL take turns per
    # meeting (the other skips it), so the "never twice" check below cannot race.
    meetings = session.scalars(
        select(InfoMeeting)
        .where(
            InfoMeeting.status == MeetingStatus.PLANNED.value,
            InfoMeeting.starts_at > now,
            InfoMeeting.starts_at <= now + window,
        )
        .order_by(InfoMeeting.starts_at, InfoMeeting.id)
        .with_for_update(skip_locked=True)
    ).all()
    queued = 0
    for meeting in meetings:
        due = session.scalars(
            select(Registration)
            .join(Applicant, Applicant.id == Registration.applicant_id)
            .where(
                Registration.meeting_id == meeting.id,
                Registration.status == RegistrationStatus.REGISTERED.value,
                Registration.created_at < meeting.starts_at - window,
                Applicant.anonymised_at.is_(None),
                Applicant.stage.not_in([Stage.WITHDRAWN.value, Stage.REJECTED.value]),
            )
            .order_by(Registration.id)
        ).all()
        sent_any = False
        for registration in due:
            # The same words as the booking messages: when, where, how.
            context = {"first_name": registration.applicant.first_name}
            made = remind(session=session, registration=registration, context=context)
            queued += len(made)
            sent_any = sent_any or bool(made)
        if sent_any:
            meeting.reminder_sent_at = now
    session.flush()
    return queued
