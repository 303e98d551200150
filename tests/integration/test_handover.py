from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from db.models import Applicant, AuditEvent, JournalEntry, StaffUser
from recruitment.casework.handover import (
    InvalidHandOver,
    assign_applicant,
    case_workers,
    hand_over,
    mark_back,
    take_unassigned,
    unassigned_count,
)
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.errors import NotFound, PermissionDenied

TODAY = date(2026, 11, 23)


@pytest.fixture
def team(make_staff, make_applicant, session_factory, coordinator):
    colleague = make_staff("coordinator", full_name="Per Pettersen")
    open_ids = [make_applicant(coordinator_id=coordinator.id) for _ in range(3)]
    placed_like = make_applicant(coordinator_id=coordinator.id)
    withdrawn = make_applicant(coordinator_id=coordinator.id)
    with session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=withdrawn,
            to_stage="withdrawn",
            reason_code="moved",
        )
    return {"colleague": colleague, "open": [*open_ids, placed_like], "withdrawn": withdrawn}


def test_hand_over_moves_every_open_applicant_and_marks_the_coordinator_away(
    session_factory, session, coordinator, team
):
    with session_factory.begin() as s:
        moved = hand_over(
            session=s,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=team["colleague"].id,
            away_until=TODAY + timedelta(days=14),
            today=TODAY,
        )
    assert moved == 4
    owners = dict(session.execute(select(Applicant.id, Applicant.coordinator_id)).all())
    assert {owners[i] for i in team["open"]} == {team["colleague"].id}
    # Someone who left keeps the name of whoever had the case: the record stays true.
    assert owners[team["withdrawn"]] == coordinator.id
    assert session.get(StaffUser, coordinator.id).away_until == TODAY + timedelta(days=14)


def test_each_move_is_written_in_the_journal_and_the_audit_log(
    session_factory, session, coordinator, team
):
    with session_factory.begin() as s:
        hand_over(
            session=s,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=team["colleague"].id,
            away_until=None,
            today=TODAY,
        )
    entries = session.scalars(select(JournalEntry).where(JournalEntry.channel == "system")).all()
    assert sorted(e.applicant_id for e in entries) == sorted(team["open"])
    assert all("Per Pettersen" in e.body for e in entries)
    moves = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.reassign")
    ).all()
    assert sorted(m.target_id for m in moves) == sorted(team["open"])
    assert {(m.detail["from_id"], m.detail["to_id"]) for m in moves} == {
        (coordinator.id, team["colleague"].id)
    }
    [summary] = session.scalars(select(AuditEvent).where(AuditEvent.action == "handover")).all()
    assert summary.detail["moved"] == 4


def test_hand_over_to_oneself_or_to_someone_away_is_refused_and_changes_nothing(
    session_factory, session, coordinator, team, make_staff
):
    away = make_staff("coordinator", away_until=TODAY + timedelta(days=3))
    with pytest.raises(InvalidHandOver), session_factory.begin() as s:
        hand_over(
            session=s,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=coordinator.id,
            away_until=None,
            today=TODAY,
        )
    with pytest.raises(InvalidHandOver) as error, session_factory.begin() as s:
        hand_over(
            session=s,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=away.id,
            away_until=None,
            today=TODAY,
        )
    assert error.value.key == "casework.handover_colleague_away"
    assert session.scalar(select(AuditEvent.id)) is None
    assert {session.get(Applicant, i).coordinator_id for i in team["open"]} == {coordinator.id}


def test_hand_over_to_a_manager_is_refused(session, coordinator, manager, team):
    with pytest.raises(NotFound):
        hand_over(
            session=session,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=manager.id,
            away_until=None,
            today=TODAY,
        )


def test_a_manager_cannot_hand_over_or_assign(session, manager, coordinator, team):
    with pytest.raises(PermissionDenied):
        hand_over(
            session=session,
            actor=manager,
            from_id=coordinator.id,
            to_id=team["colleague"].id,
            away_until=None,
        )
    with pytest.raises(PermissionDenied):
        assign_applicant(
            session=session, actor=manager, applicant_id=team["open"][0], coordinator_id=None
        )
    with pytest.raises(PermissionDenied):
        take_unassigned(session=session, actor=manager, applicant_ids=team["open"])


