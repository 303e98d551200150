"""Office-wide settings an admin can change. Unset keys fall back to DEFAULTS; admins change
them through `recruitment.accounts.office_settings`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckKind, Setting

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
    "max_hours_per_contact": 40,
    "token_valid_days": 30,
    "session_timeout_minutes": 30,
    "lockout_threshold": 10,
    "lockout_minutes": 15,
    "office_name": "Støttekontakttjenesten",
    "office_email": "",
    "office_phone": "",
    "public_base_url": "http://localhost:8501",
    # Delivery attempts before an e-mail is marked failed (with back-off between them).
    "mail_max_attempts": 8,
    # Meetings are planned, shown and written in e-mails in this time zone.
    "time_zone": "Europe/Oslo",
}

TYPES: dict[str, type] = {key: type(value) for key, value in DEFAULTS.items()}

# Sensible bounds for the whole-number settings (inclusive); a value outside is refused
# rather than silently breaking reminders, lock-out or retention.
LIMITS: dict[str, tuple[int, int]] = {
    "stuck_after_days": (1, 365),
    "retention_months": (1, 120),
    "police_certificate_max_age_months": (1, 24),
    "reminder_days_before": (0, 30),
    "max_hours_per_contact": (1, 200),
    "token_valid_days": (1, 3650),
    "session_timeout_minutes": (1, 24 * 60),
    "lockout_threshold": (3, 100),
    "lockout_minutes": (1, 24 * 60),
    "mail_max_attempts": (1, 50),
}


def get_setting(session: Session, key: str) -> Any:
    """The value of `key` (internal use: services read settings without a permission)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if value is None else value


def all_settings(session: Session) -> dict[str, Any]:
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}
