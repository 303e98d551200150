"""The applicant's own page, reached by the personal link: what they see and may do.

There is no staff actor here: the token is the permission. Every function checks it
first; an unknown or expired token raises the same NotFound, revealing nothing."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ActorKind, Applicant, OutboxMessage, Registration, Stage, utcnow
from recruitment.core._moves import act_as, move_applicant
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.core.i18n import language
from recruitment.core.pipeline import EXIT_REASONS, EXITS
from recruitment.core.places import set_postcode
from recruitment.core.settings import get_setting
from recruitment.core.validation import (
    clean_name,
    clean_phone,
    clean_postcode,
    collect,
    normalise_email,
)
from recruitment.journey import _booking, _pending, applicants, calendar, contact
from recruitment.journey.evaluations import _evaluations_due, _submit_evaluation
from recruitment.messaging._queue import queue_email

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


#: An unknown, used or expired confirmation link (for the page to catch).
UnknownConfirmation = _pending.UnknownConfirmation


class UnknownLink(NotFound):
    key = "self_service.unknown_link"


@dataclass(frozen=True, slots=True)
class BookingView:
    registration_id: int
    meeting_id: int
    starts_at: datetime
    duration_minutes: int
    mode: str
    place: str
    status: str
    waitlist_position: int | None


@dataclass(frozen=True, slots=True)
class DueEvaluation:
    meeting_id: int
    starts_at: datetime
    mode: str


@dataclass(frozen=True, slots=True)
class MyPage:
    """Everything the page shows, as plain values."""

    first_name: str
    last_name: str
    email: str
    phone: str | None
    postcode: str | None
    stage: str
    coordinator_name: str | None
    callback_requested: bool
    language: str
    bookings: list[BookingView]
    evaluations_due: list[DueEvaluation]

    @property
    def has_left(self) -> bool:
        return Stage(self.stage) in EXITS


def _applicant_for_token(
    session: Session, token: str | None, *, now: datetime | None = None
) -> Applicant:
    """The applicant whose valid link this is, or UnknownLink."""
    now = now or utcnow()
    token = token if isinstance(token, str) else ""
    # Tokens are 43 characters of the URL-safe alphabet; anything else (a NUL, a
    # zero-width space, 10,000 characters) is not worth a query and answers the same.
    if not _TOKEN.fullmatch(token.strip()):
        raise UnknownLink("no such link")
    token = token.strip()
    applicant = session.scalars(select(Applicant).where(Applicant.token == token)).first()
    if (
        applicant is None
        or not hmac.compare_digest(applicant.token or "", token)
        or applicant.anonymised_at is not None
        or applicant.token_expires_at is None
        or applicant.token_expires_at <= now
    ):
        raise UnknownLink("no such link")
    # What this link does next is the applicant's own doing (the timeline says so).
    act_as(session, ActorKind.MY_PAGE)
    return applicant


def my_page(*, session: Session, token: str, now: datetime | None = None) -> MyPage:
    """The applicant's booking, stage, coordinator and what they may still answer."""
    applicant = _applicant_for_token(session, token, now=now)
    lang = applicant.language
    views = [
        BookingView(
            registration_id=r.id,
            meeting_id=r.meeting_id,
            starts_at=r.meeting.starts_at,
            duration_minutes=r.meeting.duration_minutes,
            mode=r.meeting.mode,
            place=calendar.meeting_place(r.meeting, lang, reveal_link=r.status == "registered"),
            status=r.status,
            waitlist_position=_booking.waitlist_position(session, r),
        )
        for r in _booking.active_registrations(session, applicant.id)
    ]
    due = [
        DueEvaluation(meeting_id=m.id, starts_at=m.starts_at, mode=m.mode)
        for m in _evaluations_due(session, applicant.id)
    ]
    coordinator = applicant.coordinator
    return MyPage(
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        email=applicant.email or "",
        phone=applicant.phone,
        postcode=applicant.postcode,
        stage=applicant.stage,
        coordinator_name=(coordinator.full_name or None)
        if coordinator is not None and coordinator.active
        else None,
        callback_requested=applicant.callback_requested,
        language=lang,
        bookings=views,
        evaluations_due=due,
    )


