"""Delivering the outbox: claims, leases, sending and marking (SMTP details in `smtp`,
what coordinators see in `outbox_views`).

Delivery is at-least-once with a stable Message-ID, which is as close to exactly once
as SMTP allows:

1. A worker *claims* due rows in one short transaction (`SELECT … FOR UPDATE SKIP
   LOCKED` on PostgreSQL, so concurrent workers never claim the same row), setting
   `status='sending'`, `claimed_by` and `claimed_at`, and commits.
2. It sends each claimed message, then marks it `sent` in a transaction of its own
   (and writes it to the applicant's journal there).
3. A worker killed between 2's send and its mark leaves the row `sending`. Once the
   claim is older than the lease, any worker reclaims it and sends it again with the
   same Message-ID. That one message may arrive twice; a receiving server or mail
   client that drops duplicate Message-IDs shows it once. Nothing is lost.

On SQLite, one worker at a time is enforced with a lock file beside the database.

SMS travel the same way (`channel='sms'`), with the row's stable reference as the
gateway's refId, but are never sent twice (we cannot count on the gateway dropping a
repeated refId; docs/sms.md, "Exactly once"):

- before the gateway call the worker commits `handed_over_at`, only while its claim
  still stands (`_hand_over`); without that it sends nothing;
- a stale claim *without* the mark was never handed over: reclaimed and sent as above;
- a stale claim *with* the mark may have reached the gateway: it becomes `uncertain`
  and is never sent again by itself; staff send it again or mark it sent
  (`outbox_views`). A gateway call that ends without an answer does the same.

A worker only claims the channels it can deliver. A meeting reminder whose booking
was cancelled while it waited is not sent: it is marked `withdrawn` when claimed.
"""

from __future__ import annotations

import logging
import os
import signal
import smtplib
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    InfoMeeting,
    JournalChannel,
    JournalEntry,
    MeetingStatus,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from recruitment.core.errors import VerveError
from recruitment.core.links import fill_public_url, public_base_url
from recruitment.core.settings import get_setting
from recruitment.messaging._queue import REMINDER
from recruitment.messaging.sms_gateway import OutgoingSms, SmsProvider, SmsSendError
from recruitment.messaging.smtp import Claimed, SmtpSettings, build_message, classify, connect

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED, WITHDRAWN, UNCERTAIN = (s.value for s in OutboxStatus)
EMAIL, SMS = (c.value for c in OutboxChannel)


#: The stored reason of an `uncertain` row (English, for logs and the CLI); pages show
#: `mail.uncertain_reason` in the reader's language instead.
UNCERTAIN_NOTE = "may have reached the gateway; not sent again by itself"


class WorkerBusy(VerveError):
    """Another worker holds the SQLite database's delivery lock."""

    key = "mail.worker_busy"


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry and lease timings. Back-off doubles per attempt: base, 2×base, 4×base … up
    to `backoff_max_seconds`; after `max_attempts` (default: the `mail_max_attempts`
    setting) a message is failed. A claim older than `lease_seconds` is taken over."""

    max_attempts: int | None = None
    backoff_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    lease_seconds: float = 600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DeliveryPolicy:
        environ = os.environ if environ is None else environ
        names = {
            "max_attempts": "VERVE_MAIL_MAX_ATTEMPTS",
            "backoff_seconds": "VERVE_MAIL_BACKOFF_SECONDS",
            "backoff_max_seconds": "VERVE_MAIL_BACKOFF_MAX_SECONDS",
            "lease_seconds": "VERVE_MAIL_LEASE_SECONDS",
        }
        values: dict[str, Any] = {}
        for name, variable in names.items():
            if environ.get(variable, "").strip():
                values[name] = (int if name == "max_attempts" else float)(environ[variable])
        return cls(**values)

    def delay(self, attempts: int) -> timedelta:
        """The wait before the next try after `attempts` failed ones."""
        seconds = self.backoff_seconds * (2 ** max(attempts - 1, 0))
        return timedelta(seconds=min(seconds, self.backoff_max_seconds))


# --- delivery ------------------------------------------------------------------------


@dataclass
class SendStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    reclaimed: int = 0
    reminders: int = 0
    withdrawn: int = 0
    uncertain: int = 0

    def add(self, other: SendStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def __str__(self) -> str:
        return ", ".join(f"{f.name} {getattr(self, f.name)}" for f in fields(self))


def _engine(session_factory: sessionmaker[Session]) -> Engine:
    return session_factory.kw["bind"]


def lock_path(engine: Engine) -> Path | None:
    """The lock file that keeps SQLite to one worker; None where no lock is needed."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + "-outbox.lock")


