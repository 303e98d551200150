"""Arranging an applicant at a stage for a test: the funnel walked step by step through
the gates the real services pass (booking, attendance, interview, approval, placement),
without the rows those services write. For tests about what comes after; the gates
themselves are tested in tests/integration/test_stage_gates.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Applicant, Stage
from recruitment.core._moves import move_applicant
from recruitment.core.pipeline import EXIT_REASONS, EXITS, FUNNEL, gate_for


def put_at_stage(
    session: Session,
    applicant_id: int,
    stage: Stage | str,
    *,
    at: datetime | None = None,
    by_id: int | None = None,
) -> None:
    """Move a signed-up applicant forward to `stage` (an exit is taken from the funnel
    stage they stand in, with the first reason on the list)."""
    stage = Stage(stage)
    applicant = session.get(Applicant, applicant_id)
    current = Stage(applicant.stage)
    if stage in EXITS:
        move_applicant(
            session=session,
            applicant_id=applicant_id,
            to_stage=stage,
            by_id=by_id,
            reason_code=EXIT_REASONS[stage][0],
            at=at,
        )
        return
    for step in FUNNEL[FUNNEL.index(current) + 1 : FUNNEL.index(stage) + 1]:
        move_applicant(
            session=session,
            applicant_id=applicant_id,
            to_stage=step,
            by_id=by_id,
            at=at,
            via=gate_for(current, step),
        )
        current = step


def step_to(*, session: Session, applicant_id: int, to_stage: Stage | str, **fields):
    """One move as the service that owns it would make it (its gate, if any)."""
    current = session.get(Applicant, applicant_id).stage
    return move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=to_stage,
        via=gate_for(current, to_stage),
        **fields,
    )
