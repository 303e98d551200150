"""Applicants as the sign-up, the phone sign-up and the import create them: cleaning
what people typed, and the one-person-per-e-mail upsert."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    ActorKind,
    Applicant,
    JournalChannel,
    JournalEntry,
    PendingChange,
    Stage,
    utcnow,
)
from recruitment.core import vocabulary
from recruitment.core._moves import acting_as, move_applicant, record_sign_up
from recruitment.core.access import Actor, requires
from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import language, t
from recruitment.core.pipeline import EXITS, REOPEN_REASON
from recruitment.core.places import set_postcode
from recruitment.core.settings import get_setting
from recruitment.core.validation import (
    MAX_TEXT,
    clean_birth_year,
    clean_choices,
    clean_name,
    clean_phone,
    clean_postcode,
    clean_text,
    collect,
    normalise_email,
)
from recruitment.journey import _booking, _pending
from recruitment.journey.consent import current_consent_version
from recruitment.journey.contact import _apply_channels, clean_channels
from recruitment.messaging import _queue

#: The fields of the sign-up form, in the order they are shown (and errors listed).
FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "channels",
    "postcode",
    "birth_year",
    "languages",
    "interests",
    "availability",
    "target_groups",
    "source",
    "about",
    "consent",
)


@dataclass(frozen=True, slots=True)
class ApplicantInput:
    """A sign-up after cleaning: plain, valid, normalised values."""

    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    postcode: str | None
    birth_year: int | None
    languages: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    source: str = "website"
    about: str | None = None
    driving_licence: bool = False
    prefers_phone: bool = False
    callback_requested: bool = False
    consent: bool = False
    channels: tuple[str, ...] = ("email",)


def _flag(raw: dict, key: str) -> bool:
    value = raw.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "ja", "x"}
    return bool(value)


def _ascii_postcode(value: object) -> str | None:
    postcode = clean_postcode(value, "postcode")
    # `\d` also matches full-width and other scripts' digits, which are no Norwegian postcode.
    if postcode is not None and not postcode.isascii():
        raise ValidationFailed({"postcode": "validation.postcode_invalid"})
    return postcode


def _or_blank(value: object) -> object:
    # An empty number box arrives as None; it is as missing as an empty text.
    return "" if value is None else value


def _default_channels(raw: dict, email: object) -> list[str]:
    # Forms that do not ask (imports, older callers) keep what they had: e-mail, or a
    # call for someone without an address.
    if raw.get("channels") is not None:
        return raw["channels"]
    return ["email"] if email else ["call"]


def clean_applicant_input(
    raw: dict,
    *,
    today: date | None = None,
    require_consent: bool = True,
    require_email: bool = True,
) -> ApplicantInput:
    """Clean a sign-up; raise one ValidationFailed naming every bad field (catalogue keys).

    `require_consent=False` is for imports of people whose consent was recorded elsewhere;
    `require_email=False` for the phone sign-up, made for people without e-mail."""
    out: dict[str, object] = {}

    def email() -> None:
        blank = not str(raw.get("email") or "").strip()
        out["email"] = (
            None if blank and not require_email else normalise_email(raw.get("email"), "email")
        )

    def channels() -> None:
        if "phone" not in out or "email" not in out:
            return  # the number or address is wrong already; that is the message to show
        out["channels"] = clean_channels(
            _default_channels(raw, out["email"]), email=out["email"], phone=out["phone"]
        )

    def put(name: str, fn) -> None:
        out[name] = fn()

    def consent() -> None:
        out["consent"] = _flag(raw, "consent")
        if require_consent and not out["consent"]:
            raise ValidationFailed({"consent": "validation.consent_required"})

    def source() -> None:
        value = clean_text(raw.get("source"), "source", max_length=32) or "website"
        if value not in vocabulary.SOURCES:
            raise ValidationFailed({"source": "validation.unknown_choice"})
        out["source"] = value

    collect(
        lambda: put("first_name", lambda: clean_name(raw.get("first_name"), "first_name")),
        lambda: put("last_name", lambda: clean_name(raw.get("last_name"), "last_name")),
        email,
        lambda: put("phone", lambda: clean_phone(raw.get("phone"), "phone", required=True)),
        channels,
        lambda: put("postcode", lambda: _ascii_postcode(raw.get("postcode"))),
        lambda: put(
            "birth_year",
            lambda: clean_birth_year(_or_blank(raw.get("birth_year")), "birth_year", today=today),
        ),
        lambda: put(
            "languages",
            lambda: clean_choices(raw.get("languages"), "languages", vocabulary.LANGUAGES),
        ),
        lambda: put(
            "interests",
            lambda: clean_choices(raw.get("interests"), "interests", vocabulary.INTERESTS),
        ),
        lambda: put(
            "availability",
            lambda: clean_choices(raw.get("availability"), "availability", vocabulary.AVAILABILITY),
        ),
        lambda: put(
            "target_groups",
            lambda: clean_choices(
                raw.get("target_groups"), "target_groups", vocabulary.TARGET_GROUPS
            ),
        ),
        source,
        lambda: put("about", lambda: clean_text(raw.get("about"), "about", max_length=MAX_TEXT)),
        consent,
    )
    return ApplicantInput(
        **out,  # type: ignore[arg-type]
        driving_licence=_flag(raw, "driving_licence"),
        prefers_phone=_flag(raw, "prefers_phone") or _flag(raw, "callback_requested"),
        callback_requested=_flag(raw, "callback_requested"),
    )


def new_token() -> str:
    """An unguessable self-service token: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def _ensure_token(session: Session, applicant: Applicant, *, now: datetime | None = None) -> str:
    """The applicant's self-service token, issued anew if missing or expired, and valid
    for another `token_valid_days` from now."""
    now = now or utcnow()
    if (
        not applicant.token
        or applicant.token_expires_at is None
        or applicant.token_expires_at <= now
    ):
        applicant.token = new_token()
    applicant.token_expires_at = now + timedelta(days=int(get_setting(session, "token_valid_days")))
    return applicant.token


