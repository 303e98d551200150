"""Meeting evaluations: what attendees answered, by meeting and by mode, with comments."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import t

actor = access.require("analytics.read")
st.title(t("analytics.nav_evaluations"), anchor=False)
st.caption(t("analytics.evaluations_intro"))
ui.refresh_button(actor)
since, until = ui.period(help_key="analytics.meeting_period_help")
mode = ui.mode_choice()
report = analytics_data.evaluation_report(analytics_data.report_key(actor), since, until, mode)
if not report["has_data"]:
    ui.no_data()
    st.stop()

keys = (
    "meeting_id",
    "starts_at",
    "week",
    "mode",
    "meetings",
    "answers",
    "mean_rating",
    "median_rating",
    "got_information",
    "technical_problems",
    "comments",
    "rating",
    "comment",
)
titles = {key: t(f"analytics.{key}") for key in keys if key != "meeting_id"} | {
    "meeting_id": t("analytics.meeting")
}
shares = {"got_information": "percent", "technical_problems": "percent", "mean_rating": "number"}

by_meeting, by_week = report["by_meeting"], report["by_week"]
if by_week is None:
    st.subheader(t("analytics.by_meeting_title"), anchor=False)
    if by_meeting.empty:
        st.info(t("analytics.no_rows"))
    else:
        ui.chart(
            charts.scores_chart(by_meeting, mode_labels=ui.mode_labels(), titles=titles),
            width="stretch",
        )
    ui.table(by_meeting, name="evaluations_by_meeting", columns=titles, formats=shares)
else:
    # A large office's year is thousands of meetings: one dot each is a blur, so a week each.
    st.subheader(t("analytics.by_week_title"), anchor=False)
    st.caption(t("analytics.by_week_note", count=len(by_meeting)))
    ui.chart(
        charts.scores_chart(by_week, mode_labels=ui.mode_labels(), titles=titles, when="week"),
        width="stretch",
    )
    ui.table(by_week, name="evaluations_by_week", columns=titles, formats=shares)

st.subheader(t("analytics.by_mode_title"), anchor=False)
ui.table(
    report["by_mode"],
    name="evaluations_by_mode",
    columns=titles,
    formats={"mean_rating": "number", "median_rating": "number"},
    expanded=True,
)

st.subheader(t("analytics.comments_title"), anchor=False)
comments = report["comments"]
if comments.empty:
    st.info(t("analytics.no_comments"))
else:
    # Comments are what applicants typed: shown as table cells, never as Markdown or HTML.
    ui.table(comments, name="evaluation_comments", columns=titles, expanded=True)
