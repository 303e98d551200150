"""Widgets shared by the analytics pages: period and filter pickers, the Refresh button,
the "no data yet" notice and the table-with-CSV that accompanies every chart."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.analytics import data as analytics_data
from dashboard.i18n import date_format, format_percent, lang, localised, t
from db.models import Stage
from recruitment.analytics.funnel import Filters
from recruitment.core import vocabulary
from recruitment.core.access import Actor, allowed
from recruitment.core.pipeline import FUNNEL
from recruitment.core.stats import format_p_value
from recruitment.core.timefmt import chart_locale, iso, office_zone

MODES = ("digital", "in_person")


def stage_labels() -> dict[str, str]:
    return {stage.value: t(f"stages.{stage.value}") for stage in FUNNEL}


def all_stage_labels() -> dict[str, str]:
    return {stage.value: t(f"stages.{stage.value}") for stage in Stage}


def mode_labels() -> dict[str, str]:
    return {mode: t(f"analytics.mode_{mode}") for mode in MODES}


def chart(figure, **options) -> None:
    """An Altair chart with the user's month names and number separators."""
    st.altair_chart(charts.in_language(figure, chart_locale(lang())), **options)


def refresh_button(actor: Actor) -> None:
    """Managers (and anyone who reads analytics) can drop the cache and read afresh."""
    if allowed(actor, "analytics.read") and st.button(
        t("analytics.refresh"),
        help=t("analytics.refresh_help"),
        icon=":material/refresh:",
        key="analytics_refresh",
    ):
        analytics_data.clear()


def period(
    *, help_key: str = "analytics.period_help", key: str = "period"
) -> tuple[date | None, date | None]:
    """Two date pickers (last twelve months by default); either may be cleared."""
    first, last = analytics_data.default_period()
    left, right = st.columns(2)
    since = left.date_input(
        t("analytics.since"),
        value=first,
        key=f"{key}_since",
        help=t(help_key),
        format=date_format(),
    )
    until = right.date_input(
        t("analytics.until"), value=last, key=f"{key}_until", format=date_format()
    )
    return since or None, until or None


def choice(where, label_key: str, options: list, format_func, key: str):
    """A select box with "All" first; returns None for All."""
    choice = where.selectbox(
        t(label_key),
        options=[None, *options],
        format_func=lambda v: t("analytics.all") if v is None else format_func(v),
        key=key,
        placeholder=t("common.choose_one"),
    )
    return choice


def funnel_filters(actor: Actor) -> Filters:
    since, until = period()
    options = analytics_data.filter_options(analytics_data.report_key(actor))
    columns = st.columns(5)
    mode = choice(
        columns[0], "analytics.mode", list(MODES), lambda m: t(f"analytics.mode_{m}"), "filter_mode"
    )
    source = choice(
        columns[1], "analytics.source", options["sources"], source_label, "filter_source"
    )
    area = choice(columns[2], "analytics.area", options["areas"], str, "filter_area")
    names = dict(options["coordinators"])
    coordinator = choice(
        columns[3], "analytics.coordinator", list(names), names.get, "filter_coordinator"
    )
    age = choice(
        columns[4], "analytics.age_group", list(vocabulary.APPLICANT_AGE_BANDS), str, "filter_age"
    )
    return Filters(
        since=since,
        until=until,
        mode=mode,
        source=source,
        area=area,
        coordinator_id=coordinator,
        age_group=age,
    )


def mode_choice(key: str = "mode_choice") -> str | None:
    return choice(st, "analytics.mode", list(MODES), lambda m: t(f"analytics.mode_{m}"), key)


def source_label(code: str) -> str:
    return t(f"vocab.source_{code}") if code in vocabulary.SOURCES else code


def no_data() -> None:
    st.info(t("analytics.no_data"), icon=":material/hourglass_empty:")


