"""Every analytics number on a small history built by hand (tests/integration/
analytics_dataset.py), on SQLite and PostgreSQL: the same exact values on both."""

from __future__ import annotations

from datetime import date

import pytest

from recruitment.analytics import comparison, evaluations, funnel, time_in_stage, trends
from recruitment.analytics.funnel import Filters
from recruitment.core.errors import PermissionDenied

from .analytics_dataset import build_known_dataset


@pytest.fixture
def known(session_factory, make_applicant, coordinator):
    return build_known_dataset(session_factory, make_applicant, coordinator_id=coordinator.id)


def reached(session, manager, **filters):
    table = funnel.funnel_counts(
        session=session, actor=manager, filters=Filters(**filters), today=date(2026, 6, 1)
    )
    return table["reached"].tolist()


def test_funnel_counts_everyone_by_the_furthest_stage_they_reached(session, manager, known):
    assert reached(session, manager) == [6, 4, 3, 2, 2, 1, 1]


def test_funnel_conversions_and_wilson_bounds_are_exact(session, manager, known):
    table = funnel.funnel_counts(session=session, actor=manager)
    assert table["step_conversion"].tolist() == pytest.approx(
        [1.0, 4 / 6, 3 / 4, 2 / 3, 1.0, 1 / 2, 1.0]
    )
    assert table["overall_conversion"].tolist() == pytest.approx(
        [1.0, 4 / 6, 3 / 6, 2 / 6, 2 / 6, 1 / 6, 1 / 6]
    )
    # Wilson 95% for 4 of 6 and 1 of 2, worked out by hand from the formula.
    assert table.loc[1, ["step_low", "step_high"]].tolist() == pytest.approx(
        [0.3000, 0.9032], abs=1e-4
    )
    assert table.loc[5, ["step_low", "step_high"]].tolist() == pytest.approx(
        [0.0945, 0.9055], abs=1e-4
    )


def test_funnel_filters_by_meeting_mode_period_source_coordinator_and_age(
    session, manager, known, coordinator
):
    assert reached(session, manager, mode="digital") == [2, 2, 1, 1, 1, 1, 1]
    assert reached(session, manager, mode="in_person") == [2, 2, 2, 1, 1, 0, 0]
    assert reached(session, manager, since=date(2026, 2, 1)) == [2, 0, 0, 0, 0, 0, 0]
    assert reached(session, manager, until=date(2026, 1, 5)) == [2, 2, 2, 2, 2, 1, 1]
    assert reached(session, manager, since=date(2026, 1, 6), until=date(2026, 1, 31)) == [
        2,
        2,
        1,
        0,
        0,
        0,
        0,
    ]
    assert reached(session, manager, source="friend") == [1, 1, 1, 1, 1, 1, 1]
    assert reached(session, manager, coordinator_id=coordinator.id) == [1, 1, 1, 1, 1, 1, 1]
    assert reached(session, manager, age_group="26-39") == [
        1,
        1,
        1,
        1,
        1,
        1,
        1,
    ]  # born 1990, in 2026
    assert reached(session, manager, age_group="55-66") == [5, 3, 2, 1, 1, 0, 0]  # born 1960
    assert reached(session, manager, area="Nowhere") == [0] * 7


def test_funnel_exits_are_counted_per_stage_left_with_the_reason(session, manager, known):
    exits = funnel.funnel_exits(session=session, actor=manager)
    assert [tuple(row) for row in exits.itertuples(index=False)] == [
        ("signed_up", "withdrawn", "moved", 1),
        ("meeting_booked", "withdrawn", "no_time", 1),
        ("interviewed", "rejected", "not_suitable_interview", 1),
    ]
    february = funnel.funnel_exits(
        session=session, actor=manager, filters=Filters(since=date(2026, 2, 1))
    )
    assert [tuple(row) for row in february.itertuples(index=False)] == [
        ("signed_up", "withdrawn", "moved", 1)
    ]
    january = funnel.funnel_exits(
        session=session, actor=manager, filters=Filters(until=date(2026, 1, 31))
    )
    assert january["exits"].sum() == 2
    digital = funnel.funnel_exits(
        session=session, actor=manager, filters=Filters(mode="digital", since=date(2026, 1, 1))
    )
    assert [tuple(row) for row in digital.itertuples(index=False)] == [
        ("meeting_booked", "withdrawn", "no_time", 1)
    ]


