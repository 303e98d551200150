"""The Verve schema: every table the product keeps, as typed SQLAlchemy 2.x models.

Enumerations are stored as short strings guarded by CHECK constraints rather than
native database enums: they read the same on SQLite and PostgreSQL, and adding a
value is a plain constraint change in a migration.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import flag_modified

from db import search

# Stable constraint names, so Alembic migrations can find and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always stored in UTC and always read back timezone-aware.

    SQLite has no time zones and returns naive values; PostgreSQL returns aware
    ones. This type makes both behave the same and refuses naive input, which
    would otherwise be silently taken as local time on one backend and UTC on the
    other.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Verve stores timezone-aware UTC times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: Characters no text a person types may hold: C0 controls but tab and line breaks,
#: DEL and the C1 controls. PostgreSQL cannot store NUL at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Invisible characters that make no sense in a form field and are removed: zero-width
#: space, word joiner, byte-order mark, and the bidi embeddings, overrides and isolates
#: (U+202E makes "exe.txt" read "txt.exe"). The zero-width (non-)joiner and the
#: left-to-right/right-to-left marks stay: scripts and emoji need them.
INVISIBLE_CHARACTERS = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def strip_invisible(text: str) -> str:
    return INVISIBLE_CHARACTERS.sub("", text)


class UserText(TypeDecorator):
    """Every column that holds what a person typed: no NUL or other control character,
    no invisible formatting character, never longer than `limit`.

    `recruitment.core.text_guard` checks each assignment to such a column with a message
    in the user's language (so no service can skip it); this type is the last line at
    the database: anything written or searched past the ORM's attributes is cleaned. `length` is the
    column's size; a Text column (`length=None`) has `max_length` as its limit."""

    impl = String
    cache_ok = True

    def __init__(self, length: int | None = None, *, max_length: int | None = None) -> None:
        super().__init__(length)
        if length is None:
            self.impl = Text()
        self.limit = length or max_length

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        # Also every value compared with such a column (a search term): cleaned, never
        # refused, so a NUL typed into a search box finds nothing instead of crashing
        # PostgreSQL. Writes were refused with a message before they got here.
        if not isinstance(value, str):
            return value
        return CONTROL_CHARACTERS.sub("", strip_invisible(value))
        value = strip_invisible(value)
        if CONTROL_CHARACTERS.search(value):
            raise ValueError("text with control characters cannot be stored")
        if self.limit is not None and len(value) > self.limit:
            raise ValueError(f"text longer than {self.limit} characters cannot be stored")
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


def _in(column: str, values: type[enum.Enum]) -> str:
    """A CHECK expression limiting `column` to the values of an enum."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


# --- enumerations -------------------------------------------------------------


class Stage(enum.StrEnum):
    """Canonical pipeline stages and exits. The set is fixed so funnels stay comparable."""

    SIGNED_UP = "signed_up"
    MEETING_BOOKED = "meeting_booked"
    MEETING_ATTENDED = "meeting_attended"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    APPROVED = "approved"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MANAGER = "manager"


class MeetingMode(enum.StrEnum):
    DIGITAL = "digital"
    IN_PERSON = "in_person"


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class MeetingKind(enum.StrEnum):
    """`combined` is the small in-person sitting where info meeting and interview happen at once."""

    STANDARD = "standard"
    COMBINED = "combined"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class InterviewOutcome(enum.StrEnum):
    RECOMMEND = "recommend"
    NOT_SUITABLE = "not_suitable"
    ON_HOLD = "on_hold"


class CheckKind(enum.StrEnum):
    POLICE_CERTIFICATE = "police_certificate"  # politiattest
    REFERENCE_1 = "reference_1"
    REFERENCE_2 = "reference_2"
    DECLARATION = "declaration"  # taushetserklæring
    CONTRACT = "contract"  # oppdragsavtale
    TRAINING = "training"  # introduction course


class ServiceUserStatus(enum.StrEnum):
    WAITING = "waiting"
    PLACED = "placed"
    CLOSED = "closed"


class PlacementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class JournalChannel(enum.StrEnum):
    NOTE = "note"
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    SYSTEM = "system"


class ActorKind(enum.StrEnum):
    """Who made a recorded change: a staff member (`by_id`), the applicant themselves
    (through My page or the public sign-up form), or the system (reminders, retention)."""

    STAFF = "staff"
    MY_PAGE = "my_page"
    SIGN_UP_FORM = "sign_up_form"
    SYSTEM = "system"


class ContactChannel(enum.StrEnum):
    """How an applicant wants to be reached; several may be chosen, each with its consent."""

    EMAIL = "email"
    SMS = "sms"
    CALL = "call"


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class CallOutcomeKind(enum.StrEnum):
    REACHED = "reached"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent because what it was about was cancelled first (a reminder for a
    # booking that was cancelled while it waited in the queue).
    WITHDRAWN = "withdrawn"
    # An SMS handed to the gateway by a worker that died before it heard the answer (or
    # whose gateway call ended without one): it may have arrived, so it is never sent
    # again by itself; staff send it again or mark it sent (docs/sms.md).
    UNCERTAIN = "uncertain"


# --- staff and settings -------------------------------------------------------


class StaffUser(Base):
    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(UserText(64), unique=True)
    full_name: Mapped[str] = mapped_column(UserText(200), default="")
    email: Mapped[str | None] = mapped_column(UserText(320))
    phone: Mapped[str | None] = mapped_column(UserText(40))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The identity a single-sign-on provider gives this person, when SSO is used.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[date | None] = mapped_column(Date)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A staff member's login, shared by every tab, replica and restart: the browser holds
    a random id in an HttpOnly cookie and only its SHA-256 is kept here."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Absolute expiry: a session ends this late however active it is.
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Setting(Base):
    """Office-wide settings an admin can change (thresholds, retention, required checks)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class ConsentVersion(Base):
    """The privacy notice an applicant accepted; old versions are kept for the record."""

    __tablename__ = "consent_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    text_nb: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- applicants and their pipeline -------------------------------------------


