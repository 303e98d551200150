"""Roles hold at the service layer: whatever page or URL reaches a service, a manager
changes nothing and a coordinator cannot change the admin's settings."""

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import Applicant, AuditEvent, JournalEntry, StageEvent
from recruitment.accounts.office_settings import change_setting
from recruitment.casework import handover, importing, journal
from recruitment.casework.applicant_list import (
    ApplicantFilters,
    applicant_page,
    applicant_profile,
    export_applicants,
)
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.errors import PermissionDenied

CSV = b"Fornavn;Etternavn;E-post\nOla;Nordmann;ola@example.no\n"


def _writes(applicant_id: int, colleague_id: int, entry_id: int):
    table = importing.read_table(CSV, "x.csv")
    mapping = importing.suggest_mapping(table.headers)
    return {
        "advance_stage": lambda s, a: advance_stage(
            session=s, actor=a, applicant_id=applicant_id, to_stage="withdrawn", reason_code="moved"
        ),
        "add_entry": lambda s, a: journal.add_entry(
            session=s, actor=a, applicant_id=applicant_id, channel="note", body="x"
        ),
        "edit_entry": lambda s, a: journal.edit_entry(
            session=s, actor=a, entry_id=entry_id, body="changed"
        ),
        "assign_applicant": lambda s, a: handover.assign_applicant(
            session=s, actor=a, applicant_id=applicant_id, coordinator_id=colleague_id
        ),
        "hand_over": lambda s, a: handover.hand_over(
            session=s,
            actor=a,
            from_id=colleague_id,
            to_id=colleague_id + 1,
            away_until=date(2030, 1, 1),
        ),
        "mark_back": lambda s, a: handover.mark_back(session=s, actor=a, staff_id=colleague_id),
        "take_unassigned": lambda s, a: handover.take_unassigned(
            session=s, actor=a, applicant_ids=[applicant_id]
        ),
        "confirm_import": lambda s, a: importing.confirm_import(
            session=s, actor=a, table=table, mapping=mapping
        ),
        "preview_import": lambda s, a: importing.preview_import(
            session=s, actor=a, table=table, mapping=mapping
        ),
        "export_applicants": lambda s, a: export_applicants(
            session=s, actor=a, filters=ApplicantFilters(), fmt="csv"
        ),
        "applicant_profile": lambda s, a: applicant_profile(
            session=s, actor=a, applicant_id=applicant_id
        ),
    }


NAMES = list(_writes(1, 1, 1))


@pytest.mark.parametrize("service", NAMES)
def test_a_manager_can_change_nothing_and_read_no_full_record(
    service, session_factory, manager, coordinator, make_staff, make_applicant
):
    colleague = make_staff("coordinator")
    make_staff("coordinator")
    applicant = make_applicant()
    with session_factory.begin() as s:
        entry = journal.add_entry(
            session=s, actor=coordinator, applicant_id=applicant, channel="note", body="x"
        )
    before = _snapshot(session_factory)
    with pytest.raises(PermissionDenied), session_factory.begin() as s:
        _writes(applicant, colleague.id, entry)[service](s, manager)
    assert _snapshot(session_factory) == before


def test_a_manager_still_sees_the_list_with_names_and_stages(session, manager, make_applicant):
    make_applicant(first_name="Anne", last_name="Aas")
    rows, total = applicant_page(session=session, actor=manager, filters=ApplicantFilters())
    assert total == 1 and list(rows["name"]) == ["Anne Aas"]


def test_a_coordinator_cannot_change_the_stuck_threshold(session, coordinator):
    with pytest.raises(PermissionDenied):
        change_setting(session=session, actor=coordinator, key="stuck_after_days", value=1)


def test_nobody_logged_in_can_use_the_list(session):
    with pytest.raises(PermissionDenied):
        applicant_page(session=session, actor=None, filters=ApplicantFilters())


def _snapshot(session_factory):
    with session_factory() as s:
        return (
            s.scalar(select(func.count(Applicant.id))),
            s.scalar(select(func.count(StageEvent.id))),
            s.scalar(select(func.count(JournalEntry.id))),
            s.scalar(select(func.count(AuditEvent.id))),
            tuple(
                s.execute(
                    select(Applicant.id, Applicant.stage, Applicant.coordinator_id).order_by(
                        Applicant.id
                    )
                ).all()
            ),
            tuple(s.scalars(select(JournalEntry.body).order_by(JournalEntry.id))),
        )
