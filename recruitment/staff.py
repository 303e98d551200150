"""Staff accounts: creation, password hashing (argon2) and log-in."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Role, StaffUser, utcnow

from .access import Actor, require
from .errors import ValidationFailed
from .validation import clean_text, collect

MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_policy(password: object, field: str = "password") -> str:
    """At least 12 characters, not only digits, not all the same character."""
    if not isinstance(password, str) or not password:
        raise ValidationFailed({field: "validation.required"})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: "validation.password_too_short"}, min=MIN_PASSWORD_LENGTH)
    if len(password) > 1024:
        raise ValidationFailed({field: "validation.too_long"}, max=1024)
    if password.isdigit() or len(set(password)) < 4:
        raise ValidationFailed({field: "validation.password_too_simple"})
    return password


def clean_username(value: object, field: str = "username") -> str:
    text = (clean_text(value, field, required=True, max_length=64) or "").lower()
    if not _USERNAME.match(text):
        raise ValidationFailed({field: "validation.username_invalid"})
    return text


def actor_for(user: StaffUser) -> Actor:
    return Actor(id=user.id, username=user.username, role=user.role, name=user.full_name or user.username)


def has_staff(session: Session) -> bool:
    """Whether any account exists (an empty database shows the first-run form)."""
    return bool(session.scalar(select(func.count()).select_from(StaffUser)))


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
    require(actor, "staff.manage")
    return _create(session, actor, username, role, password, full_name, email)


def create_first_admin(
    *, session: Session, username: str, password: str, full_name: str = ""
) -> StaffUser:
    """The first administrator of an empty installation; refused once any account exists."""
    if has_staff(session):
        raise ValidationFailed({"username": "validation.first_admin_exists"})
    return _create(session, Actor.system("first-run"), username, Role.ADMIN.value, password, full_name, None)


def _create(session, actor, username, role, password, full_name, email) -> StaffUser:
    cleaned: dict[str, str] = {}

    def _username() -> None:
        cleaned["username"] = clean_username(username)

    def _role() -> None:
        if role not in {r.value for r in Role}:
            raise ValidationFailed({"role": "validation.unknown_choice"})

    def _password() -> None:
        if password is not None:
            check_password_policy(password)

    collect(_username, _role, _password)
    username = cleaned["username"]
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise ValidationFailed({"username": "validation.username_taken"})
    user = StaffUser(
        username=username,
        role=role,
        full_name=clean_text(full_name, "full_name", max_length=200) or "",
        email=email,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    session.add(
        AuditEvent(
            actor_id=actor.id,
            actor_name=actor.username,
            action="staff.created",
            target_type="staff_user",
            target_id=user.id,
            detail={"username": username, "role": role},
        )
    )
    return user


def authenticate(*, session: Session, username: str, password: str, client: str | None = None) -> Actor | None:
    """The actor for a correct username and password, else None. A failed attempt is
    recorded, so the caller commits either way; the user is told the same thing
    whether the username exists or not."""
    name = (username or "").strip().lower()
    user = session.scalar(select(StaffUser).where(StaffUser.username == name)) if name else None
    ok = False
    if user is not None and user.active and user.password_hash:
        try:
            ok = _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    session.add(
        AuditEvent(
            actor_id=user.id if user else None,
            actor_name=name[:64] or None,
            action="login" if ok else "login.failed",
            target_type="staff_user",
            target_id=user.id if user else None,
            client=client,
        )
    )
    if not ok or user is None:
        if user is not None:
            user.failed_logins += 1
        session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    session.flush()
    return actor_for(user)