@contextmanager
def single_worker(engine: Engine) -> Iterator[None]:
    """Hold the delivery lock for SQLite (PostgreSQL needs none: rows are claimed)."""
    path = lock_path(engine)
    if path is None:
        yield
        return
    import fcntl  # POSIX only; the lock is released by the kernel if the worker dies

    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise WorkerBusy(f"another worker holds {path}", lock=str(path)) from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _max_attempts(session_factory: sessionmaker[Session], policy: DeliveryPolicy) -> int:
    if policy.max_attempts is not None:
        return policy.max_attempts
    with session_factory() as session:
        return int(get_setting(session, "mail_max_attempts"))


def _claim(
    *,
    session_factory: sessionmaker[Session],
    worker_id: str,
    batch_size: int,
    policy: DeliveryPolicy,
    channels: tuple[str, ...] = (EMAIL,),
    now: datetime | None = None,
) -> list[Claimed]:
    """Claim up to `batch_size` due rows (and stale claims) of `channels` for `worker_id`,
    committed. Reminders whose booking or meeting was cancelled are withdrawn instead."""
    now = now or utcnow()
    stale = now - timedelta(seconds=policy.lease_seconds)
    due = or_(
        and_(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < stale),
    )
    with session_factory.begin() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(due, OutboxMessage.channel.in_(channels))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        # The public address of the moment goes into the links (queued with a mark).
        base = public_base_url(session) if rows else ""
        for row in rows:
            if row.status == SENDING and row.handed_over_at is not None:
                # Its worker handed it to the gateway and was not heard of again: it
                # may have arrived. Never sent again by itself; staff decide. The last
                # holder stays in claimed_by: if it was only slow, its answer still counts.
                row.status, row.attempts = UNCERTAIN, row.attempts + 1
                row.last_error = (
                    f"{UNCERTAIN_NOTE} (worker {row.claimed_by}, "
                    f"handed over {row.handed_over_at:%Y-%m-%d %H:%M:%S} UTC)"
                )
                log.warning(
                    "message %s left by %s after handing it to the gateway: uncertain",
                    row.id,
                    row.claimed_by,
                )
                continue
            if row.kind == REMINDER and _cancelled_since(session, row):
                row.status, row.claimed_by, row.claimed_at = WITHDRAWN, None, None
                row.last_error = "withdrawn: the booking or meeting was cancelled"
                continue
            claimed.append(
                Claimed(
                    id=row.id,
                    kind=row.kind,
                    to_address=row.to_address,
                    language=row.language,
                    subject=fill_public_url(base, row.subject),
                    body_text=fill_public_url(base, row.body_text),
                    body_html=fill_public_url(base, row.body_html, "html"),
                    ics=fill_public_url(base, row.ics, "ics"),
                    message_id=row.message_id,
                    attempts=row.attempts,
                    applicant_id=row.applicant_id,
                    reclaimed=row.status == SENDING,
                    channel=row.channel,
                )
            )
            if row.status == SENDING:
                log.warning(
                    "reclaiming message %s left by %s at %s", row.id, row.claimed_by, row.claimed_at
                )
            row.status, row.claimed_by, row.claimed_at = SENDING, worker_id, now
            row.handed_over_at = None
    return claimed


def _cancelled_since(session: Session, row: OutboxMessage) -> bool:
    """Whether the booking a reminder is about no longer stands."""
    if row.registration_id is None:
        return False
    registration = session.get(Registration, row.registration_id)
    meeting = session.get(InfoMeeting, row.meeting_id) if row.meeting_id else None
    return (
        registration is None
        or registration.status != RegistrationStatus.REGISTERED.value
        or (meeting is not None and meeting.status != MeetingStatus.PLANNED.value)
    )


