"""The Forecast page's charts (Altair; no queries): the fan chart of a series and the
backtest's actual months against their intervals."""

from __future__ import annotations

import altair as alt
import pandas as pd


def fan_chart(
    frame: pd.DataFrame, *, titles: dict[str, str], scenario: pd.DataFrame | None
) -> alt.Chart:
    """Median line with the 50 % and 80 % intervals as bands, per month; a scenario's
    median as a dashed line beside it. `frame` columns: month, p10, p25, p50, p75, p90."""
    base = alt.Chart(frame).encode(x=alt.X("month:O", title=titles["month"], sort=None))
    tooltip = [alt.Tooltip(c, title=titles.get(c, c)) for c in ("month", "p10", "p50", "p90")]
    layers = [
        base.mark_area(opacity=0.2).encode(
            y=alt.Y("p10:Q", title=titles["value"]), y2="p90:Q", tooltip=tooltip
        ),
        base.mark_area(opacity=0.35).encode(y="p25:Q", y2="p75:Q", tooltip=tooltip),
        base.mark_line(point=True).encode(y="p50:Q", tooltip=tooltip),
    ]
    if scenario is not None:
        layers.append(
            alt.Chart(scenario)
            .mark_line(point=True, strokeDash=[6, 3], color="#d62728")
            .encode(
                x=alt.X("month:O", sort=None),
                y="p50:Q",
                tooltip=[alt.Tooltip("p50", title=titles["scenario"])],
            )
        )
    return alt.layer(*layers)


def backtest_chart(frame: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """Each past month: the 80 % interval as a bar and the actual count as a point,
    filled when it fell inside. `frame` columns: label, low, high, median, actual, inside."""
    # Whole labels ("November 2025 (made 31 Oct 2025)": which forecast a bar is), and a
    # scale that starts near the numbers, so a miss is seen as a gap, not a hair.
    base = alt.Chart(frame).encode(
        x=alt.X("label:O", title=titles["month"], sort=None, axis=alt.Axis(labelLimit=320))
    )
    return alt.layer(
        base.mark_bar(opacity=0.3, size=14).encode(
            y=alt.Y("low:Q", title=titles["value"], scale=alt.Scale(zero=False)), y2="high:Q"
        ),
        base.mark_tick(thickness=2).encode(y="median:Q"),
        base.mark_point(size=70, filled=True).encode(
            y="actual:Q",
            shape=alt.Shape("inside_label:N", title=titles["inside"]),
            tooltip=[
                alt.Tooltip(c, title=titles.get(c, c)) for c in ("label", "actual", "low", "high")
            ],
        ),
    )
