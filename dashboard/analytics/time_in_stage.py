"""Time in stage: how long applicants wait at each step, and who is stuck."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import localised, t
from dashboard.navigation import STAFF_PAGES
from recruitment.core.access import allowed

actor = access.require("analytics.read")
st.title(t("analytics.nav_time_in_stage"), anchor=False)
st.caption(t("analytics.time_intro"))
ui.refresh_button(actor)
since, until = ui.period(help_key="analytics.time_intro")
report = analytics_data.time_report(analytics_data.report_key(actor), since, until)
if not report["has_data"]:
    ui.no_data()
    st.stop()

titles = {
    key: t(f"analytics.{key}") for key in ("month", "stage", "stays", "median_days", "p90_days")
}
table = report["time_in_stage"]
if table.empty:
    st.info(t("analytics.no_rows"))
else:
    ui.chart(
        charts.time_in_stage_chart(table, stage_labels=ui.stage_labels(), titles=titles),
        width="stretch",
    )
ui.table(
    table,
    name="time_in_stage",
    columns=titles,
    formats={"median_days": "number", "p90_days": "number"},
)

stuck = report["stuck"]
if stuck is not None:
    st.subheader(t("analytics.stuck_title", count=report["stuck_after_days"]), anchor=False)
    if stuck.empty:
        st.info(t("analytics.stuck_none"))
    else:
        if len(stuck) >= 500:
            st.caption(t("analytics.stuck_limited", limit=500))
        shown = localised(
            stuck.assign(stage=stuck["stage"].map(ui.all_stage_labels())), datetimes=["since"]
        )
        config = {
            c: t(f"analytics.{k}")
            for c, k in (
                ("name", "name"),
                ("stage", "stage"),
                ("since", "waiting_since"),
                ("days", "days"),
                ("coordinator", "coordinator"),
            )
        }
        # Only those who may open a full record get a link to it; others see the list.
        applicant_page = next(
            (spec for spec in STAFF_PAGES if spec.path == "casework/applicant.py"), None
        )
        if applicant_page is not None and allowed(actor, "applicants.read"):
            shown = shown.assign(link=[f"/{applicant_page.url_path}?id={i}" for i in shown["id"]])
            config["link"] = st.column_config.LinkColumn(
                t("analytics.link"), display_text=t("analytics.open")
            )
        st.dataframe(
            shown.drop(columns="id"), hide_index=True, column_config=config, width="stretch"
        )
        ui.table(stuck, name="stuck_applicants", columns=config)