def _update_own_claims(
    session: Session,
    ids: list[int],
    worker_id: str,
    *,
    statuses: tuple[str, ...] = (SENDING,),
    where: tuple[Any, ...] = (),
    **values,
) -> int:
    """Update the rows in `ids` that this worker still holds (status sending, its claim);
    a row another worker has taken over meanwhile is left alone. Returns the rows changed."""
    return session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status.in_(statuses),
            OutboxMessage.claimed_by == worker_id,
            *where,
        )
        .values(**values)
    ).rowcount


def _hand_over(
    session_factory: sessionmaker[Session],
    message: Claimed,
    worker_id: str,
    policy: DeliveryPolicy,
) -> bool:
    """Commit that this worker hands the SMS to the gateway now, if its claim still
    stands (its own, within the lease, not handed over yet); the claim is renewed with
    it. False: the claim is gone (taken over, or the lease ran out) and it must not send."""
    now = utcnow()
    with session_factory.begin() as session:
        changed = _update_own_claims(
            session,
            [message.id],
            worker_id,
            where=(
                OutboxMessage.handed_over_at.is_(None),
                OutboxMessage.claimed_at >= now - timedelta(seconds=policy.lease_seconds),
            ),
            handed_over_at=now,
            claimed_at=now,
        )
    if changed != 1:
        log.warning("message %s: claim of %s no longer stands, not sent", message.id, worker_id)
    return changed == 1


def _mark_sent(session_factory: sessionmaker[Session], message: Claimed, worker_id: str) -> None:
    now = utcnow()
    with session_factory.begin() as session:
        # An SMS another worker found stale and set uncertain meanwhile is still this
        # worker's to finish: the gateway has answered, so it is sent, once.
        changed = _update_own_claims(
            session,
            [message.id],
            worker_id,
            statuses=(SENDING, UNCERTAIN),
            status=SENT,
            sent_at=now,
            attempts=message.attempts + 1,
            claimed_by=None,
            claimed_at=None,
            last_error=None,
        )
        log.info("message %s (%s, %s) sent", message.id, message.kind, message.channel)
        # Only the worker whose claim still stood records it, so the journal holds
        # each message once even when a stale claim was taken over meanwhile.
        if changed == 1 and message.applicant_id is not None:
            session.add(
                JournalEntry(
                    applicant_id=message.applicant_id,
                    channel=(
                        JournalChannel.SMS.value
                        if message.channel == SMS
                        else JournalChannel.EMAIL.value
                    ),
                    subject=message.subject[:300],
                    body=message.body_text,
                    outbox_id=message.id,
                    created_at=now,
                )
            )


def _mark_unsent(
    session_factory: sessionmaker[Session],
    message: Claimed,
    worker_id: str,
    *,
    error: str,
    permanent: bool,
    max_attempts: int,
    policy: DeliveryPolicy,
) -> str:
    now = utcnow()
    attempts = message.attempts + 1
    status = FAILED if permanent or attempts >= max_attempts else QUEUED
    with session_factory.begin() as session:
        _update_own_claims(
            session,
            [message.id],
            worker_id,
            status=status,
            attempts=attempts,
            last_error=error[:2000],
            claimed_by=None,
            claimed_at=None,
            # The gateway said no (or was never reached): it did not take the SMS.
            handed_over_at=None,
            next_attempt_at=now + policy.delay(attempts),
        )
    log.warning(
        "message %s %s after attempt %s: %s",
        message.id,
        "failed" if status == FAILED else "will be retried",
        attempts,
        error,
    )
    return status


def _release(session_factory: sessionmaker[Session], ids: list[int], worker_id: str) -> None:
    """Give claimed but unsent rows back at once (on shutdown), so no lease must pass."""
    if not ids:
        return
    with session_factory.begin() as session:
        _update_own_claims(
            session,
            ids,
            worker_id,
            where=(OutboxMessage.handed_over_at.is_(None),),
            status=QUEUED,
            claimed_by=None,
            claimed_at=None,
        )


def _renew(session_factory: sessionmaker[Session], ids: list[int], worker_id: str) -> None:
    """Extend this worker's claim on rows it still has to send."""
    with session_factory.begin() as session:
        _update_own_claims(session, ids, worker_id, claimed_at=utcnow())


