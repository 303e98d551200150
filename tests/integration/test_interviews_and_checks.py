"""Interviews, checks, approval and the combined sitting on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import (
    Applicant,
    ApplicantCheck,
    InfoMeeting,
    Interview,
    OutboxMessage,
    Registration,
    StageEvent,
)
from recruitment.accounts.office_settings import change_setting
from recruitment.casework import _checks, checks, combined, interviews
from recruitment.core.errors import NotFound, PermissionDenied, ValidationFailed
from recruitment.core.i18n import t
from tests.stages import step_to

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
GOOD_SCORES = {"motivation": 5, "reliability": 4, "experience": 3, "fit": 4}
ALL_BUT_POLICE = ("reference_1", "reference_2", "declaration", "training")


def events(session, applicant_id):
    return [
        (e.from_stage, e.to_stage)
        for e in session.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id)
        )
    ]


@pytest.fixture
def at_stage(make_applicant, session_factory):
    """An applicant walked along the funnel to `stage` (each step a real event)."""
    order = ["meeting_booked", "meeting_attended", "interview_scheduled", "interviewed"]

    def make(stage: str, **fields) -> int:
        applicant_id = make_applicant(**fields)
        with session_factory.begin() as s:
            for step in order[: order.index(stage) + 1] if stage != "signed_up" else []:
                step_to(session=s, applicant_id=applicant_id, to_stage=step, by_id=None)
        return applicant_id

    return make


@pytest.fixture
def interviewed(at_stage, session_factory, coordinator):
    """An applicant whose interview recommends them; returns their id."""

    def make(outcome: str = "recommend") -> int:
        applicant_id = at_stage("meeting_attended")
        with session_factory.begin() as s:
            interview_id = interviews.schedule_interview(
                session=s,
                actor=coordinator,
                applicant_id=applicant_id,
                scheduled_at=NOW + timedelta(days=1),
                place="Rådhuset, rom 2",
                interviewer_id=coordinator.id,
                now=NOW,
            )
            interviews.record_outcome(
                session=s,
                actor=coordinator,
                interview_id=interview_id,
                outcome=outcome,
                scores=GOOD_SCORES,
                now=NOW,
            )
        return applicant_id

    return make


def record(session, actor, applicant_id, kind, **dates):
    checks.record_check(
        session=session, actor=actor, applicant_id=applicant_id, kind=kind, today=TODAY, **dates
    )


# --- interviews ------------------------------------------------------------------


def test_scheduling_an_interview_moves_the_applicant_to_interview_scheduled(
    session_factory, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        interview_id = interviews.schedule_interview(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=3),
            place="Helsehuset",
            interviewer_id=coordinator.id,
            now=NOW,
        )
    with session_factory() as s:
        assert s.get(Applicant, applicant_id).stage == "interview_scheduled"
        assert events(s, applicant_id)[-1] == ("meeting_attended", "interview_scheduled")
        interview = s.get(Interview, interview_id)
        assert (interview.place, interview.interviewer_id) == ("Helsehuset", coordinator.id)


def test_an_interview_needs_a_future_time_a_place_and_an_interviewer(
    session, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with pytest.raises(ValidationFailed) as caught:
        interviews.schedule_interview(
            session=session,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW - timedelta(hours=1),
            place=" ",
            interviewer_id=None,
            now=NOW,
        )
    assert caught.value.fields == {
        "scheduled_at": "interviews.error_in_past",
        "place": "interviews.error_place_required",
        "interviewer_id": "interviews.error_interviewer_required",
    }


def test_someone_who_has_not_attended_a_meeting_cannot_be_scheduled(session, coordinator, at_stage):
    applicant_id = at_stage("meeting_booked")
    with pytest.raises(interviews.WrongStageForInterview):
        interviews.schedule_interview(
            session=session,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="X",
            interviewer_id=coordinator.id,
            now=NOW,
        )


def test_rescheduling_moves_the_time_without_a_stage_event(
    session_factory, coordinator, at_stage, make_staff
):
    other = make_staff("coordinator")
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        interview_id = interviews.schedule_interview(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        )
    with session_factory.begin() as s:
        before = len(events(s, applicant_id))
        interviews.reschedule_interview(
            session=s,
            actor=coordinator,
            interview_id=interview_id,
            scheduled_at=NOW + timedelta(days=4),
            place="B",
            interviewer_id=other.id,
            now=NOW,
        )
    with session_factory() as s:
        interview = s.get(Interview, interview_id)
        assert (interview.scheduled_at, interview.place, interview.interviewer_id) == (
            NOW + timedelta(days=4),
            "B",
            other.id,
        )
        assert len(events(s, applicant_id)) == before


def test_cancelling_an_interview_sends_the_applicant_back_to_meeting_attended(
    session_factory, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        interview_id = interviews.schedule_interview(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        )
        interviews.cancel_interview(
            session=s, actor=coordinator, interview_id=interview_id, reason_text="Ill", now=NOW
        )
    with session_factory() as s:
        assert s.get(Applicant, applicant_id).stage == "meeting_attended"
        last = s.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id.desc())
        ).first()
        assert (last.to_stage, last.reason_code) == ("meeting_attended", "interview_cancelled")
        assert interviews._open_interview(s, applicant_id) is None


def test_recording_the_outcome_with_the_rubric_moves_to_interviewed(
    session_factory, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        interview_id = interviews.schedule_interview(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        )
        interviews.record_outcome(
            session=s,
            actor=coordinator,
            interview_id=interview_id,
            outcome="on_hold",
            scores=GOOD_SCORES,
            notes="Ring i mai",
            now=NOW,
        )
    with session_factory() as s:
        interview = s.get(Interview, interview_id)
        assert (
            interview.outcome,
            interview.score_motivation,
            interview.score_fit,
            interview.notes,
        ) == ("on_hold", 5, 4, "Ring i mai")
        assert interview.recorded_by_id == coordinator.id
        assert s.get(Applicant, applicant_id).stage == "interviewed"
        view = interviews.list_interviews(session=s, actor=coordinator, applicant_id=applicant_id)[
            0
        ]
        assert view.scores == GOOD_SCORES and not view.is_open


def test_an_on_hold_outcome_can_be_revised_to_recommend_without_a_second_event(
    session_factory, coordinator, interviewed
):
    applicant_id = interviewed("on_hold")
    with session_factory.begin() as s:
        interview_id = s.scalars(
            select(Interview.id).where(Interview.applicant_id == applicant_id)
        ).one()
        interviews.record_outcome(
            session=s,
            actor=coordinator,
            interview_id=interview_id,
            outcome="recommend",
            scores=GOOD_SCORES,
            now=NOW,
        )
    with session_factory() as s:
        assert s.get(Interview, interview_id).outcome == "recommend"
        assert [to for _, to in events(s, applicant_id)].count("interviewed") == 1


@pytest.mark.parametrize(
    "scores",
    [
        {},
        {**GOOD_SCORES, "fit": 6},
        {**GOOD_SCORES, "motivation": 0},
        {**GOOD_SCORES, "experience": None},
    ],
)
def test_every_rubric_score_must_be_1_to_5(session, coordinator, at_stage, scores):
    applicant_id = at_stage("meeting_attended")
    interview_id = interviews.schedule_interview(
        session=session,
        actor=coordinator,
        applicant_id=applicant_id,
        scheduled_at=NOW + timedelta(days=1),
        place="A",
        interviewer_id=coordinator.id,
        now=NOW,
    )
    with pytest.raises(ValidationFailed) as caught:
        interviews.record_outcome(
            session=session,
            actor=coordinator,
            interview_id=interview_id,
            outcome="recommend",
            scores=scores,
            now=NOW,
        )
    assert set(caught.value.fields.values()) == {"interviews.error_score"}


def test_not_suitable_with_rejection_rejects_with_the_interview_reason(
    session_factory, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        interview_id = interviews.schedule_interview(
            session=s,
            actor=coordinator,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        )
        interviews.record_outcome(
            session=s,
            actor=coordinator,
            interview_id=interview_id,
            outcome="not_suitable",
            scores=GOOD_SCORES,
            reject=True,
            reject_reason_text="Uklar motivasjon",
            now=NOW,
        )
    with session_factory() as s:
        applicant = s.get(Applicant, applicant_id)
        assert (applicant.stage, applicant.exit_reason) == ("rejected", "not_suitable_interview")
        assert events(s, applicant_id)[-2:] == [
            ("interview_scheduled", "interviewed"),
            ("interviewed", "rejected"),
        ]


def test_rejection_is_only_offered_with_not_suitable(session, coordinator, at_stage):
    applicant_id = at_stage("meeting_attended")
    interview_id = interviews.schedule_interview(
        session=session,
        actor=coordinator,
        applicant_id=applicant_id,
        scheduled_at=NOW + timedelta(days=1),
        place="A",
        interviewer_id=coordinator.id,
        now=NOW,
    )
    with pytest.raises(ValidationFailed) as caught:
        interviews.record_outcome(
            session=session,
            actor=coordinator,
            interview_id=interview_id,
            outcome="recommend",
            scores=GOOD_SCORES,
            reject=True,
            now=NOW,
        )
    assert caught.value.fields == {"reject": "interviews.error_reject_needs_not_suitable"}


def test_with_the_certificate_first_setting_no_interview_before_the_certificate_is_seen(
    session_factory, coordinator, admin, at_stage
):
    applicant_id = at_stage("meeting_attended")
    with session_factory.begin() as s:
        change_setting(
            session=s, actor=admin, key="police_certificate_before_interview", value=True
        )
    schedule = dict(
        actor=coordinator,
        applicant_id=applicant_id,
        scheduled_at=NOW + timedelta(days=1),
        place="A",
        interviewer_id=coordinator.id,
        now=NOW,
    )
    with pytest.raises(interviews.CertificateBeforeInterview), session_factory.begin() as s:
        interviews.schedule_interview(session=s, **schedule)
    with session_factory.begin() as s:
        record(
            s,
            coordinator,
            applicant_id,
            "police_certificate",
            issued_on=TODAY - timedelta(days=10),
            seen_on=TODAY,
        )
        interviews.schedule_interview(session=s, **schedule)
    with session_factory() as s:
        assert s.get(Applicant, applicant_id).stage == "interview_scheduled"


def test_without_the_setting_an_interview_may_come_before_the_certificate(
    session, coordinator, at_stage
):
    applicant_id = at_stage("meeting_attended")
    interviews.schedule_interview(
        session=session,
        actor=coordinator,
        applicant_id=applicant_id,
        scheduled_at=NOW + timedelta(days=1),
        place="A",
        interviewer_id=coordinator.id,
        now=NOW,
    )
    assert not _checks.police_certificate_seen(session, applicant_id)


# --- checks and approval ---------------------------------------------------------------------


def test_the_police_certificate_records_dates_and_who_saw_it_and_nothing_else(
    session, coordinator, interviewed
):
    applicant_id = interviewed()
    record(
        session,
        coordinator,
        applicant_id,
        "police_certificate",
        issued_on=date(2026, 2, 1),
        seen_on=date(2026, 2, 20),
    )
    row = session.scalars(
        select(ApplicantCheck).where(ApplicantCheck.applicant_id == applicant_id)
    ).one()
    assert (row.issued_on, row.seen_on, row.seen_by_id) == (
        date(2026, 2, 1),
        date(2026, 2, 20),
        coordinator.id,
    )
    assert _checks.police_certificate_seen(session, applicant_id)
    # The schema has no place for the document itself: only dates, who, and a note.
    assert not {c.name for c in ApplicantCheck.__table__.columns} & {
        "file",
        "document",
        "content",
        "attachment",
        "data",
    }


@pytest.mark.parametrize(
    "dates, problems",
    [
        ({}, {"issued_on": "checks.error_date_required", "seen_on": "checks.error_date_required"}),
        (
            {"issued_on": TODAY + timedelta(days=1), "seen_on": TODAY},
            {
                "issued_on": "checks.error_date_in_future",
                "seen_on": "checks.error_seen_before_issued",
            },
        ),
        (
            {"issued_on": TODAY, "seen_on": TODAY - timedelta(days=1)},
            {"seen_on": "checks.error_seen_before_issued"},
        ),
    ],
)
def test_a_police_certificate_with_missing_or_impossible_dates_is_refused(
    session, coordinator, interviewed, dates, problems
):
    with pytest.raises(ValidationFailed) as caught:
        record(session, coordinator, interviewed(), "police_certificate", **dates)
    assert caught.value.fields == problems


def test_the_contract_is_refused_when_the_certificate_is_more_than_three_months_old(
    session, coordinator, interviewed
):
    applicant_id = interviewed()
    record(
        session,
        coordinator,
        applicant_id,
        "police_certificate",
        issued_on=date(2025, 11, 30),
        seen_on=date(2025, 12, 5),
    )
    with pytest.raises(checks.CertificateTooOld) as caught:
        record(session, coordinator, applicant_id, "contract", completed_on=date(2026, 3, 1))
    assert caught.value.params == {
        "count": 3,
        "issued": date(2025, 11, 30),
        "contract": date(2026, 3, 1),
    }
    nb = t(caught.value.key, "nb", **caught.value.params)
    en = t(caught.value.key, "en", **caught.value.params)
    assert "30.11.2025" in nb and "01.03.2026" in nb and "3 måneder" in nb
    assert "30 Nov 2025" in en and "1 Mar 2026" in en and "3 months" in en
    # Exactly three months is still fine.
    record(session, coordinator, applicant_id, "contract", completed_on=date(2026, 2, 28))


def test_the_contract_needs_the_certificate_seen_first(session, coordinator, interviewed):
    with pytest.raises(checks.CertificateMissing):
        record(session, coordinator, interviewed(), "contract", completed_on=TODAY)


def test_the_office_can_change_the_age_limit(session_factory, coordinator, admin, interviewed):
    applicant_id = interviewed()
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="police_certificate_max_age_months", value=6)
        record(
            s,
            coordinator,
            applicant_id,
            "police_certificate",
            issued_on=date(2025, 10, 1),
            seen_on=date(2025, 10, 2),
        )
        record(s, coordinator, applicant_id, "contract", completed_on=date(2026, 3, 1))


def complete_all(session, actor, applicant_id, issued=date(2026, 2, 1)):
    record(
        session,
        actor,
        applicant_id,
        "police_certificate",
        issued_on=issued,
        seen_on=issued + timedelta(days=2),
    )
    for kind in ALL_BUT_POLICE:
        record(session, actor, applicant_id, kind, completed_on=TODAY)
    record(session, actor, applicant_id, "contract", completed_on=TODAY)


def test_an_applicant_with_every_required_check_is_approved(
    session_factory, coordinator, interviewed
):
    applicant_id = interviewed()
    with session_factory.begin() as s:
        complete_all(s, coordinator, applicant_id)
        checks.approve(session=s, actor=coordinator, applicant_id=applicant_id)
    with session_factory() as s:
        assert s.get(Applicant, applicant_id).stage == "approved"
        assert events(s, applicant_id)[-1] == ("interviewed", "approved")
        assert all(
            view.done
            for view in checks.list_checks(session=s, actor=coordinator, applicant_id=applicant_id)
        )


def test_approval_waits_for_every_required_check(session, coordinator, interviewed):
    applicant_id = interviewed()
    record(
        session,
        coordinator,
        applicant_id,
        "police_certificate",
        issued_on=date(2026, 2, 1),
        seen_on=date(2026, 2, 2),
    )
    record(session, coordinator, applicant_id, "reference_1", completed_on=TODAY)
    with pytest.raises(checks.ChecksIncomplete) as caught:
        checks.approve(session=session, actor=coordinator, applicant_id=applicant_id)
    assert caught.value.params == {"count": 4}
    assert session.get(Applicant, applicant_id).stage == "interviewed"


def test_the_required_set_is_the_admins_setting(session_factory, coordinator, admin, interviewed):
    applicant_id = interviewed()
    with session_factory.begin() as s:
        change_setting(
            session=s,
            actor=admin,
            key="required_checks",
            value=["police_certificate", "declaration"],
        )
        record(
            s,
            coordinator,
            applicant_id,
            "police_certificate",
            issued_on=date(2026, 2, 1),
            seen_on=date(2026, 2, 2),
        )
        record(s, coordinator, applicant_id, "declaration", completed_on=TODAY)
        checks.approve(session=s, actor=coordinator, applicant_id=applicant_id)
        assert [
            v.kind
            for v in checks.list_checks(session=s, actor=coordinator, applicant_id=applicant_id)
            if v.required
        ] == ["police_certificate", "declaration"]


def test_approval_is_refused_when_the_certificate_was_too_old_for_the_contract(
    session_factory, coordinator, admin, interviewed
):
    applicant_id = interviewed()
    with session_factory.begin() as s:
        complete_all(s, coordinator, applicant_id, issued=date(2026, 1, 20))
    # The office tightens the limit after the contract was recorded: approval must still check.
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="police_certificate_max_age_months", value=1)
    with pytest.raises(checks.CertificateTooOld), session_factory.begin() as s:
        checks.approve(session=s, actor=coordinator, applicant_id=applicant_id)
    with session_factory() as s:
        assert s.get(Applicant, applicant_id).stage == "interviewed"


def test_an_older_certificate_recorded_after_the_contract_is_refused(
    session, coordinator, interviewed
):
    applicant_id = interviewed()
    complete_all(session, coordinator, applicant_id)
    with pytest.raises(checks.CertificateTooOld):
        record(
            session,
            coordinator,
            applicant_id,
            "police_certificate",
            issued_on=date(2025, 6, 1),
            seen_on=date(2025, 6, 2),
        )


def test_only_a_recommended_applicant_can_be_approved(session, coordinator, interviewed):
    applicant_id = interviewed("on_hold")
    complete_all(session, coordinator, applicant_id)
    with pytest.raises(checks.NotRecommended):
        checks.approve(session=session, actor=coordinator, applicant_id=applicant_id)


def test_checks_other_than_the_certificate_wait_for_the_interview(session, coordinator, at_stage):
    applicant_id = at_stage("meeting_attended")
    with pytest.raises(checks.ChecksNotOpen):
        record(session, coordinator, applicant_id, "declaration", completed_on=TODAY)
    record(session, coordinator, applicant_id, "police_certificate", issued_on=TODAY, seen_on=TODAY)


# --- the combined sitting ---------------------------------------------------------------------


def test_the_combined_sittings_search_finds_people_as_the_applicant_search_does(
    session, coordinator, make_applicant, at_stage
):
    ostby = make_applicant(first_name="Åse", last_name="Østby", phone="+4798765432")
    other = make_applicant(first_name="Per", last_name="Hansen")
    interviewed = at_stage("interviewed")  # past the information meeting: not offered

    def found(search: str) -> set[int]:
        return set(combined.candidates(session=session, actor=coordinator, search=search))

    assert found("") >= {ostby, other} and interviewed not in found("")
    # Any case, with or without the Norwegian letters, by name or by the phone number.
    for typed in ("øst", "ØSTBY", "ostby", "ase ost", "98765432", "+47 987"):
        assert found(typed) == {ostby}, typed
    assert found("hansen") == {other}
    assert found("nobody") == found("--") == set()


def test_the_combined_sittings_list_puts_phone_people_first_then_the_oldest_sign_ups(
    session, coordinator, make_applicant, at_stage
):
    def ago(days: int) -> datetime:
        return NOW - timedelta(days=days)

    newer = make_applicant(created_at=ago(10))
    phone_new = make_applicant(prefers_phone=True, created_at=ago(1))
    phone_old = at_stage("meeting_booked", prefers_phone=True, created_at=ago(5))
    oldest = at_stage("meeting_booked", created_at=ago(20))
    at_stage("meeting_attended", prefers_phone=True, created_at=ago(30))  # past it
    make_applicant(prefers_phone=True, created_at=ago(40), anonymised_at=ago(2))  # erased

    def listed(limit: int) -> list[int]:
        return list(combined.candidates(session=session, actor=coordinator, limit=limit))

    assert listed(50) == [phone_old, phone_new, oldest, newer]
    assert listed(3) == [phone_old, phone_new, oldest]
    assert listed(1) == [phone_old]
    # A search lists in the same order.
    found = combined.candidates(session=session, actor=coordinator, search="ola")
    assert list(found) == [phone_old, phone_new, oldest, newer]


def test_a_combined_sitting_books_two_applicants_in_person_with_confirmations(
    session_factory, coordinator, make_applicant
):
    first, second = make_applicant(prefers_phone=True), make_applicant()
    with session_factory.begin() as s:
        meeting_id = combined.book_combined_meeting(
            session=s,
            actor=coordinator,
            applicant_ids=[first, second],
            starts_at=NOW + timedelta(days=2),
            address="Helsehuset, rom 3",
            host_id=coordinator.id,
            now=NOW,
        )
    with session_factory() as s:
        meeting = s.get(InfoMeeting, meeting_id)
        assert (meeting.kind, meeting.mode, meeting.capacity, meeting.address) == (
            "combined",
            "in_person",
            2,
            "Helsehuset, rom 3",
        )
        assert {s.get(Applicant, a).stage for a in (first, second)} == {"meeting_booked"}
        assert (
            len(
                s.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == "booking_confirmation")
                ).all()
            )
            == 2
        )


def test_a_combined_sitting_takes_one_or_two_applicants(session, coordinator, make_applicant):
    ids = [make_applicant() for _ in range(3)]
    for chosen in ([], ids):
        with pytest.raises(ValidationFailed):
            combined.book_combined_meeting(
                session=session,
                actor=coordinator,
                applicant_ids=chosen,
                starts_at=NOW + timedelta(days=2),
                address="X",
                host_id=coordinator.id,
                now=NOW,
            )


def test_booking_a_combined_sitting_frees_the_seat_held_elsewhere_for_the_waitlist(
    session_factory, coordinator, make_applicant, make_meeting
):
    meeting_id = make_meeting(starts_at=NOW + timedelta(days=5), capacity=1)
    holder, waiting = make_applicant(), make_applicant()
    with session_factory.begin() as s:
        s.add(
            Registration(
                applicant_id=holder,
                meeting_id=meeting_id,
                status="registered",
                ics_uid=f"{uuid.uuid4()}",
            )
        )
        s.add(
            Registration(
                applicant_id=waiting,
                meeting_id=meeting_id,
                status="waitlisted",
                ics_uid=f"{uuid.uuid4()}",
            )
        )
        for a in (holder, waiting):
            step_to(session=s, applicant_id=a, to_stage="meeting_booked", by_id=None)
    with session_factory.begin() as s:
        sitting = combined.book_combined_meeting(
            session=s,
            actor=coordinator,
            applicant_ids=[holder],
            starts_at=NOW + timedelta(days=2),
            address="X",
            host_id=None,
            now=NOW,
        )
    with session_factory() as s:
        statuses = {
            (r.applicant_id, r.meeting_id): r.status for r in s.scalars(select(Registration))
        }
        assert statuses == {(holder, sitting): "registered", (waiting, meeting_id): "registered"}
        kinds = {(m.applicant_id, m.kind) for m in s.scalars(select(OutboxMessage))}
        assert kinds == {(holder, "rebooked"), (waiting, "waitlist_moved_up")}


def test_recording_a_combined_sitting_moves_attendees_through_three_stages_in_one_step(
    session_factory, coordinator, make_applicant
):
    came, absent = make_applicant(), make_applicant()
    with session_factory.begin() as s:
        meeting_id = combined.book_combined_meeting(
            session=s,
            actor=coordinator,
            applicant_ids=[came, absent],
            starts_at=NOW + timedelta(hours=1),
            address="Helsehuset",
            host_id=coordinator.id,
            now=NOW,
        )
    with session_factory.begin() as s:
        combined.record_sitting(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            now=NOW + timedelta(hours=3),
            results=[
                combined.SittingResult(
                    applicant_id=came,
                    attended=True,
                    outcome="recommend",
                    scores=GOOD_SCORES,
                    notes="God samtale",
                ),
                combined.SittingResult(applicant_id=absent, attended=False),
            ],
        )
    with session_factory() as s:
        assert events(s, came) == [
            (None, "signed_up"),
            ("signed_up", "meeting_booked"),
            ("meeting_booked", "meeting_attended"),
            ("meeting_attended", "interview_scheduled"),
            ("interview_scheduled", "interviewed"),
        ]
        interview = s.scalars(select(Interview).where(Interview.applicant_id == came)).one()
        assert (interview.meeting_id, interview.outcome, interview.notes) == (
            meeting_id,
            "recommend",
            "God samtale",
        )
        assert s.get(Applicant, absent).stage == "meeting_booked"
        assert s.get(InfoMeeting, meeting_id).status == "held"


def test_a_bad_score_in_a_combined_sitting_saves_nothing_for_anyone(
    session_factory, coordinator, make_applicant
):
    first, second = make_applicant(), make_applicant()
    with session_factory.begin() as s:
        meeting_id = combined.book_combined_meeting(
            session=s,
            actor=coordinator,
            applicant_ids=[first, second],
            starts_at=NOW + timedelta(hours=1),
            address="Helsehuset",
            host_id=coordinator.id,
            now=NOW,
        )
    with pytest.raises(ValidationFailed), session_factory.begin() as s:
        combined.record_sitting(
            session=s,
            actor=coordinator,
            meeting_id=meeting_id,
            now=NOW + timedelta(hours=3),
            results=[
                combined.SittingResult(
                    applicant_id=first, attended=True, outcome="recommend", scores=GOOD_SCORES
                ),
                combined.SittingResult(
                    applicant_id=second, attended=True, outcome="recommend", scores={}
                ),
            ],
        )
    with session_factory() as s:
        assert {s.get(Applicant, a).stage for a in (first, second)} == {"meeting_booked"}
        assert s.scalars(select(Interview)).all() == []
        assert s.get(InfoMeeting, meeting_id).status == "planned"


def test_a_standard_meeting_cannot_be_recorded_as_a_combined_sitting(
    session, coordinator, make_meeting
):
    with pytest.raises(NotFound):
        combined.record_sitting(
            session=session, actor=coordinator, meeting_id=make_meeting(), results=[], now=NOW
        )


# --- roles ----------------------------------------------------------------------------------------


def test_managers_get_permission_denied_for_every_interview_check_and_combined_write(
    session, manager, coordinator, interviewed, make_applicant, make_meeting
):
    applicant_id = interviewed()
    other, meeting_id = make_applicant(), make_meeting()
    interview_id = session.scalars(
        select(Interview.id).where(Interview.applicant_id == applicant_id)
    ).one()
    writes = [
        lambda: interviews.schedule_interview(
            session=session,
            actor=manager,
            applicant_id=applicant_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        ),
        lambda: interviews.reschedule_interview(
            session=session,
            actor=manager,
            interview_id=interview_id,
            scheduled_at=NOW + timedelta(days=1),
            place="A",
            interviewer_id=coordinator.id,
            now=NOW,
        ),
        lambda: interviews.cancel_interview(
            session=session, actor=manager, interview_id=interview_id, now=NOW
        ),
        lambda: interviews.record_outcome(
            session=session,
            actor=manager,
            interview_id=interview_id,
            outcome="recommend",
            scores=GOOD_SCORES,
            now=NOW,
        ),
        lambda: checks.record_check(
            session=session,
            actor=manager,
            applicant_id=applicant_id,
            kind="declaration",
            completed_on=TODAY,
            today=TODAY,
        ),
        lambda: checks.approve(session=session, actor=manager, applicant_id=applicant_id),
        lambda: combined.book_combined_meeting(
            session=session,
            actor=manager,
            applicant_ids=[other],
            starts_at=NOW + timedelta(days=1),
            address="X",
            host_id=None,
            now=NOW,
        ),
        lambda: combined.record_sitting(
            session=session, actor=manager, meeting_id=meeting_id, results=[], now=NOW
        ),
        lambda: checks.list_checks(session=session, actor=manager, applicant_id=applicant_id),
        lambda: interviews.list_interviews(
            session=session, actor=manager, applicant_id=applicant_id
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert session.scalars(select(ApplicantCheck)).all() == []
    assert session.get(Applicant, applicant_id).stage == "interviewed"


def test_a_certificate_says_until_which_contract_date_it_serves_and_when_it_is_too_old(
    session, coordinator, interviewed
):
    applicant_id = interviewed()
    record(
        session,
        coordinator,
        applicant_id,
        "police_certificate",
        issued_on=date(2025, 11, 30),
        seen_on=date(2025, 12, 5),
    )

    def police(today):
        views = checks.list_checks(
            session=session, actor=coordinator, applicant_id=applicant_id, today=today
        )
        return next(v for v in views if v.kind == "police_certificate")

    assert police(date(2026, 2, 28)).usable_until == date(2026, 2, 28)
    assert not police(date(2026, 2, 28)).too_old
    assert police(TODAY).too_old  # 2 March: no contract signed today could use it
    # Once a contract is recorded, its date decides.
    record(session, coordinator, applicant_id, "contract", completed_on=date(2026, 2, 1))
    assert not police(TODAY).too_old
