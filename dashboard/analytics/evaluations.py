"""Meeting evaluations: what attendees answered, by meeting and by mode, with comments."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import localised, t

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
    "mode",
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

st.subheader(t("analytics.by_meeting_title"), anchor=False)
by_meeting = report["by_meeting"]
if by_meeting.empty:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.scores_chart(by_meeting, mode_labels=ui.mode_labels(), titles=titles),
        width="stretch",
    )
ui.table(
    by_meeting,
    name="evaluations_by_meeting",
    columns=titles,
    formats={
        "got_information": "percent",
        "technical_problems": "percent",
        "mean_rating": "number",
    },
)

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
    st.dataframe(
        localised(
            comments.assign(mode=comments["mode"].map(ui.mode_labels())), datetimes=["starts_at"]
        ),
        hide_index=True,
        column_config={c: titles[c] for c in comments.columns},
        width="stretch",
    )
    ui.table(comments, name="evaluation_comments", columns=titles, key="csv_comments")
