import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from db.models import Applicant, AuditEvent, JournalEntry, StageEvent
from recruitment.casework import importing
from recruitment.casework.importing import (
    ImportFileUnreadable,
    check_mapping,
    confirm_import,
    preview_import,
    preview_summary,
    read_table,
    suggest_mapping,
)
from recruitment.core.errors import PermissionDenied, ValidationFailed

TODAY = date(2026, 11, 23)

GOOD_CSV = (
    "Fornavn;Etternavn;E-post;Telefon;Fødselsår;Postnr;Bydel\n"
    "Ola;Nordmann;Ola@Example.NO;912 34 567;1980;1606;Fredrikstad\n"
    "Kari;Hansen;kari@example.no;;1975;0150;Oslo\n"
    "Dup;Licate;ola@example.no;;;;\n"
    "Bad;Mail;not-an-address;;;;\n"
)


def _plan(session, actor, data: bytes, name="list.csv"):
    table = read_table(data, name)
    return table, preview_import(
        session=session,
        actor=actor,
        table=table,
        mapping=suggest_mapping(table.headers),
        today=TODAY,
    )


def _count(session, model=Applicant):
    return session.scalar(select(func.count()).select_from(model))


def test_the_preview_says_row_by_row_what_will_happen_and_writes_nothing(session, coordinator):
    _, plans = _plan(session, coordinator, GOOD_CSV.encode("utf-8"))
    assert [(p.row_number, p.action) for p in plans] == [
        (2, "create"),
        (3, "create"),
        (4, "update"),
        (5, "reject"),
    ]
    assert (
        plans[0].values["email"] == "ola@example.no" and plans[0].values["phone"] == "+4791234567"
    )
    assert plans[2].duplicate_of_row == 2
    assert plans[3].errors == {"email": "validation.email_invalid"}
    assert preview_summary(plans) == {"create": 2, "update": 1, "reject": 1}
    assert _count(session) == 0


def test_confirming_creates_updates_and_skips_rejected_rows_with_one_audit_event(
    session_factory, session, coordinator
):
    table = read_table(GOOD_CSV.encode("utf-8"), "list.csv")
    with session_factory.begin() as s:
        result = confirm_import(
            session=s,
            actor=coordinator,
            table=table,
            mapping=suggest_mapping(table.headers),
            filename="list.csv",
            today=TODAY,
        )
    assert (result.created, result.updated, result.rejected) == (2, 1, 1)
    ola = session.scalar(select(Applicant).where(Applicant.email == "ola@example.no"))
    # The later row of the same address updated the one created from the first.
    assert (ola.first_name, ola.last_name, ola.source, ola.stage) == (
        "Dup",
        "Licate",
        "import",
        "signed_up",
    )
    assert ola.postcode == "1606"  # empty cells never wipe known values
    assert _count(session) == 2
    assert _count(session, StageEvent) == 2
    [audit] = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert audit.detail["created"] == 2 and audit.detail["file"] == "list.csv"


def test_a_row_matching_an_existing_applicant_updates_them(
    session_factory, session, coordinator, make_applicant
):
    existing = make_applicant(
        email="kari@example.no", first_name="K", last_name="H", area="Sarpsborg"
    )
    table, plans = _plan(session, coordinator, GOOD_CSV.encode("utf-8"))
    assert plans[1].action == "update" and plans[1].applicant_id == existing
    session.rollback()
    with session_factory.begin() as s:
        confirm_import(
            session=s,
            actor=coordinator,
            table=table,
            mapping=suggest_mapping(table.headers),
            today=TODAY,
        )
    kari = session.get(Applicant, existing)
    assert (kari.first_name, kari.area, kari.source) == ("Kari", "Oslo", "website")


def test_a_file_without_an_email_column_is_refused_at_the_mapping_step(session, coordinator):
    table = read_table(b"Navn,Telefon\nOla Nordmann,91234567\n", "list.csv")
    mapping = suggest_mapping(table.headers)
    assert mapping["full_name"] == "Navn" and mapping["email"] is None
    with pytest.raises(ValidationFailed) as error:
        preview_import(session=session, actor=coordinator, table=table, mapping=mapping)
    assert error.value.fields == {"email": "casework.import_column_missing"}


def test_the_mapping_suggestion_understands_english_headers_too():
    mapping = suggest_mapping(
        ["First name", "Last name", "E-mail address", "Mobile", "Zip code", "Notes"]
    )
    assert mapping == {
        "first_name": "First name",
        "last_name": "Last name",
        "full_name": None,
        "email": "E-mail address",
        "phone": "Mobile",
        "birth_year": None,
        "postcode": "Zip code",
        "area": None,
        "about": "Notes",
    }


