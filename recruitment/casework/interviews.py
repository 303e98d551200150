"""Face-to-face interviews: scheduling, rescheduling, cancelling, and the outcome with
its short rubric (motivation, reliability, experience, fit with the target groups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Applicant, Interview, InterviewOutcome, StaffUser, Stage, utcnow
from recruitment.casework._checks import police_certificate_seen
from recruitment.core._moves import move_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.pipeline import Gate
from recruitment.core.settings import get_setting
from recruitment.journey import _booking

#: The rubric, each scored 1-5 (labels under `interviews.score_<name>`).
RUBRIC: tuple[str, ...] = ("motivation", "reliability", "experience", "fit")
OUTCOMES: tuple[str, ...] = tuple(outcome.value for outcome in InterviewOutcome)
REJECT_REASON = "not_suitable_interview"


class InterviewNotOpen(VerveError):
    """The interview was already recorded or cancelled."""

    key = "interviews.error_not_open"


class InterviewAlreadyScheduled(VerveError):
    key = "interviews.error_already_scheduled"


class WrongStageForInterview(VerveError):
    key = "interviews.error_wrong_stage"


class CertificateBeforeInterview(VerveError):
    """This office wants the police certificate seen before an interview is scheduled."""

    key = "interviews.error_certificate_first"


@dataclass(frozen=True, slots=True)
class InterviewView:
    id: int
    scheduled_at: datetime
    place: str | None
    interviewer_id: int | None
    interviewer: str | None
    outcome: str | None
    scores: dict[str, int | None]
    notes: str | None
    recorded_at: datetime | None
    cancelled_at: datetime | None
    meeting_id: int | None

    @property
    def is_open(self) -> bool:
        return self.outcome is None and self.cancelled_at is None


def _interview(session: Session, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id, with_for_update=True)
    if interview is None:
        raise NotFound(f"interview {interview_id} not found")
    return interview


def _check_details(
    session: Session,
    *,
    scheduled_at: datetime,
    place: str | None,
    interviewer_id: int | None,
    now: datetime,
) -> tuple[str | None, dict[str, str]]:
    fields: dict[str, str] = {}
    if scheduled_at.tzinfo is None:
        raise ValueError("scheduled_at must be timezone-aware")
    if scheduled_at <= now:
        fields["scheduled_at"] = "interviews.error_in_past"
    place = " ".join((place or "").split()) or None
    if not place:
        fields["place"] = "interviews.error_place_required"
    elif len(place) > 300:
        fields["place"] = "interviews.error_place_too_long"
    if interviewer_id is None:
        fields["interviewer_id"] = "interviews.error_interviewer_required"
    else:
        interviewer = session.get(StaffUser, interviewer_id)
        if interviewer is None or not interviewer.active:
            fields["interviewer_id"] = "interviews.error_interviewer_required"
    return place, fields


def _open_interview(session: Session, applicant_id: int) -> Interview | None:
    """The applicant's scheduled interview that has neither outcome nor cancellation."""
    return session.scalars(
        select(Interview)
        .where(
            Interview.applicant_id == applicant_id,
            Interview.outcome.is_(None),
            Interview.cancelled_at.is_(None),
        )
        .order_by(Interview.scheduled_at.desc())
        .limit(1)
    ).first()


def _ensure_may_interview(session: Session, applicant_id: int) -> None:
    """Refuse when the office wants the police certificate before the interview and it is not
    seen."""
    if get_setting(session, "police_certificate_before_interview") and not police_certificate_seen(
        session, applicant_id
    ):
        raise CertificateBeforeInterview(f"applicant {applicant_id} has no police certificate seen")


