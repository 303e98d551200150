"""Changing the office-wide settings (admins only): one value or the whole form at once,
each change type-checked, bounded and audited.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from db.models import CheckKind, Setting
from recruitment.accounts.audit import record
from recruitment.core.access import Actor, requires
from recruitment.core.errors import ValidationFailed
from recruitment.core.links import check_public_base_url
from recruitment.core.settings import DEFAULTS, LIMITS, TYPES, all_settings


@requires("settings.write")
def change_setting(*, session: Session, actor: Actor, key: str, value: Any) -> None:
    """Set `key` to `value` (admins only); the value must have the default's type."""
    if key not in DEFAULTS:
        raise ValidationFailed({key: "errors.unknown_setting"})
    expected = TYPES[key]
    if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationFailed({key: "errors.not_a_whole_number"})
    if expected is not int and not isinstance(value, expected):
        raise ValidationFailed({key: "errors.wrong_type"})
    if key in LIMITS and not LIMITS[key][0] <= value <= LIMITS[key][1]:
        raise ValidationFailed(
            {key: "security.setting_out_of_range"}, min=LIMITS[key][0], max=LIMITS[key][1]
        )
    if key == "public_base_url":
        value = check_public_base_url(value)
    if key == "time_zone" and value not in available_timezones():
        raise ValidationFailed({key: "errors.wrong_type"})
    if key == "required_checks" and (
        not all(isinstance(v, str) for v in value)
        or not set(value) <= {kind.value for kind in CheckKind}
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
        record(
            session=session,
            actor=actor,
            action="setting.changed",
            target_type="setting",
            detail={"key": key, "from": current.get(key), "to": values[key]},
        )
    return changed