def _apply(applicant: Applicant, data: ApplicantInput, lang: str) -> None:
    applicant.first_name = data.first_name
    applicant.last_name = data.last_name
    applicant.email = data.email
    applicant.phone = data.phone
    set_postcode(applicant, data.postcode)
    applicant.birth_year = data.birth_year
    applicant.languages = list(data.languages)
    applicant.interests = list(data.interests)
    applicant.availability = list(data.availability)
    applicant.target_groups = list(data.target_groups)
    if data.about is not None:
        applicant.about = data.about
    applicant.driving_licence = data.driving_licence
    applicant.prefers_phone = data.prefers_phone
    # A call-back once asked for stays asked for until a coordinator has called.
    applicant.callback_requested = applicant.callback_requested or data.callback_requested
    applicant.language = language(lang)
    _apply_channels(applicant, data.channels)
    if data.prefers_phone:
        applicant.prefers_phone = True


def _find_by_email(session: Session, email: str, *, lock: bool = False) -> Applicant | None:
    query = select(Applicant).where(Applicant.email == email)
    if lock:
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _upsert_applicant(
    *,
    session: Session,
    data: ApplicantInput,
    source: str,
    by_id: int | None,
    lang: str,
    may_update: bool = True,
) -> tuple[Applicant, bool]:
    """The one applicant with this e-mail, updated, or a new one; True when created.

    Someone who withdrew or was rejected and signs up again is reopened to `signed_up`."""
    now = utcnow()
    # Without an address there is nothing to match on: a phone sign-up without e-mail
    # is a new person (a coordinator merges a duplicate by hand, never the machine).
    applicant = _find_by_email(session, data.email, lock=True) if data.email else None
    created = False
    if applicant is None:
        applicant = Applicant(email=data.email, source=source, created_at=now)
        _apply(applicant, data, lang)
        try:
            # A simultaneous sign-up with the same address (a double click on two
            # replicas) loses on the unique e-mail and updates the winner's row instead.
            with session.begin_nested():
                record_sign_up(session=session, applicant=applicant, by_id=by_id, at=now)
            created = True
        except IntegrityError:
            applicant = _find_by_email(session, data.email, lock=True) if data.email else None
            if applicant is None:
                raise
            if not may_update:
                # Lost the race to a sign-up with this address: theirs stands, untouched.
                return applicant, False
    if not created:
        _apply(applicant, data, lang)
        if Stage(applicant.stage) in EXITS:
            move_applicant(
                session=session,
                applicant_id=applicant.id,
                to_stage=Stage.SIGNED_UP,
                by_id=by_id,
                reason_code=REOPEN_REASON,
                reason_text=f"signed up again ({source})",
            )
    if data.consent:
        applicant.consent_at = now
        applicant.consent_version_id = current_consent_version(session).id
    _ensure_token(session, applicant, now=now)
    session.flush()
    return applicant, created