@requires("applicants.write")
def schedule_interview(
    *,
    session: Session,
    actor: Actor,
    applicant_id: int,
    scheduled_at: datetime,
    place: str,
    interviewer_id: int | None,
    second_interviewer_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Schedule an interview for someone who attended an info meeting; the applicant
    moves to `interview_scheduled`. Returns the interview id."""
    now = now or utcnow()
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    if _open_interview(session, applicant_id) is not None:
        raise InterviewAlreadyScheduled(f"applicant {applicant_id} already has an interview")
    if applicant.stage != Stage.MEETING_ATTENDED.value:
        raise WrongStageForInterview(f"applicant {applicant_id} is in {applicant.stage}")
    place, fields = _check_details(
        session, scheduled_at=scheduled_at, place=place, interviewer_id=interviewer_id, now=now
    )
    if fields:
        raise ValidationFailed(fields)
    _ensure_may_interview(session, applicant_id)
    interview = Interview(
        applicant_id=applicant_id,
        scheduled_at=scheduled_at,
        place=place,
        interviewer_id=interviewer_id,
        second_interviewer_id=second_interviewer_id,
    )
    session.add(interview)
    session.flush()
    move_applicant(
        session=session,
        applicant_id=applicant_id,
        to_stage=Stage.INTERVIEW_SCHEDULED,
        by_id=actor.id,
        at=now,
        via=Gate.INTERVIEW,
    )
    return interview.id


@requires("applicants.write")
def reschedule_interview(
    *,
    session: Session,
    actor: Actor,
    interview_id: int,
    scheduled_at: datetime,
    place: str,
    interviewer_id: int | None,
    now: datetime | None = None,
) -> None:
    """Move an open interview to another time, place or interviewer (no stage change)."""
    interview = _interview(session, interview_id)
    if interview.outcome is not None or interview.cancelled_at is not None:
        raise InterviewNotOpen(f"interview {interview_id} is closed")
    place, fields = _check_details(
        session,
        scheduled_at=scheduled_at,
        place=place,
        interviewer_id=interviewer_id,
        now=now or utcnow(),
    )
    if fields:
        raise ValidationFailed(fields)
    interview.scheduled_at = scheduled_at
    interview.place = place
    interview.interviewer_id = interviewer_id
    session.flush()


@requires("applicants.write")
def cancel_interview(
    *,
    session: Session,
    actor: Actor,
    interview_id: int,
    reason_text: str | None = None,
    now: datetime | None = None,
) -> None:
    """Call off an open interview; the applicant goes back to `meeting_attended`."""
    now = now or utcnow()
    interview = _interview(session, interview_id)
    if interview.outcome is not None or interview.cancelled_at is not None:
        raise InterviewNotOpen(f"interview {interview_id} is closed")
    interview.cancelled_at = now
    if reason_text and reason_text.strip():
        interview.notes = reason_text.strip()
    session.flush()
    applicant = session.get(Applicant, interview.applicant_id)
    if applicant is not None and applicant.stage == Stage.INTERVIEW_SCHEDULED.value:
        move_applicant(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.MEETING_ATTENDED,
            by_id=actor.id,
            reason_code="interview_cancelled",
            reason_text=reason_text,
            at=now,
            via=Gate.INTERVIEW,
        )


def clean_scores(scores: dict[str, int | None]) -> tuple[dict[str, int], dict[str, str]]:
    """The four rubric scores as whole numbers 1-5, and a message per bad one."""
    cleaned: dict[str, int] = {}
    fields: dict[str, str] = {}
    for name in RUBRIC:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            fields[f"score_{name}"] = "interviews.error_score"
        else:
            cleaned[name] = value
    return cleaned, fields


@requires("applicants.write")
def record_outcome(
    *,
    session: Session,
    actor: Actor,
    interview_id: int,
    outcome: str,
    scores: dict[str, int | None],
    notes: str | None = None,
    reject: bool = False,
    reject_reason_text: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record the outcome, rubric and notes; the applicant moves to `interviewed`. With
    outcome "not_suitable" and `reject`, they are also rejected (reason
    "not_suitable_interview") in the same transaction. An on-hold outcome may be
    revised later while the applicant is still `interviewed`."""
    now = now or utcnow()
    interview = _interview(session, interview_id)
    if interview.cancelled_at is not None:
        raise InterviewNotOpen(f"interview {interview_id} is cancelled")
    applicant = session.get(Applicant, interview.applicant_id)
    assert applicant is not None
    revising = interview.outcome is not None
    if revising and applicant.stage != Stage.INTERVIEWED.value:
        raise InterviewNotOpen(f"interview {interview_id} is closed")
    if not revising and applicant.stage != Stage.INTERVIEW_SCHEDULED.value:
        raise WrongStageForInterview(f"applicant {applicant.id} is in {applicant.stage}")
    cleaned, fields = clean_scores(scores)
    if outcome not in OUTCOMES:
        fields["outcome"] = "interviews.error_outcome"
    if reject and outcome != InterviewOutcome.NOT_SUITABLE.value:
        fields["reject"] = "interviews.error_reject_needs_not_suitable"
    if fields:
        raise ValidationFailed(fields)
    interview.outcome = outcome
    interview.score_motivation = cleaned["motivation"]
    interview.score_reliability = cleaned["reliability"]
    interview.score_experience = cleaned["experience"]
    interview.score_fit = cleaned["fit"]
    interview.notes = (notes or "").strip() or None
    interview.recorded_at = now
    interview.recorded_by_id = actor.id
    session.flush()
    if not revising:
        move_applicant(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.INTERVIEWED,
            by_id=actor.id,
            at=now,
            via=Gate.INTERVIEW,
        )
    if reject:
        _booking.leave_pipeline(
            session=session,
            applicant_id=applicant.id,
            to_stage=Stage.REJECTED,
            by_id=actor.id,
            reason_code=REJECT_REASON,
            reason_text=reject_reason_text,
            at=now,
        )


@requires("applicants.read")
def list_interviews(*, session: Session, actor: Actor, applicant_id: int) -> list[InterviewView]:
    """An applicant's interviews, newest first."""
    names = dict(session.execute(select(StaffUser.id, StaffUser.full_name)).all())
    interviews = session.scalars(
        select(Interview)
        .where(Interview.applicant_id == applicant_id)
        .order_by(Interview.scheduled_at.desc(), Interview.id.desc())
    )
    return [
        InterviewView(
            id=interview.id,
            scheduled_at=interview.scheduled_at,
            place=interview.place,
            interviewer_id=interview.interviewer_id,
            interviewer=names.get(interview.interviewer_id),
            outcome=interview.outcome,
            scores={
                "motivation": interview.score_motivation,
                "reliability": interview.score_reliability,
                "experience": interview.score_experience,
                "fit": interview.score_fit,
            },
            notes=interview.notes,
            recorded_at=interview.recorded_at,
            cancelled_at=interview.cancelled_at,
            meeting_id=interview.meeting_id,
        )
        for interview in interviews
    ]


@dataclass(frozen=True, slots=True)
class InterviewOverview:
    """What the interview panel needs: where the applicant stands and their interviews."""

    applicant_id: int
    stage: str
    interviews: list[InterviewView]

    @property
    def open(self) -> InterviewView | None:
        return next((view for view in self.interviews if view.is_open), None)

    @property
    def latest_recorded(self) -> InterviewView | None:
        return next((view for view in self.interviews if view.outcome is not None), None)


@requires("applicants.read")
def interview_overview(*, session: Session, actor: Actor, applicant_id: int) -> InterviewOverview:
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return InterviewOverview(
        applicant_id=applicant_id,
        stage=applicant.stage,
        interviews=list_interviews(session=session, actor=actor, applicant_id=applicant_id),
    )
