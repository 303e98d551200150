"""Queueing e-mail in the transactional outbox.

A message is written to `outbox_message` in the same transaction as the change that
caused it; nothing is sent from a page run. Delivery is the outbox worker's job.
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import OutboxMessage, utcnow

from .i18n import language, t


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
    subject = t(f"mail.{kind}_subject", lang, **context)
    body = t(f"mail.{kind}_body", lang, **context)
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        language=lang,
        subject=subject,
        body_text=body,
        body_html="<br>\n".join(html.escape(line) for line in body.splitlines()),
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
