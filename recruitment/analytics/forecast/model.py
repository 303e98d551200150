"""The placement forecast's model (pure: numpy, no database).

Each open applicant stands in one funnel stage and has been there `age` days. For every
stage the past year gives a *pool* of finished stays: how many stays ended after d days
by moving one step forward, and how many ended after d days by leaving (withdrawn,
rejected, a booking called off). Someone who has waited `age` days behaves like the past
stays that lasted at least `age` days: they move forward after `d - age` more days, or
leave. Someone who has waited longer than anyone in the pool is taken not to move.

From the pools the model computes, exactly, each applicant's chance to be approved and
placed in each coming month (a chain of convolutions over days), then draws the Monte
Carlo runs from those chances: applicants with the same stage, meeting mode and week of
waiting share one multinomial draw per run; new sign-ups arrive as a Poisson process,
so their approvals per month are Poisson draws. The mean of the runs is therefore the
exact expectation up to Monte Carlo error (a test checks it), and the runs give the
spread: median, 50 % and 80 % intervals per month.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

import numpy as np

#: The funnel's stages in order (names as in `db.models.Stage`); the model is a chain.
STAGES: tuple[str, ...] = (
    "signed_up",
    "meeting_booked",
    "meeting_attended",
    "interview_scheduled",
    "interviewed",
    "approved",
    "placed",
)
APPROVED = STAGES.index("approved")
PLACED = STAGES.index("placed")
#: The stage at which an applicant's meeting mode is known (they booked a meeting).
BOOKED = STAGES.index("meeting_booked")
MODES: tuple[str, ...] = ("digital", "in_person")
ANY = "any"
#: Quantiles drawn in the fan chart: 80 % and 50 % intervals and the median.
QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
DAYS_PER_MONTH = 365.25 / 12


def _padded(values: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size)
    out[: len(values)] = values
    return out


@dataclass(frozen=True)
class Pool:
    """Stays in one stage: `forward[d]` stays moved on after d whole days, `leave[d]`
    left after d days, and `waiting[d]` are still there after d days (they tell how many
    did *not* move that long: without them, the slow would look fast). Counts, possibly
    scaled by a scenario.

    The chances are the discrete-time hazards of moving on and of leaving on day d among
    those still there (the Aalen-Johansen estimate): someone who has waited `age` days
    is like those who waited at least as long."""

    forward: np.ndarray
    leave: np.ndarray
    waiting: np.ndarray = field(default_factory=lambda: np.zeros(1))

    @classmethod
    def of(
        cls,
        forward: dict[int, float],
        leave: dict[int, float],
        waiting: dict[int, float] | None = None,
    ) -> Pool:
        """A pool from {days: count} for moving on, for leaving and for still waiting."""
        waiting = waiting or {}
        size = max([0, *forward, *leave, *waiting]) + 1
        arrays = [np.zeros(size) for _ in range(3)]
        for array, counts in zip(arrays, (forward, leave, waiting), strict=True):
            for d, n in counts.items():
                array[d] += n
        return cls(*arrays)

    @property
    def size(self) -> int:
        return max(len(self.forward), len(self.leave), len(self.waiting))

    @property
    def stays(self) -> float:
        """Finished stays the estimate rests on."""
        return float(self.forward.sum() + self.leave.sum())

    @cached_property
    def _hazards(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Hazards of moving on and of leaving on each day, and the share still there at
        the start of each day (from day 0)."""
        size = self.size
        f, lv, w = (_padded(a, size) for a in (self.forward, self.leave, self.waiting))
        ended = f + lv
        # At risk on day d: ended on day d or later, or still waiting after more than d days.
        at_risk = np.cumsum(ended[::-1])[::-1] + np.concatenate(
            [np.cumsum(w[::-1])[::-1][1:], [0.0]]
        )
        h_f = np.divide(f, at_risk, out=np.zeros(size), where=at_risk > 0)
        h_l = np.divide(lv, at_risk, out=np.zeros(size), where=at_risk > 0)
        still = np.concatenate([[1.0], np.cumprod(1 - h_f - h_l)[:-1]])
        return h_f, h_l, still * (at_risk > 0)

    @property
    def conversion(self) -> float | None:
        """Share of new arrivals who move forward (None without finished stays)."""
        if not self.stays:
            return None
        h_f, _, still = self._hazards
        return float((still * h_f).sum())

    @property
    def median_days(self) -> float | None:
        """Median days before moving forward, among those who do."""
        h_f, _, still = self._hazards
        incidence = still * h_f
        total = incidence.sum()
        if not total:
            return None
        return float(np.searchsorted(np.cumsum(incidence), total / 2))

    def _scaled(self, forward: float, leave: float) -> Pool:
        return Pool(self.forward * forward, self.leave * leave, self.waiting)

    def with_conversion(self, share: float) -> Pool:
        """The same timing, with `share` of new arrivals moving forward."""
        share = min(max(share, 0.0), 1.0)
        current = self.conversion
        if current is None:
            return self
        if current == 0 or current == 1:
            base = self.leave if current == 0 else self.forward
            return Pool(base * share, base * (1 - share), self.waiting)
        # Scale moving on against leaving until the share is met (a few steps suffice;
        # exact at once when nobody is still waiting).
        f, lv = share / current, (1 - share) / (1 - current)
        for _ in range(30):
            got = self._scaled(f, lv).conversion or 0.0
            if abs(got - share) < 1e-9 or got in (0.0, 1.0):
                break
            f *= share / got if got else 1.0
            lv *= (1 - share) / (1 - got) if got < 1 else 1.0
        return self._scaled(f, lv)

    def stretched(self, factor: float) -> Pool:
        """Every stay `factor` times as long (rounded to whole days)."""
        size = self.size
        new = np.rint(np.arange(size) * factor).astype(int)
        length = int(new.max()) + 1 if len(new) else 1
        return Pool(
            *(
                np.bincount(new, weights=_padded(a, size), minlength=length)
                for a in (self.forward, self.leave, self.waiting)
            )
        )

    def moves(self, age: int, horizon: int) -> np.ndarray:
        """P(moving forward exactly t days from now), t = 0..horizon-1, for someone who
        has been in the stage `age` days; zero beyond every stay seen."""
        out = np.zeros(horizon)
        h_f, _, still = self._hazards
        if age >= len(still) or still[age] <= 0:
            return out
        chunk = still[age : age + horizon] / still[age] * h_f[age : age + horizon]
        out[: len(chunk)] = chunk
        return out


