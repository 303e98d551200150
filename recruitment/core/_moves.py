"""Moving an applicant through the pipeline: the stage change and its append-only stage
event, written in the caller's transaction. A building block, not a service: the
services that book, record attendance, place, erase or withdraw call it once they have
checked who may act (or the applicant's personal link has). Pages and the command line
never import it (see the import contracts in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import ActorKind, Applicant, MeetingChange, Stage, StageEvent, utcnow
from recruitment.core.errors import InvalidStageTransition, NotFound, ReasonRequired, StageGated
from recruitment.core.pipeline import (
    EXIT_REASONS,
    EXITS,
    REOPEN_REASON,
    Gate,
    gate_for,
    is_allowed,
    needs_reason,
)

ACTING = "verve_acting"  # key in `session.info`: who acts when no staff member does


def act_as(session: Session, kind: ActorKind | str) -> None:
    """Record that, in this session, changes with no staff member are made by `kind`
    (the personal link sets MY_PAGE, the public form SIGN_UP_FORM)."""
    session.info[ACTING] = ActorKind(kind).value


@contextmanager
def acting_as(session: Session, kind: ActorKind | str) -> Iterator[None]:
    """`act_as` for one block; the previous value comes back afterwards."""
    before = session.info.get(ACTING)
    act_as(session, kind)
    try:
        yield
    finally:
        if before is None:
            session.info.pop(ACTING, None)
        else:
            session.info[ACTING] = before


def actor_kind_for(session: Session, by_id: int | None, kind: ActorKind | str | None = None) -> str:
    """Who acts: `kind` when given, a staff member when one is named, else whoever the
    session says acts (`act_as`), else the system (reminder job, retention)."""
    if kind is not None:
        return ActorKind(kind).value
    if by_id is not None:
        return ActorKind.STAFF.value
    return session.info.get(ACTING) or ActorKind.SYSTEM.value


def record_meeting_change(
    *,
    session: Session,
    applicant_id: int,
    from_meeting_id: int,
    to_meeting_id: int,
    by_id: int | None,
    at: datetime | None = None,
) -> MeetingChange:
    """A booking moved to another meeting, for the applicant's timeline."""
    change = MeetingChange(
        applicant_id=applicant_id,
        from_meeting_id=from_meeting_id,
        to_meeting_id=to_meeting_id,
        at=at or utcnow(),
        by_id=by_id,
        actor_kind=actor_kind_for(session, by_id),
    )
    session.add(change)
    session.flush()
    return change


def move_applicant(
    *,
    session: Session,
    applicant_id: int,
    to_stage: Stage | str,
    by_id: int | None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    at: datetime | None = None,
    via: Gate | None = None,
    actor_kind: ActorKind | str | None = None,
) -> StageEvent:
    """Move an applicant to `to_stage` and record the event; raise and change nothing if
    the move is not allowed. For services that already checked who may act (including
    the applicant's own self-service link, which has no staff actor).

    A gated move (`pipeline.GATES`) needs `via`: the gate of the service that made it
    happen (booking, attendance, interview, approval, placement). Exits and reopening
    need none; everything else without its gate is refused with StageGated."""
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
    gate = gate_for(from_stage, to_stage)
    if gate is not None and via != gate:
        raise StageGated(
            f"{from_stage} -> {to_stage} goes through {gate}, not {via}",
            gate=gate.value,
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
        actor_kind=actor_kind_for(session, by_id, actor_kind),
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
        actor_kind=actor_kind_for(session, by_id),
    )
    session.add(event)
    session.flush()
    return event
