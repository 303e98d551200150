"""What coordinators see of the outbox: counts, the list, one message, a retry, and the
two decisions on an SMS whose delivery is uncertain (send again, or mark as sent)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import JournalChannel, JournalEntry, OutboxMessage, OutboxStatus, utcnow
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, VerveError
from recruitment.core.i18n import t
from recruitment.core.links import fill_public_url, public_base_url
from recruitment.messaging.outbox import FAILED, QUEUED, SENT, SMS, UNCERTAIN

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# --- what coordinators see --------------------------------------------------------------


@requires("outbox.read")
def outbox_counts(*, session: Session, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Messages per status (`sent` counts the last seven days). Two reads, each a range of
    the index on (status, sent_at): the few not sent, and the sent of the last week (one
    query with OR read every message ever sent)."""
    now = now or utcnow()
    unsent = [status.value for status in OutboxStatus if status.value != SENT]
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_(unsent))
            .group_by(OutboxMessage.status)
        ).all()
    )
    counts[SENT] = session.scalar(
        select(func.count()).where(
            OutboxMessage.status == SENT, OutboxMessage.sent_at >= now - timedelta(days=7)
        )
    )
    return {status.value: int(counts.get(status.value, 0)) for status in OutboxStatus}


OUTBOX_COLUMNS = [
    "id",
    "created_at",
    "channel",
    "kind",
    "to_address",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "last_error",
]


@requires("outbox.read")
def outbox_messages(
    *,
    session: Session,
    actor: Actor,
    status: str | None = None,
    limit: int = 500,
    lang: str = "nb",
) -> pd.DataFrame:
    """Newest first: id, created_at, channel, kind, to_address, subject, status, attempts,
    next_attempt_at (when a retry is due), sent_at, last_error, and
    kind_label/status_label/channel_label in `lang`."""
    import pandas as pd  # here, not at the top: every `verve` command would pay 1.5 s for it

    query = select(*(getattr(OutboxMessage, c) for c in OUTBOX_COLUMNS)).order_by(
        OutboxMessage.id.desc()
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = session.execute(query.limit(limit)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=OUTBOX_COLUMNS)
    kinds = {kind: t(f"mail.kind_{kind}", lang) for kind in set(frame["kind"])}
    frame["kind_label"] = [
        k if label.startswith("mail.") else label
        for k, label in ((k, kinds[k]) for k in frame["kind"])
    ]
    frame["status_label"] = [t(f"mail.status_{code}", lang) for code in frame["status"]]
    # An uncertain SMS says why in the reader's language (the stored text is for logs),
    # and has no next attempt: only a person sends it again.
    frame["next_attempt_at"] = frame["next_attempt_at"].where(frame["status"] != UNCERTAIN, None)
    frame["last_error"] = [
        t("mail.uncertain_reason", lang) if code == UNCERTAIN else error
        for code, error in zip(frame["status"], frame["last_error"], strict=True)
    ]
    frame["channel_label"] = [t(f"mail.channel_{code}", lang) for code in frame["channel"]]
    return frame


@requires("outbox.read")
def outbox_message(
    *, session: Session, actor: Actor, outbox_id: int, lang: str = "nb"
) -> dict[str, Any]:
    """One message as plain values, to read it in the app; `reason` says in `lang` why
    an uncertain SMS waits for a decision (None for other statuses)."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"outbox message {outbox_id}")
    base = public_base_url(session)
    return {
        "id": row.id,
        "kind": row.kind,
        "channel": row.channel,
        "next_attempt_at": row.next_attempt_at,
        "to_address": row.to_address,
        "language": row.language,
        # As it will be sent: with the public address of now in its links.
        "subject": fill_public_url(base, row.subject),
        "body_text": fill_public_url(base, row.body_text),
        "has_ics": bool(row.ics),
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "sent_at": row.sent_at,
        "message_id": row.message_id,
        "handed_over_at": row.handed_over_at,
        "reason": t("mail.uncertain_reason", lang) if row.status == UNCERTAIN else None,
    }


class NotRetryable(VerveError):
    key = "mail.not_retryable"


class NotUncertain(VerveError):
    key = "mail.not_uncertain"


def _row(session: Session, outbox_id: int) -> OutboxMessage:
    # Locked, so a decision and a worker (or two staff) do not cross on the same row.
    row = session.get(OutboxMessage, outbox_id, with_for_update=True)
    if row is None:
        raise NotFound(f"outbox message {outbox_id}")
    return row


@requires("outbox.write")
def retry_message(*, session: Session, actor: Actor, outbox_id: int) -> None:
    """Queue a failed message again, with a fresh set of attempts, due now. An uncertain
    SMS too: the person decided that it did not arrive, and it is sent once more."""
    row = _row(session, outbox_id)
    if row.status not in (FAILED, UNCERTAIN):
        raise NotRetryable(f"message {outbox_id} is {row.status}")
    if row.status == UNCERTAIN:
        log.info("uncertain message %s sent again, decided by %s", row.id, actor.username)
        row.last_error = None
    row.status, row.attempts, row.next_attempt_at = QUEUED, 0, utcnow()
    row.claimed_by = row.claimed_at = row.handed_over_at = None
    session.flush()


@requires("outbox.write")
def mark_uncertain_sent(*, session: Session, actor: Actor, outbox_id: int) -> None:
    """An uncertain SMS did arrive (the person asked the applicant, or read the gateway's
    report): mark it sent and write it to the journal as the worker would have."""
    row = _row(session, outbox_id)
    if row.status != UNCERTAIN:
        raise NotUncertain(f"message {outbox_id} is {row.status}")
    now = utcnow()
    row.status, row.sent_at = SENT, now
    row.claimed_by = row.claimed_at = None
    row.last_error = None
    log.info("uncertain message %s marked sent, decided by %s", row.id, actor.username)
    if row.applicant_id is not None:
        base = public_base_url(session)
        session.add(
            JournalEntry(
                applicant_id=row.applicant_id,
                channel=(
                    JournalChannel.SMS.value if row.channel == SMS else JournalChannel.EMAIL.value
                ),
                subject=fill_public_url(base, row.subject)[:300],
                body=fill_public_url(base, row.body_text),
                outbox_id=row.id,
                author_id=actor.id,
                created_at=now,
            )
        )
    session.flush()
