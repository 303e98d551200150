"""Placements: a support contact with a service user, from proposal to end.

Starting a contact's first running placement moves them to `placed`; ending their
last one returns them to `approved`, available again. Both go through the pipeline,
so each is a stage event. Every step is also a journal entry on both records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    JournalChannel,
    JournalEntry,
    Placement,
    PlacementStatus,
    ServiceUser,
    ServiceUserStatus,
    Stage,
    utcnow,
)
from recruitment.casework._checks import police_certificate_seen
from recruitment.casework.journal import CASE_REF, CONTACT
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.pipeline import Gate
from recruitment.core.settings import get_setting

END_REASONS: tuple[str, ...] = (
    "completed",
    "not_started",
    "contact_stopped",
    "service_user_stopped",
    "poor_match",
    "moved",
    "other",
)
RUNNING = (PlacementStatus.ACTIVE.value, PlacementStatus.PAUSED.value)
OPEN = (PlacementStatus.PROPOSED.value, *RUNNING)


class HoursLimitExceeded(VerveError):
    key = "placements.error_hours_limit"


class PoliceCertificateMissing(VerveError):
    key = "placements.error_police_certificate"


class ContactNotAvailable(VerveError):
    key = "placements.error_contact_not_available"


class ServiceUserNotWaiting(VerveError):
    key = "placements.error_service_user_not_waiting"


class AlreadyMatched(VerveError):
    key = "placements.error_already_matched"


class WrongPlacementStatus(VerveError):
    key = "placements.error_wrong_status"


@dataclass(frozen=True, slots=True)
class PlacementRow:
    id: int
    applicant_id: int
    contact_name: str
    service_user_id: int
    case_ref: str | None
    status: str
    hours_per_month: int
    start_date: date | None
    end_date: date | None
    end_reason: str | None


# --- helpers --------------------------------------------------------------------------


def _active_hours(session: Session, applicant_id: int, *, excluding: int | None = None) -> int:
    """Hours per month a contact holds in active placements."""
    query = select(func.coalesce(func.sum(Placement.hours_per_month), 0)).where(
        Placement.applicant_id == applicant_id, Placement.status == PlacementStatus.ACTIVE.value
    )
    if excluding is not None:
        query = query.where(Placement.id != excluding)
    return int(session.scalar(query) or 0)


def _count(session: Session, *conditions) -> int:
    return int(session.scalar(select(func.count()).select_from(Placement).where(*conditions)) or 0)


def _check_hours(
    session: Session, applicant_id: int, hours: int, *, excluding: int | None = None
) -> None:
    limit = int(get_setting(session, "max_hours_per_contact"))
    held = _active_hours(session, applicant_id, excluding=excluding)
    if held + hours > limit:
        raise HoursLimitExceeded(
            f"{held} + {hours} hours exceeds the limit of {limit}",
            held=held,
            hours=hours,
            limit=limit,
        )


def _journal(
    session: Session, placement: Placement, actor: Actor, subject: str, body: str = ""
) -> None:
    """One entry on each record. The names are not stored: the subject keeps "{contact}"
    and "{case_ref}" with the placement's id, and the journal fills them in when read."""
    for target in (
        {"applicant_id": placement.applicant_id},
        {"service_user_id": placement.service_user_id},
    ):
        # Stored in the office language (bokmål): the journal is the case record.
        session.add(
            JournalEntry(
                channel=JournalChannel.SYSTEM.value,
                subject=t(
                    subject,
                    contact=CONTACT,
                    case_ref=CASE_REF,
                    hours=placement.hours_per_month,
                ),
                body=body,
                author_id=actor.id,
                placement_id=placement.id,
                **target,
            )
        )


def _contact(session: Session, applicant_id: int) -> Applicant:
    # Locked so two coordinators cannot both fill the same contact's last hours.
    contact = session.get(Applicant, applicant_id, with_for_update=True)
    if contact is None or contact.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return contact


def _service_user(session: Session, service_user_id: int) -> ServiceUser:
    user = session.get(ServiceUser, service_user_id, with_for_update=True)
    if user is None or user.anonymised_at is not None:
        raise NotFound(f"service user {service_user_id} not found")
    return user


def _placement(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id, with_for_update=True)
    if placement is None:
        raise NotFound(f"placement {placement_id} not found")
    return placement


