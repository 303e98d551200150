"""How an applicant wants to be reached: e-mail, SMS, a phone call, several allowed,
each with the moment they agreed to it. The one place these choices are checked and
stored; sign-up, My page and staff all come here.

Choosing SMS needs a Norwegian mobile number (E.164, `phonenumbers`); choosing e-mail
needs an address. A channel dropped loses its consent; chosen again it gets a new
one, and SMS chosen again lifts an earlier opt-out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Applicant, ContactChannel, utcnow
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.core.validation import sms_number

CHANNELS: tuple[str, ...] = tuple(c.value for c in ContactChannel)


def clean_channels(
    value: object, *, email: str | None, phone: str | None, field: str = "channels"
) -> tuple[str, ...]:
    """The chosen channels in a fixed order; ValidationFailed naming what is missing
    (`channels`, or the `email`/`phone` a chosen channel needs)."""
    if isinstance(value, str):
        value = [value]
    chosen = {str(v).strip() for v in (value or []) if str(v).strip()}
    if not chosen:
        raise ValidationFailed({field: "validation.channel_required"})
    if chosen - set(CHANNELS):
        raise ValidationFailed({field: "validation.unknown_choice"})
    errors: dict[str, str] = {}
    if ContactChannel.EMAIL.value in chosen and not email:
        errors["email"] = "validation.email_for_channel"
    if ContactChannel.SMS.value in chosen:
        if not phone:
            errors["phone"] = "validation.required"
        else:
            try:
                sms_number(phone)
            except ValidationFailed as error:
                errors["phone"] = error.fields.get("phone", "validation.sms_number_invalid")
    if ContactChannel.CALL.value in chosen and not phone:
        errors["phone"] = "validation.required"
    if errors:
        raise ValidationFailed(errors)
    return tuple(c for c in CHANNELS if c in chosen)


def channels_of(applicant: Applicant) -> tuple[str, ...]:
    """The channels the applicant has chosen (SMS counts even when opted out: the
    choice stands, the opt-out is shown beside it)."""
    return tuple(c for c in CHANNELS if getattr(applicant, f"{c}_consent_at") is not None)


def _apply_channels(
    applicant: Applicant, channels: Iterable[str], *, now: datetime | None = None
) -> None:
    """Store `channels` (already cleaned) with their consent times."""
    now = now or utcnow()
    chosen = set(channels)
    for channel in CHANNELS:
        column = f"{channel}_consent_at"
        if channel in chosen and getattr(applicant, column) is None:
            setattr(applicant, column, now)
            if channel == ContactChannel.SMS.value:
                applicant.sms_opted_out_at = None
        elif channel not in chosen:
            setattr(applicant, column, None)
    applicant.prefers_phone = ContactChannel.CALL.value in chosen and len(chosen) == 1


@dataclass(frozen=True, slots=True)
class ContactChoice:
    """What the staff and My page forms show: the channels and when each was agreed to."""

    channels: tuple[str, ...]
    consent_at: dict[str, datetime]
    sms_opted_out_at: datetime | None
    email: str | None
    phone: str | None


def contact_choice(applicant: Applicant) -> ContactChoice:
    return ContactChoice(
        channels=channels_of(applicant),
        consent_at={
            c: getattr(applicant, f"{c}_consent_at")
            for c in CHANNELS
            if getattr(applicant, f"{c}_consent_at") is not None
        },
        sms_opted_out_at=applicant.sms_opted_out_at,
        email=applicant.email,
        phone=applicant.phone,
    )


@requires("applicants.read")
def applicant_contact(*, session: Session, actor: Actor, applicant_id: int) -> ContactChoice:
    """How the applicant wants to be reached, for the applicant page."""
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id}")
    return contact_choice(applicant)


@requires("applicants.write")
def change_contact_channels(
    *, session: Session, actor: Actor, applicant_id: int, channels: Iterable[str]
) -> ContactChoice:
    """Staff record the channels the applicant asked for (on the phone, at a meeting)."""
    applicant = session.get(Applicant, applicant_id, with_for_update=True)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id}")
    cleaned = clean_channels(list(channels), email=applicant.email, phone=applicant.phone)
    _apply_channels(applicant, cleaned)
    session.flush()
    return contact_choice(applicant)
