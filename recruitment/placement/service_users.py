"""Service users: the people waiting for a støttekontakt (support contact).

Minimal data only, as the product demands: a case reference that is never a national
identity number, an age group, where they live, interests, languages, what they would
like in a contact, hours per month, since when they wait, and the coordinator who has
the case. No diagnosis is stored; the free note says so where it is typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditEvent,
    JournalChannel,
    JournalEntry,
    Placement,
    PlacementStatus,
    ServiceUser,
    ServiceUserStatus,
    StaffUser,
    utcnow,
)
from recruitment.accounts import audit
from recruitment.casework import importing
from recruitment.casework.journal import rendered_subjects
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.validation import clean_choices, clean_postcode, clean_text, collect
from recruitment.core.vocabulary import AGE_GROUPS, AVAILABILITY, INTERESTS, LANGUAGES
from recruitment.placement import geography

#: What a service user may wish for in a contact. Gender is kept and shown to the
#: coordinator, but applicants do not record a gender, so it is not scored.
GENDERS: tuple[str, ...] = ("female", "male")
MAX_NOTE = 500
MIN_CONTACT_AGE = 18
MAX_CONTACT_AGE = 100
CLOSE_REASONS: tuple[str, ...] = ("no_longer_needed", "moved", "other_service", "declined", "other")

# Eleven digits, optionally split 6+5 by a space, dot or dash: the shape of a
# fødselsnummer or D-nummer, which must never be used as a case reference.
_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}[ .\-]?\d{5}(?!\d)")
_CASE_REF = re.compile(r"^[\w\-./ ]+$")


class ServiceUserClosed(VerveError):
    key = "service_users.error_closed"


class ServiceUserHasPlacements(VerveError):
    key = "service_users.error_has_placements"


@dataclass(frozen=True, slots=True)
class ServiceUserRecord:
    """A service user as pages show it: plain values only."""

    id: int
    case_ref: str | None
    age_group: str
    postcode: str | None
    area: str | None
    interests: list[str]
    languages: list[str]
    preferred_gender: str | None
    contact_age_min: int | None
    contact_age_max: int | None
    availability: list[str]
    needs_driving_licence: bool
    note: str | None
    hours_per_month: int
    waiting_since: date
    status: str
    coordinator_id: int | None
    coordinator_name: str | None
    closed_at: datetime | None


# --- validation -----------------------------------------------------------------


def clean_case_ref(value: object, field: str = "case_ref") -> str:
    """A case reference from the case system; refuse anything shaped like a national
    identity number (11 digits), which must not be kept here."""
    text = clean_text(value, field, required=True, max_length=64)
    assert text is not None
    if _NATIONAL_ID.search(text):
        raise ValidationFailed({field: "service_users.error_national_id"})
    if not _CASE_REF.match(text):
        raise ValidationFailed({field: "service_users.error_case_ref"})
    return text


def _clean_hours(value: object, field: str = "hours_per_month") -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed({field: "service_users.error_hours"})
    if not 1 <= value <= 200:
        raise ValidationFailed({field: "service_users.error_hours"})
    return value


def _clean_age(value: object, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed({field: "service_users.error_contact_age"})
    if not MIN_CONTACT_AGE <= value <= MAX_CONTACT_AGE:
        raise ValidationFailed({field: "service_users.error_contact_age"})
    return value


def _clean_date(value: object, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValidationFailed({field: "service_users.error_date"})


def _clean_fields(values: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Every field checked at once, so a form can show all its problems together."""
    out: dict[str, Any] = {}

    def put(name, fn):
        def check():
            out[name] = fn()

        return check

    def age_group():
        if values.get("age_group") not in AGE_GROUPS:
            raise ValidationFailed({"age_group": "validation.unknown_choice"})
        return values["age_group"]

    def gender():
        gender = values.get("preferred_gender") or None
        if gender is not None and gender not in GENDERS:
            raise ValidationFailed({"preferred_gender": "validation.unknown_choice"})
        return gender

    def waiting_since():
        when = _clean_date(values.get("waiting_since") or today, "waiting_since")
        if when > today:
            raise ValidationFailed({"waiting_since": "service_users.error_future"})
        return when

    collect(
        put("case_ref", lambda: clean_case_ref(values.get("case_ref"))),
        put("age_group", age_group),
        put("postcode", lambda: clean_postcode(values.get("postcode"), required=False)),
        put("area", lambda: clean_text(values.get("area"), "area", max_length=100)),
        put("interests", lambda: clean_choices(values.get("interests"), "interests", INTERESTS)),
        put("languages", lambda: clean_choices(values.get("languages"), "languages", LANGUAGES)),
        put(
            "availability",
            lambda: clean_choices(values.get("availability"), "availability", AVAILABILITY),
        ),
        put("preferred_gender", gender),
        put(
            "contact_age_min", lambda: _clean_age(values.get("contact_age_min"), "contact_age_min")
        ),
        put(
            "contact_age_max", lambda: _clean_age(values.get("contact_age_max"), "contact_age_max")
        ),
        put("note", lambda: clean_text(values.get("note"), "note", max_length=MAX_NOTE)),
        put("hours_per_month", lambda: _clean_hours(values.get("hours_per_month", 8))),
        put("waiting_since", waiting_since),
    )
    low, high = out["contact_age_min"], out["contact_age_max"]
    if low is not None and high is not None and low > high:
        raise ValidationFailed({"contact_age_max": "service_users.error_age_range"})
    out["needs_driving_licence"] = bool(values.get("needs_driving_licence", False))
    out["coordinator_id"] = values.get("coordinator_id") or None
    # The municipality follows from the postcode when the area is left empty, so
    # supply and demand can be compared by area.
    if out["area"] is None and out["postcode"]:
        out["area"] = geography.municipality(out["postcode"])
    return out


