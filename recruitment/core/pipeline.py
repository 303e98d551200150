"""The recruitment pipeline: canonical stages, exits, allowed moves, and the one service
that moves an applicant and records the stage event in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Applicant, Stage, StageEvent, utcnow
from recruitment.core.access import Actor, requires
from recruitment.core.errors import InvalidStageTransition, NotFound, ReasonRequired

#: The funnel, in order. Its set is fixed so funnels stay comparable across offices.
FUNNEL: tuple[Stage, ...] = (
    Stage.SIGNED_UP,
    Stage.MEETING_BOOKED,
    Stage.MEETING_ATTENDED,
    Stage.INTERVIEW_SCHEDULED,
    Stage.INTERVIEWED,
    Stage.APPROVED,
    Stage.PLACED,
)
EXITS: tuple[Stage, ...] = (Stage.WITHDRAWN, Stage.REJECTED)
#: Open means not exited: someone placed is still the office's responsibility.
OPEN_STAGES: tuple[str, ...] = tuple(s.value for s in FUNNEL)
RANK: dict[Stage, int] = {stage: i for i, stage in enumerate(FUNNEL, start=1)}

#: Reasons offered when someone leaves the pipeline (labels live in the catalogue
#: under `reasons.<code>`); "other" asks for free text.
EXIT_REASONS: dict[Stage, tuple[str, ...]] = {
    Stage.WITHDRAWN: (
        "no_time",
        "found_other_work",
        "moved",
        "changed_mind",
        "no_response",
        "health",
        "other",
    ),
    Stage.REJECTED: (
        "not_suitable_interview",
        "police_certificate",
        "references",
        "too_young",
        "no_show_repeated",
        "no_matching_need",
        "other",
    ),
}
REOPEN_REASON = "reopened"

_FORWARD = {FUNNEL[i]: FUNNEL[i + 1] for i in range(len(FUNNEL) - 1)}

#: Moves that are not one step forward: a booking cancelled, an interview called
#: off, the last placement ended. Each is a real event in an applicant's life.
_BACKWARD: dict[Stage, frozenset[Stage]] = {
    Stage.MEETING_BOOKED: frozenset({Stage.SIGNED_UP}),
    Stage.INTERVIEW_SCHEDULED: frozenset({Stage.MEETING_ATTENDED}),
    Stage.PLACED: frozenset({Stage.APPROVED}),
}


def allowed_moves(stage: Stage | str) -> frozenset[Stage]:
    """Every stage an applicant standing in `stage` may be moved to."""
    stage = Stage(stage)
    if stage in EXITS:
        # Someone who left may come back; they start again from the beginning.
        return frozenset({Stage.SIGNED_UP})
    moves = set(_BACKWARD.get(stage, ()))
    if stage in _FORWARD:
        moves.add(_FORWARD[stage])
    moves.update(EXITS)
    return frozenset(moves)


def is_allowed(from_stage: Stage | str, to_stage: Stage | str) -> bool:
    return Stage(to_stage) in allowed_moves(from_stage)


def needs_reason(from_stage: Stage | str, to_stage: Stage | str) -> bool:
    """Leaving the pipeline, and coming back to it, must say why."""
    return Stage(to_stage) in EXITS or Stage(from_stage) in EXITS


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


def move_applicant(
    *,
    session: Session,
    applicant_id: int,
    to_stage: Stage | str,
    by_id: int | None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    at: datetime | None = None,
) -> StageEvent:
    """The move itself, for services that already checked who may act (including the
    applicant's own self-service link, which has no staff actor)."""
    to_stage = Stage(to_stage)
    # Lock the row on PostgreSQL so two simultaneous moves cannot both read the old stage.
    applicant = session.get(Applicant, applicant_id, with_for_update=True)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    from_stage = Stage(applicant.stage)
    if not is_allowed(from_stage, to_stage):
        raise InvalidStageTransition(
            f"cannot move from {from_stage} to {to_stage}",
            from_stage=from_stage.value,
            to_stage=to_stage.value,
        )
    reason_code = (reason_code or "").strip() or None
    reason_text = (reason_text or "").strip() or None
    if needs_reason(from_stage, to_stage):
        if to_stage in EXITS:
            if reason_code not in EXIT_REASONS[to_stage]:
                raise ReasonRequired(f"a reason is required to move to {to_stage}")
            if reason_code == "other" and not reason_text:
                raise ReasonRequired("reason 'other' needs a text")
        else:
            reason_code = reason_code or REOPEN_REASON
    when = at or utcnow()
    event = StageEvent(
        applicant_id=applicant.id,
        from_stage=from_stage.value,
        to_stage=to_stage.value,
        at=when,
        from_at=applicant.stage_changed_at,
        by_id=by_id,
        reason_code=reason_code,
        reason_text=reason_text,
    )
    session.add(event)
    applicant.stage = to_stage.value
    applicant.stage_changed_at = when
    applicant.exit_reason = reason_code if to_stage in EXITS else None
    session.flush()
    return event


def record_sign_up(
    *, session: Session, applicant: Applicant, by_id: int | None, at: datetime | None = None
) -> StageEvent:
    """The first event of a new applicant (from nothing to `signed_up`)."""
    when = at or utcnow()
    applicant.stage = Stage.SIGNED_UP.value
    applicant.stage_changed_at = when
    if applicant.id is None:
        session.add(applicant)
        session.flush()
    event = StageEvent(
        applicant_id=applicant.id,
        from_stage=None,
        to_stage=Stage.SIGNED_UP.value,
        at=when,
        by_id=by_id,
    )
    session.add(event)
    session.flush()
    return event
