"""Placements through their life: stage events, the politiattest, the hour limit, statuses."""

import pytest
from sqlalchemy import select

from db.models import Applicant, JournalEntry, Placement, ServiceUser, StageEvent
from recruitment.accounts.office_settings import change_setting
from recruitment.core.errors import PermissionDenied
from recruitment.placement import placements
from recruitment.placement.placements import (
    AlreadyMatched,
    ContactNotAvailable,
    HoursLimitExceeded,
    PoliceCertificateMissing,
    WrongPlacementStatus,
)
from tests.matching_factories import make_contact, make_service_user


def stages(session, applicant_id):
    return [
        (e.from_stage, e.to_stage)
        for e in session.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id)
        )
    ][1:]  # after sign-up


@pytest.fixture
def do(session_factory, session):
    """Run one service in its own transaction, after ending the reading session's
    transaction (on SQLite every transaction holds the write lock)."""

    def run(fn, actor, **kwargs):
        session.rollback()
        with session_factory.begin() as s:
            return fn(session=s, actor=actor, **kwargs)

    return run


def test_a_placement_goes_from_proposal_to_end_and_moves_the_contact_there_and_back(
    session_factory, session, coordinator, make_applicant, do
):
    contact = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory, hours_per_month=10)
    pid = do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    assert session.get(Placement, pid).status == "proposed"
    assert session.get(Applicant, contact).stage == "approved"

    do(placements.start_placement, coordinator, placement_id=pid)
    session.rollback()
    assert session.get(Placement, pid).status == "active"
    assert session.get(Applicant, contact).stage == "placed"
    assert session.get(ServiceUser, user).status == "placed"
    assert stages(session, contact) == [("approved", "placed")]

    do(placements.pause_placement, coordinator, placement_id=pid)
    do(placements.resume_placement, coordinator, placement_id=pid)
    do(placements.end_placement, coordinator, placement_id=pid, reason="completed")
    session.rollback()
    placement = session.get(Placement, pid)
    assert (placement.status, placement.end_reason) == ("ended", "completed")
    assert placement.end_date is not None
    assert session.get(Applicant, contact).stage == "approved"
    assert session.get(ServiceUser, user).status == "waiting"
    assert stages(session, contact) == [("approved", "placed"), ("placed", "approved")]
    event = session.scalars(
        select(StageEvent).where(StageEvent.applicant_id == contact).order_by(StageEvent.id.desc())
    ).first()
    assert event.by_id == coordinator.id

    applicant_journal = session.scalars(
        select(JournalEntry.subject).where(JournalEntry.applicant_id == contact)
    ).all()
    user_journal = session.scalars(
        select(JournalEntry.subject).where(JournalEntry.service_user_id == user)
    ).all()
    assert (
        len(applicant_journal) == len(user_journal) == 5
    )  # proposed, started, paused, resumed, ended
    assert "Oppdrag startet" in applicant_journal[1]


def test_a_second_placement_keeps_the_contact_placed_until_the_last_one_ends(
    session_factory, session, coordinator, make_applicant, do
):
    contact = make_contact(session_factory, make_applicant)
    first, second = make_service_user(session_factory), make_service_user(session_factory)
    p1 = do(
        placements.place_contact,
        coordinator,
        service_user_id=first,
        applicant_id=contact,
        start=True,
    )
    p2 = do(
        placements.place_contact,
        coordinator,
        service_user_id=second,
        applicant_id=contact,
        start=True,
    )
    do(placements.end_placement, coordinator, placement_id=p1, reason="moved")
    session.rollback()
    assert session.get(Applicant, contact).stage == "placed"
    do(
        placements.end_placement,
        coordinator,
        placement_id=p2,
        reason="other",
        reason_text="Flyttet til Hamar",
    )
    session.rollback()
    assert session.get(Applicant, contact).stage == "approved"
    assert stages(session, contact) == [("approved", "placed"), ("placed", "approved")]


def test_a_placement_cannot_start_before_the_police_certificate_is_seen(
    session_factory, session, coordinator, make_applicant, do
):
    contact = make_contact(session_factory, make_applicant, police_certificate=False)
    user = make_service_user(session_factory)
    pid = do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    with pytest.raises(PoliceCertificateMissing):
        do(placements.start_placement, coordinator, placement_id=pid)
    session.rollback()
    assert session.get(Placement, pid).status == "proposed"
    assert session.get(Applicant, contact).stage == "approved"