@dataclass(frozen=True)
class Estimates:
    """What the forecast rests on: a pool per (stage, mode) for the stages one can move
    on from (mode `ANY` for everyone, used before a meeting is booked and whenever a
    mode's own pool is too thin), the share of bookings that are digital, and new
    sign-ups per month."""

    pools: dict[tuple[str, str], Pool]
    digital_share: float
    signups_per_month: float
    #: How much the months' approvals and placements swung beyond chance in the past year
    #: (a coefficient of variation per series, `month_swing`): holidays and busy seasons
    #: the chain of stays does not see. Empty: none.
    month_swing: dict[str, float] = field(default_factory=dict)

    def pool(self, stage: str, mode: str) -> Pool:
        return self.pools.get((stage, mode)) or self.pools.get((stage, ANY)) or Pool.of({}, {})


@dataclass(frozen=True)
class Pipeline:
    """Open applicants as of `as_of`: how many stand in each (stage, mode, days there)."""

    as_of: date
    groups: dict[tuple[str, str, int], int] = field(default_factory=dict)


def month_starts(as_of: date, months: int) -> list[date]:
    """The first days of the `months` whole calendar months after `as_of`'s month."""
    first = as_of.replace(day=1)
    out = []
    for _ in range(months):
        first = (first + timedelta(days=32)).replace(day=1)
        out.append(first)
    return out


def day_months(as_of: date, months: int) -> tuple[np.ndarray, int]:
    """For each day t = 0.. from `as_of`, the index of its reported month (-1 before the
    first), and the horizon in days (through the last reported month)."""
    starts = month_starts(as_of, months)
    end = (starts[-1] + timedelta(days=32)).replace(day=1)
    horizon = (end - as_of).days
    index = np.full(horizon, -1)
    for j, start in enumerate(starts):
        index[(start - as_of).days :] = j
    return index, horizon


