"""Office-wide settings an admin can change. Unset keys fall back to DEFAULTS."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckKind, Setting

from recruitment.core.access import Actor, require, requires
from recruitment.core.errors import ValidationFailed

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
    "token_valid_days": 365,
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

_TYPES: dict[str, type] = {key: type(value) for key, value in DEFAULTS.items()}

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


@requires("settings.write")
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
    if key in LIMITS and not LIMITS[key][0] <= value <= LIMITS[key][1]:
        raise ValidationFailed({key: "security.setting_out_of_range"}, min=LIMITS[key][0], max=LIMITS[key][1])
    if key == "time_zone" and value not in available_timezones():
        raise ValidationFailed({key: "errors.wrong_type"})
    if key == "required_checks" and (
        not all(isinstance(v, str) for v in value) or not set(value) <= {kind.value for kind in CheckKind}
    ):
        raise ValidationFailed({key: "errors.wrong_type"})
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor.id))
    else:
        row.value = value
        row.updated_by_id = actor.id
    session.flush()


@requires("settings.write")
def settings_for_admin(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Every setting with its current value, for the admin's settings page."""
    return all_settings(session)


@requires("settings.write")
def change_settings(*, session: Session, actor: Actor, values: dict[str, Any]) -> list[str]:
    """Save the settings that differ from their current value, all or none; every bad
    value is reported at once. Returns the keys changed (each audited)."""
    from recruitment.accounts.audit import record

    current = all_settings(session)
    changed = [key for key, value in values.items() if key not in current or current[key] != value]
    fields: dict[str, str] = {}
    params: dict[str, Any] = {}
    for key in changed:
        try:
            change_setting(session=session, actor=actor, key=key, value=values[key])
        except ValidationFailed as error:
            fields.update(error.fields)
            params.update(error.params)
    if fields:
        raise ValidationFailed(fields, **params)
    for key in changed:
        record(session=session, actor=actor, action="setting.changed", target_type="setting", detail={"key": key, "from": current.get(key), "to": values[key]})
    return changed