def test_the_hour_limit_holds_across_a_contacts_active_placements(
    session_factory, session, coordinator, admin, make_applicant, do
):
    do(change_setting, admin, key="max_hours_per_contact", value=20)
    contact = make_contact(session_factory, make_applicant)
    a, b, c = (make_service_user(session_factory, hours_per_month=h) for h in (12, 8, 4))
    do(placements.place_contact, coordinator, service_user_id=a, applicant_id=contact, start=True)
    pb = do(
        placements.place_contact, coordinator, service_user_id=b, applicant_id=contact, start=True
    )
    with pytest.raises(HoursLimitExceeded) as error:
        do(placements.propose_placement, coordinator, service_user_id=c, applicant_id=contact)
    assert error.value.params == {"held": 20, "hours": 4, "limit": 20}
    # Pausing frees the hours; resuming must fit again.
    do(placements.pause_placement, coordinator, placement_id=pb)
    do(placements.place_contact, coordinator, service_user_id=c, applicant_id=contact, start=True)
    with pytest.raises(HoursLimitExceeded):
        do(placements.resume_placement, coordinator, placement_id=pb)
    session.rollback()
    assert session.get(Placement, pb).status == "paused"


def test_only_approved_contacts_can_be_proposed_and_a_pair_only_once(
    session_factory, coordinator, make_applicant, do
):
    newcomer = make_applicant()
    user = make_service_user(session_factory)
    with pytest.raises(ContactNotAvailable):
        do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=newcomer)
    contact = make_contact(session_factory, make_applicant)
    do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    with pytest.raises(AlreadyMatched):
        do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)


def test_steps_out_of_order_are_refused(session_factory, coordinator, make_applicant, do):
    contact = make_contact(session_factory, make_applicant)
    pid = do(
        placements.propose_placement,
        coordinator,
        service_user_id=make_service_user(session_factory),
        applicant_id=contact,
    )
    with pytest.raises(WrongPlacementStatus):
        do(placements.pause_placement, coordinator, placement_id=pid)
    do(placements.end_placement, coordinator, placement_id=pid, reason="not_started")
    with pytest.raises(WrongPlacementStatus):
        do(placements.start_placement, coordinator, placement_id=pid)


def test_withdrawing_a_proposal_changes_no_stage(
    session_factory, session, coordinator, make_applicant, do
):
    contact = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory)
    pid = do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    do(placements.end_placement, coordinator, placement_id=pid, reason="not_started")
    session.rollback()
    assert stages(session, contact) == []
    assert session.get(ServiceUser, user).status == "waiting"


def test_a_manager_cannot_place_anyone(session_factory, session, manager, make_applicant, do):
    contact = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory)
    with pytest.raises(PermissionDenied):
        do(
            placements.place_contact,
            manager,
            service_user_id=user,
            applicant_id=contact,
            start=True,
        )
    assert session.scalar(select(Placement.id)) is None


def test_two_coordinators_starting_placements_at_once_cannot_pass_the_hour_limit(
    session_factory, session, coordinator, admin, make_applicant, do
):
    import threading

    do(change_setting, admin, key="max_hours_per_contact", value=20)
    contact = make_contact(session_factory, make_applicant)
    users = [make_service_user(session_factory, hours_per_month=12) for _ in range(2)]
    proposals = [
        do(placements.propose_placement, coordinator, service_user_id=u, applicant_id=contact)
        for u in users
    ]
    session.rollback()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start(placement_id: int) -> None:
        barrier.wait()
        try:
            with session_factory.begin() as s:
                placements.start_placement(session=s, actor=coordinator, placement_id=placement_id)
            outcomes.append("started")
        except HoursLimitExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=start, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "started"]
    active = session.scalars(select(Placement).where(Placement.status == "active")).all()
    assert len(active) == 1


@pytest.mark.parametrize(
    ("exit_stage", "reason", "end_reason"),
    [("withdrawn", "moved", "contact_stopped"), ("rejected", "references", "other")],
)
def test_leaving_from_placed_ends_the_running_placement_with_the_reason(
    session_factory, session, coordinator, make_applicant, do, exit_stage, reason, end_reason
):
    """Rule 2: withdrawing or rejecting a placed contact frees the service user too."""
    from recruitment.casework.stage_moves import advance_stage

    contact = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory, hours_per_month=10)
    pid = do(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    do(placements.start_placement, coordinator, placement_id=pid)
    do(
        advance_stage,
        coordinator,
        applicant_id=contact,
        to_stage=exit_stage,
        reason_code=reason,
    )
    session.rollback()
    placement = session.get(Placement, pid)
    assert (placement.status, placement.end_reason) == ("ended", end_reason)
    assert placement.end_date is not None and placement.end_reason_text
    assert session.get(ServiceUser, user).status == "waiting"
    assert session.get(Applicant, contact).stage == exit_stage
    assert stages(session, contact)[-1] == ("placed", exit_stage)
    ended = session.scalars(
        select(JournalEntry.subject).where(
            JournalEntry.service_user_id == user, JournalEntry.placement_id == pid
        )
    ).all()
    assert any(subject.startswith("Oppdrag avsluttet") for subject in ended)
