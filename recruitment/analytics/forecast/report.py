"""The one call behind the Forecast page and `verve forecast --json`: the forecast (with
a scenario's levers, if any, beside the baseline), its assumptions, the backtest and the
needs per segment, as plain JSON-ready values."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from recruitment.analytics.forecast import _estimates as read
from recruitment.analytics.forecast import backtest as past
from recruitment.analytics.forecast import needs
from recruitment.analytics.forecast.model import (
    ANY,
    MODES,
    SERIES,
    STAGES,
    Estimates,
    Forecast,
    Levers,
    Pipeline,
    apply_levers,
    simulate,
)
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.placement import demand

RUNS = 10_000
#: The months of past stays the estimates may come from, and the default.
WINDOW_CHOICES = read.WINDOW_CHOICES
WINDOW_MONTHS = read.WINDOW_MONTHS
MAX_MONTHS = 12
#: Band names in the JSON, in the order of model.QUANTILES.
BANDS = ("p10", "p25", "p50", "p75", "p90")


def _series(forecast: Forecast, name: str) -> list[dict]:
    bands = forecast.bands(name)
    expected = getattr(forecast, f"expected_{name}")
    return [
        {
            "month": month.isoformat()[:7],
            "mean": float(expected[j]),
            **{band: float(bands[i, j]) for i, band in enumerate(BANDS)},
        }
        for j, month in enumerate(forecast.months)
    ]


def _assumptions(estimates: Estimates) -> list[dict]:
    rows = []
    for k, stage in enumerate(STAGES[:-1]):
        for mode in (ANY, *MODES) if k else (ANY,):
            pool = estimates.pools.get((stage, mode))
            if pool is None:
                continue
            rows.append(
                {
                    "stage": stage,
                    "next_stage": STAGES[k + 1],
                    "mode": mode,
                    "conversion": pool.conversion,
                    "median_days": pool.median_days,
                    "stays": int(round(pool.stays)),
                }
            )
    return rows


def _clean(value):
    """JSON-safe: NaN and infinities become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Inputs:
    """What a forecast is made from, read once and shared by the baseline, every
    scenario and the needs (the simulation is cheap; the reads are not): the pipeline,
    the estimates and meeting figures, the demand gap and the contacts' profiles."""

    today: date
    area: str | None
    source: str | None
    window_months: int
    pipeline: Pipeline
    estimates: Estimates
    meetings: read.Meetings
    gap: demand.DemandGap
    profiles: list[tuple[str, frozenset[str]]]


@requires("analytics.read")
def read_inputs(
    *,
    session: Session,
    actor: Actor,
    today: date | None = None,
    area: str | None = None,
    source: str | None = None,
    window_months: int = read.WINDOW_MONTHS,
    office: Inputs | None = None,
) -> Inputs:
    """The reads behind `forecast_report` for `today`, the applicants of `area` and
    `source` (all when None), with the estimates from the `window_months` months before.
    `office`: the unfiltered inputs of the same day and window, read before; the parts
    that are the whole office's even under a filter (the stays, the meetings, the
    contacts' profiles, and the demand gap when no area is chosen) are taken from it, so
    a filter reads only what is its own (the same numbers: a test checks it)."""
    today = today or timefmt.today()
    read.window_days(window_months)  # refuses a window the page does not offer
    session.info.pop("forecast_modes", None)  # read afresh in every report
    if office is not None and (
        office.today != today
        or office.window_months != window_months
        or office.area is not None
        or office.source is not None
    ):
        raise ValueError("office inputs must be unfiltered, of the same day and window")
    if office is None:
        whole = read.read_current_pipeline(session, today)
        estimates, meetings = read.read_estimates(
            session, today, whole, area, source, window_months
        )
        profiles = demand.contact_profiles(
            session=session, actor=actor, since=today - timedelta(days=365), until=today
        )
    else:
        whole, meetings, profiles = office.pipeline, office.meetings, office.profiles
        estimates = replace(
            office.estimates,
            signups_per_month=read.read_signups_per_month(session, today, area, source),
        )
    pipeline = (
        whole
        if area is None and source is None
        else read.read_current_pipeline(session, today, area, source)
    )
    gap = (
        office.gap
        if office is not None and area is None
        else demand.demand_gap(session=session, actor=actor, today=today, area=area)
    )
    return Inputs(
        today=today,
        area=area,
        source=source,
        window_months=window_months,
        pipeline=pipeline,
        estimates=estimates,
        meetings=meetings,
        gap=gap,
        profiles=profiles,
    )


