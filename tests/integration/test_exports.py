"""Applicant exports on both backends: permission, audit, filters, and what the files hold."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditEvent, Stage
from recruitment.casework.exports import (
    applicant_export_rows,
    export_headings,
    to_csv_bytes,
    to_xlsx_bytes,
)
from recruitment.core.errors import PermissionDenied, ValidationFailed
from tests.stages import step_to

SIGNED_UP_AT = datetime(2026, 3, 4, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def applicants(make_applicant, coordinator, session_factory):
    """Two applicants: a plain one, and one whose name would be a spreadsheet formula."""
    plain = make_applicant(
        first_name="Åse",
        last_name="Ødegård",
        email="ase@example.no",
        interests=["outdoors", "music"],
        languages=["no", "en"],
        signed_up_at=SIGNED_UP_AT,
        created_at=SIGNED_UP_AT,
        coordinator_id=coordinator.id,
    )
    sneaky = make_applicant(
        first_name='=HYPERLINK("http://evil.example")', last_name="-2+3", email="x@example.no"
    )
    with session_factory.begin() as s:
        step_to(session=s, by_id=coordinator.id, applicant_id=sneaky, to_stage=Stage.MEETING_BOOKED)
    return plain, sneaky


def _export(session_factory, actor, **filters):
    with session_factory.begin() as s:
        return applicant_export_rows(session=s, actor=actor, **filters)


def test_an_export_lists_applicants_with_readable_values_and_is_audited(
    session_factory, session, coordinator, applicants
):
    rows = _export(session_factory, coordinator, lang="en", file_format="csv")

    assert [row["ID"] for row in rows] == list(applicants)
    first = rows[0]
    assert first["First name"] == "Åse"
    assert first["Interests"] == "Outdoors and walks, Music"
    assert first["Languages"] == "Norwegian, English"
    assert first["Signed up"] == "2026-03-04T09:30:15Z"
    assert first["Stage"] == "Signed up"
    assert first["Coordinator"] == "Kari Koordinator"
    assert first["Driving licence"] == "No"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.actor_id == coordinator.id
    assert event.detail["rows"] == 2 and event.detail["format"] == "csv"


def test_a_manager_may_not_export_and_nothing_is_audited(
    session_factory, session, manager, applicants
):
    with pytest.raises(PermissionDenied):
        _export(session_factory, manager)
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []


def test_filters_narrow_the_export_by_stage_and_coordinator(
    session_factory, coordinator, applicants
):
    plain, sneaky = applicants
    assert [r["ID"] for r in _export(session_factory, coordinator, stage="meeting_booked")] == [
        sneaky
    ]
    assert [
        r["ID"] for r in _export(session_factory, coordinator, coordinator_id=coordinator.id)
    ] == [plain]
    assert [r["ID"] for r in _export(session_factory, coordinator, applicant_ids=[sneaky])] == [
        sneaky
    ]
    with pytest.raises(ValidationFailed):
        _export(session_factory, coordinator, stage="nowhere")


def test_the_csv_file_has_headings_quoted_formulas_and_reads_back(
    session_factory, coordinator, applicants
):
    rows = _export(session_factory, coordinator)
    data = to_csv_bytes(rows, export_headings("nb"))

    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == export_headings("nb")
    assert table[1][1:3] == ["Åse", "Ødegård"]
    assert table[2][1] == '\'=HYPERLINK("http://evil.example")'
    assert table[2][2] == "'-2+3"
    # A phone number starts with "+" but can only be a number: left as it is.
    assert table[1][4].startswith("+47")


def test_the_xlsx_file_reads_back_with_the_same_values_and_no_formulas(
    session_factory, coordinator, applicants
):
    rows = _export(session_factory, coordinator, lang="en")
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(rows, export_headings("en")))).active

    values = list(sheet.values)
    assert list(values[0]) == export_headings("en")
    assert values[1][1:3] == ("Åse", "Ødegård")
    assert values[1][0] == applicants[0]
    # Text cells: the formula is text, with Excel's own (invisible) quote prefix, and no
    # apostrophe in the value; the phone number is plain text too.
    assert values[2][1] == '=HYPERLINK("http://evil.example")'
    assert sheet.cell(row=3, column=2).data_type == "s"
    assert sheet.cell(row=3, column=2).quotePrefix
    assert values[1][4].startswith("+47") and isinstance(values[1][4], str)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold


def test_an_empty_export_still_has_its_heading_row(session_factory, coordinator):
    rows = _export(session_factory, coordinator)
    assert rows == []
    assert list(
        load_workbook(io.BytesIO(to_xlsx_bytes(rows, export_headings()))).active.values
    ) == [tuple(export_headings())]
    assert to_csv_bytes(rows, export_headings()).decode("utf-8-sig").strip() == ",".join(
        export_headings()
    )
