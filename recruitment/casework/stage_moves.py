"""A coordinator moves an applicant by hand on the applicant page: an exit (withdrawn or
rejected) or reopening a case. Every other stage is reached through the service that
makes it happen (booking, attendance, interviews, approving checks, placements); the
mover refuses those here (`recruitment.core.pipeline.GATES`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Stage, StageEvent
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.pipeline import EXITS
from recruitment.journey import _booking


@requires("applicants.write")
def advance_stage(
    *,
    session: Session,
    actor: Actor,
    applicant_id: int,
    to_stage: Stage | str,
    reason_code: str | None = None,
    reason_text: str | None = None,
    at: datetime | None = None,
) -> StageEvent:
    """Record an exit or a reopening and its event; raise and change nothing if the move
    is not allowed or is gated. An exit releases what the person held, exactly as the
    applicant's own withdrawal does."""
    if Stage(to_stage) in EXITS:
        return _booking.leave_pipeline(
            session=session,
            applicant_id=applicant_id,
            to_stage=to_stage,
            by_id=actor.id,
            reason_code=reason_code,
            reason_text=reason_text,
            at=at,
        )
    return move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=to_stage,
        by_id=actor.id,
        reason_code=reason_code,
        reason_text=reason_text,
        at=at,
    )