@requires("applicants.write")
def register_caller(
    *,
    session: Session,
    actor: Actor,
    raw: dict,
    meeting_id: int | None = None,
    lang: str = "nb",
    today: date | None = None,
) -> SignUpResult:
    """Staff sign-up of someone who phoned in: the same checks, source "phone", and a
    meeting booked if one was chosen. The caller needs no e-mail address: what they get
    instead of mail (`raw["instead_of_email"]`: a call, or a letter the coordinator
    prints) is written in their journal."""
    instead = str(raw.get("instead_of_email") or NO_EMAIL_INSTEAD[0])
    if instead not in NO_EMAIL_INSTEAD:
        raise ValidationFailed({"instead_of_email": "validation.unknown_choice"})
    result = sign_up(
        session=session,
        raw={**raw, "source": "phone"},
        meeting_id=meeting_id,
        lang=lang,
        source="phone",
        by_id=actor.id,
        today=today,
        require_email=False,
    )
    applicant = session.get(Applicant, result.applicant_id)
    if applicant is not None and not applicant.email:
        session.add(
            JournalEntry(
                applicant_id=applicant.id,
                channel=JournalChannel.NOTE.value,
                subject=t(f"phone_signup.journal_{instead}", applicant.language),
                body=t(
                    f"phone_signup.journal_{instead}_body"
                    if result.registration_id
                    else "phone_signup.journal_no_meeting_body",
                    applicant.language,
                ),
                author_id=actor.id,
            )
        )
        session.flush()
    return result


#: What someone without e-mail gets instead of the confirmation mail.
NO_EMAIL_INSTEAD = ("call", "letter")


@dataclass(frozen=True, slots=True)
class SignUpResult:
    """What the thank-you screen needs, as plain values."""

    applicant_id: int
    token: str
    registration_id: int | None
    status: str | None  # registered / waitlisted, or None for a call-back request
    waitlist_position: int | None
    created: bool
    #: True when the address was registered and its owner must confirm: nothing saved.
    pending: bool = False
    #: True when this was the same submission again (`submission`): nothing changed.
    repeated: bool = False


def sign_up(
    *,
    session: Session,
    raw: dict,
    meeting_id: int | None,
    callback: bool = False,
    allow_waitlist: bool = True,
    lang: str = "nb",
    source: str = "website",
    by_id: int | None = None,
    today: date | None = None,
    require_email: bool = True,
    submission: str | None = None,
) -> SignUpResult:
    """The public sign-up in one step: clean, upsert the person, then book the chosen
    meeting (moving an existing booking there) or record the wish to be phoned.

    With an address that is already registered, the public form changes nothing: the
    owner of the address gets their personal link and a link that applies what was
    typed (`self_service.confirm_change`), and the visitor sees what a new address would show.
    Staff (`by_id`) are trusted: their sign-up updates the person at once, and may
    leave out the meeting. `allow_waitlist=False` means the person was shown free
    seats: if the meeting filled up meanwhile they get MeetingFull and can choose
    again, and nothing is saved. `submission` is the public form's key for this one
    submission: the same key again finds the person it signed up and changes nothing, sends
    nothing (a double click can run one submission twice)."""
    raw = {**raw, "source": raw.get("source") or source}
    if callback:
        raw["callback_requested"] = True

    def meeting_chosen() -> None:
        if meeting_id is None and not callback and by_id is None:
            raise ValidationFailed({"meeting": "signup.choose_meeting"})

    data: list[ApplicantInput] = []
    collect(
        meeting_chosen,
        lambda: data.append(
            clean_applicant_input(raw, today=today, require_email=require_email or by_id is None)
        ),
    )
    existing = _find_by_email(session, data[0].email, lock=True) if data[0].email else None
    if existing is not None and by_id is None and submission and existing.signup_key == submission:
        return _nothing_saved(existing)
    if existing is not None and by_id is None:
        if meeting_id is not None:
            # The same answer as a new address would get for a full or closed meeting.
            _booking.check_bookable(
                session=session, meeting_id=meeting_id, allow_waitlist=allow_waitlist
            )
        _ask_owner_to_confirm(session, existing, data[0], meeting_id, callback, lang)
        return _nothing_saved(existing, pending=True)
    return _apply_sign_up(
        session=session,
        data=data[0],
        meeting_id=meeting_id,
        callback=callback,
        allow_waitlist=allow_waitlist,
        lang=lang,
        by_id=by_id,
        submission=submission,
    )


