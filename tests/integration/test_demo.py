"""The demo data generator on both backends: valid histories, sensible numbers,
determinism, and refusing to touch a database that already holds data."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from db.models import (
    Applicant,
    ApplicantCheck,
    AuditEvent,
    Base,
    CheckKind,
    Evaluation,
    InfoMeeting,
    Interview,
    Placement,
    Registration,
    ServiceUser,
    StaffUser,
    Stage,
    StageEvent,
)
from recruitment.accounts.privacy_rights import consent_versions
from recruitment.core import vocabulary
from recruitment.core.pipeline import EXIT_REASONS, EXITS, is_allowed
from recruitment.demo.service import DatabaseNotEmpty, generate
from recruitment.journey.consent import CURRENT_VERSION

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, tzinfo=UTC)
N = 300


@pytest.fixture
def demo(session_factory):
    """A database filled once with N demo applicants; returns the summary."""
    return generate(session_factory, applicants=N, seed=7, today=TODAY)


def _dump(session) -> dict[str, list[tuple]]:
    tables = [t for t in Base.metadata.sorted_tables if t.name != AuditEvent.__tablename__]
    return {
        t.name: [tuple(row) for row in session.execute(select(t).order_by(*t.primary_key.columns))]
        for t in tables
    }


def test_every_applicant_history_is_a_valid_chain_ending_in_the_current_stage(demo, session):
    events = defaultdict(list)
    for event in session.scalars(
        select(StageEvent).order_by(StageEvent.applicant_id, StageEvent.id)
    ):
        events[event.applicant_id].append(event)
    applicants = session.scalars(select(Applicant)).all()

    assert len(applicants) == N
    for applicant in applicants:
        chain = events[applicant.id]
        assert (chain[0].from_stage, chain[0].to_stage) == (None, Stage.SIGNED_UP.value)
        assert chain[0].at == applicant.created_at
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert is_allowed(before.to_stage, after.to_stage), (
                applicant.id,
                before.to_stage,
                after.to_stage,
            )
            assert after.at > before.at
            if after.to_stage in EXITS:
                assert after.reason_code in EXIT_REASONS[Stage(after.to_stage)]
                assert after.reason_code != "other" or after.reason_text
        assert chain[-1].at < NOW
        assert applicant.stage == chain[-1].to_stage
        assert applicant.stage_changed_at == chain[-1].at
        if applicant.stage in EXITS:
            assert applicant.exit_reason == chain[-1].reason_code
        else:
            assert applicant.exit_reason is None


def test_the_same_seed_gives_the_same_rows_and_another_seed_different_ones(
    session_factory, session
):
    generate(session_factory, applicants=N, seed=3, today=TODAY)
    first = _dump(session)
    session.rollback()
    generate(session_factory, applicants=N, seed=3, today=TODAY, force=True)
    assert _dump(session) == first
    session.rollback()
    generate(session_factory, applicants=N, seed=4, today=TODAY, force=True)
    assert _dump(session)["applicant"] != first["applicant"]


def test_the_summary_counts_what_is_in_the_database(demo, session):
    def count(model):
        return session.scalar(select(func.count()).select_from(model))

    assert demo.applicants == count(Applicant) == N
    assert demo.stage_events == count(StageEvent)
    assert demo.meetings == count(InfoMeeting)
    assert demo.registrations == count(Registration)
    assert demo.placements == count(Placement)
    assert demo.staff == count(StaffUser) == 9


def test_the_funnel_narrows_and_every_stage_and_exit_occurs(demo, session):
    reached = dict(
        session.execute(
            select(
                StageEvent.to_stage, func.count(func.distinct(StageEvent.applicant_id))
            ).group_by(StageEvent.to_stage)
        ).all()
    )
    funnel = [reached.get(stage.value, 0) for stage in Stage if stage not in EXITS]
    assert funnel[0] == N
    assert funnel == sorted(funnel, reverse=True)
    assert all(count > 0 for count in funnel)
    assert reached["withdrawn"] > 0 and reached["rejected"] > 0
    # Roughly: most book a meeting, and somewhere between a tenth and a half end up placed.
    assert 0.7 * N < reached["meeting_booked"] < N
    assert 0.1 * N < reached["placed"] < 0.5 * N


def test_meetings_cover_two_years_and_three_months_ahead_in_both_modes(demo, session):
    meetings = session.scalars(select(InfoMeeting)).all()
    first = min(m.starts_at for m in meetings)
    last = max(m.starts_at for m in meetings)
    assert first < NOW - timedelta(days=700)
    assert NOW + timedelta(days=60) < last < NOW + timedelta(days=95)
    by = Counter((m.mode, m.status) for m in meetings)
    assert by[("digital", "held")] and by[("in_person", "held")]
    assert by[("digital", "planned")] and by[("in_person", "planned")]
    assert all(m.status == "planned" for m in meetings if m.starts_at > NOW)
    assert all(m.status in {"held", "cancelled"} for m in meetings if m.starts_at < NOW)
    for m in meetings:
        assert (m.join_url is not None) == (m.mode == "digital")
        assert (m.address is not None) == (m.mode == "in_person")
        assert m.host_id is not None
    assert any(m.kind == "combined" for m in meetings)


def test_no_meeting_has_more_seats_taken_than_its_capacity(demo, session):
    taken = session.execute(
        select(InfoMeeting.capacity, func.count(Registration.id))
        .join(Registration, Registration.meeting_id == InfoMeeting.id)
        .where(Registration.status.in_(["registered", "attended", "no_show"]))
        .group_by(InfoMeeting.id, InfoMeeting.capacity)
    ).all()
    assert taken and all(count <= capacity for capacity, count in taken)


def test_a_larger_office_has_every_stage_no_shows_waitlists_and_cancellations(
    session_factory, session
):
    generate(session_factory, applicants=1500, seed=1, today=TODAY)
    # Big enough that every stage is somebody's current one.
    assert set(session.scalars(select(Applicant.stage))) == {stage.value for stage in Stage}
    statuses = Counter(session.scalars(select(Registration.status)))
    assert set(statuses) == {"registered", "waitlisted", "cancelled", "attended", "no_show"}
    assert 0.05 < statuses["no_show"] / (statuses["attended"] + statuses["no_show"]) < 0.35
    # Digital meetings keep more of their audience and are rated a little lower.
    by_mode = dict(
        session.execute(
            select(InfoMeeting.mode, func.avg(Evaluation.rating))
            .join(Evaluation, Evaluation.meeting_id == InfoMeeting.id)
            .group_by(InfoMeeting.mode)
        ).all()
    )
    assert by_mode["digital"] < by_mode["in_person"]


def test_the_indexes_and_foreign_keys_dropped_for_the_bulk_load_are_all_back(
    session_factory, engine
):
    generate(session_factory, applicants=400, seed=1, today=TODAY)
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        assert {index.name for index in table.indexes} <= indexes, table.name
        foreign_keys = {
            (fk["constrained_columns"][0], fk["referred_table"])
            for fk in inspector.get_foreign_keys(table.name)
        }
        expected = {
            (fk.column_keys[0], fk.referred_table.name) for fk in table.foreign_key_constraints
        }
        assert foreign_keys == expected, table.name


def test_approved_and_placed_people_have_every_check_and_a_fresh_police_certificate(demo, session):
    checks = defaultdict(dict)
    for check in session.scalars(select(ApplicantCheck)):
        checks[check.applicant_id][check.kind] = check
    everyone = {kind.value for kind in CheckKind}
    approved = session.scalars(
        select(Applicant.id).where(Applicant.stage.in_(["approved", "placed"]))
    ).all()
    assert approved
    for applicant_id in approved:
        assert set(checks[applicant_id]) == everyone
    for by_kind in checks.values():
        police = by_kind.get("police_certificate")
        if police is not None:
            assert police.issued_on <= police.seen_on == police.completed_on
            assert police.seen_by_id is not None
            contract = by_kind.get("contract")
            if contract is not None:
                assert (
                    police.seen_on <= contract.completed_on <= police.issued_on + timedelta(days=90)
                )


def test_placed_people_have_one_active_placement_and_their_service_user_is_placed(demo, session):
    active = session.execute(
        select(Placement.applicant_id, ServiceUser.status)
        .join(ServiceUser, ServiceUser.id == Placement.service_user_id)
        .where(Placement.status == "active")
    ).all()
    placed = set(session.scalars(select(Applicant.id).where(Applicant.stage == "placed")))
    assert placed and {a for a, _ in active} == placed
    assert len(active) == len(placed)
    assert {status for _, status in active} == {"placed"}
    refs = session.scalars(select(ServiceUser.case_ref)).all()
    assert all(ref.startswith("SU-20") for ref in refs) and len(set(refs)) == len(refs)
    assert set(session.scalars(select(ServiceUser.age_group))) <= set(vocabulary.AGE_GROUPS)


def test_interviews_have_outcomes_and_rubric_scores_once_recorded(demo, session):
    interviews = session.scalars(select(Interview)).all()
    recorded = [i for i in interviews if i.outcome is not None]
    assert recorded and {i.outcome for i in recorded} == {"recommend", "on_hold", "not_suitable"}
    for interview in recorded:
        assert 1 <= interview.score_motivation <= 5 and interview.recorded_at < NOW


def test_applicants_have_plausible_unique_contact_details_and_vocabulary_codes(demo, session):
    applicants = session.scalars(select(Applicant)).all()
    assert len({a.email for a in applicants}) == N
    assert len({a.token for a in applicants}) == N
    for a in applicants:
        assert a.phone.startswith("+47") and len(a.phone) == 11
        assert len(a.postcode) == 4 and a.area
        assert set(a.interests) <= set(vocabulary.INTERESTS)
        assert set(a.languages) <= set(vocabulary.LANGUAGES)
        assert a.source in vocabulary.SOURCES
        assert 1940 < a.birth_year < 2010
    assert any(a.callback_requested for a in applicants)


def test_every_applicant_accepted_the_privacy_notice_in_force(demo, session, admin):
    """As a sign-up does: the settings page counts them all under the current notice."""
    versions = consent_versions(session=session, actor=admin)

    assert [(v["version"], v["accepted_by"]) for v in versions] == [(CURRENT_VERSION, N)]
    assert session.scalar(select(func.count()).where(Applicant.consent_version_id.is_(None))) == 0


def test_timestamps_written_in_bulk_compare_correctly_in_sql(demo, session):
    # The bulk path bypasses SQLAlchemy's type handling, so check it stored what the
    # ORM would: comparisons in SQL must agree with comparisons in Python.
    cutoff = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
    in_sql = session.scalar(
        select(func.count()).select_from(Applicant).where(Applicant.created_at < cutoff)
    )
    in_python = sum(1 for at in session.scalars(select(Applicant.created_at)) if at < cutoff)
    assert in_sql == in_python and 0 < in_sql < N
    assert session.scalars(select(Applicant.created_at)).first().tzinfo is not None


def test_a_database_with_data_is_refused_and_left_alone(session_factory, session, make_applicant):
    applicant_id = make_applicant()
    with pytest.raises(DatabaseNotEmpty) as raised:
        generate(session_factory, applicants=10, seed=1, today=TODAY)
    assert raised.value.key == "demo.not_empty"
    assert session.scalars(select(Applicant.id)).all() == [applicant_id]


def test_staff_accounts_alone_do_not_make_a_database_non_empty(session_factory, session, admin):
    # The first-run page creates the administrator and then asks for demo data.
    summary = generate(session_factory, applicants=20, seed=1, today=TODAY)
    assert summary.applicants == 20
    assert session.get(StaffUser, admin.id).username == admin.username


def test_force_replaces_the_data_but_keeps_real_staff_and_the_audit_trail(
    session_factory, session, admin, make_applicant
):
    make_applicant(email="real.person@example.no")
    generate(session_factory, applicants=20, seed=1, today=TODAY, force=True)
    generate(session_factory, applicants=20, seed=1, today=TODAY, force=True)
    emails = session.scalars(select(Applicant.email)).all()
    assert len(emails) == 20 and "real.person@example.no" not in emails
    assert session.get(StaffUser, admin.id) is not None
    assert session.scalar(select(func.count()).select_from(StaffUser)) == 10
    assert session.scalar(select(func.count()).where(AuditEvent.action == "demo_data")) == 2


def test_the_app_can_add_rows_after_the_bulk_load(demo, session, make_applicant, make_meeting):
    # On PostgreSQL the ids were given explicitly; the sequences must have moved on.
    applicant_id = make_applicant()
    meeting_id = make_meeting()
    assert applicant_id == N + 1
    assert meeting_id == demo.meetings + 1
