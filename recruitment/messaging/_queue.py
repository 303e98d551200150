"""Queueing an e-mail in the transactional outbox, rendered from its template in the
caller's transaction. A building block, not a service: the services that cause a message
(booking, meetings, reminders, the sign-up) call it; pages and the command line never
import this module."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    InfoMeeting,
    MeetingMode,
    OutboxChannel,
    OutboxMessage,
    Registration,
    utcnow,
)
from recruitment.core import links
from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import language, t
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import format_datetime, format_time, format_when, office_zone
from recruitment.core.validation import sms_number
from recruitment.messaging.mail import render
from recruitment.messaging.sms import SMS_KINDS, render_sms


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
            # The short form, for an SMS: "01.12.2026 kl. 18.00".
            meeting_when_short=format_datetime(meeting.starts_at, lang, zone),
            meeting_ends=format_time(ends, lang, zone),
            meeting_duration_minutes=meeting.duration_minutes,
            meeting_digital=meeting.mode == MeetingMode.DIGITAL.value,
            meeting_mode=t(f"mail.mode_{meeting.mode}", lang),
            join_url=meeting.join_url or "",
            address=meeting.address or "",
            # Where, in one short phrase for an SMS: the address, or the join link.
            where=(
                meeting.join_url or t("mail.mode_digital", lang)
                if meeting.mode == MeetingMode.DIGITAL.value
                else meeting.address or ""
            ),
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
    # Links wait as a mark; the worker puts in the public address when it sends.
    base = links.public_base_url(session)
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        language=lang,
        subject=links.mark_public_url(base, mail.subject),
        body_text=links.mark_public_url(base, mail.text),
        body_html=links.mark_public_url(base, mail.html, "html"),
        ics=links.mark_public_url(base, ics, "ics"),
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


# --- channels ------------------------------------------------------------------------


def wants_email(applicant: Applicant) -> bool:
    """E-mail goes to an address the applicant chose; someone who chose no channel at all
    (imported, or from before channels were asked) is written to as before."""
    if not applicant.email or applicant.anonymised_at is not None:
        return False
    chosen = (applicant.email_consent_at, applicant.sms_consent_at, applicant.call_consent_at)
    return applicant.email_consent_at is not None or all(c is None for c in chosen)


def sms_to(applicant: Applicant) -> str | None:
    """The E.164 number to text, or None: SMS not chosen, opted out, or no mobile number."""
    if (
        applicant.sms_consent_at is None
        or applicant.sms_opted_out_at is not None
        or applicant.anonymised_at is not None
        or not applicant.phone
    ):
        return None
    try:
        return sms_number(applicant.phone)
    except ValidationFailed:
        return None


def queue_sms(
    *,
    session: Session,
    kind: str,
    to_number: str,
    lang: str,
    context: dict[str, object],
    applicant_id: int | None = None,
    meeting_id: int | None = None,
    registration_id: int | None = None,
    send_after: datetime | None = None,
) -> OutboxMessage:
    """Render SMS `kind` in `lang` and queue it to `to_number` (E.164) in the outbox."""
    lang = language(lang)
    values = standard_context(session, lang, applicant_id=applicant_id, meeting_id=meeting_id)
    values.update(context)
    message = OutboxMessage(
        kind=kind,
        channel=OutboxChannel.SMS.value,
        to_address=to_number,
        language=lang,
        subject=t("sms.subject", lang, kind=t(f"mail.kind_{kind}", lang)),
        body_text=links.mark_public_url(
            links.public_base_url(session), render_sms(kind, lang, values)
        ),
        body_html=None,
        applicant_id=applicant_id,
        meeting_id=meeting_id,
        registration_id=registration_id,
        # Sent to the gateway as its reference: the same on every attempt.
        message_id=f"sms-{uuid.uuid4()}",
        next_attempt_at=send_after or utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def notify_applicant(
    *,
    session: Session,
    applicant: Applicant,
    kind: str,
    context: dict[str, object],
    meeting_id: int | None = None,
    registration_id: int | None = None,
    ics: str | None = None,
) -> list[OutboxMessage]:
    """Queue message `kind` to the applicant on every channel they chose that can carry
    it: e-mail (with the calendar invite) and SMS. The one place that decides who is
    written to how; a phone call is the call list's (`casework.call_list`)."""
    queued = []
    if wants_email(applicant):
        queued.append(
            queue_email(
                session=session,
                kind=kind,
                to_address=applicant.email or "",
                lang=applicant.language,
                context=context,
                applicant_id=applicant.id,
                meeting_id=meeting_id,
                registration_id=registration_id,
                ics=ics,
            )
        )
    if kind in SMS_KINDS and (number := sms_to(applicant)) is not None:
        queued.append(
            queue_sms(
                session=session,
                kind=kind,
                to_number=number,
                lang=applicant.language,
                context=context,
                applicant_id=applicant.id,
                meeting_id=meeting_id,
                registration_id=registration_id,
            )
        )
    return queued


REMINDER = "meeting_reminder"


def remind(
    *, session: Session, registration: Registration, context: dict[str, object]
) -> list[OutboxMessage]:
    """Queue the meeting reminder for `registration` on each of the applicant's channels
    that has not had one: never twice on any channel, whoever asks (the reminder round
    or a coordinator's "send reminder"). The caller has locked the meeting."""
    applicant = registration.applicant
    done = set(
        session.scalars(
            select(OutboxMessage.channel).where(
                OutboxMessage.registration_id == registration.id,
                OutboxMessage.meeting_id == registration.meeting_id,
                OutboxMessage.kind == REMINDER,
            )
        )
    )
    queued = []
    if OutboxChannel.EMAIL.value not in done and wants_email(applicant):
        queued.append(
            queue_email(
                session=session,
                kind=REMINDER,
                to_address=applicant.email or "",
                lang=applicant.language,
                context=context,
                applicant_id=applicant.id,
                meeting_id=registration.meeting_id,
                registration_id=registration.id,
            )
        )
    if OutboxChannel.SMS.value not in done and (number := sms_to(applicant)) is not None:
        queued.append(
            queue_sms(
                session=session,
                kind=REMINDER,
                to_number=number,
                lang=applicant.language,
                context=context,
                applicant_id=applicant.id,
                meeting_id=registration.meeting_id,
                registration_id=registration.id,
            )
        )
    return queued