class Applicant(Base):
    __tablename__ = "applicant"
    __table_args__ = (
        CheckConstraint(_in("stage", Stage), name="stage"),
        CheckConstraint("language IN ('nb', 'en')", name="language"),
        CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"
        ),
        Index("ix_applicant_stage_changed", "stage", "stage_changed_at"),
        # Covers the "stuck" filter and the live counts (anonymised people excluded)
        # without reading the table: 100,000 applicants count in ms, not a second.
        Index("ix_applicant_stage_changed_live", "stage", "stage_changed_at", "anonymised_at"),
        # Covers each case worker's open cases and the unassigned queue (counted on the
        # start page, handover and applicant pages) and their own stuck applicants (the
        # start page) without reading the table.
        Index(
            "ix_applicant_coordinator_stage_changed_live",
            "coordinator_id",
            "stage",
            "stage_changed_at",
            "anonymised_at",
        ),
        # Who can be booked into a combined sitting, in the list's order: a walk of 50
        # entries per stage and preference (recruitment/casework/combined.py).
        Index(
            "ix_applicant_stage_phone_created",
            "stage",
            "prefers_phone",
            "created_at",
            "id",
            "anonymised_at",
        ),
        # Who accepted each privacy-notice version (the settings page).
        Index("ix_applicant_consent_version", "consent_version_id"),
        Index("ix_applicant_created_at", "created_at"),
        Index("ix_applicant_last_name", "last_name", "first_name"),
        # The newest change in one lookup: the key of the matching pages' contact table.
        Index("ix_applicant_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(UserText(100))
    last_name: Mapped[str] = mapped_column(UserText(100))
    # Normalised (lower-cased domain, trimmed) by recruitment before it is stored;
    # NULL only once the applicant has been anonymised.
    email: Mapped[str | None] = mapped_column(UserText(320), unique=True)
    phone: Mapped[str | None] = mapped_column(UserText(40), index=True)
    birth_year: Mapped[int | None]
    postcode: Mapped[str | None] = mapped_column(UserText(4), index=True)
    area: Mapped[str | None] = mapped_column(UserText(100), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    about: Mapped[str | None] = mapped_column(UserText(max_length=2000))
    driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    prefers_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_requested: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    source: Mapped[str] = mapped_column(String(32), default="website", index=True)
    language: Mapped[str] = mapped_column(String(2), default="nb")
    consent_at: Mapped[datetime | None]
    consent_version_id: Mapped[int | None] = mapped_column(ForeignKey("consent_version.id"))
    # The channels the applicant chose, each with when they agreed to it (NULL: not
    # chosen). A reply with the opt-out word stops SMS until they choose it again.
    email_consent_at: Mapped[datetime | None]
    sms_consent_at: Mapped[datetime | None]
    call_consent_at: Mapped[datetime | None]
    sms_opted_out_at: Mapped[datetime | None]
    stage: Mapped[str] = mapped_column(String(24), default=Stage.SIGNED_UP.value)
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    exit_reason: Mapped[str | None] = mapped_column(String(64))
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The personal self-service link: an unguessable token (>=128 bits).
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    # The public form's key for the submission that signed the person up: Streamlit can
    # run one submission twice (a double click reruns the page after the first run saved
    # but before it could note that it had), and the repeat must find this, not a stranger.
    signup_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None]
    # Name, e-mail and phone folded to plain words for the full-text search (db/search.py);
    # filled on every insert and update, indexed by FTS5 or a GIN index (migration 0150).
    search_text: Mapped[str] = mapped_column(Text, default=search.column_default, server_default="")

    coordinator: Mapped[StaffUser | None] = relationship(foreign_keys=[coordinator_id])


search.keep_in_step(Applicant)

#: The personal link's columns: a credential, not part of the record staff see, rank or
#: count. A change of these alone (a new link asked for, its validity extended) leaves
#: `updated_at` as it was, and with it what is keyed on it: the analytics' data version
#: and the matching pages' table of contacts, which anyone who knows an applicant's
#: address could otherwise make every replica read again, five times a day.
LINK_COLUMNS = frozenset({"token", "token_expires_at"})


@event.listens_for(Applicant, "before_update")
def _link_changes_keep_updated_at(_mapper, _connection, target: Applicant) -> None:
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed and changed <= LINK_COLUMNS and "updated_at" in state.dict:
        flag_modified(target, "updated_at")  # set, to its own value: no onupdate


class StageEvent(Base):
    """Append-only record of every stage change; funnels are computed from these rows."""

    __tablename__ = "stage_event"
    __table_args__ = (
        CheckConstraint(_in("to_stage", Stage), name="to_stage"),
        CheckConstraint(f"from_stage IS NULL OR {_in('from_stage', Stage)}", name="from_stage"),
        CheckConstraint(f"actor_kind IS NULL OR {_in('actor_kind', ActorKind)}", name="actor_kind"),
        Index("ix_stage_event_applicant_at", "applicant_id", "at"),
        Index("ix_stage_event_to_stage_applicant", "to_stage", "applicant_id"),
        Index("ix_stage_event_at_stay", "at", "from_stage", "from_at"),
        # Covers the analytics reads (furthest stage per applicant, LEAD over an
        # applicant's timeline) so they scan the index alone, never the table.
        Index("ix_stage_event_applicant_timeline", "applicant_id", "at", "id", "to_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the applicant entered `from_stage` (the previous event's `at`), so the time
    # spent in a stage is one row's `at - from_at`: no window over every event.
    from_at: Mapped[datetime | None]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Who acted (`ActorKind`): without it an event with no staff member cannot tell the
    # applicant's own withdrawal from a system job. NULL only on rows older than the
    # column whose reason did not say.
    actor_kind: Mapped[str | None] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason_text: Mapped[str | None] = mapped_column(UserText(max_length=2000))


class MeetingChange(Base):
    """A booking moved from one meeting to another: not a stage change (the applicant
    stays `meeting_booked`), but part of the applicant's timeline. Meetings are kept by
    reference and rendered when read."""

    __tablename__ = "meeting_change"
    __table_args__ = (
        CheckConstraint(_in("actor_kind", ActorKind), name="actor_kind"),
        Index("ix_meeting_change_applicant_at", "applicant_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    from_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id", ondelete="SET NULL")
    )
    to_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    actor_kind: Mapped[str] = mapped_column(String(16))


# --- info meetings ---------------------------------------------------------------


class InfoMeeting(Base):
    __tablename__ = "info_meeting"
    __table_args__ = (
        CheckConstraint(_in("mode", MeetingMode), name="mode"),
        CheckConstraint(_in("status", MeetingStatus), name="status"),
        CheckConstraint(_in("kind", MeetingKind), name="kind"),
        CheckConstraint("capacity > 0 AND capacity <= 1000", name="capacity"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600", name="duration"),
        CheckConstraint("language IN ('nb', 'en')", name="language"),
        Index("ix_info_meeting_starts_at", "starts_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    mode: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default=MeetingKind.STANDARD.value)
    join_url: Mapped[str | None] = mapped_column(UserText(1000))
    address: Mapped[str | None] = mapped_column(UserText(300))
    capacity: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2), default="nb")
    host_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.PLANNED.value)
    # Meetings created together as a recurring series share this value.
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    notes: Mapped[str | None] = mapped_column(UserText(max_length=5000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    held_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]

    host: Mapped[StaffUser | None] = relationship()


class Registration(Base):
    """An applicant's place (or waitlist spot) at one info meeting."""

    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint(_in("status", RegistrationStatus), name="status"),
        UniqueConstraint("applicant_id", "meeting_id", name="uq_registration_applicant_meeting"),
        Index("ix_registration_meeting_status", "meeting_id", "status", "id"),
        Index("ix_registration_applicant", "applicant_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("info_meeting.id"))
    status: Mapped[str] = mapped_column(String(16))
    # Calendar identity: the same UID for the life of the registration, so a
    # rebooking updates the entry already in the applicant's calendar.
    ics_uid: Mapped[str] = mapped_column(String(100), unique=True)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    # When this row joined its current meeting (booked, rebooked, booked again):
    # the waitlist is served in this order, which neither the id nor updated_at gives.
    queued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    attended_marked_at: Mapped[datetime | None]

    applicant: Mapped[Applicant] = relationship()
    meeting: Mapped[InfoMeeting] = relationship()


class Evaluation(Base):
    """An attendee's answers after an info meeting; one per attendee per meeting."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("applicant_id", "meeting_id", name="uq_evaluation_applicant_meeting"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Nullable so that the answer survives anonymisation of the person who gave it.
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL")
    )
    meeting_id: Mapped[int] = mapped_column(ForeignKey("info_meeting.id"), index=True)
    rating: Mapped[int]
    got_information: Mapped[bool] = mapped_column(Boolean)
    technical_problems: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(UserText(max_length=2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- interviews and checks ----------------------------------------------------------


class Interview(Base):
    __tablename__ = "interview"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', InterviewOutcome)}", name="outcome"),
        *(
            CheckConstraint(f"{c} IS NULL OR {c} BETWEEN 1 AND 5", name=c)
            for c in ("score_motivation", "score_reliability", "score_experience", "score_fit")
        ),
        Index("ix_interview_applicant", "applicant_id", "scheduled_at"),
        Index("ix_interview_scheduled_at", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    scheduled_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(UserText(300))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    second_interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Set when the interview was held in the same sitting as a small info meeting.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("info_meeting.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    score_motivation: Mapped[int | None]
    score_reliability: Mapped[int | None]
    score_experience: Mapped[int | None]
    score_fit: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(UserText(max_length=5000))
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicantCheck(Base):
    """One of the checks before approval. The police certificate itself is never stored:
    only when it was issued, when it was seen and by whom."""

    __tablename__ = "applicant_check"
    __table_args__ = (
        CheckConstraint(_in("kind", CheckKind), name="kind"),
        UniqueConstraint("applicant_id", "kind", name="uq_applicant_check_applicant_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    completed_on: Mapped[date | None] = mapped_column(Date)
    issued_on: Mapped[date | None] = mapped_column(Date)
    seen_on: Mapped[date | None] = mapped_column(Date)
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    note: Mapped[str | None] = mapped_column(UserText(max_length=2000))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- demand side and placements --------------------------------------------------------


class ServiceUser(Base):
    """Someone waiting for a support contact. Minimal data: no national identity
    number and no diagnosis, only what matching needs."""

    __tablename__ = "service_user"
    __table_args__ = (
        CheckConstraint(_in("status", ServiceUserStatus), name="status"),
        CheckConstraint("hours_per_month >= 0 AND hours_per_month <= 200", name="hours"),
        Index("ix_service_user_status_area", "status", "area"),
        # The waiting list's fingerprint (recruitment/placement/matching.py) from the
        # index alone on both databases (SQLite keeps the id in every index anyway).
        Index("ix_service_user_waiting_changed", "status", "anonymised_at", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str | None] = mapped_column(UserText(64), unique=True)
    age_group: Mapped[str] = mapped_column(String(16))
    postcode: Mapped[str | None] = mapped_column(UserText(4))
    area: Mapped[str | None] = mapped_column(UserText(100))
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hours_per_month: Mapped[int] = mapped_column(Integer, default=8)
    waiting_since: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ServiceUserStatus.WAITING.value)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]
    # Set on every write through SQLAlchemy (the ORM and its update statements alike), so
    # the matching's kept table of waiting service users sees an edit in place. Nullable
    # only because rows older than migration 0260 had none; that migration filled them in.
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)


class Placement(Base):
    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint(_in("status", PlacementStatus), name="status"),
        CheckConstraint("hours_per_month > 0 AND hours_per_month <= 200", name="hours"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"
        ),
        Index("ix_placement_applicant_status", "applicant_id", "status"),
        Index("ix_placement_service_user_status", "service_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    service_user_id: Mapped[int] = mapped_column(ForeignKey("service_user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=PlacementStatus.PROPOSED.value)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    hours_per_month: Mapped[int] = mapped_column(Integer)
    end_reason: Mapped[str | None] = mapped_column(String(64))
    end_reason_text: Mapped[str | None] = mapped_column(UserText(max_length=2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


# --- the case record, mail and audit -----------------------------------------------------


class JournalEntry(Base):
    """The case record: every call, e-mail and note. Never deleted except by retention."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        CheckConstraint(_in("channel", JournalChannel), name="channel"),
        CheckConstraint("applicant_id IS NOT NULL OR service_user_id IS NOT NULL", name="subject"),
        Index("ix_journal_entry_applicant_at", "applicant_id", "created_at"),
        Index("ix_journal_entry_service_user_at", "service_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    service_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_user.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(UserText(300))
    body: Mapped[str] = mapped_column(UserText(max_length=10000), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    # An entry about a placement names the contact and the case by reference: its subject
    # keeps "{contact}" and "{case_ref}" and they are filled in when read, so retention
    # and erasure leave no name behind in the other party's journal.
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """An e-mail or SMS queued in the same transaction as the change that caused it.
    For an SMS `to_address` is the E.164 number and `subject` a short label."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_in("status", OutboxStatus), name="status"),
        CheckConstraint(_in("channel", OutboxChannel), name="channel"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_applicant", "applicant_id", "created_at"),
        # The outbox page's "sent in the last seven days", without reading every sent one.
        Index("ix_outbox_message_sent", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(
        String(8), default=OutboxChannel.EMAIL.value, server_default=OutboxChannel.EMAIL.value
    )
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id", ondelete="SET NULL")
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    to_address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="nb")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    # Stable per row, so a receiving server can drop the rare duplicate delivery.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    # When the claiming worker handed this SMS to the gateway (committed before the
    # call): a stale claim with it set may have been delivered and is not resent.
    handed_over_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class PendingChange(Base):
    """Changes to an applicant that wait for the owner of an e-mail address to confirm
    them: a sign-up with an address already registered, or a new address typed on My
    page. Nothing reaches the applicant's row until the link mailed to that address is
    opened and confirmed; the row is deleted then, and an expired one is worthless."""

    __tablename__ = "pending_change"
    __table_args__ = (
        CheckConstraint("kind IN ('sign_up', 'email_change')", name="kind"),
        Index("ix_pending_change_applicant", "applicant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # Only the SHA-256 of the code in the link is kept, so a copy of the database
    # confirms nothing.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class CallOutcome(Base):
    """One call from the call list and how it went; the journal holds the same call
    for the case record. Someone not reached is listed again the next day."""

    __tablename__ = "call_outcome"
    __table_args__ = (
        CheckConstraint(_in("outcome", CallOutcomeKind), name="outcome"),
        Index("ix_call_outcome_registration_at", "registration_id", "at"),
        Index("ix_call_outcome_applicant_at", "applicant_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("info_meeting.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    journal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entry.id", ondelete="SET NULL")
    )


class AuditEvent(Base):
    """Who did what to whose data: logins, exports, deletions, role changes. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # Kept as text too, so the record still says who it was if the account goes.
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None]
    client: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ForecastScenario(Base):
    """A forecast scenario saved by name: the levers a manager changed (the rest stay at
    today's values), to compare with the baseline later."""

    __tablename__ = "forecast_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    levers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
