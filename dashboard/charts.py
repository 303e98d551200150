"""Altair charts for the analytics pages: aggregated DataFrame in, chart out. Never
queries; labels (already translated) come in as arguments so charts stay language-free."""

from __future__ import annotations

import altair as alt
import pandas as pd

from recruitment.core.timefmt import office_zone

MODE_COLOURS = {"digital": "#1f6feb", "in_person": "#d97706"}

#: A facet's panel title above its panel, left-aligned and never cut: the default
#: (turned 90 degrees beside the panel) overlaps as soon as a label is longer than the
#: panel is high.
PANEL_HEADER = {
    "labelAngle": 0,
    "labelOrient": "top",
    "labelAnchor": "start",
    "labelAlign": "left",
    "labelLimit": 0,
    "labelFontSize": 13,
    "labelFontWeight": "bold",
}

#: A legend under the chart, in columns, with every entry and every label whole: beside
#: a short chart a long legend is cut off.
WHOLE_LEGEND = {"orient": "bottom", "columns": 2, "labelLimit": 0, "symbolLimit": 0}


def in_language(chart: alt.TopLevelMixin, locale: dict) -> alt.TopLevelMixin:
    """`chart` with month and day names and number separators of the user's language
    (`recruitment.core.timefmt.chart_locale`)."""
    return chart.configure(locale=locale)


def _relabel(frame: pd.DataFrame, column: str, labels: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].map(lambda code: labels.get(code, code))
    return frame


def funnel_chart(
    funnel: pd.DataFrame, *, stage_labels: dict[str, str], count_title: str, stage_title: str
) -> alt.Chart:
    """Horizontal bars, one per stage in funnel order, with the count and overall share."""
    data = _relabel(funnel, "stage", stage_labels)
    order = list(data["stage"])
    data["share"] = data["overall_conversion"].fillna(0).map(lambda v: f"{v:.0%}")
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=order, title=stage_title),
        x=alt.X("reached:Q", title=count_title),
    )
    bars = base.mark_bar(color="#2f6f4f").encode(tooltip=["stage", "reached", "share"])
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("share:N"))
    return (bars + text).properties(height=alt.Step(34))


def exits_chart(
    exits: pd.DataFrame,
    *,
    stage_labels: dict[str, str],
    reason_labels: dict[str, str],
    titles: dict[str, str],
) -> alt.Chart:
    """Stacked bars: exits per stage left, coloured by reason."""
    data = _relabel(_relabel(exits, "from_stage", stage_labels), "reason", reason_labels)
    data = _relabel(data, "exit", stage_labels)
    order = [
        stage_labels[code] for code in stage_labels if stage_labels[code] in set(data["from_stage"])
    ]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("from_stage:N", sort=order, title=titles["from_stage"]),
            x=alt.X("sum(exits):Q", title=titles["exits"]),
            color=alt.Color("reason:N", title=titles["reason"], legend=alt.Legend(**WHOLE_LEGEND)),
            tooltip=["from_stage", "exit", "reason", "exits"],
        )
    )


def rates_chart(
    rates: pd.DataFrame,
    *,
    metric_labels: dict[str, str],
    mode_labels: dict[str, str],
    rate_title: str,
) -> alt.Chart:
    """Each rate per mode as a point with its 95% interval as a bar across it."""
    data = _relabel(
        _relabel(rates.dropna(subset=["rate"]), "metric", metric_labels), "mode", mode_labels
    )
    colours = alt.Scale(
        domain=[mode_labels[m] for m in MODE_COLOURS], range=list(MODE_COLOURS.values())
    )
    base = alt.Chart(data).encode(
        y=alt.Y("mode:N", title=None),
        color=alt.Color("mode:N", scale=colours, title=None),
    )
    interval = base.mark_rule(strokeWidth=3).encode(
        x=alt.X(
            "low:Q", title=rate_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
        ),
        x2="high:Q",
    )
    point = base.mark_point(filled=True, size=90).encode(
        x="rate:Q", tooltip=["metric", "mode", "successes", "n", "rate", "low", "high"]
    )
    return (
        (interval + point)
        .properties(height=60)
        .facet(
            row=alt.Row(
                "metric:N",
                title=None,
                sort=list(metric_labels.values()),
                header=alt.Header(**PANEL_HEADER),
            )
        )
    )