def test_verve_funnel_summary_uses_the_same_numbers(session, manager, known):
    summary = funnel.funnel_summary(
        session=session, actor=manager, filters=Filters(mode="in_person")
    )
    assert [s["reached"] for s in summary["stages"]] == [2, 2, 2, 1, 1, 0, 0]
    assert summary["stages"][3]["step_conversion"] == 0.5


def test_time_in_stage_gives_median_and_p90_per_month_the_stay_ended(session, manager, known):
    table = time_in_stage.time_in_stage(session=session, actor=manager)
    cells = {(r.month, r.stage): (r.stays, r.median_days, r.p90_days) for r in table.itertuples()}
    assert cells == {
        ("2026-01", "signed_up"): (4, 1.5, 3.4),  # 1, 1, 2, 4 days
        ("2026-01", "meeting_booked"): (4, 2.0, 2.7),  # 2, 2, 3, 2
        ("2026-01", "meeting_attended"): (2, 2.0, 2.0),
        ("2026-01", "interview_scheduled"): (2, 4.0, 4.0),
        ("2026-01", "interviewed"): (2, 3.5, 5.5),  # 6 and 1
        ("2026-01", "approved"): (1, 10.0, 10.0),
        ("2026-02", "signed_up"): (1, 2.0, 2.0),
    }
    february = time_in_stage.time_in_stage(session=session, actor=manager, since=date(2026, 2, 1))
    assert february["stage"].tolist() == ["signed_up"]


def test_cohort_cells_count_applicants_by_sign_up_month_and_furthest_stage(session, manager, known):
    table = trends.cohort_matrix(trends.cohorts(session=session, actor=manager))
    rows = {row["cohort"]: row for row in table.to_dict("records")}
    assert rows["2026-01"]["placed"] == 1
    assert rows["2026-01"]["interviewed"] == 1
    assert rows["2026-01"]["meeting_attended"] == 1
    assert rows["2026-01"]["meeting_booked"] == 1
    assert rows["2026-01"]["signed_up"] == 0
    assert rows["2026-01"]["total"] == 4
    assert rows["2026-02"]["signed_up"] == 2
    assert rows["2026-02"]["total"] == 2


def test_digital_and_in_person_rates_with_intervals_and_verdicts(session, manager, known):
    rates = comparison.mode_rates(session=session, actor=manager)
    cell = {(r.metric, r.mode): (r.successes, r.n) for r in rates.itertuples()}
    assert cell[("attendance", "digital")] == (1, 2)
    assert cell[("attendance", "in_person")] == (2, 2)
    assert cell[("no_show", "digital")] == (1, 2)
    assert cell[("attended_to_interviewed", "digital")] == (1, 1)
    assert cell[("attended_to_interviewed", "in_person")] == (1, 2)
    assert cell[("attended_to_approved", "in_person")] == (0, 2)
    assert cell[("attended_to_placed", "digital")] == (1, 1)
    assert cell[("got_information", "in_person")] == (1, 2)
    assert cell[("technical_problems", "digital")] == (1, 1)
    low, high = rates.set_index(["metric", "mode"]).loc[("attendance", "digital"), ["low", "high"]]
    assert (low, high) == pytest.approx((0.0945, 0.9055), abs=1e-4)
    verdicts = comparison.mode_verdicts(rates)
    assert set(verdicts["verdict"]) == {"too_few"}  # six people prove nothing


def test_days_from_meeting_to_interview_and_evaluation_scores_per_mode(session, manager, known):
    days = comparison.days_to_interview(session=session, actor=manager)
    assert [tuple(r) for r in days.itertuples(index=False)] == [
        ("digital", 1, 6.0, 6.0),
        ("in_person", 1, 6.0, 6.0),
    ]
    scores = comparison.evaluation_scores_by_mode(session=session, actor=manager)
    assert [tuple(r) for r in scores.itertuples(index=False)] == [
        ("digital", 1, 4.0, 4.0),
        ("in_person", 2, 4.0, 4.0),
    ]