def _own_registration(session: Session, applicant: Applicant, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id)
    # Someone else's booking id answers exactly like a missing one.
    if registration is None or registration.applicant_id != applicant.id:
        raise NotFound("no such booking")
    return registration


def cancel_my_booking(*, session: Session, token: str, registration_id: int) -> None:
    """Cancel one of my bookings (the first on the waitlist gets the seat)."""
    applicant = _applicant_for_token(session, token)
    _own_registration(session, applicant, registration_id)
    _booking.cancel_registration(session=session, registration_id=registration_id)


def choose_my_meeting(
    *, session: Session, token: str, meeting_id: int, allow_waitlist: bool = True
) -> int:
    """Book a meeting, or move my booking to it; returns the registration id."""
    applicant = _applicant_for_token(session, token)
    if Stage(applicant.stage) in EXITS:
        move_applicant(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.SIGNED_UP,
            by_id=None,
        )
    registration = _booking.book_or_move(
        session=session,
        applicant_id=applicant.id,
        meeting_id=meeting_id,
        allow_waitlist=allow_waitlist,
    )
    return registration.id


def update_my_contact(*, session: Session, token: str, raw: dict, lang: str = "nb") -> bool:
    """Change name, phone and postcode at once, with the sign-up's checks; a new e-mail
    address waits until it is confirmed from that address. True when a confirmation
    was sent. Whether the new address is taken shows nowhere here: the message to it
    says so, to its owner only."""
    applicant = _applicant_for_token(session, token)
    clean: dict[str, object] = {}

    def put(name, fn):
        return lambda: clean.__setitem__(name, fn())

    collect(
        put("first_name", lambda: clean_name(raw.get("first_name"), "first_name")),
        put("last_name", lambda: clean_name(raw.get("last_name"), "last_name")),
        put("email", lambda: normalise_email(raw.get("email"), "email")),
        put("phone", lambda: clean_phone(raw.get("phone"), "phone", required=True)),
        put("postcode", lambda: clean_postcode(raw.get("postcode"), "postcode")),
    )
    new_email = clean.pop("email")
    set_postcode(applicant, clean.pop("postcode"))
    for name, value in clean.items():
        setattr(applicant, name, value)
    session.flush()
    if new_email == applicant.email:
        return False
    _pending.ask_owner(
        session=session,
        applicant=applicant,
        kind="email_change",
        payload={"email": new_email},
        to_address=str(new_email),
        mail_kind="confirm_email",
        lang=language(lang),
    )
    return True


@dataclass(frozen=True, slots=True)
class ChangeToConfirm:
    """What a confirmation link would apply, for the page to show before the click."""

    kind: str  # sign_up / email_change
    first_name: str
    last_name: str
    email: str
    phone: str | None
    postcode: str | None


def change_to_confirm(*, session: Session, code: str) -> ChangeToConfirm:
    """The change waiting behind a confirmation link (UnknownConfirmation if none)."""
    change = _pending.find(session, code)
    applicant = session.get(Applicant, change.applicant_id)
    data = change.payload.get("data") or {}
    if change.kind == "email_change":
        data = {
            "first_name": applicant.first_name,
            "last_name": applicant.last_name,
            "email": change.payload["email"],
            "phone": applicant.phone,
            "postcode": applicant.postcode,
        }
    return ChangeToConfirm(
        kind=change.kind,
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        email=data.get("email", ""),
        phone=data.get("phone"),
        postcode=data.get("postcode"),
    )


def confirm_change(*, session: Session, code: str) -> str:
    """Apply the change behind a confirmation link, once; returns the personal link's
    token. A new address someone else registered meanwhile is refused (the person
    confirming owns that address, so they may know)."""
    change = _pending.find(session, code, lock=True)
    applicant = session.get(Applicant, change.applicant_id)
    if change.kind == "sign_up":
        applicants._confirm_sign_up(session=session, change=change)
    else:
        new_email = change.payload["email"]
        taken = session.scalar(
            select(Applicant.id).where(Applicant.email == new_email, Applicant.id != applicant.id)
        )
        if taken is not None:
            raise ValidationFailed({"email": "self_service.email_in_use"})
        applicant.email = new_email
        session.delete(change)
        session.flush()
    session.refresh(applicant)
    return applicants._ensure_token(session, applicant)


