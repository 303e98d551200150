"""Trends: sign-ups, meetings and placements month by month, and the cohort table."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import t
from recruitment.core import vocabulary

actor = access.require("analytics.read")
st.title(t("analytics.nav_trends"), anchor=False)
st.caption(t("analytics.trends_intro"))
ui.refresh_button(actor)
since, until = ui.period()
report = analytics_data.trends_report(analytics_data.report_key(actor), since, until)
if not report["has_data"]:
    ui.no_data()
    st.stop()

titles = {
    key: t(f"analytics.{key}")
    for key in (
        "month",
        "signups",
        "source",
        "mode",
        "meetings",
        "seats",
        "filled",
        "placements",
        "measure",
    )
}
sources = {code: t(f"vocab.source_{code}") for code in vocabulary.SOURCES}

st.subheader(t("analytics.signups_title"), anchor=False)
signups = report["signups"]
if signups.empty:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.monthly_lines(
            signups, value="signups", colour="source", titles=titles, colour_labels=sources
        ),
        width="stretch",
    )
ui.table(signups, name="signups_by_source", columns=titles)

st.subheader(t("analytics.meetings_title"), anchor=False)
meetings = report["meetings"]
if meetings.empty:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.seats_chart(meetings, mode_labels=ui.mode_labels(), titles=titles), width="stretch"
    )
ui.table(meetings, name="meetings_by_mode", columns=titles)

st.subheader(t("analytics.placements_title"), anchor=False)
placements = report["placements"]
if placements.empty:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.monthly_lines(placements, value="placements", colour=None, titles=titles),
        width="stretch",
    )
ui.table(placements, name="placements_per_month", columns=titles)

st.subheader(t("analytics.cohorts_title"), anchor=False)
cohorts = report["cohorts"]
if cohorts.empty:
    st.info(t("analytics.no_rows"))
names = ui.stage_labels() | {"cohort": t("analytics.cohort"), "total": t("analytics.total")}
ui.table(cohorts, name="cohorts", columns=names, expanded=True)
