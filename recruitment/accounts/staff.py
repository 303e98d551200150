"""Staff accounts: creation, password hashing (argon2), log-in with lock-out, single
sign-on mapping, and the admin's changes to accounts. Every change is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Role, StaffUser, utcnow
from recruitment.accounts.audit import record
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import iso
from recruitment.core.validation import clean_text, normalise_email

MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()

# Passwords that pass the length rule but are the first any attacker tries.
_COMMON = frozenset(
    {
        "passordpassord",
        "passwordpassword",
        "password1234",
        "passord12345",
        "qwertyuiopå",
        "qwertyuiop12",
        "123456789abc",
        "abcdefghijkl",
        "sommer2024!!",
        "vinter2024!!",
        "velkommen123",
        "welcome12345",
    }
)


class LastAdmin(VerveError):
    """The change would leave the office without an active administrator."""

    key = "security.last_admin"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    # Verified against when the username is unknown, so a wrong username takes as
    # long as a wrong password and the timing does not tell which accounts exist.
    return _hasher.hash("not a real password, only for timing")


def check_password_policy(
    password: object, field: str = "password", *, username: str | None = None
) -> str:
    """At least 12 characters, not only digits, at least 4 different characters, not a
    well-known password and not containing the username."""
    if not isinstance(password, str) or not password:
        raise ValidationFailed({field: "validation.required"})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: "validation.password_too_short"}, min=MIN_PASSWORD_LENGTH)
    if len(password) > 1024:
        raise ValidationFailed({field: "validation.too_long"}, max=1024)
    if password.isdigit() or len(set(password)) < 4 or password.lower() in _COMMON:
        raise ValidationFailed({field: "validation.password_too_simple"})
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise ValidationFailed({field: "security.password_contains_username"})
    return password


def clean_username(value: object, field: str = "username") -> str:
    text = (clean_text(value, field, required=True, max_length=64) or "").lower()
    if not _USERNAME.match(text):
        raise ValidationFailed({field: "validation.username_invalid"})
    return text


def actor_for(user: StaffUser) -> Actor:
    return Actor(
        id=user.id, username=user.username, role=user.role, name=user.full_name or user.username
    )


def has_staff(session: Session) -> bool:
    """Whether any account exists (an empty database shows the first-run form)."""
    return bool(session.scalar(select(func.count()).select_from(StaffUser)))


def active_actor(session: Session, user_id: int | None) -> Actor | None:
    """The account as it is now, or None if it was deactivated: the dashboard asks on
    every run, so a deactivation or role change takes effect at once."""
    if user_id is None:
        return None
    user = session.get(StaffUser, user_id)
    return actor_for(user) if user is not None and user.active else None


@requires("staff.manage")
def add_staff_user(
    *,
    session: Session,
    actor: Actor,
    username: str,
    role: str,
    password: str | None,
    full_name: str = "",
    email: str | None = None,
) -> StaffUser:
    """Create an account (admins, or the system for the CLI)."""
    return _create(session, actor, username, role, password, full_name, email)


def create_first_admin(
    *, session: Session, username: str, password: str, full_name: str = ""
) -> StaffUser:
    """The first administrator of an empty installation; refused once any account exists."""
    if has_staff(session):
        raise ValidationFailed({"username": "validation.first_admin_exists"})
    return _create(
        session, Actor.system("first-run"), username, Role.ADMIN.value, password, full_name, None
    )


def _create(session, actor, username, role, password, full_name, email) -> StaffUser:
    fields: dict[str, str] = {}
    try:
        username = clean_username(username)
    except ValidationFailed as error:
        fields.update(error.fields)
    if role not in {r.value for r in Role}:
        fields["role"] = "validation.unknown_choice"
    if password is not None:
        try:
            check_password_policy(password, username=username if "username" not in fields else None)
        except ValidationFailed as error:
            fields.update(error.fields)
    if email:
        try:
            email = normalise_email(email)
        except ValidationFailed as error:
            fields.update(error.fields)
    if not fields and session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        fields["username"] = "validation.username_taken"
    if fields:
        raise ValidationFailed(fields, min=MIN_PASSWORD_LENGTH, max=64)
    user = StaffUser(
        username=username,
        role=role,
        full_name=clean_text(full_name, "full_name", max_length=200) or "",
        email=email or None,
        password_hash=hash_password(password) if password else None,
        failed_logins=0,
        active=True,
    )
    session.add(user)
    session.flush()
    record(
        session=session,
        actor=actor,
        action="staff.created",
        target_type="staff_user",
        target_id=user.id,
        detail={"username": username, "role": role},
    )
    return user


# --- logging in ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """The result of one attempt: the actor when it succeeded; `locked_until` when the
    account or the client is locked (then even the right password is refused)."""

    actor: Actor | None
    locked_until: datetime | None = None


def _client_locked_until(session: Session, client: str | None, *, now: datetime) -> datetime | None:
    """When a client (IP address) that failed too often may try again, or None.

    After `lockout_threshold` failed logins from one client within `lockout_minutes`,
    each further failure doubles the wait (1 s, 2 s, 4 s, ... up to `lockout_minutes`),
    whichever usernames it tries."""
    if not client:
        return None
    threshold = get_setting(session, "lockout_threshold")
    window = timedelta(minutes=get_setting(session, "lockout_minutes"))
    failures, last = session.execute(
        select(func.count(AuditEvent.id), func.max(AuditEvent.at)).where(
            AuditEvent.action == "login.failed",
            AuditEvent.client == client[:100],
            AuditEvent.at > now - window,
        )
    ).one()
    if failures < threshold or last is None:
        return None
    if last.tzinfo is None:  # in case an aggregate comes back without the column's type
        last = last.replace(tzinfo=UTC)
    wait = min(timedelta(seconds=2 ** min(failures - threshold, 20)), window)
    until = last + wait
    return until if until > now else None


def attempt_login(
    *,
    session: Session,
    username: str,
    password: str,
    client: str | None = None,
    now: datetime | None = None,
) -> LoginOutcome:
    """Check a username and password, honouring the per-account lock and the
    per-client delay. Every attempt is audited, so the caller commits either way; the
    message never tells whether the username exists."""
    now = now or utcnow()
    name = (username or "").strip().lower()[:64]
    user = session.scalar(select(StaffUser).where(StaffUser.username == name)) if name else None
    subject = {
        "target_type": "staff_user",
        "target_id": user.id if user else None,
        "client": client,
    }
    who = Actor(id=user.id if user else None, username=name, role="", name=name)

    locked = _client_locked_until(session, client, now=now)
    if (
        locked is None
        and user is not None
        and user.locked_until is not None
        and user.locked_until > now
    ):
        locked = user.locked_until
    if locked is not None:
        # No password check at all while locked: a correct guess must not be confirmed.
        record(
            session=session,
            actor=who,
            action="login.locked",
            at=now,
            detail={"until": iso(locked)},
            **subject,
        )
        return LoginOutcome(None, locked)

    ok = False
    try:
        if user is not None and user.active and user.password_hash:
            ok = _hasher.verify(user.password_hash, password or "")
        else:
            _hasher.verify(_dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        ok = False

    if not ok or user is None:
        detail: dict[str, Any] = {}
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= get_setting(session, "lockout_threshold"):
                user.locked_until = now + timedelta(minutes=get_setting(session, "lockout_minutes"))
                user.failed_logins = 0
                locked = user.locked_until
                detail["locked_until"] = iso(locked)
        record(session=session, actor=who, action="login.failed", at=now, detail=detail, **subject)
        return LoginOutcome(None, locked)

    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    actor = actor_for(user)
    record(session=session, actor=actor, action="login", at=now, **subject)
    return LoginOutcome(actor)


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    client: str | None = None,
    now: datetime | None = None,
) -> Actor | None:
    """The actor for a correct username and password, else None (see attempt_login)."""
    return attempt_login(
        session=session, username=username, password=password, client=client, now=now
    ).actor


def sso_login(
    *,
    session: Session,
    subject: str | None,
    email: str | None,
    provider: str = "",
    client: str | None = None,
    now: datetime | None = None,
) -> LoginOutcome:
    """Map an identity from the single-sign-on provider to an active staff account: by
    its `sub` first, else by e-mail (and then remember the `sub`). No account, no entry."""
    now = now or utcnow()
    user = (
        session.scalar(select(StaffUser).where(StaffUser.oidc_subject == subject))
        if subject
        else None
    )
    if user is None and email:
        try:
            address = normalise_email(email)
        except ValidationFailed:
            address = None
        if address:
            user = session.scalar(
                select(StaffUser).where(
                    func.lower(StaffUser.email) == address, StaffUser.oidc_subject.is_(None)
                )
            )
            if user is not None and subject:
                user.oidc_subject = subject[:255]
    target = {"target_type": "staff_user", "target_id": user.id if user else None, "client": client}
    who = Actor(
        id=user.id if user else None,
        username=(user.username if user else (email or "")[:64]),
        role="",
    )
    if user is None or not user.active:
        record(
            session=session,
            actor=who,
            action="login.failed",
            at=now,
            detail={"sso": provider},
            **target,
        )
        return LoginOutcome(None)
    if user.locked_until is not None and user.locked_until > now:
        record(
            session=session,
            actor=who,
            action="login.locked",
            at=now,
            detail={"sso": provider},
            **target,
        )
        return LoginOutcome(None, user.locked_until)
    user.last_login_at = now
    actor = actor_for(user)
    record(
        session=session, actor=actor, action="login.sso", at=now, detail={"sso": provider}, **target
    )
    return LoginOutcome(actor)


@requires("account.own")
def log_out(*, session: Session, actor: Actor, client: str | None = None) -> None:
    """Record that the staff member logged out (the dashboard forgets the session)."""
    record(
        session=session,
        actor=actor,
        action="logout",
        target_type="staff_user",
        target_id=actor.id,
        client=client,
    )


# --- one's own account ---------------------------------------------------------------


@requires("account.own")
def change_own_password(
    *, session: Session, actor: Actor, current_password: str, new_password: str
) -> None:
    """Change one's own password after proving the current one."""
    user = session.get(StaffUser, actor.id) if actor.id is not None else None
    if user is None or not user.active:
        raise NotFound("no such account")
    try:
        ok = bool(user.password_hash) and _hasher.verify(user.password_hash, current_password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise ValidationFailed({"current_password": "security.wrong_current_password"})
    check_password_policy(new_password, "new_password", username=user.username)
    if new_password == current_password:
        raise ValidationFailed({"new_password": "security.password_unchanged"})
    user.password_hash = hash_password(new_password)
    record(
        session=session,
        actor=actor,
        action="password.changed",
        target_type="staff_user",
        target_id=user.id,
    )


# --- the admin's staff pages -----------------------------------------------------------


@requires("staff.read")
def list_staff(
    *, session: Session, actor: Actor, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Every account with role, status and last login (no password data)."""
    now = now or utcnow()
    users = session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.username))
    return [
        {
            "id": u.id,
            "username": u.username,
            "full_name": u.full_name,
            "email": u.email,
            "role": u.role,
            "active": u.active,
            "locked": bool(u.locked_until and u.locked_until > now),
            "sso": bool(u.oidc_subject),
            "last_login_at": u.last_login_at,
        }
        for u in users
    ]


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id) if user_id is not None else None
    if user is None:
        raise NotFound(f"no staff user {user_id}")
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(
            StaffUser.role == Role.ADMIN.value, StaffUser.active.is_(True), StaffUser.id != user_id
        )
    )


@requires("staff.manage")
def change_role(*, session: Session, actor: Actor, user_id: int, role: str) -> None:
    """Give an account another role; the last active admin keeps theirs."""
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": "validation.unknown_choice"})
    user = _user(session, user_id)
    if user.role == role:
        return
    if user.role == Role.ADMIN.value and user.active and not _other_active_admins(session, user.id):
        raise LastAdmin("the last active admin cannot lose the role")
    before, user.role = user.role, role
    record(
        session=session,
        actor=actor,
        action="staff.role_changed",
        target_type="staff_user",
        target_id=user.id,
        detail={"from": before, "to": role},
    )


@requires("staff.manage")
def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate an account (it can no longer log in) or bring it back."""
    user = _user(session, user_id)
    if user.active == active:
        return
    if not active and user.role == Role.ADMIN.value and not _other_active_admins(session, user.id):
        raise LastAdmin("the last active admin cannot be deactivated")
    user.active = active
    record(
        session=session,
        actor=actor,
        action="staff.reactivated" if active else "staff.deactivated",
        target_type="staff_user",
        target_id=user.id,
    )


@requires("staff.manage")
def reset_password(*, session: Session, actor: Actor, user_id: int, new_password: str) -> None:
    """Set a new password for someone who forgot theirs; it also lifts a lock."""
    user = _user(session, user_id)
    check_password_policy(new_password, "new_password", username=user.username)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    record(
        session=session,
        actor=actor,
        action="password.reset",
        target_type="staff_user",
        target_id=user.id,
    )


@requires("staff.manage")
def unlock(*, session: Session, actor: Actor, user_id: int) -> None:
    """Lift a lock-out before it expires."""
    user = _user(session, user_id)
    user.failed_logins = 0
    user.locked_until = None
    record(
        session=session,
        actor=actor,
        action="staff.unlocked",
        target_type="staff_user",
        target_id=user.id,
    )
