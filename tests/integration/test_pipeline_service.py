import pytest
from sqlalchemy import func, select

from db.models import Applicant, Stage, StageEvent
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.errors import (
    InvalidStageTransition,
    PermissionDenied,
    ReasonRequired,
    StageGated,
)


def _events(session, applicant_id):
    return session.execute(
        select(StageEvent.from_stage, StageEvent.to_stage, StageEvent.by_id, StageEvent.reason_code)
        .where(StageEvent.applicant_id == applicant_id)
        .order_by(StageEvent.id)
    ).all()


def test_a_move_updates_the_stage_and_records_who_moved_whom_from_where(
    session_factory, session, coordinator, make_applicant
):
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            to_stage=Stage.WITHDRAWN,
            reason_code="moved",
        )

    assert session.get(Applicant, applicant_id).stage == "withdrawn"
    assert _events(session, applicant_id) == [
        (None, "signed_up", None, None),
        ("signed_up", "withdrawn", coordinator.id, "moved"),
    ]


def test_an_illegal_move_raises_and_changes_nothing(
    session_factory, session, coordinator, make_applicant
):
    applicant_id = make_applicant()
    with pytest.raises(InvalidStageTransition), session_factory.begin() as s:
        advance_stage(
            session=s, actor=coordinator, applicant_id=applicant_id, to_stage=Stage.APPROVED
        )

    assert session.get(Applicant, applicant_id).stage == "signed_up"
    assert len(_events(session, applicant_id)) == 1


def test_a_failure_after_the_move_leaves_neither_stage_nor_event(
    session_factory, session, coordinator, make_applicant
):
    applicant_id = make_applicant()
    with pytest.raises(RuntimeError), session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            to_stage=Stage.REJECTED,
            reason_code="too_young",
        )
        raise RuntimeError("the mail could not be queued")

    assert session.get(Applicant, applicant_id).stage == "signed_up"
    assert session.scalar(select(func.count()).select_from(StageEvent)) == 1


def test_withdrawing_needs_a_reason_from_the_list(
    session_factory, session, coordinator, make_applicant
):
    applicant_id = make_applicant()
    with pytest.raises(ReasonRequired), session_factory.begin() as s:
        advance_stage(
            session=s, actor=coordinator, applicant_id=applicant_id, to_stage=Stage.WITHDRAWN
        )
    with pytest.raises(ReasonRequired), session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            to_stage=Stage.WITHDRAWN,
            reason_code="other",
        )
    with session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            to_stage=Stage.WITHDRAWN,
            reason_code="moved",
            reason_text="Flyttet til Bergen",
        )
    applicant = session.get(Applicant, applicant_id)
    assert (applicant.stage, applicant.exit_reason) == ("withdrawn", "moved")


def test_a_manager_cannot_move_an_applicant(session_factory, session, manager, make_applicant):
    applicant_id = make_applicant()
    with pytest.raises(PermissionDenied), session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=manager,
            applicant_id=applicant_id,
            to_stage=Stage.WITHDRAWN,
            reason_code="moved",
        )
    assert session.get(Applicant, applicant_id).stage == "signed_up"


def test_no_forward_step_can_be_made_by_hand(session_factory, session, coordinator, make_applicant):
    """Booking, attendance, interviews, approval and placement each have their service;
    the full pair matrix is in test_stage_gates.py."""
    applicant_id = make_applicant()
    with pytest.raises(StageGated), session_factory.begin() as s:
        advance_stage(
            session=s, actor=coordinator, applicant_id=applicant_id, to_stage="meeting_booked"
        )
    assert [row.to_stage for row in _events(session, applicant_id)] == ["signed_up"]