def _preferences(clean: dict[str, Any]) -> dict[str, Any]:
    return {
        "gender": clean["preferred_gender"],
        "contact_age_min": clean["contact_age_min"],
        "contact_age_max": clean["contact_age_max"],
        "availability": clean["availability"],
        "driving_licence": clean["needs_driving_licence"],
        "note": clean["note"],
    }


def _case_ref_taken(session: Session, case_ref: str, exclude_id: int | None = None) -> bool:
    query = select(ServiceUser.id).where(func.lower(ServiceUser.case_ref) == case_ref.lower())
    if exclude_id is not None:
        query = query.where(ServiceUser.id != exclude_id)
    return session.scalar(query.limit(1)) is not None


def _check_coordinator(session: Session, coordinator_id: int | None) -> None:
    if coordinator_id is None:
        return
    staff = session.get(StaffUser, coordinator_id)
    if staff is None or not staff.active:
        raise ValidationFailed({"coordinator_id": "validation.unknown_choice"})


def _journal(
    session: Session, service_user_id: int, actor: Actor, subject: str, body: str = ""
) -> None:
    session.add(
        JournalEntry(
            service_user_id=service_user_id,
            channel=JournalChannel.SYSTEM.value,
            # Stored in the office language (bokmål): the journal is the case record.
            subject=t(subject),
            body=body,
            author_id=actor.id,
        )
    )


def _load(session: Session, service_user_id: int, *, lock: bool = False) -> ServiceUser:
    user = session.get(ServiceUser, service_user_id, with_for_update=lock)
    if user is None or user.anonymised_at is not None:
        raise NotFound(f"service user {service_user_id} not found")
    return user


# --- services ---------------------------------------------------------------------


