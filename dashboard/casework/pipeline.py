"""The pipeline now: how many applicants stand in each stage. Selecting a bar opens
the applicant list filtered to that stage."""

import altair as alt
import streamlit as st

from dashboard import access, charts
from dashboard.data import sessions
from dashboard.i18n import lang, localised, t
from recruitment.casework.applicant_list import stage_counts
from recruitment.core.timefmt import chart_locale

actor = access.require("applicants.list")
st.title(t("casework.pipeline_title"), anchor=False)
st.caption(t("casework.pipeline_intro"))

with sessions().begin() as session:
    counts = stage_counts(session=session, actor=actor)

counts["label"] = [t(f"stages.{stage}") for stage in counts["stage"]]
selection = alt.selection_point(name="stage", fields=["stage"])
chart = (
    alt.Chart(counts, title=t("casework.pipeline_chart_title"))
    .mark_bar()
    .encode(
        y=alt.Y("label:N", sort=list(counts["label"]), title=t("casework.field_stage")),
        x=alt.X("count:Q", title=t("casework.pipeline_count")),
        color=alt.condition(selection, alt.value("#1f6f8b"), alt.value("#9bbfcc")),
        tooltip=[
            alt.Tooltip("label:N", title=t("casework.field_stage")),
            alt.Tooltip("count:Q", title=t("casework.pipeline_count")),
        ],
    )
    .add_params(selection)
)
event = st.altair_chart(
    charts.in_language(chart, chart_locale(lang())),
    on_select="rerun",
    key="pipeline_chart",
    width="stretch",
)

selected = ((event or {}).get("selection") or {}).get("stage") or [{}]
chosen = selected[0].get("stage")
if chosen:
    st.switch_page("casework/applicants.py", query_params={"stage": chosen})

# The same figures as a table, for screen readers and for copying: counts written as
# the language writes them (7 143 in bokmål, 7,143 in English), lined up on the right.
st.dataframe(
    localised(counts[["label", "count"]], numbers={"count": 0}),
    hide_index=True,
    column_config={
        "label": t("casework.field_stage"),
        "count": st.column_config.TextColumn(t("casework.pipeline_count"), alignment="right"),
    },
    key="pipeline_table",
)
for stage in counts["stage"]:
    st.page_link(
        "casework/applicants.py",
        label=t(f"stages.{stage}"),
        query_params={"stage": stage},
        icon=":material/list:",
    )
