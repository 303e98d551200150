"""Forecast: approvals and placements per coming month from today's pipeline, with the
assumptions, the backtest, what the waiting list needs, and scenarios."""

import pandas as pd
import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.analytics import forecast_charts
from dashboard.analytics import forecast_data as data
from dashboard.analytics import widgets as ui
from dashboard.analytics.data import actor_key
from dashboard.i18n import (
    format_date,
    format_datetime,
    format_month,
    format_number,
    format_percent,
    format_time,
    t,
)
from recruitment.analytics.forecast import scenarios
from recruitment.analytics.forecast.model import Levers
from recruitment.analytics.forecast.report import WINDOW_CHOICES, WINDOW_MONTHS
from recruitment.core import timefmt

LEVERS = (
    "signups_per_month",
    "meetings_per_month",
    "digital_share",
    "no_show_rate",
    "conversion_after_interview",
)
SHARES = {"digital_share", "no_show_rate", "conversion_after_interview"}

actor = access.require("analytics.read")
key = actor_key(actor)
st.title(t("forecast.title"), anchor=False)
st.caption(t("forecast.intro"))
show_flash()
ui.refresh_button(actor)
if st.session_state.get("analytics_refresh"):
    data.clear()

options = data.options(key)
columns = st.columns(5)
months = columns[0].selectbox(
    t("forecast.months"),
    options=[3, 6, 9, 12],
    index=1,
    key="forecast_months",
    placeholder=t("common.choose_one"),
)
window = columns[1].selectbox(
    t("forecast.window"),
    options=list(WINDOW_CHOICES),
    index=WINDOW_CHOICES.index(WINDOW_MONTHS),
    format_func=lambda m: t("forecast.window_option", months=m),
    key="forecast_window",
    help=t("forecast.window_help"),
    placeholder=t("common.choose_one"),
)
area = ui.choice(columns[2], "analytics.area", options["areas"], str, "forecast_area")
source = ui.choice(
    columns[3], "analytics.source", options["sources"], ui.source_label, "forecast_source"
)
seed = columns[4].number_input(
    t("forecast.seed"),
    min_value=0,
    max_value=2**31 - 1,
    value=0,
    step=1,
    key="forecast_seed",
    help=t("forecast.seed_help"),
)

if area is not None or source is not None:
    st.caption(t("forecast.filters_note"))
day = timefmt.today().isoformat()
scope = {"area": area, "source": source, "window_months": int(window), "day": day}
# The estimates are kept until what they are read from changes; newer ones are worked out
# in the background while the last ones are shown (dashboard/analytics/forecast_data.py).
# The forecast is read under the estimates' version and day (yesterday's, while today's
# are worked out).
view = (int(months), int(seed), area, source, int(window), day)
estimates = data.estimates(actor, key[-1], *view)
scope["day"] = estimates.day
# Today's values first, so the levers start where the office is.
baseline = data.forecast_report(
    actor, estimates.version, int(months), int(seed), Levers(), int(months) - 1, **scope
)
if estimates.refreshing and baseline["open_applicants"] == 0 and not baseline["assumptions"]:
    # The last estimates had nothing to show (an empty office, before the demo data or
    # the first sign-ups): read the new ones now rather than say "no data" again.
    estimates = data.estimates(actor, key[-1], *view, wait=True)
    scope["day"] = estimates.day
    baseline = data.forecast_report(
        actor, estimates.version, int(months), int(seed), Levers(), int(months) - 1, **scope
    )
version = estimates.version
today = baseline["today"]
if baseline["open_applicants"] == 0 and not baseline["assumptions"]:
    ui.no_data()
    st.stop()

