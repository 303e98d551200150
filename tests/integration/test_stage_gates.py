"""The workflow rules: gated stages are reached only through their services, and
leaving (withdrawn or rejected, by the applicant or by staff) releases what the person
held, through one service."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import Applicant, Interview, OutboxMessage, Registration, Stage, StageEvent
from recruitment.accounts.privacy_rights import erase_applicant
from recruitment.casework.applicant_list import applicant_file
from recruitment.casework.stage_moves import advance_stage
from recruitment.core._moves import move_applicant
from recruitment.core.errors import InvalidStageTransition, StageGated
from recruitment.core.i18n import t
from recruitment.core.pipeline import (
    EXIT_REASONS,
    EXITS,
    FUNNEL,
    GATES,
    Gate,
    allowed_moves,
    gate_for,
)
from recruitment.journey import _booking
from recruitment.journey.self_service import withdraw_me
from tests.stages import put_at_stage

ALL_STAGES = (*FUNNEL, *EXITS)
PAIRS = [(a, b) for a in ALL_STAGES for b in ALL_STAGES if a != b]


def _at(session_factory, make_applicant, stage: Stage) -> int:
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        if stage in EXITS:
            put_at_stage(s, applicant_id, Stage.MEETING_ATTENDED)
        put_at_stage(s, applicant_id, stage)
    return applicant_id


def _event_count(session, applicant_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(StageEvent).where(StageEvent.applicant_id == applicant_id)
    )


def test_the_gates_cover_every_allowed_move_that_is_neither_an_exit_nor_a_reopening():
    for from_stage in ALL_STAGES:
        for to_stage in allowed_moves(from_stage):
            ungated = to_stage in EXITS or (from_stage in EXITS and to_stage == Stage.SIGNED_UP)
            assert (gate_for(from_stage, to_stage) is None) == ungated, (from_stage, to_stage)
    assert all(to in allowed_moves(frm) for frm, to in GATES)


def test_every_gate_has_a_clear_message_in_both_languages():
    for gate in Gate:
        for lang in ("nb", "en"):
            text = t(f"errors.stage_gated_{gate.value}", lang)
            assert text and not text.startswith("errors.") and "{" not in text


def test_every_from_to_pair_through_the_manual_move_is_refused_when_gated_or_not_allowed(
    session_factory, session, make_applicant, coordinator
):
    """A coordinator tries every (from, to) pair by hand: exits and reopening are
    recorded; every gated move is refused with the message naming its service; every
    move the pipeline does not allow is refused; a refused move changes nothing."""
    outcomes = {}
    for from_stage, to_stage in PAIRS:
        applicant_id = _at(session_factory, make_applicant, from_stage)
        before = _event_count(session, applicant_id)
        session.rollback()
        reason = EXIT_REASONS[to_stage][0] if to_stage in EXITS else None
        try:
            with session_factory.begin() as s:
                advance_stage(
                    session=s,
                    actor=coordinator,
                    applicant_id=applicant_id,
                    to_stage=to_stage,
                    reason_code=reason,
                )
            outcomes[(from_stage, to_stage)] = "moved"
        except StageGated as error:
            assert error.key == f"errors.stage_gated_{gate_for(from_stage, to_stage).value}"
            outcomes[(from_stage, to_stage)] = "gated"
        except InvalidStageTransition as error:
            assert error.key == "errors.invalid_stage_transition"
            outcomes[(from_stage, to_stage)] = "refused"
        stage_now = session.get(Applicant, applicant_id).stage
        if outcomes[(from_stage, to_stage)] == "moved":
            assert stage_now == to_stage.value
            assert _event_count(session, applicant_id) == before + 1
        else:
            assert stage_now == from_stage.value, (from_stage, to_stage)
            assert _event_count(session, applicant_id) == before
        session.rollback()  # on SQLite a reader's transaction blocks the next writer
    for (from_stage, to_stage), outcome in outcomes.items():
        if to_stage not in allowed_moves(from_stage):
            expected = "refused"
        elif gate_for(from_stage, to_stage) is not None:
            expected = "gated"
        else:
            expected = "moved"
        assert outcome == expected, (from_stage, to_stage, outcome)
    # The point of the rule: nobody reaches approved or placed by hand.
    assert not any(
        outcome == "moved" and to in (Stage.APPROVED, Stage.PLACED, Stage.MEETING_ATTENDED)
        for (_, to), outcome in outcomes.items()
    )


def test_the_applicant_page_offers_only_exits_and_reopening(
    session_factory, session, make_applicant, coordinator
):
    interviewed = _at(session_factory, make_applicant, Stage.INTERVIEWED)
    withdrawn = _at(session_factory, make_applicant, Stage.WITHDRAWN)

    def offered(applicant_id):
        record = applicant_file(session=session, actor=coordinator, applicant_id=applicant_id)
        return {move["to_stage"] for move in record["moves"]}

    assert offered(interviewed) == {"withdrawn", "rejected"}
    assert offered(withdrawn) == {"signed_up"}


@pytest.mark.parametrize("via", [None, Gate.BOOKING, Gate.INTERVIEW])
def test_another_service_cannot_approve_without_the_approval_gate(
    session_factory, session, make_applicant, via
):
    applicant_id = _at(session_factory, make_applicant, Stage.INTERVIEWED)
    with pytest.raises(StageGated), session_factory.begin() as s:
        move_applicant(
            session=s, applicant_id=applicant_id, to_stage=Stage.APPROVED, by_id=None, via=via
        )
    assert session.get(Applicant, applicant_id).stage == "interviewed"


# --- leaving frees what the person held ----------------------------------------------


@pytest.fixture
def full_meeting(session_factory, make_applicant, make_meeting):
    """A one-seat meeting: Kari holds the seat, Per is first on the waitlist."""
    meeting_id = make_meeting(capacity=1)
    kari = make_applicant(first_name="Kari", email="kari@example.no")
    per = make_applicant(first_name="Per", email="per@example.no")
    with session_factory.begin() as s:
        for applicant_id in (kari, per):
            _booking.book_meeting(session=s, applicant_id=applicant_id, meeting_id=meeting_id)
    return meeting_id, kari, per


def _registration(session, applicant_id: int) -> Registration:
    return session.scalars(
        select(Registration).where(Registration.applicant_id == applicant_id)
    ).one()


def _mail(session, applicant_id: int) -> list[tuple[str, str | None]]:
    rows = session.execute(
        select(OutboxMessage.kind, OutboxMessage.ics)
        .where(OutboxMessage.applicant_id == applicant_id)
        .order_by(OutboxMessage.id)
    )
    return [(row.kind, row.ics) for row in rows]


def _withdraw(how, session, session_factory, coordinator, applicant_id, stage):
    with session_factory.begin() as s:
        if how == "applicant":
            token = s.get(Applicant, applicant_id).token or "x"
            withdraw_me(session=s, token=token, reason_code="no_time")
        else:
            advance_stage(
                session=s,
                actor=coordinator,
                applicant_id=applicant_id,
                to_stage=stage,
                reason_code=EXIT_REASONS[Stage(stage)][0],
            )


@pytest.mark.parametrize(
    ("how", "stage"),
    [("coordinator", "withdrawn"), ("coordinator", "rejected"), ("applicant", "withdrawn")],
)
def test_leaving_frees_the_seat_promotes_the_waitlist_and_sends_the_calendar_cancellation(
    session_factory, session, coordinator, full_meeting, how, stage
):
    meeting_id, kari, per = full_meeting
    if how == "applicant":
        with session_factory.begin() as s:
            s.get(Applicant, kari).token = "k" * 43
            s.get(Applicant, kari).token_expires_at = datetime.now(UTC) + timedelta(days=30)
    _withdraw(how, session, session_factory, coordinator, kari, stage)

    session.expire_all()
    assert session.get(Applicant, kari).stage == stage
    assert _registration(session, kari).status == "cancelled"
    assert _registration(session, per).status == "registered"
    assert _booking.seats_taken(session, meeting_id) == 1
    kinds = [kind for kind, _ in _mail(session, kari)]
    assert kinds[-1] == "booking_cancelled"
    assert "METHOD:CANCEL" in _mail(session, kari)[-1][1]
    assert [kind for kind, _ in _mail(session, per)][-1] == "waitlist_moved_up"
    # The exit is recorded from the stage she was in, not after a step back.
    last = session.scalars(
        select(StageEvent).where(StageEvent.applicant_id == kari).order_by(StageEvent.id.desc())
    ).first()
    assert (last.from_stage, last.to_stage) == ("meeting_booked", stage)


def test_a_staff_withdrawal_calls_off_the_open_interview(
    session_factory, session, make_applicant, coordinator
):
    applicant_id = _at(session_factory, make_applicant, Stage.INTERVIEW_SCHEDULED)
    with session_factory.begin() as s:
        s.add(
            Interview(
                applicant_id=applicant_id,
                scheduled_at=datetime.now(UTC) + timedelta(days=3),
                place="Helsehuset",
            )
        )
    _withdraw("coordinator", session, session_factory, coordinator, applicant_id, "withdrawn")
    interview = session.scalars(
        select(Interview).where(Interview.applicant_id == applicant_id)
    ).one()
    assert interview.cancelled_at is not None


def test_erasing_a_booked_applicant_gives_the_seat_to_the_waitlist(
    session_factory, session, admin, full_meeting
):
    meeting_id, kari, per = full_meeting
    with session_factory.begin() as s:
        erase_applicant(session=s, actor=admin, applicant_id=kari)
    assert _registration(session, per).status == "registered"
    assert [kind for kind, _ in _mail(session, per)][-1] == "waitlist_moved_up"
    assert _booking.seats_taken(session, meeting_id) == 1
    assert _mail(session, kari) == []  # nothing more goes to someone who asked to be erased
