"""The recruitment pipeline: canonical stages, exits and the moves allowed between them.

The moves themselves are written by `recruitment.core._moves` (with their stage events,
in the caller's transaction); a coordinator's own move is the service
`recruitment.casework.stage_moves.advance_stage`."""

from __future__ import annotations

from enum import StrEnum

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


class Gate(StrEnum):
    """The service that makes a gated move happen (see GATES)."""

    BOOKING = "booking"
    ATTENDANCE = "attendance"
    INTERVIEW = "interview"
    APPROVAL = "approval"
    PLACEMENT = "placement"


#: A stage that means something happened is reached only through the service that makes
#: it happen, and left backwards only by undoing that (cancelling the booking or the
#: interview, ending the placement). Every allowed move that is neither an exit nor a
#: reopening is here; the mover refuses it unless the caller names its gate.
GATES: dict[tuple[Stage, Stage], Gate] = {
    (Stage.SIGNED_UP, Stage.MEETING_BOOKED): Gate.BOOKING,
    (Stage.MEETING_BOOKED, Stage.SIGNED_UP): Gate.BOOKING,
    (Stage.MEETING_BOOKED, Stage.MEETING_ATTENDED): Gate.ATTENDANCE,
    (Stage.MEETING_ATTENDED, Stage.INTERVIEW_SCHEDULED): Gate.INTERVIEW,
    (Stage.INTERVIEW_SCHEDULED, Stage.MEETING_ATTENDED): Gate.INTERVIEW,
    (Stage.INTERVIEW_SCHEDULED, Stage.INTERVIEWED): Gate.INTERVIEW,
    (Stage.INTERVIEWED, Stage.APPROVED): Gate.APPROVAL,
    (Stage.APPROVED, Stage.PLACED): Gate.PLACEMENT,
    (Stage.PLACED, Stage.APPROVED): Gate.PLACEMENT,
}


def gate_for(from_stage: Stage | str, to_stage: Stage | str) -> Gate | None:
    """The service a move must go through, or None for a move anyone allowed may record."""
    return GATES.get((Stage(from_stage), Stage(to_stage)))


def manual_moves(stage: Stage | str) -> frozenset[Stage]:
    """The moves a coordinator may record by hand: exits and reopening, nothing gated."""
    return frozenset(to for to in allowed_moves(stage) if gate_for(stage, to) is None)


def is_allowed(from_stage: Stage | str, to_stage: Stage | str) -> bool:
    return Stage(to_stage) in allowed_moves(from_stage)


def needs_reason(from_stage: Stage | str, to_stage: Stage | str) -> bool:
    """Leaving the pipeline, and coming back to it, must say why."""
    return Stage(to_stage) in EXITS or Stage(from_stage) in EXITS
