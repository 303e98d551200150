"""Import of an existing applicant list (CSV or Excel .xlsx), in three steps:

1. `read_table` turns the uploaded bytes into headers and rows (any delimiter, UTF-8
   with or without BOM, Windows-1252 as the fallback Excel on Windows still writes);
2. `suggest_mapping` proposes which column holds which field, from Norwegian and
   English header names; the coordinator corrects it;
3. `preview_import` says row by row what would be created, updated (same normalised
   e-mail, also a repeat of an address earlier in the file) or rejected and why, and
   writes nothing; `confirm_import` does it, in the caller's one transaction.

Imported applicants get source "import" and start at `signed_up` like everyone else.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import Applicant, AuditEvent, JournalChannel, JournalEntry, Stage, StageEvent, utcnow
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.errors import ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.places import set_postcode
from recruitment.core.validation import (
    clean_birth_year,
    clean_name,
    clean_phone,
    clean_postcode,
    clean_text,
    normalise_email,
)

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
SOURCE = "import"

#: Fields a file can fill, in the order the mapping step shows them.
FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "birth_year",
    "postcode",
    "area",
    "about",
)
#: Header names (normalised: lower case, letters and digits only) that suggest a field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("fornavn", "firstname", "givenname", "forename", "first"),
    "last_name": ("etternavn", "lastname", "surname", "familyname", "last"),
    "full_name": ("navn", "fulltnavn", "name", "fullname"),
    "email": ("epost", "epostadresse", "email", "emailaddress", "mail", "epostadr"),
    "phone": (
        "telefon",
        "telefonnummer",
        "tlf",
        "tlfnr",
        "mobil",
        "mobilnummer",
        "phone",
        "phonenumber",
        "mobile",
    ),
    "birth_year": ("fodselsar", "fødselsår", "født", "fodt", "birthyear", "yearofbirth", "born"),
    "postcode": ("postnummer", "postnr", "postcode", "zip", "zipcode", "postalcode"),
    "area": (
        "bydel",
        "omrade",
        "område",
        "sted",
        "poststed",
        "kommune",
        "area",
        "district",
        "city",
    ),
    "about": (
        "merknad",
        "kommentar",
        "notat",
        "om",
        "beskrivelse",
        "note",
        "notes",
        "comment",
        "about",
    ),
}


class ImportFileUnreadable(VerveError):
    key = "casework.import_unreadable"


@dataclass(frozen=True, slots=True)
class Table:
    """An uploaded sheet: unique, non-empty header names and rows of text cells."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(slots=True)
class RowPlan:
    """What confirming would do with one row of the file."""

    row_number: int  # as the coordinator sees it in the sheet (the header is row 1)
    action: str  # "create" | "update" | "reject"
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field -> catalogue key
    applicant_id: int | None = None  # the applicant an update changes
    duplicate_of_row: int | None = None  # an earlier row of the file with the same e-mail


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    rejected: int


# --- 1. reading the file ---------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows still saves "CSV" as Windows-1252; it decodes any byte
        # except five, which then really is not a text file.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportFileUnreadable("neither UTF-8 nor Windows-1252") from error


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _unique_headers(raw: list[str]) -> list[str]:
    headers: list[str] = []
    for i, name in enumerate(raw, start=1):
        name = " ".join(name.split()) or f"#{i}"
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return headers


def _table(rows: list[list[str]]) -> Table:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ImportFileUnreadable("the file has no rows", key="casework.import_empty")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileUnreadable(
            "too many rows", key="casework.import_too_many_rows", max=MAX_ROWS
        )
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return Table(
        headers=_unique_headers(padded[0]), rows=[[c.strip() for c in r] for r in padded[1:]]
    )


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileUnreadable("binary data in a text file")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        # One column (no delimiter at all) or too little text to tell: count instead.
        first_line = sample.splitlines()[0] if sample else ""
        delimiter = max(";,\t", key=first_line.count) if first_line else ";"
        dialect = type("Counted", (csv.excel,), {"delimiter": delimiter})
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise ImportFileUnreadable(str(error)) from error
    return _table(rows)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileUnreadable(f"not an Excel workbook: {error}") from error
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as error:  # a damaged workbook fails in many library-specific ways
        raise ImportFileUnreadable(f"damaged workbook: {error}") from error
    finally:
        workbook.close()
    return _table(rows)


def read_table(data: bytes, filename: str) -> Table:
    """The sheet in an uploaded CSV or .xlsx file; ImportFileUnreadable if it is neither."""
    if not data:
        raise ImportFileUnreadable("empty file", key="casework.import_empty")
    if len(data) > MAX_BYTES:
        raise ImportFileUnreadable(
            "file too large", key="casework.import_too_large", max_mb=MAX_BYTES // 2**20
        )
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


