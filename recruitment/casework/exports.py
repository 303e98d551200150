"""Applicant lists as spreadsheets (CSV and Excel), for the command line and for the
coordinator's list page. Every export checks `data.export` and leaves an audit event."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Applicant, AuditEvent, StaffUser, Stage, utcnow
from recruitment.core.access import Actor, requires
from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import t

# ISO 8601 to the second (UTC for timestamps), which every spreadsheet reads.
from recruitment.core.timefmt import iso

#: The columns of an applicant export, in order: (field, catalogue key of its heading).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "exports.col_id"),
    ("first_name", "exports.col_first_name"),
    ("last_name", "exports.col_last_name"),
    ("email", "exports.col_email"),
    ("phone", "exports.col_phone"),
    ("birth_year", "exports.col_birth_year"),
    ("postcode", "exports.col_postcode"),
    ("area", "exports.col_area"),
    ("stage", "exports.col_stage"),
    ("stage_changed_at", "exports.col_stage_changed_at"),
    ("exit_reason", "exports.col_exit_reason"),
    ("coordinator", "exports.col_coordinator"),
    ("source", "exports.col_source"),
    ("languages", "exports.col_languages"),
    ("interests", "exports.col_interests"),
    ("availability", "exports.col_availability"),
    ("target_groups", "exports.col_target_groups"),
    ("driving_licence", "exports.col_driving_licence"),
    ("prefers_phone", "exports.col_prefers_phone"),
    ("callback_requested", "exports.col_callback_requested"),
    ("created_at", "exports.col_created_at"),
    ("consent_at", "exports.col_consent_at"),
)
FORMATS = ("csv", "xlsx")

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection);
# tab and carriage return are on OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# "+47 926 67 463" or "-5" starts like a formula but can only ever be a number: nothing
# to call, nothing to link to. Only such text is left alone after "+" or "-".
_JUST_A_NUMBER = re.compile(r"[+-][0-9 .,()/-]*")
_VOCAB_LISTS = {
    "languages": "language",
    "interests": "interest",
    "availability": "availability",
    "target_groups": "target_group",
}


@requires("data.export")
def applicant_export_rows(
    *,
    session: Session,
    actor: Actor,
    stage: Stage | str | None = None,
    coordinator_id: int | None = None,
    applicant_ids: Sequence[int] | None = None,
    lang: str = "nb",
    file_format: str | None = None,
) -> list[dict[str, Any]]:
    """The applicants (optionally one stage, one coordinator's or the given ids) as
    rows of readable values keyed by translated column headings; records the export."""
    if stage is not None:
        try:
            stage = Stage(stage)
        except ValueError:
            raise ValidationFailed({"stage": "exports.unknown_stage"}) from None
    coordinator = aliased(StaffUser)
    query = (
        select(Applicant, coordinator.full_name, coordinator.username)
        .outerjoin(coordinator, coordinator.id == Applicant.coordinator_id)
        .where(Applicant.anonymised_at.is_(None))
        .order_by(Applicant.id)
    )
    if stage is not None:
        query = query.where(Applicant.stage == stage.value)
    if coordinator_id is not None:
        query = query.where(Applicant.coordinator_id == coordinator_id)
    if applicant_ids is not None:
        query = query.where(Applicant.id.in_(list(applicant_ids)))
    headings = export_headings(lang)
    # The same few labels recur on every row; look each up once per export.
    label = cache(lambda key: t(key, lang))
    rows = []
    for applicant, coordinator_name, coordinator_username in session.execute(query):
        values = _values(applicant, coordinator_name or coordinator_username or "", label)
        rows.append(dict(zip(headings, (values[field] for field, _ in COLUMNS), strict=True)))
    filters = {"stage": stage.value if stage else None, "coordinator_id": coordinator_id}
    if applicant_ids is not None:
        filters["applicant_ids"] = len(applicant_ids)
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_id=actor.id,
            actor_name=actor.username,
            action="export",
            target_type="applicant",
            client="cli" if actor.is_system else "web",
            detail={
                "what": "applicants",
                "rows": len(rows),
                "format": file_format,
                "filters": filters,
            },
        )
    )
    session.flush()
    return rows


def _values(applicant: Applicant, coordinator: str, label: Callable[[str], str]) -> dict[str, Any]:
    # Moments are ISO 8601 in UTC ("2026-03-04T09:30:15Z"): every spreadsheet reads them.
    yes, no = label("common.yes"), label("common.no")
    values: dict[str, Any] = {
        "id": applicant.id,
        "first_name": applicant.first_name,
        "last_name": applicant.last_name,
        "email": applicant.email or "",
        "phone": applicant.phone or "",
        "birth_year": applicant.birth_year if applicant.birth_year is not None else "",
        "postcode": applicant.postcode or "",
        "area": applicant.area or "",
        "stage": label(f"stages.{applicant.stage}"),
        "stage_changed_at": iso(applicant.stage_changed_at),
        "exit_reason": label(f"reasons.{applicant.exit_reason}") if applicant.exit_reason else "",
        "coordinator": coordinator,
        "source": label(f"vocab.source_{applicant.source}"),
        "driving_licence": yes if applicant.driving_licence else no,
        "prefers_phone": yes if applicant.prefers_phone else no,
        "callback_requested": yes if applicant.callback_requested else no,
        "created_at": iso(applicant.created_at),
        "consent_at": iso(applicant.consent_at),
    }
    for field, prefix in _VOCAB_LISTS.items():
        codes = getattr(applicant, field) or []
        values[field] = ", ".join(label(f"vocab.{prefix}_{code}") for code in codes)
    return values


def runs_as_formula(value: Any) -> bool:
    """Whether a spreadsheet would run this text: "=", "@", a tab or carriage return
    first, or "+"/"-" followed by anything but a number (a phone number is no formula)."""
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _JUST_A_NUMBER.fullmatch(value)
    )


def safe_cell(value: Any) -> Any:
    """For CSV, which has no cell types: text a spreadsheet would run, made plain text
    with a leading quote; everything else (phone numbers too) as it is."""
    if runs_as_formula(value):
        return "'" + value
    return value


def _xlsx_cell(sheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
    """A cell as data: text is a text cell (never a formula, and no apostrophe in the
    value: text that looks like a formula gets Excel's own invisible quote prefix)."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = value
        cell.data_type = "s"  # openpyxl would make "=…" a formula
        if runs_as_formula(value):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    return cell


def to_csv_bytes(rows: Sequence[dict[str, Any]], headings: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads æøå) and a heading row."""
    headings = list(headings or (rows[0].keys() if rows else []))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headings])
    for row in rows:
        writer.writerow([safe_cell(row.get(h, "")) for h in headings])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx_bytes(
    rows: Sequence[dict[str, Any]],
    headings: Sequence[str] | None = None,
    sheet_title: str = "Verve",
) -> bytes:
    """An Excel workbook with one sheet: a bold, frozen heading row, then the rows.

    Written in openpyxl's streaming mode so a list of 100 000 applicants stays quick.
    Every text is a text cell, so "=1+1" stays text and a phone number reads
    "+4792667463" without an apostrophe."""
    headings = list(headings or (rows[0].keys() if rows else []))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            40, max(10, len(str(heading)) + 2)
        )
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, str(heading), bold) for heading in headings])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(h, "")) for h in headings])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_headings(lang: str = "nb") -> list[str]:
    """The column headings of an applicant export, in `lang`."""
    return [t(key, lang) for _, key in COLUMNS]


def export_bytes(
    rows: Sequence[dict[str, Any]], file_format: str, headings: Sequence[str] | None = None
) -> bytes:
    """The rows in `file_format` ("csv" or "xlsx")."""
    if file_format == "csv":
        return to_csv_bytes(rows, headings)
    if file_format == "xlsx":
        return to_xlsx_bytes(rows, headings)
    raise ValidationFailed({"format": "exports.unknown_format"})
