"""Retention: people who left are anonymised once `retention_months` have passed since
their last event. Anonymisation removes personal data from every table but keeps the
stage events (which carry none once their free text is gone), so funnels stay right."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    ApplicantCheck,
    Evaluation,
    Interview,
    JournalEntry,
    OutboxMessage,
    PendingChange,
    Placement,
    ServiceUser,
    ServiceUserStatus,
    Stage,
    StageEvent,
    utcnow,
)
from recruitment.accounts.audit import record
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import iso

EXIT_STAGES = (Stage.WITHDRAWN.value, Stage.REJECTED.value)
#: A plan asked for with a `limit` (the page) counts up to this many of each kind, then
#: says "more than": each person due is a look at their newest event and note, and a
#: register nobody has cleaned for years has tens of thousands (0.07-0.09 s to count
#: 17,000 at 100,000 applicants).
COUNT_UP_TO = 1_000


def months_before(at: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (31 March - 1 month = 28/29 Feb)."""
    index = at.year * 12 + at.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class RetentionPlan:
    """Who is due for anonymisation, and who was anonymised when the plan was run.

    `applicants` and `service_users` list everyone due, unless the plan was asked for
    with a `limit` (the page shows the first rows); the counts are all of them, or with a
    `limit` at most `counted_up_to` + 1, which means "more than `counted_up_to`"."""

    cutoff: datetime
    applicants: list[dict[str, Any]] = field(default_factory=list)
    service_users: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    applicants_due: int | None = None
    service_users_due: int | None = None
    counted_up_to: int | None = None

    def __post_init__(self) -> None:
        if self.applicants_due is None:
            object.__setattr__(self, "applicants_due", len(self.applicants))
        if self.service_users_due is None:
            object.__setattr__(self, "service_users_due", len(self.service_users))

    def more_than_counted(self, due: int) -> bool:
        """Whether `due` (one of the counts) stands for "more than `counted_up_to`"."""
        return self.counted_up_to is not None and due > self.counted_up_to


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _applicants_due(
    cutoff: datetime, *, walk: bool = False, counting: bool = False
) -> list[ColumnElement[bool]]:
    """An applicant who left is due once their last event is before the cutoff: the
    stage change, every stage event and every journal note. "The latest is before" is
    "each is before", so the database answers it from its indexes (the exits by stage and
    change time; a look at the newest event and note of each) without reading the rest.

    `walk` (SQLite, many due): the first of them by id are found by reading the register
    in id order, not by finding all of them and sorting. `counting` (the page's count up
    to COUNT_UP_TO): "no note since" is asked as a count of notes, the same answer."""
    # `stage || ''` is not the stage index to the planner (the classic SQLite hint).
    stage = Applicant.stage + "" if walk else Applicant.stage
    note_since = (JournalEntry.applicant_id == Applicant.id, JournalEntry.created_at >= cutoff)
    if counting:
        # PostgreSQL made NOT EXISTS a hash of every recent note of the office (85,000:
        # 40-70 ms) before the count could stop at COUNT_UP_TO; a count of each person's
        # notes stays a look into the index per person (6 ms). Not for the list: there the
        # count's low estimate makes PostgreSQL sort everyone due instead of reading along
        # the ids.
        no_note_since = select(func.count()).where(*note_since).scalar_subquery() == 0
    else:
        no_note_since = ~exists().where(*note_since)
    return [
        stage.in_(EXIT_STAGES),
        Applicant.anonymised_at.is_(None),
        Applicant.stage_changed_at < cutoff,
        ~exists().where(StageEvent.applicant_id == Applicant.id, StageEvent.at >= cutoff),
        no_note_since,
    ]


def _service_users_due(cutoff: datetime) -> list[ColumnElement[bool]]:
    """Closed service users whose closing (or creation) and every note is before the cutoff."""
    return [
        ServiceUser.status == ServiceUserStatus.CLOSED.value,
        ServiceUser.anonymised_at.is_(None),
        func.coalesce(ServiceUser.closed_at, ServiceUser.created_at) < cutoff,
        ~exists().where(
            JournalEntry.service_user_id == ServiceUser.id, JournalEntry.created_at >= cutoff
        ),
    ]


