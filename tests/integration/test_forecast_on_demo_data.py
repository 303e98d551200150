"""The forecast on `verve demo` data: the backtest's 80 % intervals hold about 80 % of
the months that then happened, and `forecast_report` gives the same numbers for the
same seed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Applicant
from recruitment.analytics.forecast import backtest
from recruitment.analytics.forecast.report import forecast_report
from recruitment.core.access import Actor
from recruitment.core.errors import PermissionDenied
from recruitment.demo import service as demo

TODAY = date(2026, 11, 29)


@pytest.fixture
def demo_data(session_factory):
    demo.generate(session_factory, applicants=2000, seed=1, today=TODAY)


@pytest.fixture
def small_demo(session_factory):
    demo.generate(session_factory, applicants=300, seed=2, today=TODAY)


def test_the_backtest_interval_holds_between_60_and_95_percent_of_the_months(
    demo_data, session, manager
):
    frame = backtest.backtest(
        session=session, actor=manager, today=TODAY, months=6, runs=10_000, seed=1
    )
    # 12 and 6 months ago, six complete months each, approvals and placements.
    assert len(frame) == 24
    assert set(frame["as_of"]) == {date(2025, 10, 31), date(2026, 4, 30)}
    coverage = backtest.coverage(frame)
    print(f"backtest coverage of the 80 % interval: {coverage:.0%}")
    assert 0.60 <= coverage <= 0.95


def test_the_report_is_the_same_for_the_same_seed_and_a_lever_moves_it(demo_data, session, manager):
    first = forecast_report(
        session=session, actor=manager, today=TODAY, seed=5, runs=2_000, with_backtest=False
    )
    again = forecast_report(
        session=session, actor=manager, today=TODAY, seed=5, runs=2_000, with_backtest=False
    )
    assert first == again
    assert first["months"][0] == "2026-12" and len(first["months"]) == 6
    assert first["open_applicants"] > 0
    assert sum(m["mean"] for m in first["baseline"]["approvals"]) > 0
    from recruitment.analytics.forecast.model import Levers

    more = forecast_report(
        session=session,
        actor=manager,
        today=TODAY,
        seed=5,
        runs=2_000,
        with_backtest=False,
        levers=Levers(signups_per_month=first["today"]["signups_per_month"] * 2),
    )
    base = sum(m["mean"] for m in more["baseline"]["approvals"])
    scenario = sum(m["mean"] for m in more["scenario"]["approvals"])
    assert scenario > base


def test_only_staff_may_read_the_forecast(session):
    with pytest.raises(PermissionDenied):
        forecast_report(session=session, actor=Actor(None, "", "applicant"), runs=100)


def test_an_area_forecasts_its_own_applicants_with_the_office_s_chances(
    small_demo, session, manager
):
    office = forecast_report(
        session=session, actor=manager, today=TODAY, seed=5, runs=500, with_backtest=False
    )
    areas = sorted(
        {a for (a,) in session.execute(select(Applicant.area).where(Applicant.area.is_not(None)))}
    )
    parts = [
        forecast_report(
            session=session,
            actor=manager,
            today=TODAY,
            seed=5,
            runs=500,
            with_backtest=False,
            area=area,
        )
        for area in areas
    ]
    assert all(p["area"] == a for p, a in zip(parts, areas, strict=True))
    assert all(p["open_applicants"] < office["open_applicants"] for p in parts)
    # The chances are the office's, so the areas' expected numbers add up to at most the
    # office's (applicants without an area belong to none).
    for series in ("approvals", "placements"):
        total = sum(sum(m["mean"] for m in p["baseline"][series]) for p in parts)
        whole = sum(m["mean"] for m in office["baseline"][series])
        assert 0 < total <= whole + 1e-6
    assert sum(p["open_applicants"] for p in parts) <= office["open_applicants"]


def test_a_source_forecasts_its_own_applicants_and_the_sources_add_up_to_the_office(
    small_demo, session, manager
):
    office = forecast_report(
        session=session, actor=manager, today=TODAY, seed=5, runs=500, with_backtest=False
    )
    sources = sorted({s for (s,) in session.execute(select(Applicant.source).distinct())})
    assert len(sources) > 1
    parts = [
        forecast_report(
            session=session,
            actor=manager,
            today=TODAY,
            seed=5,
            runs=500,
            with_backtest=False,
            source=source,
        )
        for source in sources
    ]
    assert [p["source"] for p in parts] == sources
    assert all(0 < p["open_applicants"] < office["open_applicants"] for p in parts)
    assert sum(p["open_applicants"] for p in parts) == office["open_applicants"]
    # Every applicant has one source and the chances are the office's: the expected
    # numbers (exact, not drawn) and the sign-up rates add up to the office's.
    assert all(p["assumptions"] == office["assumptions"] for p in parts)
    for series in ("approvals", "placements"):
        total = sum(sum(m["mean"] for m in p["baseline"][series]) for p in parts)
        assert total == pytest.approx(sum(m["mean"] for m in office["baseline"][series]))
    rates = sum(p["today"]["signups_per_month"] for p in parts)
    assert rates == pytest.approx(office["today"]["signups_per_month"])


def test_the_estimates_window_sets_how_many_stays_the_chances_rest_on(small_demo, session, manager):
    def stays(window: int) -> dict:
        report = forecast_report(
            session=session,
            actor=manager,
            today=TODAY,
            runs=200,
            with_backtest=False,
            window_months=window,
        )
        assert report["window_months"] == window
        return {(a["stage"], a["mode"]): a["stays"] for a in report["assumptions"]}

    short, year, long = stays(6), stays(12), stays(24)
    anys = [key for key in year if key[1] == "any"]
    assert all(short[k] <= year[k] <= long[k] for k in anys)
    assert sum(short[k] for k in anys) < sum(year[k] for k in anys) < sum(long[k] for k in anys)
    with pytest.raises(ValueError):
        forecast_report(session=session, actor=manager, today=TODAY, runs=200, window_months=7)


def test_the_backtest_of_one_source_counts_only_its_applicants(small_demo, session, manager):
    frames = {
        source: backtest.backtest(
            session=session, actor=manager, today=TODAY, runs=300, seed=1, source=source
        )
        for source in (None, "website")
    }
    office, website = frames[None], frames["website"]
    assert len(website) == len(office) > 0
    assert (website["actual"].to_numpy() <= office["actual"].to_numpy()).all()
    assert website["actual"].sum() < office["actual"].sum()


def test_a_filter_that_takes_the_office_part_from_the_unfiltered_reads_gives_the_same_report(
    small_demo, session, manager
):
    """The page reads a filter's own part only and takes the office's part (stays,
    meetings, contacts) from the unfiltered reads: the report is the same as read whole."""
    from recruitment.analytics.forecast.report import read_inputs

    office = read_inputs(session=session, actor=manager, today=TODAY)
    area = session.scalar(select(Applicant.area).where(Applicant.area.is_not(None)).limit(1))
    for filters in ({"area": area}, {"source": "website"}, {"area": area, "source": "website"}):
        whole = forecast_report(
            session=session,
            actor=manager,
            today=TODAY,
            seed=3,
            runs=500,
            with_backtest=False,
            **filters,
        )
        shared = read_inputs(session=session, actor=manager, today=TODAY, office=office, **filters)
        assert shared.pipeline != office.pipeline
        again = forecast_report(
            session=session, actor=manager, seed=3, runs=500, with_backtest=False, inputs=shared
        )
        assert again == whole, filters
    with pytest.raises(ValueError):
        read_inputs(session=session, actor=manager, today=TODAY, window_months=6, office=office)
