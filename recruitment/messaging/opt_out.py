"""Replies to our text messages: the opt-out word stops SMS to that number.

The gateway forwards replies (LINK Mobility: a "mobile originated" callback); `verve
sms reply` records one. Anything but the opt-out word is not acted on: a coordinator
reads it in the gateway's portal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Applicant, JournalChannel, JournalEntry, utcnow
from recruitment.core.i18n import t
from recruitment.core.validation import sms_number
from recruitment.messaging.sms import is_opt_out


def receive_sms_reply(
    *, session: Session, from_number: str, text: str, now: datetime | None = None
) -> int:
    """Stop SMS to everyone with `from_number` when `text` is the opt-out word; returns
    how many applicants that stopped. The stop is written in each one's journal."""
    if not is_opt_out(text):
        return 0
    now = now or utcnow()
    number = sms_number(from_number)
    # Stored numbers went through the same normalising, so equal numbers are equal text.
    applicants = session.scalars(
        select(Applicant).where(Applicant.phone == number, Applicant.sms_opted_out_at.is_(None))
    ).all()
    for applicant in applicants:
        applicant.sms_opted_out_at = now
        session.add(
            JournalEntry(
                applicant_id=applicant.id,
                channel=JournalChannel.SMS.value,
                subject=t("sms.opted_out_journal", applicant.language, word=text.strip()[:20]),
                body=text[:1000],
                created_at=now,
            )
        )
    session.flush()
    return len(applicants)