# --- scenario: one lever at a time -------------------------------------------------------
st.subheader(t("forecast.scenario_title"), anchor=False)
st.caption(t("forecast.scenario_intro"))
saved = data.saved_scenarios(key)
names = [s["name"] for s in saved]
chosen = st.selectbox(
    t("forecast.saved"),
    options=[None, *names],
    format_func=lambda n: t("forecast.baseline") if n is None else n,
    key="forecast_saved",
    placeholder=t("common.choose_one"),
)
start = next((s["levers"] for s in saved if s["name"] == chosen), {})
lever = st.radio(
    t("forecast.lever"),
    options=[None, *LEVERS],
    format_func=lambda n: t("forecast.no_lever") if n is None else t(f"forecast.lever_{n}"),
    index=1 + LEVERS.index(next(iter(start))) if start else 0,
    key=f"forecast_lever_{chosen}",
    horizontal=True,
)
levers = Levers()
if lever is not None:
    current = today[lever] if today[lever] is not None else 0.0
    value = start.get(lever, current)
    if lever in SHARES:
        picked = st.slider(
            t(f"forecast.lever_{lever}"),
            min_value=0,
            max_value=95 if lever == "no_show_rate" else 100,
            value=min(round(value * 100), 95 if lever == "no_show_rate" else 100),
            format="%d %%",
            key=f"forecast_value_{lever}_{chosen}",
            help=t("forecast.today_value", value=format_percent(current)),
        )
        levers = Levers(**{lever: picked / 100})
    else:
        picked = st.number_input(
            t(f"forecast.lever_{lever}"),
            min_value=0.1 if lever == "meetings_per_month" else 0.0,
            max_value=1000.0 if lever == "meetings_per_month" else 100_000.0,
            value=float(round(max(value, 0.1 if lever == "meetings_per_month" else 0.0), 1)),
            step=1.0,
            key=f"forecast_value_{lever}_{chosen}",
            help=t("forecast.today_value", value=format_number(current, 1)),
        )
        levers = Levers(**{lever: float(picked)})
    with st.form("forecast_save", clear_on_submit=False, border=False):
        name = st.text_input(
            t("forecast.name"), value=chosen or "", max_chars=100, key="forecast_name"
        )
        if st.form_submit_button(t("forecast.save"), icon=":material/save:"):
            run_action(
                lambda session: scenarios.save_scenario(
                    session=session, actor=actor, name=name, levers=levers
                ),
                success=t("forecast.saved_message"),
                field_labels={
                    "name": "forecast.name",
                    **{n: f"forecast.lever_{n}" for n in LEVERS},
                },
                clear_caches=False,
            )

by_month = st.selectbox(
    t("forecast.by_month"),
    options=list(range(int(months))),
    index=int(months) - 1,
    format_func=lambda j: format_month(baseline["months"][j]),
    key="forecast_by_month",
    placeholder=t("common.choose_one"),
)
report = baseline
if levers.changed() or by_month != int(months) - 1:
    report = data.forecast_report(
        actor, version, int(months), int(seed), levers, int(by_month), **scope
    )
shown = report["scenario"] or report["baseline"]

# --- the forecast -------------------------------------------------------------------------
titles = {
    "month": t("forecast.month"),
    "mean": t("forecast.mean"),
    "p10": t("forecast.p10"),
    "p25": t("forecast.p25"),
    "p50": t("forecast.p50"),
    "p75": t("forecast.p75"),
    "p90": t("forecast.p90"),
    "scenario": t("forecast.scenario_median"),
}
total_a = sum(m["mean"] for m in shown["approvals"])
total_p = sum(m["mean"] for m in shown["placements"])
c1, c2, c3 = st.columns(3)
c1.metric(t("forecast.open_applicants"), format_number(report["open_applicants"]))
c2.metric(t("forecast.expected_approvals"), format_number(total_a, 0))
c3.metric(t("forecast.expected_placements"), format_number(total_p, 0))
st.caption(
    t(
        "forecast.runs_note",
        runs=format_number(report["runs"]),
        seed=report["seed"],
        as_of=format_date(pd.Timestamp(report["as_of"]).date()),
    )
    + " "
    + t(
        "forecast.read_at_refreshing" if estimates.refreshing else "forecast.read_at",
        # The clock time today; the day too when they are older.
        time=format_time(estimates.read_at)
        if timefmt.office_day(estimates.read_at) == timefmt.today()
        else format_datetime(estimates.read_at),
    )
)
for series in ("approvals", "placements"):
    st.subheader(t(f"forecast.{series}_title"), anchor=False)
    frame = pd.DataFrame(report["baseline"][series])
    other = pd.DataFrame(report["scenario"][series]) if report["scenario"] else None
    # Months in words in the user's language; the chart keeps their order (sort=None).
    frame["month"] = frame["month"].map(format_month)
    if other is not None:
        other["month"] = other["month"].map(format_month)
    ui.chart(
        forecast_charts.fan_chart(
            frame, titles={**titles, "value": t(f"forecast.{series}")}, scenario=other
        ),
        width="stretch",
    )
    table = (
        frame
        if other is None
        else frame.merge(
            other[["month", "mean", "p50"]].rename(
                columns={"mean": "scenario_mean", "p50": "scenario_p50"}
            ),
            on="month",
        )
    )
    ui.table(
        table,
        name=f"forecast_{series}",
        columns={
            **titles,
            "scenario_mean": t("forecast.scenario_mean"),
            "scenario_p50": t("forecast.scenario_median"),
        },
        formats={"mean": "number", "scenario_mean": "number"},
    )

