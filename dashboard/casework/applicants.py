"""The applicant list: filters, search, one page of rows at a time, export.

Filters can come in the URL (from the pipeline chart and the start page):
?stage=…&coordinator=<id>|none|me&stuck=1&callback=1&meeting=<id>&area=…&source=…&q=…
"""

import math

import streamlit as st

from dashboard import access
from dashboard.components import pager
from dashboard.data import sessions
from dashboard.i18n import error_message, format_datetime, format_number, lang, localised, t
from recruitment.casework.applicant_list import (
    ALL_STAGES,
    MAX_EXPORT_BY_ID,
    UNASSIGNED,
    ApplicantFilters,
    applicant_page,
    export_applicants,
    exportable,
    filter_choices,
)
from recruitment.core.access import allowed
from recruitment.core.errors import VerveError

PAGE_SIZE = 50
ANY = ""

actor = access.require("applicants.list")
st.title(t("casework.applicants_title"), anchor=False)

# Filters arriving in the URL set the widgets once per distinct URL, then the widgets rule.
params = {
    key: st.query_params.get(key)
    for key in ("stage", "coordinator", "stuck", "callback", "meeting", "area", "source", "q")
}
if st.session_state.get("applicants_applied_params") != params:
    st.session_state["applicants_applied_params"] = params
    coordinator_param = params["coordinator"]
    if coordinator_param == "me":
        coordinator_param = str(actor.id)
    elif coordinator_param == "none":
        coordinator_param = str(UNASSIGNED)
    st.session_state["applicants_stage"] = params["stage"] if params["stage"] in ALL_STAGES else ANY
    st.session_state["applicants_coordinator"] = coordinator_param or ANY
    st.session_state["applicants_meeting"] = params["meeting"] or ANY
    st.session_state["applicants_area"] = params["area"] or ANY
    st.session_state["applicants_source"] = params["source"] or ANY
    st.session_state["applicants_stuck"] = params["stuck"] == "1"
    st.session_state["applicants_callback"] = params["callback"] == "1"
    st.session_state["applicants_search"] = params["q"] or ""
    st.session_state["applicants_page"] = 1

with sessions().begin() as session:
    choices = filter_choices(session=session, actor=actor)

coordinator_names = {
    str(UNASSIGNED): t("casework.unassigned"),
    **{str(c["id"]): c["name"] for c in choices["coordinators"]},
}


def mode_label(mode: str) -> str:
    return t(f"casework.mode_{mode}")


meeting_names = {
    str(m["id"]): f"{format_datetime(m['starts_at'])} · {mode_label(m['mode'])}"
    for m in choices["meetings"]
}


def labels(mapping: dict[str, str]):
    """A format_func over labels computed now (AppTest calls it outside the script run)."""
    return lambda value: mapping.get(value, str(value)) if value else any_label


any_label = t("casework.any")
stage_labels = {stage: t(f"stages.{stage}") for stage in ALL_STAGES}
source_labels = {source: t(f"vocab.source_{source}") for source in choices["sources"]}


def _options(values: list[str], current: str) -> list[str]:
    # Keep a value from the URL selectable even if no row has it (yet).
    return [ANY, *values, *([current] if current and current not in values else [])]


search = st.text_input(
    t("casework.search"),
    key="applicants_search",
    placeholder=t("casework.search_placeholder"),
    help=t("casework.search_help"),
)
row1 = st.columns(4)
stage = row1[0].selectbox(
    t("casework.field_stage"),
    _options(list(ALL_STAGES), ""),
    key="applicants_stage",
    format_func=labels(stage_labels),
    placeholder=t("common.choose_one"),
)
coordinator = row1[1].selectbox(
    t("casework.field_coordinator"),
    _options(list(coordinator_names), st.session_state["applicants_coordinator"]),
    key="applicants_coordinator",
    format_func=labels(coordinator_names),
    placeholder=t("common.choose_one"),
)
area = row1[2].selectbox(
    t("casework.field_area"),
    _options(choices["areas"], st.session_state["applicants_area"]),
    key="applicants_area",
    format_func=labels({}),
    placeholder=t("common.choose_one"),
)
source = row1[3].selectbox(
    t("casework.field_source"),
    _options(choices["sources"], st.session_state["applicants_source"]),
    key="applicants_source",
    format_func=labels(source_labels),
    placeholder=t("common.choose_one"),
)
row2 = st.columns([2, 1, 1])
meeting = row2[0].selectbox(
    t("casework.meeting"),
    _options(list(meeting_names), st.session_state["applicants_meeting"]),
    key="applicants_meeting",
    format_func=labels(meeting_names),
    placeholder=t("common.choose_one"),
)
stuck = row2[1].checkbox(t("casework.stuck"), key="applicants_stuck", help=t("casework.stuck_help"))
callback = row2[2].checkbox(t("casework.callback_wanted"), key="applicants_callback")