@requires("service_users.write")
def create_service_user(
    *, session: Session, actor: Actor, today: date | None = None, **values: Any
) -> int:
    """Register a service user who waits for a contact; returns the new id."""
    clean = _clean_fields(values, today=today or timefmt.today())
    if _case_ref_taken(session, clean["case_ref"]):
        raise ValidationFailed({"case_ref": "service_users.error_case_ref_taken"})
    _check_coordinator(session, clean["coordinator_id"])
    user = ServiceUser(
        case_ref=clean["case_ref"],
        age_group=clean["age_group"],
        postcode=clean["postcode"],
        area=clean["area"],
        interests=clean["interests"],
        languages=clean["languages"],
        preferences=_preferences(clean),
        hours_per_month=clean["hours_per_month"],
        waiting_since=clean["waiting_since"],
        status=ServiceUserStatus.WAITING.value,
        coordinator_id=clean["coordinator_id"] or actor.id,
    )
    session.add(user)
    session.flush()
    _journal(session, user.id, actor, "service_users.journal_created")
    session.flush()
    return user.id


@requires("service_users.write")
def update_service_user(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int,
    today: date | None = None,
    **values: Any,
) -> None:
    """Change a service user's details (not their status: placements drive that)."""
    user = _load(session, service_user_id, lock=True)
    if user.status == ServiceUserStatus.CLOSED.value:
        raise ServiceUserClosed(f"service user {service_user_id} is closed")
    clean = _clean_fields(values, today=today or timefmt.today())
    if _case_ref_taken(session, clean["case_ref"], exclude_id=user.id):
        raise ValidationFailed({"case_ref": "service_users.error_case_ref_taken"})
    _check_coordinator(session, clean["coordinator_id"])
    user.case_ref = clean["case_ref"]
    user.age_group = clean["age_group"]
    user.postcode = clean["postcode"]
    user.area = clean["area"]
    user.interests = clean["interests"]
    user.languages = clean["languages"]
    user.preferences = _preferences(clean)
    user.hours_per_month = clean["hours_per_month"]
    user.waiting_since = clean["waiting_since"]
    user.coordinator_id = clean["coordinator_id"] or user.coordinator_id
    _journal(session, user.id, actor, "service_users.journal_updated")
    session.flush()


@requires("service_users.write")
def close_service_user(
    *, session: Session, actor: Actor, service_user_id: int, reason: str, at: datetime | None = None
) -> None:
    """Close a case that no longer needs a contact; open proposals are withdrawn, but a
    running placement must be ended first so its end reason is recorded."""
    if reason not in CLOSE_REASONS:
        raise ValidationFailed({"reason": "validation.unknown_choice"})
    user = _load(session, service_user_id, lock=True)
    if user.status == ServiceUserStatus.CLOSED.value:
        raise ServiceUserClosed(f"service user {service_user_id} is already closed")
    running = session.scalar(
        select(func.count())
        .select_from(Placement)
        .where(
            Placement.service_user_id == user.id,
            Placement.status.in_([PlacementStatus.ACTIVE.value, PlacementStatus.PAUSED.value]),
        )
    )
    if running:
        raise ServiceUserHasPlacements(f"service user {service_user_id} has running placements")
    when = at or utcnow()
    for proposal in session.scalars(
        select(Placement).where(
            Placement.service_user_id == user.id, Placement.status == PlacementStatus.PROPOSED.value
        )
    ):
        proposal.status = PlacementStatus.ENDED.value
        proposal.end_reason = "service_user_closed"
    user.status = ServiceUserStatus.CLOSED.value
    user.closed_at = when
    _journal(session, user.id, actor, "service_users.journal_closed", reason)
    session.flush()


VIEWED = "service_user.viewed"