# --- assumptions ---------------------------------------------------------------------------
st.subheader(t("forecast.assumptions_title"), anchor=False)
st.caption(
    t(
        "forecast.assumptions_intro",
        signups=format_number(report["today"]["signups_per_month"], 1),
        digital=format_percent(report["today"]["digital_share"]),
    )
)
# The months' swing beyond chance, named only for a series that swung (a whole percent).
swung = {
    series: share for series, share in report["today"]["month_swing"].items() if share >= 0.005
}
if len(swung) == 2:
    st.caption(
        t(
            "forecast.month_swing",
            approvals=format_percent(swung["approvals"]),
            placements=format_percent(swung["placements"]),
        )
    )
elif swung:
    ((series, share),) = swung.items()
    st.caption(t(f"forecast.month_swing_{series}", share=format_percent(share)))
# Codes in the frame: the table writes stages and modes as labels (the CSV keeps codes).
assumptions = pd.DataFrame(report["assumptions"])
ui.table(
    assumptions,
    name="forecast_assumptions",
    columns={
        "stage": t("forecast.stage"),
        "next_stage": t("forecast.next_stage"),
        "mode": t("analytics.mode"),
        "conversion": t("forecast.conversion"),
        "median_days": t("forecast.median_days"),
        "stays": t("forecast.stays"),
    },
    # Median days are whole days; both counts get the language's thousands separator.
    formats={"conversion": "percent", "median_days": "count", "stays": "count"},
    expanded=True,
)

# --- how good is it -----------------------------------------------------------------------
st.subheader(t("forecast.backtest_title"), anchor=False)
# Two more forecasts with their reads: made only when asked for, then cached.
asked = st.toggle(
    t("forecast.backtest_show"), key="forecast_backtest", help=t("forecast.backtest_show_help")
)
past = data.backtest_report(actor, version, int(months), int(seed), **scope) if asked else None
backtest = pd.DataFrame((past or {}).get("backtest") or [])
coverage = (past or {}).get("coverage")
if past is None:
    pass
elif backtest.empty or coverage is None:
    st.info(t("forecast.backtest_none"))
else:
    message = t(
        "forecast.coverage",
        share=format_percent(coverage),
        months=len(backtest),
    )
    if 0.65 <= coverage <= 0.92:
        st.success(message + " " + t("forecast.coverage_good"))
    elif coverage < 0.65:
        st.warning(message + " " + t("forecast.coverage_low"))
    else:
        st.warning(message + " " + t("forecast.coverage_high"))
    series_names = {s: t(f"forecast.{s}") for s in ("approvals", "placements")}
    inside = {True: t("forecast.inside_yes"), False: t("forecast.inside_no")}
    for series in ("approvals", "placements"):
        part = backtest[backtest["series"] == series].copy()
        part["label"] = [
            f"{format_month(m)} ({t('forecast.made', as_of=format_date(pd.Timestamp(a).date()))})"
            for m, a in zip(part["month"], part["as_of"], strict=True)
        ]
        part["inside_label"] = part["inside"].map(inside)
        st.markdown(f"**{series_names[series]}**")
        ui.chart(
            forecast_charts.backtest_chart(
                part,
                titles={
                    "month": t("forecast.month"),
                    "value": series_names[series],
                    "inside": t("forecast.inside"),
                    "actual": t("forecast.actual"),
                    "low": t("forecast.p10"),
                    "high": t("forecast.p90"),
                    "label": t("forecast.month"),
                },
            ),
            width="stretch",
        )
    ui.table(
        backtest.assign(
            series=backtest["series"].map(series_names),
            month=backtest["month"].map(format_month),
            as_of=pd.to_datetime(backtest["as_of"]).dt.date,
        ),
        name="forecast_backtest",
        columns={
            "as_of": t("forecast.as_of"),
            "month": t("forecast.month"),
            "series": t("forecast.series"),
            "actual": t("forecast.actual"),
            "median": t("forecast.p50"),
            "low": t("forecast.p10"),
            "high": t("forecast.p90"),
            "inside": t("forecast.inside"),
        },
    )