#: How often a new personal link may be mailed to one address: anyone who knows the
#: address can ask, so without a limit a stranger could fill the person's mailbox and
#: revoke their link over and over. Within the limit the answer is the same as always.
LINK_REQUEST_GAP = timedelta(minutes=10)
LINK_REQUESTS_PER_DAY = 5


def request_link(
    *, session: Session, email: object, lang: str = "nb", now: datetime | None = None
) -> None:
    """Mail a fresh personal link to a registered address; the old link stops working.
    An unknown address gets the same answer and no mail, so nothing is revealed; so does
    an address that was sent a link in the last ten minutes, or five in a day."""
    now = now or utcnow()
    address = normalise_email(email, "email")
    applicant = session.scalars(
        select(Applicant).where(Applicant.email == address).with_for_update()
    ).first()
    if applicant is None or applicant.anonymised_at is not None:
        return
    sent = session.scalars(
        select(OutboxMessage.created_at).where(
            OutboxMessage.applicant_id == applicant.id,
            OutboxMessage.kind == "personal_link",
            OutboxMessage.created_at > now - timedelta(days=1),
        )
    ).all()
    if len(sent) >= LINK_REQUESTS_PER_DAY or any(at > now - LINK_REQUEST_GAP for at in sent):
        return
    applicant.token = None  # revoked: a forwarded or leaked link dies with the new one
    applicants._ensure_token(session, applicant)
    queue_email(
        session=session,
        kind="personal_link",
        to_address=address,
        lang=applicant.language,
        context={
            "first_name": applicant.first_name,
            "self_service_url": _booking.self_service_url(session, applicant),
            "valid_days": int(get_setting(session, "token_valid_days")),
            "office_name": get_setting(session, "office_name"),
        },
        applicant_id=applicant.id,
    )
    session.flush()


def withdraw_me(
    *,
    session: Session,
    token: str,
    reason_code: str = "changed_mind",
    reason_text: str | None = None,
) -> None:
    """Leave the pipeline as staff would record it (`_booking.leave_pipeline`): every
    booking is cancelled (seats go to the waitlist), interviews are called off and a
    placement ends."""
    applicant = _applicant_for_token(session, token)
    if Stage(applicant.stage) in EXITS:
        return
    if reason_code not in EXIT_REASONS[Stage.WITHDRAWN]:
        reason_code = "other" if reason_text else "changed_mind"
    # The one exit service: bookings, interviews and a placement are released with it.
    _booking.leave_pipeline(
        session=session,
        applicant_id=applicant.id,
        to_stage=Stage.WITHDRAWN,
        by_id=None,
        reason_code=reason_code,
        # Who acted is on the event (the personal link); the text is only theirs.
        reason_text=reason_text,
    )


def ics_for_registration(*, session: Session, token: str, registration_id: int) -> str:
    """The calendar invite of one of my bookings, for download."""
    applicant = _applicant_for_token(session, token)
    return _booking.ics_for(session, _own_registration(session, applicant, registration_id))


def evaluate_meeting(
    *,
    session: Session,
    token: str,
    meeting_id: int,
    rating: object,
    got_information: object,
    technical_problems: object,
    comment: object = None,
) -> int:
    """My answers to a meeting I attended (once)."""
    applicant = _applicant_for_token(session, token)
    return _submit_evaluation(
        session=session,
        applicant_id=applicant.id,
        meeting_id=meeting_id,
        rating=rating,
        got_information=got_information,
        technical_problems=technical_problems,
        comment=comment,
    )


def my_channels(*, session: Session, token: str) -> contact.ContactChoice:
    """The channels on My page, for the holder of the personal link."""
    return contact.contact_choice(_applicant_for_token(session, token))


def choose_my_channels(
    *, session: Session, token: str, channels: Iterable[str]
) -> contact.ContactChoice:
    """The applicant changes how we reach them, on My page."""
    applicant = _applicant_for_token(session, token)
    cleaned = contact.clean_channels(list(channels), email=applicant.email, phone=applicant.phone)
    contact._apply_channels(applicant, cleaned)
    session.flush()
    return contact.contact_choice(applicant)
