"""Queueing an e-mail in the transactional outbox, rendered from its template in the
caller's transaction. A building block, not a service: the services that cause a message
(booking, meetings, reminders, the sign-up) call it; pages and the command line never
import this module."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from db.models import Applicant, InfoMeeting, MeetingMode, OutboxMessage, utcnow
from recruitment.core import links
from recruitment.core.i18n import language, t
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import format_time, format_when, office_zone
from recruitment.messaging.mail import render


def standard_context(
    session: Session, lang: str, *, applicant_id: int | None = None, meeting_id: int | None = None
) -> dict[str, Any]:
    """What every template may use, read from the database: the office, the applicant
    and the meeting. The caller's own context is laid over this."""
    values: dict[str, Any] = {
        "office_name": get_setting(session, "office_name"),
        "office_email": get_setting(session, "office_email"),
        "office_phone": get_setting(session, "office_phone"),
        "signup_url": links.signup_url(session, lang),
    }
    if applicant_id is not None and (applicant := session.get(Applicant, applicant_id)) is not None:
        values.update(first_name=applicant.first_name, last_name=applicant.last_name)
        if applicant.token:
            values["self_service_url"] = links.self_service_url(session, applicant.token, lang)
    if meeting_id is not None and (meeting := session.get(InfoMeeting, meeting_id)) is not None:
        zone = office_zone(session)
        ends = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        values.update(
            meeting_when=format_when(meeting.starts_at, lang, zone),
            meeting_ends=format_time(ends, lang, zone),
            meeting_duration_minutes=meeting.duration_minutes,
            meeting_digital=meeting.mode == MeetingMode.DIGITAL.value,
            meeting_mode=t(f"mail.mode_{meeting.mode}", lang),
            join_url=meeting.join_url or "",
            address=meeting.address or "",
        )
    return values


def queue_email(
    *,
    session: Session,
    kind: str,
    to_address: str,
    lang: str,
    context: dict[str, object],
    applicant_id: int | None = None,
    meeting_id: int | None = None,
    registration_id: int | None = None,
    ics: str | None = None,
    send_after: datetime | None = None,
) -> OutboxMessage:
    """Render message `kind` in `lang` with `context` and queue it for delivery."""
    lang = language(lang)
    values = standard_context(session, lang, applicant_id=applicant_id, meeting_id=meeting_id)
    values.update(context)
    mail = render(kind, lang, values)
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        language=lang,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        ics=ics,
        applicant_id=applicant_id,
        meeting_id=meeting_id,
        registration_id=registration_id,
        # Fixed when queued, so every delivery attempt of this row carries the same id.
        message_id=f"<{uuid.uuid4()}@verve.invalid>",
        next_attempt_at=send_after or utcnow(),
    )
    session.add(message)
    session.flush()
    return message