def _require_status(placement: Placement, *allowed: PlacementStatus) -> None:
    if placement.status not in {s.value for s in allowed}:
        raise WrongPlacementStatus(
            f"placement {placement.id} is {placement.status}", status=placement.status
        )


def _clean_hours(hours: object) -> int:
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 200:
        raise ValidationFailed({"hours_per_month": "service_users.error_hours"})
    return hours


# --- services ---------------------------------------------------------------------------


@requires("placements.write")
def propose_placement(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int,
    applicant_id: int,
    hours_per_month: int | None = None,
) -> int:
    """Propose a contact for a waiting service user; returns the placement id."""
    contact = _contact(session, applicant_id)
    user = _service_user(session, service_user_id)
    if contact.stage not in (Stage.APPROVED.value, Stage.PLACED.value):
        raise ContactNotAvailable(f"applicant {applicant_id} is {contact.stage}")
    if user.status == ServiceUserStatus.CLOSED.value:
        raise ServiceUserNotWaiting(f"service user {service_user_id} is closed")
    if _count(
        session,
        Placement.applicant_id == contact.id,
        Placement.service_user_id == user.id,
        Placement.status.in_(OPEN),
    ):
        raise AlreadyMatched("this pair already has an open placement")
    hours = _clean_hours(hours_per_month if hours_per_month is not None else user.hours_per_month)
    _check_hours(session, contact.id, hours)
    placement = Placement(
        applicant_id=contact.id,
        service_user_id=user.id,
        status=PlacementStatus.PROPOSED.value,
        hours_per_month=hours,
        created_by_id=actor.id,
    )
    session.add(placement)
    session.flush()
    _journal(session, placement, actor, "placements.journal_proposed")
    session.flush()
    return placement.id


@requires("placements.write")
def start_placement(
    *,
    session: Session,
    actor: Actor,
    placement_id: int,
    start_date: date | None = None,
    at: datetime | None = None,
) -> None:
    """Start a proposed placement: the politiattest must have been seen and the hours
    must fit; the contact moves to `placed` if this is their first running placement."""
    placement = _placement(session, placement_id)
    _require_status(placement, PlacementStatus.PROPOSED)
    contact = _contact(session, placement.applicant_id)
    user = _service_user(session, placement.service_user_id)
    if user.status == ServiceUserStatus.CLOSED.value:
        raise ServiceUserNotWaiting(f"service user {user.id} is closed")
    if contact.stage not in (Stage.APPROVED.value, Stage.PLACED.value):
        raise ContactNotAvailable(f"applicant {contact.id} is {contact.stage}")
    # Helse- og omsorgstjenesteloven § 5-4: seen before the person starts.
    if not police_certificate_seen(session, contact.id):
        raise PoliceCertificateMissing(f"no police certificate seen for applicant {contact.id}")
    _check_hours(session, contact.id, placement.hours_per_month, excluding=placement.id)
    when = at or utcnow()
    placement.status = PlacementStatus.ACTIVE.value
    placement.start_date = start_date or when.date()
    if contact.stage == Stage.APPROVED.value:
        move_applicant(
            session=session,
            applicant_id=contact.id,
            to_stage=Stage.PLACED,
            by_id=actor.id,
            at=when,
            via=Gate.PLACEMENT,
        )
    user.status = ServiceUserStatus.PLACED.value
    _journal(session, placement, actor, "placements.journal_started")
    session.flush()


@requires("placements.write")
def pause_placement(
    *, session: Session, actor: Actor, placement_id: int, note: str | None = None
) -> None:
    """Pause a running placement (holiday, illness); its hours are free until it resumes."""
    placement = _placement(session, placement_id)
    _require_status(placement, PlacementStatus.ACTIVE)
    placement.status = PlacementStatus.PAUSED.value
    _journal(session, placement, actor, "placements.journal_paused", note or "")
    session.flush()


@requires("placements.write")
def resume_placement(*, session: Session, actor: Actor, placement_id: int) -> None:
    """Resume a paused placement, if the contact still has room for its hours."""
    placement = _placement(session, placement_id)
    _require_status(placement, PlacementStatus.PAUSED)
    _contact(session, placement.applicant_id)
    _check_hours(session, placement.applicant_id, placement.hours_per_month, excluding=placement.id)
    placement.status = PlacementStatus.ACTIVE.value
    _journal(session, placement, actor, "placements.journal_resumed")
    session.flush()