filters = ApplicantFilters(
    stage=stage or None,
    coordinator_id=int(coordinator) if coordinator else None,
    meeting_id=int(meeting) if meeting else None,
    area=area or None,
    source=source or None,
    callback_requested=True if callback else None,
    stuck=stuck,
    search=search,
)
if st.session_state.get("applicants_last_filters") != filters.as_dict():
    st.session_state["applicants_last_filters"] = filters.as_dict()
    st.session_state["applicants_page"] = 1

page = int(st.session_state.get("applicants_page", 1))
try:
    with sessions().begin() as session:
        rows, total = applicant_page(
            session=session, actor=actor, filters=filters, page=page, page_size=PAGE_SIZE
        )
except VerveError as error:
    st.error(error_message(error))
    st.stop()

pages = max(1, math.ceil(total / PAGE_SIZE))
st.caption(
    t(
        "casework.applicants_count",
        count=total,
        page=format_number(page),
        pages=format_number(pages),
    )
)

rows["stage"] = [t(f"stages.{s}") for s in rows["stage"]]
# No coordinator yet: said in words (the table would show "None", in English).
rows["coordinator"] = rows["coordinator"].fillna(t("casework.unassigned"))
if "source" in rows:
    rows["source"] = [t(f"vocab.source_{s}") for s in rows["source"]]
column_config = {name: t(f"casework.field_{name}") for name in rows.columns if name != "id"}
column_config["id"] = None  # hidden; used to open the applicant
rows = localised(rows, dates=["stage_changed_at", "created_at"])
if "callback_requested" in rows:
    column_config["callback_requested"] = st.column_config.CheckboxColumn(
        t("casework.field_callback_requested")
    )

can_open = allowed(actor, "applicants.read")
event = st.dataframe(
    rows,
    hide_index=True,
    column_config=column_config,
    key="applicants_table",
    on_select="rerun" if can_open else "ignore",
    selection_mode="single-row",
)
if can_open and event and event.selection.rows:
    chosen = int(rows["id"].iloc[event.selection.rows[0]])
    st.switch_page("casework/applicant.py", query_params={"id": str(chosen)})
if can_open and total:
    st.caption(t("casework.applicants_open_hint"))

pager("applicants_page", page, pages)

if allowed(actor, "data.export") and can_open and total:
    st.subheader(t("casework.export_title"), anchor=False)
    st.caption(t("casework.export_note", count=total))
    language = lang()

    def _export(fmt: str):
        # Runs only when the button is clicked, so only a real download is audited.
        def build() -> bytes:
            with sessions().begin() as session:
                return export_applicants(
                    session=session, actor=actor, filters=filters, fmt=fmt, lang=language
                )

        return build

    left, right = st.columns(2)
    if not exportable(filters, total):
        st.info(t("casework.export_too_many", max=MAX_EXPORT_BY_ID))
        st.stop()
    left.download_button(
        t("common.download_csv"),
        data=_export("csv"),
        file_name="soekere.csv",
        mime="text/csv",
        key="applicants_export_csv",
        icon=":material/download:",
    )
    right.download_button(
        t("common.download_xlsx"),
        data=_export("xlsx"),
        file_name="soekere.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="applicants_export_xlsx",
        icon=":material/download:",
    )
