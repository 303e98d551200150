"""Staff sessions kept in the database, so a login is shared by every tab, every replica
and a restart, and ends everywhere at once.

The browser holds a random session id (an HttpOnly cookie); only its SHA-256 is stored.
A session ends after `session_timeout_minutes` without a page run (idle), after
`ABSOLUTE_HOURS` whatever happens, when it is revoked (log out) and, since the account is
read on every lookup, as soon as the account is deactivated; a role change shows at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import StaffSession, StaffUser, utcnow
from recruitment.accounts.audit import record
from recruitment.accounts.staff import actor_for
from recruitment.core.access import Actor, requires
from recruitment.core.settings import get_setting

#: However active, a session ends this long after the login (a working day and then some).
ABSOLUTE_HOURS = 12
#: Last-seen is written at most this often, so page runs do not all write.
_TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class SessionLookup:
    """Who a session id belongs to now; `expired` when it existed but has ended by time
    (the login page then says why)."""

    actor: Actor | None
    expired: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@requires("account.own")
def start_session(*, session: Session, actor: Actor, now: datetime | None = None) -> str:
    """A new session for a staff member who has just proved who they are; returns the id
    to hand to the browser (never stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_hash(token),
            user_id=actor.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=ABSOLUTE_HOURS),
        )
    )
    session.flush()
    return token


def session_actor(
    session: Session, token: str | None, *, now: datetime | None = None
) -> SessionLookup:
    """The account behind a session id as it is now, or nobody; keeps the session alive."""
    if not token:
        return SessionLookup(None)
    now = now or utcnow()
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return SessionLookup(None)
    idle = timedelta(minutes=get_setting(session, "session_timeout_minutes"))
    if now >= row.expires_at or now - row.last_seen_at > idle:
        row.revoked_at = now
        return SessionLookup(None, expired=True)
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        row.revoked_at = now
        return SessionLookup(None)
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    return SessionLookup(actor_for(user))


@requires("account.own")
def end_session(
    *, session: Session, actor: Actor, token: str | None, client: str | None = None
) -> None:
    """Log out: the session ends in every tab and on every replica, with a line in the
    audit log."""
    if token:
        session.execute(
            update(StaffSession)
            .where(
                StaffSession.token_hash == _hash(token),
                StaffSession.user_id == actor.id,
                StaffSession.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
    record(
        session=session,
        actor=actor,
        action="logout",
        target_type="staff_user",
        target_id=actor.id,
        client=client,
    )
