"""Funnel: how many applicants reached each stage, and who left where and why."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import t
from recruitment.core.pipeline import EXIT_REASONS

actor = access.require("analytics.read")
st.title(t("analytics.nav_funnel"), anchor=False)
st.caption(t("analytics.funnel_intro"))
ui.refresh_button(actor)
filters = ui.funnel_filters(actor)
report = analytics_data.funnel_report(analytics_data.report_key(actor), filters)
if not report["has_data"]:
    ui.no_data()
    st.stop()

table = report["funnel"]
labels = ui.stage_labels()
if table["reached"].iloc[0] == 0:
    st.info(t("analytics.no_rows"))
else:
    st.markdown(
        t(
            "analytics.headline",
            signed=int(table["reached"].iloc[0]),
            count=int(table["reached"].iloc[-1]),
            share=ui.percent(table["overall_conversion"].iloc[-1]),
        )
    )
    ui.chart(
        charts.funnel_chart(
            table,
            stage_labels=labels,
            count_title=t("analytics.reached"),
            stage_title=t("analytics.stage"),
        ),
        width="stretch",
    )
names = {c: t(f"analytics.{c}") for c in table.columns if c != "rank"}
ui.table(
    table,
    name="funnel",
    columns=names,
    formats={
        c: "percent" for c in ("step_conversion", "step_low", "step_high", "overall_conversion")
    },
)

st.subheader(t("analytics.exits_title"), anchor=False)
st.caption(t("analytics.exits_intro"))
exits = report["exits"]
if exits.empty:
    st.info(t("analytics.no_exits"))
else:
    reasons = {code: t(f"reasons.{code}") for codes in EXIT_REASONS.values() for code in codes}
    ui.chart(
        charts.exits_chart(
            exits,
            stage_labels=ui.all_stage_labels(),
            reason_labels=reasons,
            titles={c: t(f"analytics.{c}") for c in ("from_stage", "exits", "reason")},
        ),
        width="stretch",
    )
    ui.table(exits, name="funnel_exits", columns={c: t(f"analytics.{c}") for c in exits.columns})
