"""Attendees' evaluations of info meetings: one answer per attendee per meeting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Evaluation, InfoMeeting, MeetingStatus, Registration, RegistrationStatus
from recruitment.core.errors import NotFound, ValidationFailed, VerveError
from recruitment.core.validation import clean_text, collect


class AlreadyAnswered(VerveError):
    key = "evaluations.already_answered"


def _evaluations_due(session: Session, applicant_id: int) -> list[InfoMeeting]:
    """Held meetings the applicant attended and has not yet evaluated, newest first."""
    answered = select(Evaluation.meeting_id).where(Evaluation.applicant_id == applicant_id)
    return list(
        session.scalars(
            select(InfoMeeting)
            .join(Registration, Registration.meeting_id == InfoMeeting.id)
            .where(
                Registration.applicant_id == applicant_id,
                Registration.status == RegistrationStatus.ATTENDED.value,
                InfoMeeting.status == MeetingStatus.HELD.value,
                InfoMeeting.id.not_in(answered),
            )
            .order_by(InfoMeeting.starts_at.desc())
        )
    )


def _rating(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed({"rating": "evaluations.rating_invalid"})
    return value


def _yes_no(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed({field: "validation.required"})
    return value


def _submit_evaluation(
    *,
    session: Session,
    applicant_id: int,
    meeting_id: int,
    rating: object,
    got_information: object,
    technical_problems: object,
    comment: object = None,
) -> int:
    """Record an attendee's answers to a held meeting; a second answer is refused."""
    values: dict[str, object] = {}
    collect(
        lambda: values.__setitem__("rating", _rating(rating)),
        lambda: values.__setitem__("got_information", _yes_no(got_information, "got_information")),
        lambda: values.__setitem__(
            "technical_problems", _yes_no(technical_problems, "technical_problems")
        ),
        lambda: values.__setitem__("comment", clean_text(comment, "comment")),
    )
    attended = session.scalar(
        select(Registration.id)
        .join(InfoMeeting, Registration.meeting_id == InfoMeeting.id)
        .where(
            Registration.applicant_id == applicant_id,
            Registration.meeting_id == meeting_id,
            Registration.status == RegistrationStatus.ATTENDED.value,
            InfoMeeting.status == MeetingStatus.HELD.value,
        )
    )
    if attended is None:
        raise NotFound("only attendees of a held meeting may evaluate it")
    evaluation = Evaluation(applicant_id=applicant_id, meeting_id=meeting_id, **values)
    try:
        # The unique (applicant, meeting) constraint settles two answers sent at once.
        with session.begin_nested():
            session.add(evaluation)
            session.flush()
    except IntegrityError as error:
        raise AlreadyAnswered("already answered") from error
    return evaluation.id
