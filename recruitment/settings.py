"""Office-wide settings an admin can change. Unset keys fall back to DEFAULTS."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckKind, Setting

from .access import Actor, require
from .errors import ValidationFailed

DEFAULTS: dict[str, Any] = {
    # An applicant with no stage change for longer than this is "stuck".
    "stuck_after_days": 21,
    # Months after their last event that people who left are anonymised.
    "retention_months": 12,
    "required_checks": [kind.value for kind in CheckKind],
    # The police certificate may be at most this old when the contract is signed.
    "police_certificate_max_age_months": 3,
    # Some offices want the police certificate before the interview is scheduled.
    "police_certificate_before_interview": False,
    "reminder_days_before": 2,
    # Delivery attempts per e-mail before it is marked failed (back-off doubles each time).
    "mail_max_attempts": 8,
    # Meeting times in e-mails are written in this zone.
    "time_zone": "Europe/Oslo",
    "max_hours_per_contact": 40,
    "token_valid_days": 365,
    "session_timeout_minutes": 30,
    "lockout_threshold": 10,
    "lockout_minutes": 15,
    "office_name": "Støttekontakttjenesten",
    "office_email": "",
    "office_phone": "",
    "public_base_url": "http://localhost:8501",
}

_TYPES: dict[str, type] = {key: type(value) for key, value in DEFAULTS.items()}


def get_setting(session: Session, key: str) -> Any:
    """The value of `key` (internal use: services read settings without a permission)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if value is None else value


def all_settings(session: Session) -> dict[str, Any]:
    stored = dict(session.execute(select(Setting.key, Setting.value)).tuples())
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def change_setting(*, session: Session, actor: Actor, key: str, value: Any) -> None:
    """Set `key` to `value` (admins only); the value must have the default's type."""
    require(actor, "settings.write")
    if key not in DEFAULTS:
        raise ValidationFailed({key: "errors.unknown_setting"})
    expected = _TYPES[key]
    if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationFailed({key: "errors.not_a_whole_number"})
    if expected is not int and not isinstance(value, expected):
        raise ValidationFailed({key: "errors.wrong_type"})
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor.id))
    else:
        row.value = value
        row.updated_by_id = actor.id
    session.flush()