def _send_batch(
    *,
    session_factory: sessionmaker[Session],
    smtp: SmtpSettings | None,
    worker_id: str,
    batch_size: int,
    policy: DeliveryPolicy,
    stop: threading.Event | None = None,
    sms: SmsProvider | None = None,
) -> SendStats:
    stats = SendStats()
    channels = tuple(c for c, on in ((EMAIL, smtp is not None), (SMS, sms is not None)) if on)
    if not channels:
        return stats
    batch = _claim(
        session_factory=session_factory,
        worker_id=worker_id,
        batch_size=batch_size,
        policy=policy,
        channels=channels,
    )
    stats.claimed = len(batch)
    stats.reclaimed = sum(m.reclaimed for m in batch)
    if not batch:
        return stats
    max_attempts = _max_attempts(session_factory, policy)
    connection: smtplib.SMTP | None = None
    renewed = time.monotonic()
    try:
        for index, message in enumerate(batch):
            rest = [m.id for m in batch[index:]]
            if stop is not None and stop.is_set():
                _release(session_factory, rest, worker_id)
                stats.released += len(rest)
                break
            if time.monotonic() - renewed > policy.lease_seconds / 3:
                # A slow server must not let the lease run out under a live worker.
                _renew(session_factory, rest, worker_id)
                renewed = time.monotonic()
            if message.channel == SMS:
                status = _send_sms(session_factory, sms, message, worker_id, max_attempts, policy)
                stats.sent += status == SENT
                stats.failed += status == FAILED
                stats.retried += status == QUEUED
                stats.uncertain += status == UNCERTAIN
                continue
            assert smtp is not None  # only claimed when configured
            try:
                mime = build_message(message, smtp)
                if connection is None:
                    connection = connect(smtp)
                connection.send_message(
                    mime, from_addr=smtp.sender_address, to_addrs=[message.to_address]
                )
            except (TimeoutError, smtplib.SMTPException, OSError) as error:
                permanent, lost, text = classify(error)
                status = _mark_unsent(
                    session_factory,
                    message,
                    worker_id,
                    error=text,
                    permanent=permanent,
                    max_attempts=max_attempts,
                    policy=policy,
                )
                stats.failed += status == FAILED
                stats.retried += status == QUEUED
                if lost:
                    # The server is unreachable: the rest wait their back-off too,
                    # rather than each waiting out a connection timeout now.
                    with suppress(Exception):
                        if connection is not None:
                            connection.close()
                    connection = None
                    for later in batch[index + 1 :]:
                        status = _mark_unsent(
                            session_factory,
                            later,
                            worker_id,
                            error=text,
                            permanent=False,
                            max_attempts=max_attempts,
                            policy=policy,
                        )
                        stats.failed += status == FAILED
                        stats.retried += status == QUEUED
                    break
                continue
            except (ValueError, TypeError) as error:
                # A message that cannot even be built will not get better by waiting.
                _mark_unsent(
                    session_factory,
                    message,
                    worker_id,
                    error=f"{type(error).__name__}: {error}",
                    permanent=True,
                    max_attempts=max_attempts,
                    policy=policy,
                )
                stats.failed += 1
                continue
            _mark_sent(session_factory, message, worker_id)
            stats.sent += 1
    finally:
        if connection is not None:
            with suppress(Exception):
                connection.quit()
    return stats


def _send_sms(
    session_factory: sessionmaker[Session],
    provider: SmsProvider | None,
    message: Claimed,
    worker_id: str,
    max_attempts: int,
    policy: DeliveryPolicy,
) -> str:
    """Hand one SMS to the gateway and mark the outcome; returns the new status (the
    old one, `sending`, when the claim no longer stood and nothing was sent)."""
    assert provider is not None  # only claimed when configured
    if not _hand_over(session_factory, message, worker_id, policy):
        return SENDING
    try:
        provider.send(
            OutgoingSms(to=message.to_address, text=message.body_text, reference=message.message_id)
        )
    except SmsSendError as error:
        if error.uncertain:
            return _mark_uncertain(session_factory, message, worker_id, f"SMS gateway: {error}")
        return _mark_unsent(
            session_factory,
            message,
            worker_id,
            error=f"SMS gateway: {error}",
            permanent=error.permanent,
            max_attempts=max_attempts,
            policy=policy,
        )
    _mark_sent(session_factory, message, worker_id)
    return SENT