def _already_audited(session: Session, actor: Actor, user_id: int, opening: str | None) -> bool:
    """Whether this actor's last view of this record was this same opening."""
    if not opening:
        return False
    last = session.scalar(
        select(AuditEvent.detail)
        .where(
            AuditEvent.action == VIEWED,
            AuditEvent.actor_id == actor.id,
            AuditEvent.target_type == "service_user",
            AuditEvent.target_id == user_id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return bool(last) and last.get("opening") == opening[:64]


@requires("service_users.read")
def view_service_user(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int,
    client: str | None = None,
    opening: str | None = None,
) -> ServiceUserRecord:
    """The full record of one service user; every opening of it is written to the audit
    log once. `opening` names one opening (the page keeps it while the record stays open,
    so its reruns are not new views); without it every call is a view."""
    user = _load(session, service_user_id)
    if not _already_audited(session, actor, user.id, opening):
        audit.record(
            session=session,
            actor=actor,
            action=VIEWED,
            target_type="service_user",
            target_id=user.id,
            client=client,
            detail={"opening": opening[:64]} if opening else None,
        )
    coordinator_name = (
        session.scalar(select(StaffUser.full_name).where(StaffUser.id == user.coordinator_id))
        if user.coordinator_id
        else None
    )
    prefs = user.preferences or {}
    return ServiceUserRecord(
        id=user.id,
        case_ref=user.case_ref,
        age_group=user.age_group,
        postcode=user.postcode,
        area=user.area,
        interests=list(user.interests or []),
        languages=list(user.languages or []),
        preferred_gender=prefs.get("gender"),
        contact_age_min=prefs.get("contact_age_min"),
        contact_age_max=prefs.get("contact_age_max"),
        availability=list(prefs.get("availability") or []),
        needs_driving_licence=bool(prefs.get("driving_licence")),
        note=prefs.get("note"),
        hours_per_month=user.hours_per_month,
        waiting_since=user.waiting_since,
        status=user.status,
        coordinator_id=user.coordinator_id,
        coordinator_name=coordinator_name,
        closed_at=user.closed_at,
    )


@requires("service_users.read")
def service_user_journal(
    *, session: Session, actor: Actor, service_user_id: int
) -> list[dict[str, object]]:
    """The service user's journal, newest first: at, subject (names filled in as they are
    now, see `casework.journal.rendered_subjects`), body, author."""
    _load(session, service_user_id)
    rows = session.execute(
        select(JournalEntry, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == JournalEntry.author_id)
        .where(JournalEntry.service_user_id == service_user_id)
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    ).all()
    subjects = rendered_subjects(session, [entry for entry, _ in rows])
    return [
        {
            "at": entry.created_at,
            "subject": subjects[entry.id],
            "body": entry.body,
            "author": author,
        }
        for entry, author in rows
    ]


#: Rows on one page of the service-user list: a coordinator looks for one record; the
#: page draws the same amount whether 50 or 5,000 are waiting.
LIST_PAGE_SIZE = 50
LIST_COLUMNS = (
    "id",
    "case_ref",
    "age_group",
    "area",
    "hours_per_month",
    "waiting_since",
    "status",
    "coordinator",
)


@requires("service_users.read")
def service_user_list(
    *,
    session: Session,
    actor: Actor,
    status: str | None = None,
    search: str = "",
    page: int = 1,
    page_size: int = LIST_PAGE_SIZE,
    today: date | None = None,
) -> tuple[pd.DataFrame, int]:
    """One page of service users for the list (those waiting longest first) and how many
    match in all. `search` matches the case reference or the area, every word of it,
    ignoring case. Columns: id, case_ref, age_group, area, hours_per_month, waiting_since,
    days_waiting, status, coordinator."""
    today = today or timefmt.today()
    conditions = [ServiceUser.anonymised_at.is_(None)]
    if status:
        conditions.append(ServiceUser.status == status)
    for word in search.split()[:5]:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word.lower()) + "%"
        conditions.append(
            ServiceUser.case_ref.ilike(pattern, escape="\\")
            | ServiceUser.area.ilike(pattern, escape="\\")
        )
    total = session.scalar(select(func.count(ServiceUser.id)).where(*conditions)) or 0
    page = max(1, min(page, max(1, -(-total // page_size))))
    rows = session.execute(
        select(
            ServiceUser.id,
            ServiceUser.case_ref,
            ServiceUser.age_group,
            ServiceUser.area,
            ServiceUser.hours_per_month,
            ServiceUser.waiting_since,
            ServiceUser.status,
            StaffUser.full_name.label("coordinator"),
        )
        .outerjoin(StaffUser, StaffUser.id == ServiceUser.coordinator_id)
        .where(*conditions)
        .order_by(ServiceUser.waiting_since, ServiceUser.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=LIST_COLUMNS)
    frame.insert(
        6, "days_waiting", [(today - d).days if d else None for d in frame["waiting_since"]]
    )
    return frame, total


# --- import from CSV / Excel ----------------------------------------------------------

#: Fields an import can fill, and whether a column must be mapped to them.
IMPORT_FIELDS: dict[str, bool] = {
    "case_ref": True,
    "age_group": True,
    "postcode": False,
    "area": False,
    "interests": False,
    "languages": False,
    "availability": False,
    "preferred_gender": False,
    "contact_age_min": False,
    "contact_age_max": False,
    "hours_per_month": False,
    "waiting_since": False,
    "note": False,
}
_LIST_FIELDS = {"interests", "languages", "availability"}


class ImportRefused(VerveError):
    key = "service_users.error_import_refused"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import as the preview shows it: its number, values and problems."""

    number: int
    values: dict[str, Any]
    errors: dict[str, str]


def read_table(content: bytes, filename: str) -> importing.Table:
    """A CSV (any usual delimiter and encoding) or Excel sheet, read as the applicant
    import reads it."""
    return importing.read_table(content, filename)


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", value or "") if part.strip()]


def _row_values(row: dict[str, str], mapping: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, column in mapping.items():
        if not column:
            continue
        raw = str(row.get(column, "") or "").strip()
        values[field] = _split(raw) if field in _LIST_FIELDS else raw
    # Case systems often export Excel numbers as "12.0".
    for field in ("hours_per_month", "contact_age_min", "contact_age_max", "postcode"):
        if isinstance(values.get(field), str) and re.fullmatch(r"\d+\.0", values[field]):
            values[field] = values[field][:-2]
    if "postcode" in values and values["postcode"].isdigit():
        values["postcode"] = values["postcode"].zfill(4)
    if not values.get("hours_per_month"):
        values.pop("hours_per_month", None)
    return values


@requires("data.import")
def preview_import(
    *,
    session: Session,
    actor: Actor,
    frame: importing.Table,
    mapping: dict[str, str],
    today: date | None = None,
) -> list[ImportRow]:
    """Every row checked without saving anything, with its problems per field."""
    missing = [
        field for field, needed in IMPORT_FIELDS.items() if needed and not mapping.get(field)
    ]
    if missing:
        raise ValidationFailed({field: "service_users.error_mapping_required" for field in missing})
    today = today or timefmt.today()
    seen: set[str] = set()
    out: list[ImportRow] = []
    for number, cells in enumerate(frame.rows, start=2):
        row = dict(zip(frame.headers, cells, strict=False))
        values = _row_values(row, mapping)
        errors: dict[str, str] = {}
        try:
            clean = _clean_fields(values, today=today)
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            ref = clean["case_ref"].lower()
            if ref in seen or _case_ref_taken(session, clean["case_ref"]):
                errors["case_ref"] = "service_users.error_case_ref_taken"
            seen.add(ref)
        out.append(ImportRow(number=number, values=values, errors=errors))
    return out


@requires("data.import", "service_users.write")
def import_service_users(
    *,
    session: Session,
    actor: Actor,
    frame: importing.Table,
    mapping: dict[str, str],
    today: date | None = None,
) -> list[int]:
    """Create every row of the file or none: one bad row refuses the whole import."""
    rows = preview_import(session=session, actor=actor, frame=frame, mapping=mapping, today=today)
    bad = [row for row in rows if row.errors]
    if bad:
        raise ImportRefused(f"{len(bad)} rows have errors", count=len(bad))
    return [
        create_service_user(session=session, actor=actor, today=today, **row.values) for row in rows
    ]