def _due(session: Session, now: datetime, *, limit: int | None = None) -> RetentionPlan:
    cutoff = months_before(now, get_setting(session, "retention_months"))
    counts: dict[str, int | None] = {"applicants_due": None, "service_users_due": None}
    if limit is not None:
        counts["applicants_due"] = _count_up_to(
            session, Applicant.id, _applicants_due(cutoff, counting=True)
        )
        counts["service_users_due"] = _count_up_to(
            session, ServiceUser.id, _service_users_due(cutoff)
        )
        counts["counted_up_to"] = COUNT_UP_TO
    # SQLite found and sorted all 17,000 people due to show the first 50 (0.03-0.07 s);
    # PostgreSQL's planner reads along the ids by itself, and the hint would stop it.
    walk = (
        limit is not None
        and (counts["applicants_due"] or 0) > COUNT_UP_TO
        and session.get_bind().dialect.name == "sqlite"
    )
    last_stage = (
        select(func.max(StageEvent.at))
        .where(StageEvent.applicant_id == Applicant.id)
        .scalar_subquery()
    )
    last_note = (
        select(func.max(JournalEntry.created_at))
        .where(JournalEntry.applicant_id == Applicant.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Applicant.id, Applicant.stage, Applicant.stage_changed_at, last_stage, last_note)
        .where(*_applicants_due(cutoff, walk=walk))
        .order_by(Applicant.id)
        .limit(limit)
    ).all()
    applicants = [
        {"id": row[0], "stage": row[1], "last_event_at": _latest(row[2], row[3], row[4])}
        for row in rows
    ]
    user_note = (
        select(func.max(JournalEntry.created_at))
        .where(JournalEntry.service_user_id == ServiceUser.id)
        .scalar_subquery()
    )
    users = session.execute(
        select(ServiceUser.id, ServiceUser.closed_at, ServiceUser.created_at, user_note)
        .where(*_service_users_due(cutoff))
        .order_by(ServiceUser.id)
        .limit(limit)
    ).all()
    service_users = [
        {
            "id": row[0],
            "status": ServiceUserStatus.CLOSED.value,
            "last_event_at": _latest(row[1] or row[2], row[3]),
        }
        for row in users
    ]
    return RetentionPlan(
        cutoff=cutoff, applicants=applicants, service_users=service_users, **counts
    )


def _count_up_to(session: Session, id_column, where: list[ColumnElement[bool]]) -> int:
    """How many rows match, counting no further than COUNT_UP_TO + 1."""
    found = select(id_column).where(*where).limit(COUNT_UP_TO + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(found)) or 0)


@requires("retention.run")
def retention_due(
    *, session: Session, actor: Actor, now: datetime | None = None, limit: int | None = None
) -> RetentionPlan:
    """Who would be anonymised if retention ran now (ids and dates, no personal data):
    everyone, or with `limit` the first that many of each kind and the counts of all."""
    return _due(session, now or utcnow(), limit=limit)


@requires("retention.run")
def run_retention(
    *, session: Session, actor: Actor, now: datetime | None = None, dry_run: bool = False
) -> RetentionPlan:
    """Anonymise everyone due (or only report them, with `dry_run`); audited."""
    now = now or utcnow()
    plan = _due(session, now)
    if dry_run:
        return plan
    for row in plan.applicants:
        _anonymise_applicant(session, row["id"], now=now)
        record(
            session=session,
            actor=actor,
            action="applicant.anonymised",
            target_type="applicant",
            target_id=row["id"],
            detail={"reason": "retention"},
        )
    for row in plan.service_users:
        _anonymise_service_user(session, row["id"], now=now)
        record(
            session=session,
            actor=actor,
            action="service_user.anonymised",
            target_type="service_user",
            target_id=row["id"],
            detail={"reason": "retention"},
        )
    # What a visitor typed for a confirmation nobody gave: worthless once expired, and
    # personal data (a sign-up's name and phone, a new address) that nothing else clears.
    expired = session.execute(delete(PendingChange).where(PendingChange.expires_at <= now))
    record(
        session=session,
        actor=actor,
        action="retention.run",
        detail={
            "applicants": len(plan.applicants),
            "service_users": len(plan.service_users),
            "expired_confirmations": expired.rowcount,
            "cutoff": iso(plan.cutoff),
        },
    )
    return RetentionPlan(
        cutoff=plan.cutoff, applicants=plan.applicants, service_users=plan.service_users, done=True
    )


