"""The recruitment pipeline: canonical stages, exits and the moves allowed between them.

The moves themselves are written by `recruitment.core._moves` (with their stage events,
in the caller's transaction); a coordinator's own move is the service
`recruitment.casework.stage_moves.advance_stage`."""

from __future__ import annotations

from db.models import Stage

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