def monthly_lines(
    frame: pd.DataFrame,
    *,
    value: str,
    colour: str | None,
    titles: dict[str, str],
    colour_labels: dict[str, str] | None = None,
) -> alt.Chart:
    """A line per `colour` group over months (or one line without a group)."""
    data = _relabel(frame, colour, colour_labels) if colour and colour_labels else frame
    encoding = {
        "x": alt.X("month:O", title=titles["month"]),
        "y": alt.Y(f"{value}:Q", title=titles[value]),
        "tooltip": list(data.columns),
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=titles.get(colour, colour))
    return alt.Chart(data).mark_line(point=True).encode(**encoding)


def seats_chart(
    meetings: pd.DataFrame, *, mode_labels: dict[str, str], titles: dict[str, str]
) -> alt.Chart:
    """Seats offered and filled per month, one panel per mode."""
    data = _relabel(meetings, "mode", mode_labels)
    long = data.melt(
        id_vars=["month", "mode"],
        value_vars=["seats", "filled"],
        var_name="measure",
        value_name="value",
    )
    long["measure"] = long["measure"].map({"seats": titles["seats"], "filled": titles["filled"]})
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=titles["month"]),
            xOffset="measure:N",
            y=alt.Y("value:Q", title=None),
            color=alt.Color("measure:N", title=titles["measure"]),
            tooltip=["month", "mode", "measure", "value"],
        )
        .properties(height=220)
        .facet(row=alt.Row("mode:N", title=None, header=alt.Header(**PANEL_HEADER)))
    )


def time_in_stage_chart(
    table: pd.DataFrame, *, stage_labels: dict[str, str], titles: dict[str, str]
) -> alt.Chart:
    """Median days per stage over months. `placed` is left out: it lasts as long as the
    placement (months or years), not a wait, and on the same axis it flattens every
    waiting stage to zero (the table beside the chart keeps it)."""
    data = _relabel(table[table["stage"] != "placed"], "stage", stage_labels)
    order = [label for label in stage_labels.values() if label in set(data["stage"])]
    base = alt.Chart(data).encode(
        x=alt.X("month:O", title=titles["month"]),
        color=alt.Color("stage:N", sort=order, title=titles["stage"]),
        tooltip=["month", "stage", "stays", "median_days", "p90_days"],
    )
    return base.mark_line(point=True).encode(y=alt.Y("median_days:Q", title=titles["median_days"]))


def scores_chart(
    frame: pd.DataFrame,
    *,
    mode_labels: dict[str, str],
    titles: dict[str, str],
    when: str = "starts_at",
) -> alt.Chart:
    """Average rating over time, a dot per row sized by answers, coloured by mode: per
    meeting (`when="starts_at"`, drawn on the office's wall clock; Vega would otherwise
    show it in the browser's zone) or per week (`when="week"`, a calendar date)."""
    data = _relabel(frame, "mode", mode_labels)
    if when == "starts_at":
        moments = pd.to_datetime(data["starts_at"], utc=True)
        data["starts_at"] = moments.dt.tz_convert(office_zone()).dt.tz_localize(None)
    else:
        data[when] = pd.to_datetime(data[when])
    colours = alt.Scale(
        domain=[mode_labels[m] for m in MODE_COLOURS], range=list(MODE_COLOURS.values())
    )
    shown = (when, "mode", "meetings", "answers", "mean_rating", "got_information")
    return (
        alt.Chart(data)
        .mark_circle()
        .encode(
            x=alt.X(f"{when}:T", title=titles[when], scale=alt.Scale(type="utc")),
            y=alt.Y("mean_rating:Q", title=titles["mean_rating"], scale=alt.Scale(domain=[1, 5])),
            size=alt.Size("answers:Q", title=titles["answers"]),
            color=alt.Color("mode:N", scale=colours, title=None),
            tooltip=[c for c in (*shown, "technical_problems") if c in data.columns],
        )
    )


def side_by_side_bars(
    frame: pd.DataFrame, *, category: str, measures: dict[str, str], titles: dict[str, str]
) -> alt.Chart:
    """For each `category`, one bar per measure side by side; the legend names the
    measures by their labels (`measures`: column -> label), never by column name."""
    long = frame.melt(
        id_vars=[category], value_vars=list(measures), var_name="measure", value_name="value"
    )
    long["measure"] = long["measure"].map(measures)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:N", title=titles[category]),
            xOffset="measure:N",
            y=alt.Y("value:Q", title=titles["value"]),
            color=alt.Color(
                "measure:N",
                sort=list(measures.values()),
                title=None,
                legend=alt.Legend(**WHOLE_LEGEND),
            ),
            tooltip=[category, "measure", "value"],
        )
    )