# --- 2. mapping columns to fields --------------------------------------------------


def _normalise_header(name: str) -> str:
    return re.sub(r"[^0-9a-zæøå]", "", name.lower())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """For each field, the header that most likely holds it (or None)."""
    normalised = {header: _normalise_header(header) for header in headers}
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for name in FIELDS:
        synonyms = SYNONYMS[name]
        exact = [h for h, n in normalised.items() if n in synonyms and h not in used]
        # "E-postadresse til søker" still says e-mail: fall back to a prefix match.
        loose = [
            h
            for h, n in normalised.items()
            if h not in used and any(n.startswith(s) for s in synonyms if len(s) > 3)
        ]
        choice = (exact or loose or [None])[0]
        mapping[name] = choice
        if choice is not None:
            used.add(choice)
    # A full-name column is only needed when first and last names are not separate.
    if mapping["first_name"] and mapping["last_name"]:
        mapping["full_name"] = None
    return mapping


def check_mapping(mapping: dict[str, str | None], headers: list[str]) -> dict[str, str]:
    """The clean mapping (field -> header); ValidationFailed naming each missing column."""
    clean = {name: header for name, header in mapping.items() if name in FIELDS and header}
    unknown = {
        name: "casework.import_unknown_column"
        for name, header in clean.items()
        if header not in headers
    }
    missing: dict[str, str] = {}
    if "email" not in clean:
        missing["email"] = "casework.import_column_missing"
    if not ("full_name" in clean or ("first_name" in clean and "last_name" in clean)):
        missing["first_name" if "first_name" not in clean else "last_name"] = (
            "casework.import_column_missing"
        )
    if unknown or missing:
        raise ValidationFailed({**unknown, **missing})
    return clean


# --- 3. preview and confirm ---------------------------------------------------------


def _split_full_name(text: str) -> tuple[str, str]:
    parts = text.split()
    if len(parts) < 2:
        return text, ""
    return " ".join(parts[:-1]), parts[-1]