def _nothing_saved(applicant: Applicant, *, pending: bool = False) -> SignUpResult:
    """What a sign-up that saved nothing answers: no link, no booking, the same as a new
    address shows. `pending`: the address was registered and its owner has been asked by
    mail; otherwise the same submission came again (`submission`) and only the thank-you
    is shown again."""
    return SignUpResult(
        applicant_id=applicant.id,
        token="",
        registration_id=None,
        status=None,
        waitlist_position=None,
        created=False,
        pending=pending,
        repeated=not pending,
    )


def _ask_owner_to_confirm(
    session: Session,
    applicant: Applicant,
    data: ApplicantInput,
    meeting_id: int | None,
    callback: bool,
    lang: str,
) -> None:
    _ensure_token(session, applicant)
    _pending.ask_owner(
        session=session,
        applicant=applicant,
        kind="sign_up",
        payload={
            "data": asdict(data),
            "meeting_id": meeting_id,
            "callback": callback,
            "lang": language(lang),
        },
        to_address=applicant.email or data.email,
        mail_kind="confirm_sign_up",
        lang=applicant.language,
        context={"self_service_url": _booking.self_service_url(session, applicant)},
    )


def _apply_sign_up(
    *,
    session: Session,
    data: ApplicantInput,
    meeting_id: int | None,
    callback: bool,
    allow_waitlist: bool,
    lang: str,
    by_id: int | None,
    confirmed: bool = False,
    submission: str | None = None,
) -> SignUpResult:
    """A clean sign-up saved: the person upserted, the meeting booked or the call-back
    asked for. Only for a new address, staff, or the address's owner confirming."""
    existing = _find_by_email(session, data.email) if data.email else None
    asked_before = bool(existing and existing.callback_requested)
    # With no staff member, the person signed themselves up through the public form.
    with acting_as(session, ActorKind.STAFF if by_id is not None else ActorKind.SIGN_UP_FORM):
        applicant, created = _upsert_applicant(
            session=session,
            data=data,
            source=data.source,
            by_id=by_id,
            lang=lang,
            may_update=by_id is not None or confirmed,
        )
        if not created and by_id is None and not confirmed:
            # The address was registered a moment ago by someone else's sign-up.
            _ask_owner_to_confirm(session, applicant, data, meeting_id, callback, lang)
            return _nothing_saved(applicant, pending=True)
        if created and by_id is None:
            applicant.signup_key = submission
        registration = None
        if meeting_id is not None:
            registration = _booking.book_or_move(
                session=session,
                applicant_id=applicant.id,
                meeting_id=meeting_id,
                by_id=by_id,
                allow_waitlist=allow_waitlist,
            )
    if meeting_id is None and callback and not asked_before and applicant.email:
        _queue.queue_email(
            session=session,
            kind="callback_requested",
            to_address=applicant.email,
            lang=applicant.language,
            context={
                "first_name": applicant.first_name,
                "self_service_url": _booking.self_service_url(session, applicant),
                "office_name": get_setting(session, "office_name"),
            },
            applicant_id=applicant.id,
        )
    return SignUpResult(
        applicant_id=applicant.id,
        token=applicant.token or "",
        registration_id=registration.id if registration else None,
        status=registration.status if registration else None,
        waitlist_position=_booking.waitlist_position(session, registration)
        if registration
        else None,
        created=created,
    )


def _confirm_sign_up(
    *, session: Session, change: PendingChange, now: datetime | None = None
) -> SignUpResult:
    """Apply a sign-up that waited for the owner of its address (see `sign_up`)."""
    payload = change.payload
    data = ApplicantInput(**payload["data"])
    result = _apply_sign_up(
        session=session,
        data=data,
        meeting_id=payload.get("meeting_id"),
        callback=bool(payload.get("callback")),
        # Confirmed later than it was typed: a meeting full by now puts them on its waitlist.
        allow_waitlist=True,
        lang=payload.get("lang") or "nb",
        by_id=None,
        confirmed=True,
    )
    session.delete(change)
    session.flush()
    return result