def test_trends_count_sign_ups_meetings_and_placements_per_month(session, manager, known):
    signups = trends.signups_by_source(session=session, actor=manager)
    assert [tuple(r) for r in signups.itertuples(index=False)] == [
        ("2026-01", "friend", 1),
        ("2026-01", "website", 3),
        ("2026-02", "website", 2),
    ]
    meetings = trends.meetings_by_mode(session=session, actor=manager)
    assert [tuple(r) for r in meetings.itertuples(index=False)] == [
        ("2026-01", "digital", 1, 10, 2),
        ("2026-01", "in_person", 2, 20, 2),
    ]
    placements = trends.placements_per_month(session=session, actor=manager)
    assert [tuple(r) for r in placements.itertuples(index=False)] == [("2026-01", 1)]


def test_evaluations_by_meeting_and_comments_keep_the_text_as_written(session, manager, known):
    per_meeting = evaluations.evaluations_by_meeting(session=session, actor=manager)
    assert per_meeting["answers"].tolist() == [1, 1, 1]
    assert per_meeting["mode"].tolist() == ["in_person", "in_person", "digital"]  # newest first
    comments = evaluations.evaluation_comments(session=session, actor=manager)
    assert comments["comment"].tolist() == ["For langt", "<b>Bra</b> møte, men lyden falt ut"]
    assert evaluations.evaluation_comments(session=session, actor=manager, mode="digital")[
        "rating"
    ].tolist() == [4]


def test_stuck_list_shows_applicants_waiting_longer_than_the_threshold(session, manager, known):
    stuck = time_in_stage.stuck_applicants(session=session, actor=manager)
    # Everyone still in a waiting stage has been there since early 2026 (threshold 21 days).
    assert sorted(stuck["stage"]) == ["meeting_attended", "signed_up"]


def test_analytics_on_an_empty_database_gives_empty_tables_not_errors(session, manager):
    assert reached(session, manager) == [0] * 7
    assert funnel.funnel_exits(session=session, actor=manager).empty
    assert time_in_stage.time_in_stage(session=session, actor=manager).empty
    assert trends.cohort_matrix(trends.cohorts(session=session, actor=manager)).empty
    assert comparison.days_to_interview(session=session, actor=manager).empty
    assert set(comparison.mode_rates(session=session, actor=manager)["n"]) == {0}
    assert not funnel.has_data(session=session, actor=manager)


def test_analytics_refuses_someone_without_the_permission(session):
    from recruitment.core.access import Actor

    nobody = Actor(id=None, username="visitor", role="applicant")
    with pytest.raises(PermissionDenied):
        funnel.funnel_counts(session=session, actor=nobody)
    with pytest.raises(PermissionDenied):
        time_in_stage.stuck_applicants(session=session, actor=nobody)


def _many_evaluated_meetings(session_factory, applicant_id: int, count: int) -> None:
    """`count` held digital meetings, one a day from 1 January 2026, each with one answer."""
    from datetime import UTC, datetime, timedelta

    from db.models import Evaluation, InfoMeeting

    with session_factory.begin() as s:
        for n in range(count):
            meeting = InfoMeeting(
                starts_at=datetime(2026, 1, 1, 17, tzinfo=UTC) + timedelta(days=n),
                mode="digital",
                capacity=10,
                status="held",
                join_url="https://meet.example/x",
            )
            s.add(meeting)
            s.flush()
            s.add(
                Evaluation(
                    applicant_id=applicant_id,
                    meeting_id=meeting.id,
                    rating=5,
                    got_information=True,
                    technical_problems=False,
                )
            )


def test_a_period_with_more_meetings_than_a_chart_can_show_comes_by_week_as_well(
    session, session_factory, manager, known
):
    from recruitment.analytics import reports

    few = reports.evaluation_report(session=session, actor=manager)
    assert few["by_week"] is None
    session.rollback()  # on SQLite every transaction holds the write lock
    _many_evaluated_meetings(
        session_factory, known["A1"], evaluations.MEETINGS_ONE_BY_ONE + 1 - len(few["by_meeting"])
    )
    many = reports.evaluation_report(session=session, actor=manager)
    assert len(many["by_meeting"]) == evaluations.MEETINGS_ONE_BY_ONE + 1
    weeks = many["by_week"]
    assert weeks["meetings"].sum() == len(many["by_meeting"])
    assert weeks["answers"].sum() == many["by_meeting"]["answers"].sum()
    assert len(weeks) < len(many["by_meeting"]) / 3
