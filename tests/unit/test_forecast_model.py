"""The forecast's model on a synthetic pipeline whose chances and delays are known, so the
expectation can be written down by hand (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from recruitment.analytics.forecast.model import (
    ANY,
    Estimates,
    Levers,
    Pipeline,
    Pool,
    apply_levers,
    month_swing,
    simulate,
)

AS_OF = date(2026, 1, 31)
MONTHS = [date(2026, m, 1) for m in range(2, 8)]  # February to July
DELAY = 10
STEPS = ["signed_up", "meeting_booked", "meeting_attended", "interview_scheduled", "interviewed"]


def half(delay: int = DELAY) -> Pool:
    """Half move on after `delay` days, half leave then."""
    return Pool.of({delay: 1}, {delay: 1})


def estimates(signups: float = 0.0, digital_share: float = 0.25) -> Estimates:
    pools = {(stage, ANY): half() for stage in STEPS}
    pools[("approved", ANY)] = half()
    # After the interview, digital applicants are approved far more often.
    pools[("interviewed", "digital")] = Pool.of({DELAY: 4}, {DELAY: 1})
    pools[("interviewed", "in_person")] = Pool.of({DELAY: 1}, {DELAY: 4})
    return Estimates(pools=pools, digital_share=digital_share, signups_per_month=signups)


def month_of(days_from_as_of: int) -> int | None:
    day = AS_OF + timedelta(days=days_from_as_of)
    start = date(day.year, day.month, 1)
    return MONTHS.index(start) if start in MONTHS else None


def by_hand(signups_per_day: float) -> tuple[np.ndarray, np.ndarray]:
    """The exact expected approvals and placements per month, from the known chances."""
    approvals, placements = np.zeros(6), np.zeros(6)
    after_interview = 0.25 * 0.8 + 0.75 * 0.2
    # 1,000 just signed up: four steps at one half, then the interview, 10 days each.
    approvals[month_of(5 * DELAY)] += 1000 * 0.5**4 * after_interview
    placements[month_of(6 * DELAY)] += 1000 * 0.5**4 * after_interview * 0.5
    # 400 digital, booked 5 days ago: 5 days to go, then three steps.
    approvals[month_of(5 + 3 * DELAY)] += 400 * 0.5**3 * 0.8
    placements[month_of(5 + 4 * DELAY)] += 400 * 0.5**3 * 0.8 * 0.5
    # 50 approved 3 days ago: placed 7 days from now, half of them.
    placements[month_of(DELAY - 3)] += 50 * 0.5
    # New sign-ups, one a day from day 0 on: each like the 1,000 above, shifted.
    last_day = (date(2026, 8, 1) - AS_OF).days
    for start in range(last_day):
        for delay, chance, series in (
            (5 * DELAY, 0.5**4 * after_interview, approvals),
            (6 * DELAY, 0.5**4 * after_interview * 0.5, placements),
        ):
            month = month_of(start + delay)
            if start + delay < last_day and month is not None:
                series[month] += signups_per_day * chance
    return approvals, placements


PIPELINE = Pipeline(
    as_of=AS_OF,
    groups={
        ("signed_up", ANY, 0): 1000,
        ("meeting_booked", "digital", 5): 400,
        # Waited longer than anyone ever did: not expected to move.
        ("interviewed", "in_person", 25): 100,
        ("approved", "digital", 3): 50,
        ("placed", "digital", 40): 70,
    },
)


def test_the_mean_of_the_runs_is_the_exact_expectation_within_monte_carlo_error():
    per_day = 1.0
    forecast = simulate(
        estimates(signups=per_day * 365.25 / 12), PIPELINE, months=6, runs=10_000, seed=7
    )
    exact_approvals, exact_placements = by_hand(per_day)
    assert forecast.months == MONTHS
    for runs, exact, expected in (
        (forecast.approvals, exact_approvals, forecast.expected_approvals),
        (forecast.placements, exact_placements, forecast.expected_placements),
    ):
        assert runs.shape == (10_000, 6)
        np.testing.assert_allclose(expected, exact, atol=1e-9)
        error = runs.std(axis=0) / np.sqrt(len(runs))
        assert np.all(np.abs(runs.mean(axis=0) - exact) <= 4 * error + 1e-9), (
            runs.mean(axis=0),
            exact,
        )
    # The known numbers themselves, so a wrong hand formula cannot hide a wrong model.
    assert exact_approvals[1] == pytest.approx(1000 / 16 * 0.35 + 400 / 8 * 0.8 + 10 * 0.021875)


def test_the_same_seed_gives_the_same_numbers_and_another_seed_other_numbers():
    first = simulate(estimates(signups=20), PIPELINE, runs=2_000, seed=3)
    again = simulate(estimates(signups=20), PIPELINE, runs=2_000, seed=3)
    other = simulate(estimates(signups=20), PIPELINE, runs=2_000, seed=4)
    np.testing.assert_array_equal(first.approvals, again.approvals)
    np.testing.assert_array_equal(first.placements, again.placements)
    assert not np.array_equal(first.approvals, other.approvals)


def test_a_month_swing_keeps_the_mean_and_widens_the_spread_as_much_as_it_says():
    """Months swing beyond chance (holidays, busy seasons): each run's month is scaled by
    a factor of mean 1 and coefficient of variation `cv`, one shock per run and month
    shared by both series. The mean stays the exact expectation; the spread of a series
    whose chance part is small grows to about mean x cv."""
    from dataclasses import replace

    per_day = 1.0
    plain = estimates(signups=per_day * 365.25 / 12)
    swinging = replace(plain, month_swing={"approvals": 0.2, "placements": 0.1})
    forecast = simulate(swinging, PIPELINE, months=6, runs=20_000, seed=7)
    without = simulate(plain, PIPELINE, months=6, runs=20_000, seed=7)
    exact_approvals, exact_placements = by_hand(per_day)
    for runs, exact, cv, chance in (
        (forecast.approvals, exact_approvals, 0.2, without.approvals),
        (forecast.placements, exact_placements, 0.1, without.placements),
    ):
        error = runs.std(axis=0) / np.sqrt(len(runs))
        assert np.all(np.abs(runs.mean(axis=0) - exact) <= 4 * error + 0.01)
        # Variance of X*F with F independent of X, E[F] = 1: Var X (1 + cv^2) + (E X cv)^2.
        predicted = np.sqrt(chance.var(axis=0) * (1 + cv**2) + (exact * cv) ** 2)
        np.testing.assert_allclose(runs.std(axis=0), predicted, rtol=0.06, atol=0.6)
    # The same shock for both series: a slow month is slow for both.
    busy = exact_approvals > 20
    shared = np.corrcoef(forecast.approvals[:, busy].ravel(), forecast.placements[:, busy].ravel())
    assert shared[0, 1] > 0.2
    # No swing, no change: the same seed draws the same numbers as before.
    still = replace(plain, month_swing={"approvals": 0.0})
    np.testing.assert_array_equal(
        simulate(still, PIPELINE, runs=500, seed=3).approvals,
        simulate(plain, PIPELINE, runs=500, seed=3).approvals,
    )


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([200] * 12, 0.0),  # no swing at all
        ([100 + 10 * i for i in range(12)], 0.0),  # steady growth is not a swing
        # Differences of 100: variance 100^2 / 2 = 5,000 on a mean of 200, less chance.
        ([150, 250] * 6, float(np.sqrt(5_000 / 200**2 - 1 / 200))),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 500, 100, 900], 0.0),  # three months only: too few
        ([0] * 12, 0.0),
    ],
)
def test_the_month_swing_is_read_from_one_month_to_the_next(counts, expected):
    assert month_swing(counts) == pytest.approx(expected)


def test_someone_who_waited_longer_than_any_past_stay_is_not_expected_to_move():
    stale = Pipeline(as_of=AS_OF, groups={("interviewed", "in_person", 25): 100})
    forecast = simulate(estimates(), stale, runs=500, seed=1)
    assert forecast.approvals.sum() == 0
    assert forecast.expected_approvals.sum() == 0


def test_the_bands_are_ordered_and_the_median_sits_inside_them():
    forecast = simulate(estimates(signups=30), PIPELINE, runs=2_000, seed=1)
    bands = forecast.bands("approvals")
    assert bands.shape == (5, 6)
    assert np.all(np.diff(bands, axis=0) >= 0)


def test_a_lever_moves_the_forecast_the_way_it_says():
    base = estimates(signups=30)
    better = apply_levers(
        base, Levers(conversion_after_interview=0.9), meetings_per_month=4, no_show_rate=0.2
    )
    assert better.pool("interviewed", "digital").conversion == pytest.approx(0.9)
    assert better.pool("interviewed", "in_person").conversion == pytest.approx(0.9)
    faster = apply_levers(
        base, Levers(meetings_per_month=8), meetings_per_month=4, no_show_rate=0.2
    )
    assert faster.pool("meeting_booked", ANY).median_days == pytest.approx(DELAY / 2)
    fewer_no_shows = apply_levers(
        base, Levers(no_show_rate=0.1), meetings_per_month=4, no_show_rate=0.2
    )
    assert fewer_no_shows.pool("meeting_booked", ANY).conversion == pytest.approx(0.5 * 0.9 / 0.8)
    plain = simulate(base, PIPELINE, runs=1_000, seed=1).expected_approvals.sum()
    raised = simulate(better, PIPELINE, runs=1_000, seed=1).expected_approvals.sum()
    assert raised > plain