def _kernels(
    estimates: Estimates, stage: int, mode: str, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """P(approved on day t) and P(placed on day t) for someone of `mode` who arrives at
    stage `stage + 1` on day 0. Before booking the mode is not known: it splits at
    booking by the digital share."""
    if stage + 1 <= BOOKED and mode == ANY:
        share = estimates.digital_share
        a_d, p_d = _kernels(estimates, stage, "digital", horizon)
        a_i, p_i = _kernels(estimates, stage, "in_person", horizon)
        return share * a_d + (1 - share) * a_i, share * p_d + (1 - share) * p_i
    arrivals = {stage + 1: np.eye(1, horizon)[0]}
    for k in range(stage + 1, PLACED):
        step = estimates.pool(STAGES[k], mode).moves(0, horizon)
        arrivals[k + 1] = np.convolve(arrivals[k], step)[:horizon]
    zero = np.zeros(horizon)
    return arrivals.get(APPROVED, zero), arrivals.get(PLACED, zero)


def arrival_chances(
    estimates: Estimates, stage: int, mode: str, age: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """P(approved on day t) and P(placed on day t), t = 0..horizon-1, for one applicant
    in `stage` (its index) and `mode` after `age` days there."""
    zero = np.zeros(horizon)
    if stage >= PLACED:
        return zero, zero
    first = estimates.pool(STAGES[stage], mode).moves(age, horizon)
    to_approved, to_placed = _kernels(estimates, stage, mode, horizon)
    return np.convolve(first, to_approved)[:horizon], np.convolve(first, to_placed)[:horizon]


def _bucket(age: int) -> int:
    """Applicants of one stage and mode share a draw by how long they have waited: under
    two weeks, under eight, longer. Their chances are averaged, so the mean stays exact;
    the spread comes out a little wider than if each were drawn alone."""
    return 0 if age < 14 else 1 if age < 56 else 2


@dataclass(frozen=True)
class Forecast:
    """Runs per month: `approvals` and `placements` have shape (runs, months); the exact
    means beside them; `months` are the first days of the reported months."""

    months: list[date]
    approvals: np.ndarray
    placements: np.ndarray
    expected_approvals: np.ndarray
    expected_placements: np.ndarray

    def bands(self, series: str) -> np.ndarray:
        """Quantiles (rows: QUANTILES) per month of `series` ("approvals"/"placements")."""
        return np.quantile(getattr(self, series), QUANTILES, axis=0)


def _to_months(chances: np.ndarray, index: np.ndarray, months: int) -> np.ndarray:
    shown = index >= 0
    return np.bincount(index[shown], weights=chances[shown], minlength=months)[:months]


def _multinomial_runs(
    rng: np.random.Generator, counts: np.ndarray, chances: np.ndarray, runs: int
) -> np.ndarray:
    """Sum over groups of Multinomial(counts[g], chances[g]) per run, months only; drawn
    as a chain of binomials, each vectorised over runs and groups."""
    result = np.zeros((runs, chances.shape[1]), dtype=np.int64)
    # Groups that cannot reach the series in the horizon need no draws.
    reach = chances.sum(axis=1) > 0
    counts, chances = counts[reach], chances[reach]
    if not len(counts):
        return result
    left = np.broadcast_to(counts, (runs, len(counts))).astype(np.int64)
    remaining = np.ones(len(counts))
    for j in range(chances.shape[1]):
        p = np.divide(chances[:, j], remaining, out=np.zeros(len(counts)), where=remaining > 1e-12)
        p = np.clip(p, 0.0, 1.0)
        drawn = rng.binomial(left, p)
        result[:, j] = drawn.sum(axis=1)
        left = left - drawn
        remaining = remaining - chances[:, j]
    return result


#: The two series the forecast draws.
SERIES: tuple[str, ...] = ("approvals", "placements")


def month_swing(counts: list[int] | np.ndarray) -> float:
    """The swing of monthly counts beyond chance: the coefficient of variation left when
    the Poisson part (1 / mean) is taken from the squared one. The variance is read from
    one month to the next (half the mean squared difference, von Neumann's estimate), so
    an office that grew or shrank over the year does not read as swinging. 0 for fewer
    than six months since the first with any count, or no swing to speak of."""
    x = np.asarray(counts, dtype=float)
    started = np.flatnonzero(x > 0)
    if not len(started):
        return 0.0
    x = x[started[0] :]
    if len(x) < 6:
        return 0.0
    mean = x.mean()
    variance = float(np.mean(np.diff(x) ** 2)) / 2
    extra = variance / mean**2 - 1 / mean
    return float(np.sqrt(extra)) if extra > 0 else 0.0


def _swung(counts: np.ndarray, cv: float, shock: np.ndarray) -> np.ndarray:
    """`counts` times a log-normal factor of mean 1 and coefficient of variation `cv`
    (from the standard normal `shock`): the mean is kept, the spread widened."""
    if cv <= 0:
        return counts
    sigma = np.sqrt(np.log1p(cv * cv))
    return np.rint(counts * np.exp(sigma * shock - sigma * sigma / 2)).astype(np.int64)


def simulate(
    estimates: Estimates, pipeline: Pipeline, *, months: int = 6, runs: int = 10_000, seed: int = 0
) -> Forecast:
    """The Monte Carlo forecast of approvals and placements per month (same seed, same
    numbers)."""
    index, horizon = day_months(pipeline.as_of, months)
    grouped: dict[tuple[int, str, int], list[tuple[int, int]]] = {}
    for (stage, mode, age), n in pipeline.groups.items():
        k = STAGES.index(stage)
        if k >= PLACED or n <= 0:
            continue
        mode = mode if (k >= BOOKED and mode in MODES) else ANY
        grouped.setdefault((k, mode, _bucket(age)), []).append((age, n))
    kernels: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
    counts, approve_rows, place_rows = [], [], []
    for (k, mode, _), members in grouped.items():
        total = sum(n for _, n in members)
        pool = estimates.pool(STAGES[k], mode)
        # The chain after the first step is the same for all: average the first steps.
        first = sum(n * pool.moves(age, horizon) for age, n in members) / total
        if (k, mode) not in kernels:
            kernels[(k, mode)] = _kernels(estimates, k, mode, horizon)
        to_approved, to_placed = kernels[(k, mode)]
        counts.append(total)
        approve_rows.append(_to_months(np.convolve(first, to_approved)[:horizon], index, months))
        place_rows.append(_to_months(np.convolve(first, to_placed)[:horizon], index, months))
    counts_arr = np.array(counts, dtype=np.int64)
    approve = np.array(approve_rows).reshape(-1, months)
    place = np.array(place_rows).reshape(-1, months)

    # New sign-ups: a Poisson stream from day 0; thinning keeps each month Poisson.
    rate = estimates.signups_per_month / DAYS_PER_MONTH
    a0, p0 = arrival_chances(estimates, 0, ANY, 0, horizon)
    new_a = _to_months(rate * np.cumsum(a0), index, months)
    new_p = _to_months(rate * np.cumsum(p0), index, months)

    rng = np.random.default_rng(seed)
    approvals = _multinomial_runs(rng, counts_arr, approve, runs) + rng.poisson(
        new_a, size=(runs, months)
    )
    placements = _multinomial_runs(rng, counts_arr, place, runs) + rng.poisson(
        new_p, size=(runs, months)
    )
    swing = {series: estimates.month_swing.get(series, 0.0) for series in SERIES}
    if any(cv > 0 for cv in swing.values()):
        # One shock per run and month, shared by both series (a holiday slows both).
        shock = rng.standard_normal((runs, months))
        approvals = _swung(approvals, swing["approvals"], shock)
        placements = _swung(placements, swing["placements"], shock)
    return Forecast(
        months=month_starts(pipeline.as_of, months),
        approvals=approvals,
        placements=placements,
        expected_approvals=counts_arr @ approve + new_a,
        expected_placements=counts_arr @ place + new_p,
    )


@dataclass(frozen=True)
class Levers:
    """A scenario: each lever left at None keeps today's value."""

    signups_per_month: float | None = None
    #: Info meetings per month, against today's `meetings_per_month`: more meetings,
    #: shorter wait between booking and meeting.
    meetings_per_month: float | None = None
    digital_share: float | None = None
    no_show_rate: float | None = None
    conversion_after_interview: float | None = None

    def changed(self) -> dict[str, float]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def apply_levers(
    estimates: Estimates, levers: Levers, *, meetings_per_month: float, no_show_rate: float
) -> Estimates:
    """The estimates under a scenario (today's meetings per month and no-show rate are
    the baseline the levers are measured against)."""
    pools = dict(estimates.pools)
    if levers.meetings_per_month and meetings_per_month > 0:
        factor = meetings_per_month / levers.meetings_per_month
        for key, pool in pools.items():
            if key[0] == "meeting_booked":
                pools[key] = pool.stretched(factor)
    if levers.no_show_rate is not None and no_show_rate < 1:
        ratio = (1 - levers.no_show_rate) / (1 - no_show_rate)
        for key, pool in pools.items():
            if key[0] == "meeting_booked" and pool.conversion is not None:
                pools[key] = pool.with_conversion(min(1.0, pool.conversion * ratio))
    if levers.conversion_after_interview is not None:
        for key, pool in pools.items():
            if key[0] == "interviewed":
                pools[key] = pool.with_conversion(levers.conversion_after_interview)
    return replace(
        estimates,
        pools=pools,
        digital_share=estimates.digital_share
        if levers.digital_share is None
        else min(max(levers.digital_share, 0.0), 1.0),
        signups_per_month=estimates.signups_per_month
        if levers.signups_per_month is None
        else max(levers.signups_per_month, 0.0),
    )
