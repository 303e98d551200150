"""How good is the forecast: the same forecast made as of earlier month ends, run against
what then happened. Each month's actual approvals and placements either fall inside the
80 % interval or not; over many months about 80 % should."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from recruitment.analytics.forecast import _estimates as read
from recruitment.analytics.forecast.model import QUANTILES, simulate
from recruitment.core.access import Actor, requires

#: How many months before the current month each backtest is made.
MONTHS_AGO: tuple[int, ...] = (12, 6)
#: Columns of the backtest frame: when it was made, the month, the series, the actual
#: count, the forecast's median and 80 % interval, and whether the actual fell inside.
COLUMNS = ["as_of", "month", "series", "actual", "median", "low", "high", "inside"]


def as_of_dates(today: date, months_ago: tuple[int, ...] = MONTHS_AGO) -> list[date]:
    """The last day of the month `k` months before the current month begins."""
    out = []
    for k in months_ago:
        first = today.replace(day=1)
        for _ in range(k):
            first = (first - timedelta(days=1)).replace(day=1)
        out.append(first - timedelta(days=1))
    return out


@requires("analytics.read")
def backtest(
    *,
    session: Session,
    actor: Actor,
    today: date,
    months: int = 6,
    runs: int = 10_000,
    seed: int = 0,
    area: str | None = None,
    source: str | None = None,
    window_months: int = read.WINDOW_MONTHS,
) -> pd.DataFrame:
    """Forecasts as of 12 and 6 months ago (complete months only) beside what happened
    (for the applicants living in `area` and come through `source`, when given), each
    from the stays of the `window_months` months before it was made."""
    low_q, high_q = QUANTILES.index(0.1), QUANTILES.index(0.9)
    rows = []
    for as_of in as_of_dates(today):
        office = read.read_pipeline(session, as_of)
        estimates, _ = read.read_estimates(session, as_of, office, area, source, window_months)
        pipeline = (
            office
            if area is None and source is None
            else read.read_pipeline(session, as_of, area, source)
        )
        forecast = simulate(estimates, pipeline, months=months, runs=runs, seed=seed)
        shown = [m for m in forecast.months if (m + timedelta(days=31)).replace(day=1) <= today]
        actual = read.read_actuals(session, forecast.months, area, source)
        for series in ("approvals", "placements"):
            bands = forecast.bands(series)
            for j, month in enumerate(forecast.months):
                if month not in shown:
                    continue
                low, high = bands[low_q, j], bands[high_q, j]
                value = actual[series][j]
                rows.append(
                    {
                        "as_of": as_of,
                        "month": month,
                        "series": series,
                        "actual": value,
                        "median": float(np.median(getattr(forecast, series)[:, j])),
                        "low": float(low),
                        "high": float(high),
                        "inside": bool(low <= value <= high),
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def coverage(frame: pd.DataFrame) -> float | None:
    """Share of months whose actual fell inside the 80 % interval (None without months)."""
    return float(frame["inside"].mean()) if len(frame) else None
