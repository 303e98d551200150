"""Queries that pages run on every view are answered from an index alone, on both
databases: the statement the service really sends is captured and explained."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from recruitment.accounts.privacy_rights import consent_versions
from recruitment.casework.applicant_list import ApplicantFilters, count_applicants, stage_counts


@contextmanager
def captured(session) -> Iterator[list[tuple[str, object]]]:
    """The statements `session` sends to the database, with their parameters."""
    seen: list[tuple[str, object]] = []
    engine = session.get_bind()

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def plan_of(session, run: Callable[[], object], marker: str) -> str:
    """The plan of the statement containing `marker` that `run` sends."""
    with captured(session) as seen:
        run()
    statement, parameters = next((s, p) for s, p in seen if marker in s)
    cursor = session.connection().connection.driver_connection.cursor()
    if session.get_bind().dialect.name == "sqlite":
        return str(cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall())
    # A test database's few rows are read faster than an index: ask as for 100,000.
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_bitmapscan = off")
    # And price the tables as vacuumed, as a live server's are (autovacuum): the planner
    # prices reading an index alone by the pages the visibility map marks all-visible,
    # which a test database shared by parallel workers with transactions open never gets
    # (it then took a smaller index and read the rows). Undone with the test's transaction.
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        pytest.skip("pricing the tables as vacuumed writes pg_class: a superuser is needed")
    cursor.execute(
        "UPDATE pg_class SET relallvisible = relpages"
        " WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
    )
    cursor.execute(f"EXPLAIN {statement}", parameters)
    return str(cursor.fetchall())


def covered(plan: str, index: str) -> bool:
    return f"COVERING INDEX {index}" in plan or f"Index Only Scan using {index}" in plan


def test_a_case_workers_stuck_applicants_are_counted_from_the_index_alone(
    session, coordinator, make_applicant
):
    make_applicant(coordinator_id=coordinator.id)
    session.execute(text("ANALYZE"))
    filters = ApplicantFilters(coordinator_id=coordinator.id, stuck=True)
    plan = plan_of(
        session,
        lambda: count_applicants(session=session, actor=coordinator, filters=filters),
        "count(*)",
    )
    assert covered(plan, "ix_applicant_coordinator_stage_changed_live"), plan


def test_the_pipelines_stage_counts_are_read_from_the_index_alone(
    session, coordinator, make_applicant
):
    make_applicant()
    session.execute(text("ANALYZE"))
    plan = plan_of(session, lambda: stage_counts(session=session, actor=coordinator), "GROUP BY")
    # Either index holding stage and anonymised_at will do: what counts is that no row
    # is read (counting the ids read all 100,000 on PostgreSQL).
    assert covered(plan, "ix_applicant_"), plan


def test_who_accepted_each_privacy_notice_is_counted_from_the_index_alone(
    session, admin, make_applicant
):
    make_applicant()
    session.execute(text("ANALYZE"))
    plan = plan_of(
        session, lambda: consent_versions(session=session, actor=admin), "consent_version_id"
    )
    assert covered(plan, "ix_applicant_consent_version"), plan


def test_the_waiting_lists_fingerprint_is_read_from_the_index_alone(session, session_factory):
    from recruitment.placement import matching
    from tests.matching_factories import make_service_user

    for n in range(40):  # mostly closed, as in a register of some years
        make_service_user(session_factory, status="waiting" if n % 8 == 0 else "closed")
    session.execute(text("ANALYZE"))
    plan = plan_of(
        session, lambda: matching._waiting_fingerprint(session), "count(service_user.id)"
    )
    assert covered(plan, "ix_service_user_waiting_changed"), plan


def test_the_combined_sittings_list_walks_its_index_without_sorting(
    session, coordinator, make_applicant
):
    from recruitment.casework import combined

    make_applicant(prefers_phone=True)
    session.execute(text("ANALYZE"))
    plan = plan_of(
        session, lambda: combined.candidates(session=session, actor=coordinator), "LIMIT"
    )
    assert "ix_applicant_stage_phone_created" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