@requires("analytics.read")
def forecast_report(
    *,
    session: Session,
    actor: Actor,
    months: int = 6,
    seed: int = 0,
    runs: int = RUNS,
    levers: Levers | None = None,
    by_month: int | None = None,
    with_backtest: bool = True,
    today: date | None = None,
    area: str | None = None,
    source: str | None = None,
    window_months: int = read.WINDOW_MONTHS,
    inputs: Inputs | None = None,
) -> dict:
    """Everything the Forecast page shows (JSON-ready): `baseline` and, when a lever is
    set, `scenario` forecasts per month; `assumptions`; `today` (the figures the levers
    start from); `backtest` rows and `coverage`; `needs` per segment by month `by_month`
    (default the last); `segments_without_contacts`. With `area`, the pipeline, the
    sign-up rate, the backtest and the needs are that area's; the stays the chances come
    from stay the whole office's. With `source`, the pipeline, the sign-up rate and the
    backtest are of the applicants who came that way. `window_months`: the months of
    stays and meetings the estimates come from. `inputs` (from `read_inputs`, same
    filters) saves the reads."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}")
    if inputs is None:
        inputs = read_inputs(
            session=session,
            actor=actor,
            today=today,
            area=area,
            source=source,
            window_months=window_months,
        )
    today, area, source = inputs.today, inputs.area, inputs.source
    window_months = inputs.window_months
    levers = levers or Levers()
    pipeline, estimates, meetings = inputs.pipeline, inputs.estimates, inputs.meetings
    gap, profiles = inputs.gap, inputs.profiles
    baseline = simulate(estimates, pipeline, months=months, runs=runs, seed=seed)
    chosen, forecast = estimates, baseline
    if levers.changed():
        chosen = apply_levers(
            estimates,
            levers,
            meetings_per_month=meetings.per_month,
            no_show_rate=meetings.no_show_rate,
        )
        forecast = simulate(chosen, pipeline, months=months, runs=runs, seed=seed)
    by_month = months - 1 if by_month is None else min(max(by_month, 0), months - 1)
    attendance = meetings.attendance
    if levers.no_show_rate is not None:
        attendance = 1 - levers.no_show_rate
    segment_needs = needs.segment_needs(
        gap,
        months=forecast.months,
        expected_approvals=list(forecast.expected_approvals),
        by_month=by_month,
        profiles=profiles,
        chance=needs.chances(chosen),
        seats=meetings.seats,
        attendance=attendance,
    )
    report = {
        "as_of": today.isoformat(),
        "area": area,
        "source": source,
        "window_months": window_months,
        "months": [m.isoformat()[:7] for m in baseline.months],
        "runs": runs,
        "seed": seed,
        "open_applicants": int(sum(n for (s, _, _), n in pipeline.groups.items() if s != "placed")),
        "today": {
            "signups_per_month": estimates.signups_per_month,
            "meetings_per_month": meetings.per_month,
            "digital_share": estimates.digital_share,
            "no_show_rate": meetings.no_show_rate,
            "conversion_after_interview": estimates.pool("interviewed", ANY).conversion,
            "seats": meetings.seats,
            "attendance": meetings.attendance,
            # How much the months swung beyond chance last year (a coefficient of
            # variation per series): the bands allow for it (model.month_swing).
            "month_swing": {series: estimates.month_swing.get(series, 0.0) for series in SERIES},
        },
        "levers": levers.changed(),
        "baseline": {
            "approvals": _series(baseline, "approvals"),
            "placements": _series(baseline, "placements"),
        },
        "scenario": (
            {
                "approvals": _series(forecast, "approvals"),
                "placements": _series(forecast, "placements"),
            }
            if levers.changed()
            else None
        ),
        "assumptions": _assumptions(chosen),
        "by": segment_needs["by"].iloc[0].isoformat() if len(segment_needs) else None,
        "needs": [
            {k: _clean(v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
            for row in segment_needs.to_dict("records")
        ],
        "segments_without_contacts": gap.segments_without_contacts.to_dict("records"),
        "waiting": int(len(gap.waiting)),
        "backtest": None,
        "coverage": None,
    }
    if with_backtest:
        report.update(
            backtest_report(
                session=session,
                actor=actor,
                months=months,
                seed=seed,
                runs=runs,
                today=today,
                area=area,
                source=source,
                window_months=window_months,
            )
        )
    return _json_ready(report)


@requires("analytics.read")
def backtest_report(
    *,
    session: Session,
    actor: Actor,
    months: int = 6,
    seed: int = 0,
    runs: int = RUNS,
    today: date | None = None,
    area: str | None = None,
    source: str | None = None,
    window_months: int = read.WINDOW_MONTHS,
) -> dict:
    """The backtest part of the report (JSON-ready): `backtest` rows and `coverage`."""
    frame = past.backtest(
        session=session,
        actor=actor,
        today=today or timefmt.today(),
        months=months,
        runs=runs,
        seed=seed,
        area=area,
        source=source,
        window_months=window_months,
    )
    return _json_ready(
        {
            "backtest": [
                {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
                for row in frame.to_dict("records")
            ],
            "coverage": past.coverage(frame),
        }
    )


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.generic):
        return _clean(value.item())
    return _clean(value)
