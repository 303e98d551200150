"""Digital vs in person: the two meeting modes side by side, with honest uncertainty."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import lang, t
from recruitment.core.stats import format_p_value

actor = access.require("analytics.read")
st.title(t("analytics.nav_digital_vs_in_person"), anchor=False)
st.caption(t("analytics.dvp_intro"))
ui.refresh_button(actor)
since, until = ui.period(help_key="analytics.meeting_period_help")
report = analytics_data.mode_report(analytics_data.report_key(actor), since, until)
if not report["has_data"]:
    ui.no_data()
    st.stop()

rates, verdicts = report["rates"], report["verdicts"]
metrics = {code: t(f"analytics.metric_{code}") for code in rates["metric"].unique()}
for row in verdicts.itertuples():
    text = t(
        f"analytics.verdict_{row.verdict}",
        metric=metrics[row.metric],
        digital=ui.percent(row.digital),
        in_person=ui.percent(row.in_person),
        p=format_p_value(row.p_adjusted, lang()),
    )
    (st.success if row.verdict == "clear" else st.write)(text)
st.caption(t("analytics.dvp_multiple_tests", count=len(verdicts)))

if rates["n"].sum() == 0:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.rates_chart(
            rates,
            metric_labels=metrics,
            mode_labels=ui.mode_labels(),
            rate_title=t("analytics.rate"),
        ),
        width="stretch",
    )
ui.table(
    rates,
    name="digital_vs_in_person_rates",
    columns={c: t(f"analytics.{c}") for c in rates.columns},
    formats={"rate": "percent", "low": "percent", "high": "percent"},
)
verdict_table = verdicts.assign(
    verdict=verdicts["verdict"].map(lambda v: t(f"analytics.verdict_word_{v}")),
)
ui.table(
    verdict_table,
    name="digital_vs_in_person_verdicts",
    columns={
        c: t(f"analytics.{c}") for c in ("metric", "difference", "p_value", "p_adjusted", "verdict")
    }
    | {"digital": t("analytics.mode_digital"), "in_person": t("analytics.mode_in_person")},
    formats={
        "digital": "percent",
        "in_person": "percent",
        "difference": "percent",
        "p_value": "p",
        "p_adjusted": "p",
    },
)

left, right = st.columns(2)
with left:
    st.subheader(t("analytics.days_to_interview_title"), anchor=False)
    days = report["days_to_interview"]
    if days.empty:
        st.info(t("analytics.no_rows"))
    names = {"mode": t("analytics.mode"), "n": t("analytics.people")}
    names |= {c: t(f"analytics.{c}") for c in ("median_days", "p90_days")}
    ui.table(
        days,
        name="days_to_interview",
        columns=names,
        formats={"median_days": "number", "p90_days": "number"},
        expanded=True,
    )
with right:
    st.subheader(t("analytics.scores_title"), anchor=False)
    scores = report["scores"]
    if scores.empty:
        st.info(t("analytics.no_rows"))
    ui.table(
        scores,
        name="evaluation_scores_by_mode",
        columns={c: t(f"analytics.{c}") for c in scores.columns},
        formats={"mean_rating": "number", "median_rating": "number"},
        expanded=True,
    )