def _clean_row(raw: dict[str, str], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def attempt(name: str, check) -> None:
        try:
            result = check()
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            if result is not None:
                values[name] = result

    first, last = raw.get("first_name", ""), raw.get("last_name", "")
    if "full_name" in raw and not (first or last):
        # "Nordmann, Ola" is how many registers write names.
        full = raw["full_name"]
        if "," in full:
            last, first = (part.strip() for part in full.split(",", 1))
        else:
            first, last = _split_full_name(full)
    attempt("first_name", lambda: clean_name(first, "first_name"))
    attempt("last_name", lambda: clean_name(last, "last_name"))
    attempt("email", lambda: normalise_email(raw.get("email", ""), "email"))
    attempt("phone", lambda: clean_phone(raw.get("phone"), "phone"))
    if raw.get("birth_year"):
        # Spreadsheets often hold a full date of birth in this column.
        year = re.search(r"(19|20)\d\d", raw["birth_year"])
        attempt(
            "birth_year",
            lambda: clean_birth_year(year.group(0) if year else raw["birth_year"], today=today),
        )
    attempt(
        "postcode",
        lambda: clean_postcode(
            raw.get("postcode", "").zfill(4) if raw.get("postcode") else None, required=False
        ),
    )
    attempt("area", lambda: clean_text(raw.get("area"), "area", max_length=100))
    attempt("about", lambda: clean_text(raw.get("about"), "about"))
    return values, errors


def _existing_by_email(session: Session, emails: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found.update(
            session.execute(
                select(Applicant.email, Applicant.id).where(Applicant.email.in_(chunk))
            ).all()
        )
    return found


@requires("data.import")
def preview_import(
    *,
    session: Session,
    actor: Actor,
    table: Table,
    mapping: dict[str, str | None],
    today: date | None = None,
) -> list[RowPlan]:
    """Row by row, what confirming would do; reads only, writes nothing."""
    clean_mapping = check_mapping(mapping, table.headers)
    today = today or timefmt.today(zone=timefmt.office_zone(session))
    index = {name: table.headers.index(header) for name, header in clean_mapping.items()}
    plans: list[RowPlan] = []
    for number, row in enumerate(table.rows, start=2):
        values, errors = _clean_row({name: row[i] for name, i in index.items()}, today)
        plans.append(
            RowPlan(
                row_number=number,
                action="reject" if errors else "create",
                values=values,
                errors=errors,
            )
        )
    existing = _existing_by_email(
        session, sorted({p.values["email"] for p in plans if p.action == "create"})
    )
    first_row_for: dict[str, int] = {}
    for plan in plans:
        if plan.action == "reject":
            continue
        email = plan.values["email"]
        if email in first_row_for:
            plan.action, plan.duplicate_of_row = "update", first_row_for[email]
        else:
            first_row_for[email] = plan.row_number
        if email in existing:
            plan.action, plan.applicant_id = "update", existing[email]
    return plans


def preview_summary(plans: list[RowPlan]) -> dict[str, int]:
    """How many rows would be created, updated and rejected."""
    summary = {"create": 0, "update": 0, "reject": 0}
    for plan in plans:
        summary[plan.action] += 1
    return summary


def preview_rows(plans: list[RowPlan], lang: str) -> list[dict[str, Any]]:
    """The preview as table rows in `lang`: row, action, name, e-mail, and why."""
    out = []
    for plan in plans:
        reasons = [
            f"{t(f'casework.field_{name}', lang)}: {t(key, lang)}"
            for name, key in plan.errors.items()
        ]
        if plan.duplicate_of_row:
            reasons.append(t("casework.import_duplicate_of", lang, row=plan.duplicate_of_row))
        if plan.applicant_id:
            reasons.append(t("casework.import_existing", lang, id=plan.applicant_id))
        out.append(
            {
                "row": plan.row_number,
                "action": t(f"casework.import_action_{plan.action}", lang),
                "name": " ".join(
                    filter(None, (plan.values.get("first_name"), plan.values.get("last_name")))
                ),
                "email": plan.values.get("email", ""),
                "why": "; ".join(reasons),
            }
        )
    return out


_UPDATABLE = ("first_name", "last_name", "phone", "birth_year", "postcode", "area", "about")


@requires("data.import", "applicants.write")
def confirm_import(
    *,
    session: Session,
    actor: Actor,
    table: Table,
    mapping: dict[str, str | None],
    filename: str = "",
    coordinator_id: int | None = None,
    today: date | None = None,
) -> ImportResult:
    """Create and update what the preview promised, in the caller's transaction; one audit event."""
    # Planned again inside this transaction: the register may have changed since the preview.
    plans = preview_import(session=session, actor=actor, table=table, mapping=mapping, today=today)
    now = utcnow()
    by_email: dict[str, Applicant] = {}
    created = updated = 0
    new: list[Applicant] = []
    for plan in plans:
        if plan.action == "reject":
            continue
        email = plan.values["email"]
        applicant = by_email.get(email)
        if applicant is None and plan.applicant_id is not None:
            applicant = session.get(Applicant, plan.applicant_id)
        if applicant is None:
            applicant = Applicant(
                email=email,
                source=SOURCE,
                coordinator_id=coordinator_id,
                created_at=now,
                stage=Stage.SIGNED_UP.value,
                stage_changed_at=now,
            )
            new.append(applicant)
            created += 1
        else:
            updated += 1
        # Only what the file says: empty cells never wipe what the office already knows.
        # The postcode brings its area; an area column (after it) says better.
        for name in _UPDATABLE:
            if name == "postcode" and name in plan.values:
                set_postcode(applicant, plan.values[name])
            elif name in plan.values:
                setattr(applicant, name, plan.values[name])
        by_email[email] = applicant
    session.add_all(new)
    session.flush()  # one multi-row INSERT; ids are needed for the stage events
    note = t("casework.journal_imported", "nb", file=filename or "-")
    # The sign-up events and journal lines go in as two multi-row INSERTs: a flush per
    # row (as record_sign_up does for a single sign-up) makes 5,000 rows take half a minute.
    # The rows are exactly those record_sign_up writes: from nothing to signed_up.
    if new:
        session.execute(
            insert(StageEvent),
            [
                {
                    "applicant_id": a.id,
                    "from_stage": None,
                    "to_stage": Stage.SIGNED_UP.value,
                    "at": now,
                    "by_id": actor.id,
                }
                for a in new
            ],
        )
        session.execute(
            insert(JournalEntry),
            [
                {
                    "applicant_id": a.id,
                    "channel": JournalChannel.SYSTEM.value,
                    "body": note,
                    "author_id": actor.id,
                    "created_at": now,
                }
                for a in new
            ],
        )
    result = ImportResult(
        created=created, updated=updated, rejected=sum(p.action == "reject" for p in plans)
    )
    session.add(
        AuditEvent(
            actor_id=actor.id,
            actor_name=actor.username,
            action="import",
            target_type="applicant",
            detail={
                "file": filename,
                "rows": len(plans),
                "created": created,
                "updated": updated,
                "rejected": result.rejected,
            },
        )
    )
    session.flush()
    return result