# --- what the waiting list needs ------------------------------------------------------------
st.subheader(t("forecast.needs_title"), anchor=False)
st.caption(t("forecast.needs_intro"))
needs = pd.DataFrame(report["needs"])
if needs.empty:
    st.success(t("forecast.needs_none", waiting=format_number(report["waiting"])))
else:
    groups = {c: t(f"vocab.target_group_{c}") for c in needs["target_group"]}
    for row in needs.head(10).to_dict("records"):
        area = row["area"] or t("supply_demand.no_area")
        segment = t("forecast.segment", area=area, group=groups[row["target_group"]])
        by = format_date(pd.Timestamp(row["by"]).date())
        if row["signups_needed"] is None:
            st.markdown(t("forecast.need_unknown", segment=segment, gap=row["gap"]))
            continue
        st.markdown(
            t(
                "forecast.need_sentence",
                segment=segment,
                by=by,
                signups=format_number(row["signups_needed"]),
                meetings=format_number(row["meetings_needed"] or 0),
                seats=row["seats"],
            )
        )
        st.caption(
            t(
                "forecast.need_arithmetic",
                gap=row["gap"],
                approvals=format_number(row["approvals_expected"], 1),
                share=format_percent(row["share_suiting"], 1),
                expected=format_number(row["expected_suitable"], 1),
                still=format_number(row["still_needed"], 1),
                approval=format_percent(row["signup_to_approval"], 1),
                signups=format_number(row["signups_needed"]),
                meeting=format_percent(row["signup_to_meeting"], 1),
                seats=row["seats"],
                attendance=format_percent(row["attendance"]),
                meetings=format_number(row["meetings_needed"] or 0),
                sign_up_by=format_date(pd.Timestamp(row["sign_up_by"]).date()),
            )
        )
    ui.table(
        needs.assign(
            target_group=needs["target_group"].map(groups),
            by=pd.to_datetime(needs["by"]).dt.date,
            sign_up_by=pd.to_datetime(needs["sign_up_by"]).dt.date,
        ),
        name="forecast_needs",
        columns={
            "area": t("supply_demand.area"),
            "target_group": t("supply_demand.target_group"),
            "waiting": t("supply_demand.waiting"),
            "gap": t("supply_demand.gap"),
            "by": t("forecast.by"),
            "approvals_expected": t("forecast.approvals_expected"),
            "share_suiting": t("forecast.share_suiting"),
            "expected_suitable": t("forecast.expected_suitable"),
            "still_needed": t("forecast.still_needed"),
            "signup_to_approval": t("forecast.signup_to_approval"),
            "signups_needed": t("forecast.signups_needed"),
            "signup_to_meeting": t("forecast.signup_to_meeting"),
            "seats": t("forecast.seats"),
            "attendance": t("forecast.attendance"),
            "meetings_needed": t("forecast.meetings_needed"),
            "sign_up_by": t("forecast.sign_up_by"),
        },
        formats={
            "approvals_expected": "number",
            "expected_suitable": "number",
            "still_needed": "number",
            "share_suiting": "percent",
            "signup_to_approval": "percent",
            "signup_to_meeting": "percent",
            "attendance": "percent",
        },
    )
if report["segments_without_contacts"]:
    st.warning(t("forecast.segments_without", count=len(report["segments_without_contacts"])))

# Last: newer estimates, if due, are worked out once this page is drawn (not while).
estimates.start_refresh()