def _mark_uncertain(
    session_factory: sessionmaker[Session], message: Claimed, worker_id: str, error: str
) -> str:
    """The gateway call ended without an answer after the request went out (a timeout, a
    dropped connection): the SMS may have arrived, so it waits for staff, not a retry."""
    with session_factory.begin() as session:
        _update_own_claims(
            session,
            [message.id],
            worker_id,
            status=UNCERTAIN,
            attempts=message.attempts + 1,
            last_error=f"{UNCERTAIN_NOTE} ({error})"[:2000],
            claimed_by=None,
            claimed_at=None,
        )
    log.warning("message %s uncertain: %s", message.id, error)
    return UNCERTAIN


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def send_due(
    *,
    session_factory: sessionmaker[Session],
    smtp_settings: SmtpSettings | None,
    worker_id: str | None = None,
    batch_size: int = 50,
    policy: DeliveryPolicy | None = None,
    max_batches: int | None = None,
    sms_provider: SmsProvider | None = None,
) -> SendStats:
    """Deliver every message that is due now (batch after batch) and return the counts.
    Without SMTP settings e-mail stays queued; without an SMS gateway, SMS do."""
    stats = SendStats()
    if smtp_settings is None and sms_provider is None:
        return stats
    policy = policy or DeliveryPolicy()
    worker_id = worker_id or default_worker_id()
    with single_worker(_engine(session_factory)):
        batches = 0
        while max_batches is None or batches < max_batches:
            round_stats = _send_batch(
                session_factory=session_factory,
                smtp=smtp_settings,
                worker_id=worker_id,
                batch_size=batch_size,
                policy=policy,
                sms=sms_provider,
            )
            stats.add(round_stats)
            batches += 1
            if round_stats.claimed < batch_size or round_stats.sent == 0:
                break
    return stats


def queue_reminders_now(session_factory: sessionmaker[Session]) -> int:
    """Queue due meeting reminders in a transaction of their own."""
    from recruitment.messaging.reminders import queue_due_reminders

    with session_factory.begin() as session:
        return queue_due_reminders(session=session, now=utcnow())


def work(
    *,
    session_factory: sessionmaker[Session],
    smtp_settings: SmtpSettings | None,
    worker_id: str | None = None,
    batch_size: int = 20,
    policy: DeliveryPolicy | None = None,
    poll_seconds: float = 2.0,
    reminder_every_seconds: float = 300.0,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
    sms_provider: SmsProvider | None = None,
) -> SendStats:
    """Keep delivering until SIGTERM/SIGINT (or `stop`): poll for due messages, queue
    reminders every few minutes. A message being sent is finished and marked first."""
    policy = policy or DeliveryPolicy()
    worker_id = worker_id or default_worker_id()
    stop = stop or threading.Event()
    totals = SendStats()
    previous: dict[int, Any] = {}
    if handle_signals and threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        with single_worker(_engine(session_factory)):
            log.info(
                "mail worker %s started (%s)",
                worker_id,
                f"SMTP {smtp_settings.host}:{smtp_settings.port}"
                if smtp_settings
                else "no SMTP: e-mail queue only",
            )
            if sms_provider is None:
                log.info("no SMS gateway: text messages stay queued")
            next_reminders = 0.0
            while not stop.is_set():
                busy = False
                try:
                    if time.monotonic() >= next_reminders:
                        totals.reminders += queue_reminders_now(session_factory)
                        next_reminders = time.monotonic() + reminder_every_seconds
                    if smtp_settings is not None or sms_provider is not None:
                        round_stats = _send_batch(
                            session_factory=session_factory,
                            smtp=smtp_settings,
                            worker_id=worker_id,
                            batch_size=batch_size,
                            policy=policy,
                            stop=stop,
                            sms=sms_provider,
                        )
                        totals.add(round_stats)
                        busy = round_stats.sent > 0 and round_stats.claimed == batch_size
                except OperationalError:
                    # The database went away for a moment (restart, failover): wait, retry.
                    log.exception("database unavailable; retrying")
                if not busy:
                    stop.wait(poll_seconds)
            log.info("mail worker %s stopped: %s", worker_id, totals)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return totals