@requires("placements.write")
def end_placement(
    *,
    session: Session,
    actor: Actor,
    placement_id: int,
    reason: str,
    reason_text: str | None = None,
    end_date: date | None = None,
    at: datetime | None = None,
) -> None:
    """End a placement (or withdraw a proposal) with a reason. The contact's last running
    placement ending returns them to `approved`; a service user left without one waits again."""
    if reason not in END_REASONS:
        raise ValidationFailed({"reason": "validation.unknown_choice"})
    reason_text = (reason_text or "").strip() or None
    if reason == "other" and not reason_text:
        raise ValidationFailed({"reason_text": "validation.required"})
    placement = _placement(session, placement_id)
    _require_status(
        placement, PlacementStatus.PROPOSED, PlacementStatus.ACTIVE, PlacementStatus.PAUSED
    )
    was_running = placement.status in RUNNING
    when = at or utcnow()
    placement.status = PlacementStatus.ENDED.value
    placement.end_reason = reason
    placement.end_reason_text = reason_text
    if was_running:
        placement.end_date = max(end_date or when.date(), placement.start_date or date.min)
    session.flush()
    if was_running:
        contact = session.get(Applicant, placement.applicant_id, with_for_update=True)
        still_running = _count(
            session, Placement.applicant_id == placement.applicant_id, Placement.status.in_(RUNNING)
        )
        if (
            contact is not None
            and contact.anonymised_at is None
            and contact.stage == Stage.PLACED.value
            and not still_running
        ):
            move_applicant(
                session=session,
                applicant_id=contact.id,
                to_stage=Stage.APPROVED,
                by_id=actor.id,
                at=when,
                via=Gate.PLACEMENT,
            )
        user = session.get(ServiceUser, placement.service_user_id, with_for_update=True)
        user_running = _count(
            session,
            Placement.service_user_id == placement.service_user_id,
            Placement.status.in_(RUNNING),
        )
        if user is not None and user.status == ServiceUserStatus.PLACED.value and not user_running:
            # Waiting again from today: the wait that matters is for the next contact.
            user.status = ServiceUserStatus.WAITING.value
            user.waiting_since = placement.end_date
    _journal(session, placement, actor, "placements.journal_ended", reason_text or reason)
    session.flush()


@requires("service_users.read")
def placements_for(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int | None = None,
    applicant_id: int | None = None,
) -> list[PlacementRow]:
    """Placements of one service user or one contact, newest first."""
    query = (
        select(
            Placement.id,
            Placement.applicant_id,
            Applicant.first_name,
            Applicant.last_name,
            Placement.service_user_id,
            ServiceUser.case_ref,
            Placement.status,
            Placement.hours_per_month,
            Placement.start_date,
            Placement.end_date,
            Placement.end_reason,
        )
        .join(Applicant, Applicant.id == Placement.applicant_id)
        .join(ServiceUser, ServiceUser.id == Placement.service_user_id)
        .order_by(Placement.created_at.desc(), Placement.id.desc())
    )
    if service_user_id is not None:
        query = query.where(Placement.service_user_id == service_user_id)
    if applicant_id is not None:
        query = query.where(Placement.applicant_id == applicant_id)
    return [
        PlacementRow(
            id=r.id,
            applicant_id=r.applicant_id,
            contact_name=f"{r.first_name} {r.last_name}",
            service_user_id=r.service_user_id,
            case_ref=r.case_ref,
            status=r.status,
            hours_per_month=r.hours_per_month,
            start_date=r.start_date,
            end_date=r.end_date,
            end_reason=r.end_reason,
        )
        for r in session.execute(query)
    ]


@requires("placements.write")
def place_contact(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int,
    applicant_id: int,
    hours_per_month: int | None = None,
    start: bool = False,
    start_date: date | None = None,
) -> int:
    """Choose a suggested contact: propose the placement and, if asked, start it at once."""
    placement_id = propose_placement(
        session=session,
        actor=actor,
        service_user_id=service_user_id,
        applicant_id=applicant_id,
        hours_per_month=hours_per_month,
    )
    if start:
        start_placement(
            session=session, actor=actor, placement_id=placement_id, start_date=start_date
        )
    return placement_id
