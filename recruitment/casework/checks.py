"""The checks before approval: police certificate (politiattest), two references,
confidentiality declaration (taushetserklæring), contract (oppdragsavtale) and the
introduction course; and approval itself once every required check is done.

The police certificate itself is never stored or uploaded: only the date it was
issued, the date it was seen and by whom (helse- og omsorgstjenesteloven § 5-4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    ApplicantCheck,
    CheckKind,
    Interview,
    InterviewOutcome,
    StaffUser,
    Stage,
    utcnow,
)
from recruitment.core import timefmt
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.pipeline import Gate
from recruitment.core.settings import get_setting

#: The checks in the order the office usually takes them.
CHECK_ORDER: tuple[str, ...] = tuple(kind.value for kind in CheckKind)
POLICE = CheckKind.POLICE_CERTIFICATE.value
CONTRACT = CheckKind.CONTRACT.value
#: Stages in which checks are taken (from the interview until placement).
CHECK_STAGES = frozenset(
    {
        Stage.INTERVIEW_SCHEDULED.value,
        Stage.INTERVIEWED.value,
        Stage.APPROVED.value,
        Stage.PLACED.value,
    }
)


class CertificateTooOld(VerveError):
    """The police certificate was issued too long before the contract date."""

    key = "checks.error_certificate_too_old"


class CertificateMissing(VerveError):
    key = "checks.error_certificate_missing"


class ChecksIncomplete(VerveError):
    key = "checks.error_incomplete"


class NotRecommended(VerveError):
    key = "checks.error_not_recommended"


class ChecksNotOpen(VerveError):
    key = "checks.error_not_open"


@dataclass(frozen=True, slots=True)
class CheckView:
    kind: str
    required: bool
    done: bool
    completed_on: date | None
    issued_on: date | None
    seen_on: date | None
    seen_by: str | None
    note: str | None
    #: The police certificate only: the last contract date it is fresh enough for, and
    #: whether it is already too old (for the contract recorded, or, with none yet, for a
    #: contract signed today). A certificate can be recorded and still be of no use.
    usable_until: date | None = None
    too_old: bool = False


def _required_checks(session: Session) -> list[str]:
    """The checks this office requires before approval (the `required_checks` setting)."""
    configured = set(get_setting(session, "required_checks") or ())
    return [kind for kind in CHECK_ORDER if kind in configured]


def _checks(session: Session, applicant_id: int) -> dict[str, ApplicantCheck]:
    return {
        check.kind: check
        for check in session.scalars(
            select(ApplicantCheck).where(ApplicantCheck.applicant_id == applicant_id)
        )
    }


def _is_done(check: ApplicantCheck | None) -> bool:
    if check is None:
        return False
    if check.kind == POLICE:
        return check.issued_on is not None and check.seen_on is not None
    return check.completed_on is not None


def _certificate_fresh_enough(session: Session, *, issued_on: date, contract_on: date) -> bool:
    """Whether a certificate issued on `issued_on` is recent enough for a contract on
    `contract_on`."""
    months = int(get_setting(session, "police_certificate_max_age_months"))
    return issued_on >= contract_on - relativedelta(months=months)


def _usable_until(session: Session, issued_on: date) -> date:
    """The last contract date a certificate issued on `issued_on` is fresh enough for."""
    months = int(get_setting(session, "police_certificate_max_age_months"))
    return issued_on + relativedelta(months=months)


def _too_old(session: Session, *, issued_on: date, contract_on: date) -> CertificateTooOld:
    months = int(get_setting(session, "police_certificate_max_age_months"))
    return CertificateTooOld(
        f"certificate issued {issued_on} is more than {months} months before the contract "
        f"{contract_on}",
        count=months,
        # Dates, so the message writes them the reader's way (`t` formats them).
        issued=issued_on,
        contract=contract_on,
    )


def _applicant(session: Session, applicant_id: int) -> Applicant:
    applicant = session.get(Applicant, applicant_id, with_for_update=True)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return applicant


@requires("applicants.write")
def record_check(
    *,
    session: Session,
    actor: Actor,
    applicant_id: int,
    kind: str,
    completed_on: date | None = None,
    issued_on: date | None = None,
    seen_on: date | None = None,
    seen_by_id: int | None = None,
    note: str | None = None,
    today: date | None = None,
) -> None:
    """Record (or correct) one check. For the police certificate give `issued_on` and
    `seen_on` (seen by the actor unless `seen_by_id` says otherwise); for the others
    `completed_on`. A contract is refused unless the certificate is recent enough."""
    today = today or timefmt.today()
    applicant = _applicant(session, applicant_id)
    if kind not in CHECK_ORDER:
        raise ValidationFailed({"kind": "checks.error_kind"})
    # The certificate may be asked for before the interview when the office wants it.
    if kind != POLICE and applicant.stage not in CHECK_STAGES:
        raise ChecksNotOpen(f"applicant {applicant_id} is in {applicant.stage}")
    fields: dict[str, str] = {}
    existing = _checks(session, applicant_id)
    if kind == POLICE:
        if issued_on is None:
            fields["issued_on"] = "checks.error_date_required"
        elif issued_on > today:
            fields["issued_on"] = "checks.error_date_in_future"
        if seen_on is None:
            fields["seen_on"] = "checks.error_date_required"
        elif seen_on > today:
            fields["seen_on"] = "checks.error_date_in_future"
        elif issued_on is not None and seen_on < issued_on:
            fields["seen_on"] = "checks.error_seen_before_issued"
        seen_by_id = seen_by_id if seen_by_id is not None else actor.id
        if seen_by_id is not None and session.get(StaffUser, seen_by_id) is None:
            fields["seen_by_id"] = "checks.error_seen_by"
        completed_on = seen_on
    else:
        if completed_on is None:
            fields["completed_on"] = "checks.error_date_required"
        elif completed_on > today:
            fields["completed_on"] = "checks.error_date_in_future"
    if fields:
        raise ValidationFailed(fields)
    # The certificate must be at most N months old on the contract date, whichever is recorded last.
    if kind == CONTRACT:
        police = existing.get(POLICE)
        if not _is_done(police):
            raise CertificateMissing(f"applicant {applicant_id} has no police certificate seen")
        if not _certificate_fresh_enough(
            session, issued_on=police.issued_on, contract_on=completed_on
        ):
            raise _too_old(session, issued_on=police.issued_on, contract_on=completed_on)
    if kind == POLICE and _is_done(existing.get(CONTRACT)):
        contract_on = existing[CONTRACT].completed_on
        if not _certificate_fresh_enough(session, issued_on=issued_on, contract_on=contract_on):
            raise _too_old(session, issued_on=issued_on, contract_on=contract_on)
    check = existing.get(kind) or ApplicantCheck(applicant_id=applicant_id, kind=kind)
    check.completed_on = completed_on
    check.issued_on = issued_on if kind == POLICE else None
    check.seen_on = seen_on if kind == POLICE else None
    check.seen_by_id = seen_by_id if kind == POLICE else None
    # Too long or with control characters: a message (recruitment.core.text_guard), never cut.
    check.note = (note or "").strip() or None
    check.recorded_by_id = actor.id
    check.recorded_at = utcnow()
    session.add(check)
    session.flush()


@requires("applicants.read")
def list_checks(
    *, session: Session, actor: Actor, applicant_id: int, today: date | None = None
) -> list[CheckView]:
    """Every check for one applicant, required or not, in the usual order."""
    required = set(_required_checks(session))
    existing = _checks(session, applicant_id)
    names = dict(session.execute(select(StaffUser.id, StaffUser.full_name)).all())
    today = today or timefmt.today()
    contract = existing.get(CONTRACT)
    contract_on = contract.completed_on if _is_done(contract) else today
    views = []
    for kind in CHECK_ORDER:
        check = existing.get(kind)
        usable_until = (
            _usable_until(session, check.issued_on)
            if kind == POLICE and check is not None and check.issued_on is not None
            else None
        )
        views.append(
            CheckView(
                kind=kind,
                required=kind in required,
                done=_is_done(check),
                completed_on=check.completed_on if check else None,
                issued_on=check.issued_on if check else None,
                seen_on=check.seen_on if check else None,
                seen_by=names.get(check.seen_by_id) if check and check.seen_by_id else None,
                note=check.note if check else None,
                usable_until=usable_until,
                too_old=usable_until is not None and usable_until < contract_on,
            )
        )
    return views


def _missing_checks(session: Session, applicant_id: int) -> list[str]:
    existing = _checks(session, applicant_id)
    return [kind for kind in _required_checks(session) if not _is_done(existing.get(kind))]


@requires("applicants.write")
def approve(*, session: Session, actor: Actor, applicant_id: int) -> None:
    """Approve an interviewed applicant whose interview recommends them and whose
    required checks are all done; refuse, saying why, otherwise."""
    applicant = _applicant(session, applicant_id)
    if applicant.stage != Stage.INTERVIEWED.value:
        raise ChecksNotOpen(
            f"applicant {applicant_id} is in {applicant.stage}", stage=applicant.stage
        )
    outcome = session.scalar(
        select(Interview.outcome)
        .where(
            Interview.applicant_id == applicant_id,
            Interview.outcome.is_not(None),
            Interview.cancelled_at.is_(None),
        )
        .order_by(Interview.recorded_at.desc(), Interview.id.desc())
        .limit(1)
    )
    if outcome != InterviewOutcome.RECOMMEND.value:
        raise NotRecommended(f"applicant {applicant_id} was not recommended")
    missing = _missing_checks(session, applicant_id)
    if missing:
        raise ChecksIncomplete(f"missing checks: {', '.join(missing)}", count=len(missing))
    existing = _checks(session, applicant_id)
    police, contract = existing.get(POLICE), existing.get(CONTRACT)
    if _is_done(police) and _is_done(contract):
        if not _certificate_fresh_enough(
            session, issued_on=police.issued_on, contract_on=contract.completed_on
        ):
            raise _too_old(session, issued_on=police.issued_on, contract_on=contract.completed_on)
    move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=Stage.APPROVED,
        by_id=actor.id,
        via=Gate.APPROVAL,
    )


@dataclass(frozen=True, slots=True)
class ChecksOverview:
    applicant_id: int
    stage: str
    checks: list[CheckView]

    @property
    def missing(self) -> list[str]:
        return [view.kind for view in self.checks if view.required and not view.done]

    @property
    def may_approve(self) -> bool:
        return self.stage == Stage.INTERVIEWED.value and not self.missing


@requires("applicants.read")
def checks_overview(*, session: Session, actor: Actor, applicant_id: int) -> ChecksOverview:
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return ChecksOverview(
        applicant_id,
        applicant.stage,
        list_checks(session=session, actor=actor, applicant_id=applicant_id),
    )