def test_assigning_and_unassigning_one_applicant_is_recorded(
    session_factory, session, coordinator, team
):
    applicant = team["open"][0]
    with session_factory.begin() as s:
        assign_applicant(session=s, actor=coordinator, applicant_id=applicant, coordinator_id=None)
    assert session.get(Applicant, applicant).coordinator_id is None
    assert unassigned_count(session=session, actor=coordinator) == 1
    session.rollback()  # end the read: SQLite takes the write lock at BEGIN
    with session_factory.begin() as s:
        assign_applicant(
            session=s,
            actor=coordinator,
            applicant_id=applicant,
            coordinator_id=team["colleague"].id,
        )
    session.expire_all()
    assert session.get(Applicant, applicant).coordinator_id == team["colleague"].id
    assert (
        len(
            session.scalars(
                select(JournalEntry).where(JournalEntry.applicant_id == applicant)
            ).all()
        )
        == 2
    )


def test_a_coordinator_takes_cases_from_the_unassigned_queue(
    session_factory, session, coordinator, make_applicant
):
    waiting = [make_applicant(), make_applicant()]
    assert unassigned_count(session=session, actor=coordinator) == 2
    session.rollback()
    with session_factory.begin() as s:
        assert take_unassigned(session=s, actor=coordinator, applicant_ids=waiting) == 2
    assert unassigned_count(session=session, actor=coordinator) == 0


def test_case_workers_show_who_is_away_and_how_many_open_cases_they_hold(
    session_factory, session, coordinator, team
):
    with session_factory.begin() as s:
        hand_over(
            session=s,
            actor=coordinator,
            from_id=coordinator.id,
            to_id=team["colleague"].id,
            away_until=TODAY,
            today=TODAY,
        )
    workers = {w["name"]: w for w in case_workers(session=session, actor=coordinator, today=TODAY)}
    assert (
        workers["Kari Koordinator"]["away"] is True
        and workers["Kari Koordinator"]["open_applicants"] == 0
    )
    assert workers["Per Pettersen"]["open_applicants"] == 4
    session.rollback()
    with session_factory.begin() as s:
        mark_back(session=s, actor=coordinator, staff_id=coordinator.id)
    workers = {w["name"]: w for w in case_workers(session=session, actor=coordinator, today=TODAY)}
    assert workers["Kari Koordinator"]["away"] is False


def test_open_cases_leave_out_exited_anonymised_and_other_peoples_applicants(
    session_factory, session, coordinator, make_staff, make_applicant, team
):
    """Each worker's count is theirs alone: not the withdrawn, the anonymised, the
    unassigned or a colleague's; a worker with none shows 0."""
    idle = make_staff("coordinator", full_name="Ida Idle")
    gone = make_applicant(coordinator_id=coordinator.id)
    unassigned = [make_applicant() for _ in range(2)]
    with session_factory.begin() as s:
        s.get(Applicant, gone).anonymised_at = s.get(Applicant, gone).created_at
    make_applicant(coordinator_id=team["colleague"].id)
    workers = {w["name"]: w for w in case_workers(session=session, actor=coordinator, today=TODAY)}
    assert workers["Kari Koordinator"]["open_applicants"] == len(team["open"])
    assert workers["Per Pettersen"]["open_applicants"] == 1
    assert workers["Ida Idle"]["open_applicants"] == 0 and idle.id
    assert unassigned_count(session=session, actor=coordinator) == len(unassigned)


def test_open_cases_are_counted_from_the_index_alone(session, engine):
    """ix_applicant_coordinator_stage_changed_live holds all three columns the count asks
    about, so neither database reads the table (which cost 0.15 s at 100,000 applicants)."""
    count = (
        "SELECT count(*) FROM applicant WHERE coordinator_id = 1 AND anonymised_at IS NULL"
        " AND stage IN ('signed_up', 'meeting_booked', 'approved', 'placed')"
    )
    if engine.dialect.name == "sqlite":
        plan = str(session.execute(text(f"EXPLAIN QUERY PLAN {count}")).all())
        assert "COVERING INDEX ix_applicant_coordinator_stage_changed_live" in plan, plan
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = str(session.execute(text(f"EXPLAIN {count}")).all())
        assert "Index Only Scan using ix_applicant_coordinator_stage_changed_live" in plan, plan