def code_labels() -> dict[str, object]:
    """How a table writes the codes it holds, by column name: a stage, a meeting mode, a
    source or a measure is shown by its label (the CSV keeps the code)."""
    return {
        "stage": lambda code: t(f"stages.{code}"),
        "from_stage": lambda code: t(f"stages.{code}"),
        "to_stage": lambda code: t(f"stages.{code}"),
        "next_stage": lambda code: t(f"stages.{code}"),
        "mode": lambda code: t(f"analytics.mode_{code}"),
        "source": source_label,
        "exit": lambda code: t(f"stages.{code}"),
        "reason": lambda code: t(f"reasons.{code}"),
        "metric": lambda code: t(f"analytics.metric_{code}"),
    }


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its code columns (see `code_labels`) written as labels."""
    writers = code_labels()
    found = {c: writers[c] for c in frame.columns if c in writers}
    if not found:
        return frame
    return frame.assign(
        **{
            column: [None if v is None or v != v else write(v) for v in frame[column]]
            for column, write in found.items()
        }
    )


def table(
    frame: pd.DataFrame,
    *,
    name: str,
    columns: dict[str, str] | None = None,
    formats: dict | None = None,
    expanded: bool = False,
    key: str | None = None,
) -> None:
    """The numbers behind a chart: a table (user text is shown as plain cell text; dates,
    shares and decimals written in the user's language) and a CSV download of exactly those
    rows, with codes, unrounded values and ISO 8601 times for further use.

    `formats` marks columns as "percent" (a share), "number" (two decimals), "count" (a
    whole number with the language's thousands separator) or "p" (a p-value: "< 0,001"
    rather than "0,000")."""
    columns = columns or {}
    config = {
        column: st.column_config.Column(label=columns.get(column, column))
        for column in frame.columns
    }
    shown, machine = _table_texts(
        frame, lang(), tuple(sorted((formats or {}).items())), str(office_zone())
    )
    with st.expander(t("analytics.show_table"), expanded=expanded):
        st.dataframe(shown, hide_index=True, column_config=config, width="stretch")
    st.download_button(
        t("analytics.download_csv"),
        data=machine,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"csv_{name}",
        icon=":material/download:",
    )


@st.cache_data(ttl=analytics_data.TTL_SECONDS, max_entries=200, show_spinner=False)
def _table_texts(
    frame: pd.DataFrame, language: str, formats: tuple, zone: str
) -> tuple[pd.DataFrame, bytes]:
    """The table as shown (text in `language`, on the office's clock `zone`) and as CSV:
    formatting thousands of cells with Babel took 0.4 s at 100,000 applicants, so each
    report's table is formatted once per language, as the report itself is computed once.
    `language` and `zone` are what the formatting reads besides `frame`, so they are in
    the key."""
    formats = dict(formats)
    kinds = date_columns(frame)
    shown = localised(
        labelled(frame),
        dates=[c for c, kind in kinds.items() if kind == "date"],
        datetimes=[c for c, kind in kinds.items() if kind == "datetime"],
        numbers={
            c: 2 if kind == "number" else 0
            for c, kind in formats.items()
            if kind in ("number", "count")
        },
        percents={c: 0 for c, kind in formats.items() if kind == "percent"},
    )
    for column in [c for c, kind in formats.items() if kind == "p"]:
        shown[column] = [format_p_value(p, language).removeprefix("p = ") for p in frame[column]]
    machine = frame.assign(**{c: [iso(v) for v in frame[c]] for c in kinds})
    return shown, machine.to_csv(index=False).encode("utf-8")


def percent(value) -> str:
    return format_percent(value)


def date_columns(frame: pd.DataFrame) -> dict[str, str]:
    """The columns of `frame` that hold moments ("datetime": stored in UTC, shown on the
    office's clock) or days ("date")."""
    found = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            found[column] = "datetime"
        elif values.dtype == object:
            first = next((v for v in values if v is not None and v == v), None)
            if isinstance(first, datetime):
                found[column] = "datetime"
            elif isinstance(first, date):
                found[column] = "date"
    return found
