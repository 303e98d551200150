"""A coordinator moves an applicant: by hand on the applicant page, or as one step of
recording an interview, an approval or a combined sitting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Stage, StageEvent
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires


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
    """Move an applicant to `to_stage` and record the event; raise and change nothing
    if the move is not allowed. The caller's transaction makes both one change."""
    return move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=to_stage,
        by_id=actor.id,
        reason_code=reason_code,
        reason_text=reason_text,
        at=at,
    )