# --- the anonymisation itself (no permission check: callers have checked) -----------------


def _anonymise_applicant(
    session: Session, applicant_id: int, *, now: datetime | None = None
) -> None:
    """Remove an applicant's personal data from every table, keeping the husk of the row
    and its stage events so the funnel still counts them."""
    applicant = session.get(Applicant, applicant_id, with_for_update=True)
    if applicant is None:
        raise NotFound(f"applicant {applicant_id} not found")
    if applicant.anonymised_at is not None:
        return
    address = (applicant.email or "").lower()

    # The case record and the mail sent to the person go entirely.
    session.execute(delete(JournalEntry).where(JournalEntry.applicant_id == applicant_id))
    mail = OutboxMessage.applicant_id == applicant_id
    if address:
        mail = or_(mail, func.lower(OutboxMessage.to_address) == address)
    session.execute(delete(OutboxMessage).where(mail))
    # Changes still waiting for confirmation hold what someone typed.
    session.execute(delete(PendingChange).where(PendingChange.applicant_id == applicant_id))

    # Rows other statistics count stay, with their free text removed.
    session.execute(
        update(StageEvent).where(StageEvent.applicant_id == applicant_id).values(reason_text=None)
    )
    session.execute(
        update(Interview)
        .where(Interview.applicant_id == applicant_id)
        .values(
            notes=None,
            place=None,
            score_motivation=None,
            score_reliability=None,
            score_experience=None,
            score_fit=None,
        )
    )
    session.execute(
        update(ApplicantCheck).where(ApplicantCheck.applicant_id == applicant_id).values(note=None)
    )
    session.execute(
        update(Placement).where(Placement.applicant_id == applicant_id).values(end_reason_text=None)
    )
    # An evaluation is anonymous feedback on a meeting: it stays, unlinked from the person.
    session.execute(
        update(Evaluation).where(Evaluation.applicant_id == applicant_id).values(applicant_id=None)
    )

    applicant.first_name = ""
    applicant.last_name = ""
    applicant.email = None
    applicant.phone = None
    applicant.birth_year = None
    applicant.postcode = None
    applicant.area = None
    applicant.languages = []
    applicant.interests = []
    applicant.availability = []
    applicant.target_groups = []
    applicant.about = None
    applicant.driving_licence = False
    applicant.prefers_phone = False
    applicant.callback_requested = False
    # When someone agreed to e-mail, SMS or calls (or stopped SMS) is about a person
    # who is no longer there: a timestamp is personal data too.
    applicant.email_consent_at = None
    applicant.sms_consent_at = None
    applicant.call_consent_at = None
    applicant.sms_opted_out_at = None
    applicant.token = None
    applicant.token_expires_at = None
    applicant.anonymised_at = now or utcnow()
    session.flush()


def _anonymise_service_user(
    session: Session, service_user_id: int, *, now: datetime | None = None
) -> None:
    """Remove a service user's personal data; the row stays for waiting-time statistics."""
    user = session.get(ServiceUser, service_user_id, with_for_update=True)
    if user is None:
        raise NotFound(f"service user {service_user_id} not found")
    if user.anonymised_at is not None:
        return
    session.execute(delete(JournalEntry).where(JournalEntry.service_user_id == service_user_id))
    session.execute(
        update(Placement)
        .where(Placement.service_user_id == service_user_id)
        .values(end_reason_text=None)
    )
    user.case_ref = None
    user.postcode = None
    user.interests = []
    user.languages = []
    user.preferences = {}
    user.anonymised_at = now or utcnow()
    session.flush()
