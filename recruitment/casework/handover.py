"""Hand-over: no case is left without a responsible person.

A coordinator can be marked away until a date and, in the same action, their open
applicants moved to a colleague. "Open" means not exited (not withdrawn or rejected):
placed support contacts stay open on purpose, because the office still follows them
up and someone must answer when they call. Every move is recorded twice: a "system"
line in the applicant's journal (the case record) and an AuditEvent (who did it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Applicant, AuditEvent, Role, StaffUser
from recruitment.casework.journal import _record_system_entry
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, VerveError
from recruitment.core.i18n import t
from recruitment.core.pipeline import OPEN_STAGES
from recruitment.core.timefmt import iso

#: Roles that can be responsible for an applicant.
CASE_ROLES: tuple[str, ...] = (Role.COORDINATOR.value, Role.ADMIN.value)


class InvalidHandOver(VerveError):
    key = "casework.handover_invalid"


def _case_worker(session: Session, staff_id: int) -> StaffUser:
    user = session.get(StaffUser, staff_id)
    if user is None or not user.active or user.role not in CASE_ROLES:
        raise NotFound(
            f"no active coordinator {staff_id}", key="casework.handover_no_such_coordinator"
        )
    return user


def _is_away(user: StaffUser, today: date) -> bool:
    return user.away_until is not None and user.away_until >= today


def _record_move(
    session: Session, actor: Actor, applicant: Applicant, to_user: StaffUser | None, why: str
) -> None:
    from_id = applicant.coordinator_id
    from_name = applicant.coordinator.full_name if applicant.coordinator is not None else None
    applicant.coordinator_id = to_user.id if to_user is not None else None
    if to_user is None:
        body = t("casework.journal_unassigned", "nb", by=actor.name or actor.username)
    else:
        body = t(
            "casework.journal_assigned", "nb", to=to_user.full_name, by=actor.name or actor.username
        )
    _record_system_entry(session=session, applicant_id=applicant.id, body=body, by_id=actor.id)
    session.add(
        AuditEvent(
            actor_id=actor.id,
            actor_name=actor.username,
            action="applicant.reassign",
            target_type="applicant",
            target_id=applicant.id,
            detail={
                "from_id": from_id,
                "from_name": from_name,
                "to_id": to_user.id if to_user else None,
                "why": why,
            },
        )
    )


@requires("applicants.write")
def assign_applicant(
    *, session: Session, actor: Actor, applicant_id: int, coordinator_id: int | None
) -> None:
    """Make `coordinator_id` responsible for one applicant (None: leave unassigned)."""
    applicant = session.get(Applicant, applicant_id, with_for_update=True)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    to_user = _case_worker(session, coordinator_id) if coordinator_id is not None else None
    if applicant.coordinator_id == coordinator_id:
        return
    _record_move(session, actor, applicant, to_user, "assign")
    session.flush()


@requires("applicants.write")
def hand_over(
    *,
    session: Session,
    actor: Actor,
    from_id: int,
    to_id: int,
    away_until: date | None,
    today: date | None = None,
) -> int:
    """Mark `from_id` away until `away_until` (None: not away) and move all their open
    applicants to `to_id`, each move recorded; returns how many moved."""
    today = today or timefmt.today(zone=timefmt.office_zone(session))
    if from_id == to_id:
        raise InvalidHandOver("cannot hand over to oneself", key="casework.handover_same_person")
    from_user = _case_worker(session, from_id)
    to_user = _case_worker(session, to_id)
    if _is_away(to_user, today):
        raise InvalidHandOver(
            "colleague is away",
            key="casework.handover_colleague_away",
            until=str(to_user.away_until),
        )
    if away_until is not None and away_until < today:
        raise InvalidHandOver("away date in the past", key="casework.handover_date_past")
    from_user.away_until = away_until
    applicants = session.scalars(
        select(Applicant)
        .where(
            Applicant.coordinator_id == from_id,
            Applicant.stage.in_(OPEN_STAGES),
            Applicant.anonymised_at.is_(None),
        )
        .order_by(Applicant.id)
        .with_for_update()
    ).all()
    for applicant in applicants:
        _record_move(session, actor, applicant, to_user, "handover")
    session.add(
        AuditEvent(
            actor_id=actor.id,
            actor_name=actor.username,
            action="handover",
            target_type="staff_user",
            target_id=from_id,
            detail={
                "to_id": to_id,
                "away_until": iso(away_until) or None,
                "moved": len(applicants),
            },
        )
    )
    session.flush()
    return len(applicants)


@requires("applicants.write")
def mark_back(*, session: Session, actor: Actor, staff_id: int) -> None:
    """Clear a coordinator's away date (their applicants stay where they were handed)."""
    user = _case_worker(session, staff_id)
    user.away_until = None
    session.flush()


@requires("applicants.list")
def case_workers(
    *, session: Session, actor: Actor, today: date | None = None
) -> list[dict[str, Any]]:
    """Active coordinators and admins with their away date and number of open applicants."""
    today = today or timefmt.today(zone=timefmt.office_zone(session))
    # Counted per case worker from ix_applicant_coordinator_stage_changed_live alone: grouping
    # every open applicant (the unassigned too) read 60,000 rows at 100,000 applicants.
    # count(*), not count(id): PostgreSQL would read each row for its id.
    open_count = (
        select(func.count())
        .where(
            Applicant.coordinator_id == StaffUser.id,
            Applicant.stage.in_(OPEN_STAGES),
            Applicant.anonymised_at.is_(None),
        )
        .correlate(StaffUser)
        .scalar_subquery()
    )
    rows = session.execute(
        select(StaffUser.id, StaffUser.full_name, StaffUser.away_until, open_count)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(CASE_ROLES))
        .order_by(StaffUser.full_name)
    ).all()
    return [
        {
            "id": staff_id,
            "name": name,
            "away_until": away,
            "away": away is not None and away >= today,
            "open_applicants": int(count),
        }
        for staff_id, name, away, count in rows
    ]


@requires("applicants.list")
def unassigned_count(*, session: Session, actor: Actor) -> int:
    """Open applicants nobody is responsible for (the queue the office must empty)."""
    return int(
        session.scalar(
            select(func.count()).where(  # from the index alone, as in case_workers
                Applicant.coordinator_id.is_(None),
                Applicant.stage.in_(OPEN_STAGES),
                Applicant.anonymised_at.is_(None),
            )
        )
        or 0
    )


@requires("applicants.write")
def take_unassigned(*, session: Session, actor: Actor, applicant_ids: list[int]) -> int:
    """The acting coordinator takes these unassigned applicants; ones taken meanwhile are
    skipped."""
    if actor.id is None:
        raise InvalidHandOver("the system cannot own cases")
    me = _case_worker(session, actor.id)
    taken = 0
    for applicant in session.scalars(
        select(Applicant)
        .where(
            Applicant.id.in_(applicant_ids),
            Applicant.coordinator_id.is_(None),
            Applicant.anonymised_at.is_(None),
        )
        .order_by(Applicant.id)
        .with_for_update()
    ):
        _record_move(session, actor, applicant, me, "take")
        taken += 1
    session.flush()
    return taken


__all__ = [
    "InvalidHandOver",
    "assign_applicant",
    "case_workers",
    "hand_over",
    "mark_back",
    "take_unassigned",
    "unassigned_count",
]
