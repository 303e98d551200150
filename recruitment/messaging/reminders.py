"""Meeting reminders, queued by the mail worker (and `verve outbox send`).

Rules: a reminder is queued `reminder_days_before` days (a setting; 0 turns reminders
off) before a planned meeting, to each applicant still registered for it. Never twice:
an outbox row of kind `meeting_reminder` for that registration and meeting is the
record that it was queued. None for cancelled meetings or registrations, waitlisted
people, or anyone who has left. Someone who booked inside the reminder window gets
none either: their confirmation is only days old.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    InfoMeeting,
    MeetingStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Stage,
    utcnow,
)
from recruitment.core.settings import get_setting
from recruitment.messaging._queue import queue_email

REMINDER = "meeting_reminder"


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
        already = exists().where(
            OutboxMessage.registration_id == Registration.id,
            OutboxMessage.meeting_id == meeting.id,
            OutboxMessage.kind == REMINDER,
        )
        due = session.execute(
            select(Registration.id, Applicant.id, Applicant.email, Applicant.language)
            .join(Applicant, Applicant.id == Registration.applicant_id)
            .where(
                Registration.meeting_id == meeting.id,
                Registration.status == RegistrationStatus.REGISTERED.value,
                Registration.created_at < meeting.starts_at - window,
                Applicant.email.is_not(None),
                Applicant.anonymised_at.is_(None),
                Applicant.stage.not_in([Stage.WITHDRAWN.value, Stage.REJECTED.value]),
                ~already,
            )
            .order_by(Registration.id)
        ).all()
        for registration_id, applicant_id, email, lang in due:
            queue_email(
                session=session,
                kind=REMINDER,
                to_address=email,
                lang=lang,
                context={},
                applicant_id=applicant_id,
                meeting_id=meeting.id,
                registration_id=registration_id,
            )
            queued += 1
        if due:
            meeting.reminder_sent_at = now
    session.flush()
    return queued
