"""The one rule for every column that holds what a person typed (`db.models.UserText`),
checked where no service can skip it: on each assignment to such an attribute.

NUL and other control characters are refused, invisible formatting characters (zero-
width space, bidi overrides) removed, and the column's limit enforced, each with a
ValidationFailed naming the field and a message in the user's language. Installed once,
when `recruitment.core` is first imported; services that clean first (`validation`)
never meet it, and anything that forgot to gets a message instead of a database error."""

from __future__ import annotations

from sqlalchemy import event

from db.models import CONTROL_CHARACTERS, Base, UserText, strip_invisible
from recruitment.core.errors import ValidationFailed


def checked(value: object, field: str, limit: int | None) -> object:
    """`value` as it may be stored in a UserText column `field`, or ValidationFailed."""
    if not isinstance(value, str):
        return value
    text = strip_invisible(value)
    if CONTROL_CHARACTERS.search(text):
        raise ValidationFailed({field: "validation.control_characters"})
    if limit is not None and len(text) > limit:
        raise ValidationFailed({field: "validation.too_long"}, max=limit)
    return text


def _listen(attribute, field: str, limit: int | None) -> None:
    def on_set(_target, value, _old, _initiator):
        return checked(value, field, limit)

    event.listen(attribute, "set", on_set, retval=True)


def user_text_columns() -> list[tuple[type, str, UserText]]:
    """Every (model, attribute, type) that holds user text, from the models themselves."""
    found = []
    for mapper in Base.registry.mappers:
        for prop in mapper.column_attrs:
            column_type = prop.columns[0].type
            if isinstance(column_type, UserText):
                found.append((mapper.class_, prop.key, column_type))
    return sorted(found, key=lambda item: (item[0].__name__, item[1]))


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    for model, key, column_type in user_text_columns():
        _listen(getattr(model, key), key, column_type.limit)
    _installed = True