def test_a_full_name_column_is_split_into_first_and_last_name(session, coordinator):
    data = b'Name,Email\n"Nordmann, Ola",ola@example.no\nKari Anne Hansen,kari@example.no\n'
    _, plans = _plan(session, coordinator, data)
    assert [(p.values["first_name"], p.values["last_name"]) for p in plans] == [
        ("Ola", "Nordmann"),
        ("Kari Anne", "Hansen"),
    ]


@pytest.mark.parametrize(
    "encoded",
    [
        "Fornavn,Etternavn,E-post\nÅse,Ørn,ase@example.no\n".encode(),
        "Fornavn;Etternavn;E-post\nÅse;Ørn;ase@example.no\n".encode("utf-8-sig"),
        "Fornavn;Etternavn;E-post\r\nÅse;Ørn;ase@example.no\r\n".encode("cp1252"),
        "Fornavn\tEtternavn\tE-post\nÅse\tØrn\tase@example.no\n".encode(),
    ],
    ids=["utf8-comma", "utf8-bom-semicolon", "cp1252-crlf", "tab"],
)
def test_csv_files_are_read_whatever_the_encoding_and_delimiter(encoded):
    table = read_table(encoded, "list.csv")
    assert table.headers == ["Fornavn", "Etternavn", "E-post"]
    assert table.rows == [["Åse", "Ørn", "ase@example.no"]]


def test_an_excel_file_is_read_with_numbers_as_text(session, coordinator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fornavn", "Etternavn", "E-post", "Telefon", "Postnummer", "Fødselsår"])
    sheet.append(["Ola", "Nordmann", "ola@example.no", 91234567, 150, 1980])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, [plan] = _plan(session, coordinator, buffer.getvalue(), "liste.xlsx")
    assert plan.action == "create", plan.errors
    assert (plan.values["phone"], plan.values["postcode"], plan.values["birth_year"]) == (
        "+4791234567",
        "0150",
        1980,
    )


@pytest.mark.parametrize(
    "data, name",
    [
        (b"", "empty.csv"),
        (b"PK\x03\x04 this is no workbook", "broken.xlsx"),
        (b"\x00\x01\x02\x81\x8d\x8f\x90\x9d", "binary.csv"),
    ],
    ids=["empty", "truncated-xlsx", "binary"],
)
def test_a_broken_file_is_refused_with_a_clear_reason(data, name):
    with pytest.raises(ImportFileUnreadable) as error:
        read_table(data, name)
    assert error.value.key.startswith("casework.import_")


def test_a_failure_half_way_writes_nothing(session_factory, session, coordinator, monkeypatch):
    table = read_table(GOOD_CSV.encode("utf-8"), "list.csv")
    original = importing.insert

    def insert_failing_at_the_journal(model):
        # Applicants and stage events are in by now; the journal lines fail.
        if model is JournalEntry:
            raise RuntimeError("disk full")
        return original(model)

    monkeypatch.setattr(importing, "insert", insert_failing_at_the_journal)
    with pytest.raises(RuntimeError), session_factory.begin() as s:
        confirm_import(
            session=s,
            actor=coordinator,
            table=table,
            mapping=suggest_mapping(table.headers),
            today=TODAY,
        )
    assert (
        _count(session) == 0
        and _count(session, StageEvent) == 0
        and _count(session, AuditEvent) == 0
    )


def test_five_thousand_rows_are_previewed_and_imported_in_one_go(
    session_factory, session, coordinator
):
    lines = ["fornavn,etternavn,epost,telefon"]
    lines += [f"Person,Nummer{i},person{i}@example.no,9{i:07d}" for i in range(5000)]
    table = read_table("\n".join(lines).encode(), "big.csv")
    with session_factory.begin() as s:
        result = confirm_import(
            session=s,
            actor=coordinator,
            table=table,
            mapping=suggest_mapping(table.headers),
            today=TODAY,
        )
    assert (result.created, result.updated, result.rejected) == (5000, 0, 0)
    assert _count(session) == 5000 and _count(session, StageEvent) == 5000


def test_a_manager_may_not_import(session, manager):
    table = read_table(GOOD_CSV.encode(), "list.csv")
    with pytest.raises(PermissionDenied):
        preview_import(
            session=session, actor=manager, table=table, mapping=suggest_mapping(table.headers)
        )


def test_a_mapping_to_a_column_that_is_not_in_the_file_is_refused():
    with pytest.raises(ValidationFailed) as error:
        check_mapping({"email": "Mail", "full_name": "Navn"}, ["Navn", "E-post"])
    assert error.value.fields == {"email": "casework.import_unknown_column"}
