"""The audit log: who did what to whose data, and when. Append-only: this module
writes and reads rows, and nothing in the app updates or deletes them (on
PostgreSQL and SQLite a trigger refuses it, see migration 0100_security)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, utcnow
from recruitment.core.access import NO_PERMISSION, Actor, requires

#: Actions the app records; the audit page offers them as a filter.
ACTIONS = (
    "login",
    "login.failed",
    "login.locked",
    "login.sso",
    "logout",
    "password.changed",
    "password.reset",
    "staff.created",
    "staff.deactivated",
    "staff.reactivated",
    "staff.role_changed",
    "staff.unlocked",
    "setting.changed",
    "applicant.exported",
    "applicant.erased",
    "applicant.anonymised",
    "service_user.viewed",
    "service_user.anonymised",
    "data.exported",
    "data.imported",
    "retention.run",
)

MAX_ROWS = 1000


@requires(NO_PERMISSION)
def record(
    *,
    session: Session,
    actor: Actor | None,
    action: str,
    target_type: str | None = None,
    target_id: int | None = None,
    detail: dict[str, Any] | None = None,
    client: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add one audit row in the caller's transaction. Put ids in `detail`, never
    personal data: the log outlives the people it mentions."""
    session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=actor.id if actor is not None else None,
            actor_name=(actor.username if actor is not None else None),
            action=action[:48],
            target_type=target_type,
            target_id=target_id,
            client=(client or None) and client[:100],
            detail=detail or {},
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What the audit page asks for; every field is optional."""

    action: str | None = None
    actor_name: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    limit: int = 500


@requires("audit.read")
def audit_events(
    *, session: Session, actor: Actor, filters: AuditFilters | None = None
) -> list[dict[str, Any]]:
    """The newest audit rows matching `filters`, as plain dicts (admins only)."""
    filters = filters or AuditFilters()
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_name:
        query = query.where(AuditEvent.actor_name == filters.actor_name.strip().lower())
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
    limit = max(1, min(int(filters.limit or 500), MAX_ROWS))
    rows = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [
        {
            "at": row.at,
            "action": row.action,
            "actor": row.actor_name,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "client": row.client,
            "detail": row.detail or {},
        }
        for row in rows
    ]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@requires("service_users.read")
def record_service_user_view(
    *, session: Session, actor: Actor, service_user_id: int, client: str | None = None
) -> None:
    """Note that `actor` opened a service user's record (call it from the service that
    reads the record, in the same transaction)."""
    record(
        session=session,
        actor=actor,
        action="service_user.viewed",
        target_type="service_user",
        target_id=service_user_id,
        client=client,
    )
