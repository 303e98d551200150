"""Checks and normalisation of what people type. Each returns the clean value or
raises ValidationFailed naming the field and the catalogue key of its message."""

from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email

from db.models import CONTROL_CHARACTERS, strip_invisible
from recruitment.core import timefmt
from recruitment.core.errors import ValidationFailed
from recruitment.core.places import postcode_table

MAX_NAME = 100
MAX_TEXT = 2000
MAX_EMAIL = 254
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()\-.]+$")
_CONTROL = CONTROL_CHARACTERS


def clean_text(
    value: object, field: str, *, required: bool = False, max_length: int = MAX_TEXT
) -> str | None:
    """Trimmed text without control characters; None when empty and not required."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        raise ValidationFailed({field: "validation.wrong_type"})
    # Control characters go, and so do invisible ones: a name of zero-width spaces alone
    # is empty, and a right-to-left override cannot turn a text around.
    text = strip_invisible(_CONTROL.sub("", text)).strip()
    if not text:
        if required:
            raise ValidationFailed({field: "validation.required"})
        return None
    if len(text) > max_length:
        raise ValidationFailed({field: "validation.too_long"}, max=max_length)
    return text


def clean_name(value: object, field: str) -> str:
    text = clean_text(value, field, required=True, max_length=MAX_NAME)
    assert text is not None
    return " ".join(text.split())


def normalise_email(value: object, field: str = "email") -> str:
    """A syntactically valid address, normalised (domain lower-cased, IDN handled) and
    with the local part lower-cased too, so that the same person is found however they
    type it. No DNS lookups: the office must work offline and answer fast."""
    text = clean_text(value, field, required=True, max_length=MAX_EMAIL)
    assert text is not None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationFailed({field: "validation.email_invalid"}, str(error)) from error
    local, _, domain = result.normalized.rpartition("@")
    return f"{local.lower()}@{domain.lower()}"


def clean_phone(value: object, field: str = "phone", *, required: bool = False) -> str | None:
    """A Norwegian (8 digits, optional +47/0047) or international (+ and 7–15 digits) number,
    returned as digits with a leading + for international ones."""
    text = clean_text(value, field, required=required, max_length=40)
    if text is None:
        return None
    if not _PHONE_ALLOWED.match(text):
        raise ValidationFailed({field: "validation.phone_invalid"})
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if international:
        if digits.startswith("47") and len(digits) == 10:
            return "+47" + digits[2:]
        if not 7 <= len(digits) <= 15:
            raise ValidationFailed({field: "validation.phone_invalid"})
        return "+" + digits
    if len(digits) != 8:
        raise ValidationFailed({field: "validation.phone_invalid"})
    return "+47" + digits


def display_phone(value: str | None) -> str:
    """A stored number as people read and dial it: a Norwegian one without the country
    code, grouped as Norwegians write it (mobile and 8xx `912 34 568`, others
    `22 33 44 55`); a foreign one in international format; anything else as it is."""
    if not value:
        return ""
    norwegian = re.fullmatch(r"\+47(\d{8})", value)
    if norwegian:
        d = norwegian.group(1)
        if d[0] in "489":
            return f"{d[:3]} {d[3:5]} {d[5:]}"
        return f"{d[:2]} {d[2:4]} {d[4:6]} {d[6:]}"
    import phonenumbers  # a large module: only for the rare foreign number

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def sms_number(value: object, field: str = "phone") -> str:
    """A Norwegian mobile number in E.164 (`+4791234567`), the only kind Verve texts.

    Raises ValidationFailed naming what is wrong: not a number at all, a number from
    another country, or a Norwegian number that cannot receive SMS (a landline)."""
    import phonenumbers  # only where SMS is used: a large module

    text = clean_text(value, field, required=True, max_length=40)
    try:
        number = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationFailed({field: "validation.sms_number_invalid"}, str(error)) from error
    if number.country_code != 47:
        raise ValidationFailed({field: "validation.sms_number_not_norwegian"})
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed({field: "validation.sms_number_invalid"})
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.UNKNOWN):
        raise ValidationFailed({field: "validation.sms_number_not_mobile"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_postcode(value: object, field: str = "postcode", *, required: bool = True) -> str | None:
    """Four digits that are a Norwegian postcode in the shipped table ("0000" is not)."""
    text = clean_text(value, field, required=required, max_length=10)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{4}", text):  # \d would also take other scripts' digits
        raise ValidationFailed({field: "validation.postcode_invalid"})
    if text not in postcode_table():  # the shipped table (GeoNames, CC BY 4.0)
        raise ValidationFailed({field: "validation.postcode_unknown"})
    return text


def clean_birth_year(value: object, field: str = "birth_year", *, today: date | None = None) -> int:
    """A birth year for someone at least 18 this year and not implausibly old."""
    today = today or timefmt.today()
    if isinstance(value, bool):
        raise ValidationFailed({field: "validation.wrong_type"})
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValidationFailed({field: "validation.required"})
        if not (value.isascii() and value.isdigit()):
            raise ValidationFailed({field: "validation.birth_year_invalid"})
        value = int(value)
    if not isinstance(value, int):
        raise ValidationFailed({field: "validation.wrong_type"})
    if not 1000 <= value <= 9999:
        raise ValidationFailed({field: "validation.birth_year_invalid"})
    if value > today.year:
        raise ValidationFailed({field: "validation.birth_year_future"})
    if value > today.year - 18:
        raise ValidationFailed({field: "validation.too_young"})
    if value < today.year - 100:
        raise ValidationFailed({field: "validation.birth_year_too_old"})
    return value


def clean_choices(
    values: object, field: str, allowed: tuple[str, ...] | frozenset[str]
) -> list[str]:
    """A list of codes from `allowed`, without duplicates, order kept."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple | set | frozenset):
        raise ValidationFailed({field: "validation.wrong_type"})
    out: list[str] = []
    for value in values:
        if value not in allowed:
            raise ValidationFailed({field: "validation.unknown_choice"})
        if value not in out:
            out.append(value)
    return out


def collect(*checks) -> None:
    """Run several zero-argument checks and raise one ValidationFailed naming every bad field."""
    fields: dict[str, str] = {}
    params: dict[str, object] = {}
    for check in checks:
        try:
            check()
        except ValidationFailed as error:
            fields.update(error.fields)
            params.update(error.params)
    if fields:
        raise ValidationFailed(fields, **params)
