"""The staff start page: what needs attention today, by role."""

import streamlit as st

from dashboard import access
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import error_message, format_number, format_time, t
from recruitment.casework.applicant_list import work_summary
from recruitment.core.errors import VerveError

actor = access.require("staff.read")
st.title(t("home.title", name=plain(actor.name)), anchor=False)
if summary := st.session_state.pop("first_run_demo_summary", None):
    # What the first run's demo data created, and how its staff log in.
    st.success(summary, icon=":material/check_circle:")
st.write(t(f"home.intro_{actor.role}"))

try:
    with sessions().begin() as session:
        summary = work_summary(session=session, actor=actor)
except VerveError as error:
    st.error(error_message(error))
    st.stop()

st.subheader(t("casework.home_meetings_today"), anchor=False)
if not summary["meetings_today"]:
    st.caption(t("casework.home_no_meetings_today"))
for meeting in summary["meetings_today"]:
    st.markdown(
        t(
            "casework.home_meeting_line",
            time=format_time(meeting["starts_at"]),
            mode=t(f"casework.mode_{meeting['mode']}"),
            booked=meeting["booked"],
            count=meeting["capacity"],
        )
    )

cols = st.columns(4)
cols[0].metric(t("casework.home_stuck"), format_number(summary["stuck"]))
if "unassigned" in summary:
    cols[1].metric(t("casework.home_unassigned"), format_number(summary["unassigned"]))
    cols[2].metric(t("casework.home_callbacks"), format_number(summary["callbacks"]))
    cols[3].metric(t("casework.home_mine_open"), format_number(summary.get("mine_open", 0)))

links = st.columns(3)
links[0].page_link(
    "casework/applicants.py",
    label=t("casework.home_link_stuck"),
    icon=":material/hourglass_bottom:",
    query_params={"stuck": "1"},
)
if "unassigned" in summary:
    links[1].page_link(
        "casework/applicants.py",
        label=t("casework.home_link_unassigned"),
        icon=":material/person_off:",
        query_params={"coordinator": "none"},
    )
    links[2].page_link(
        "casework/applicants.py",
        label=t("casework.home_link_callbacks"),
        icon=":material/call:",
        query_params={"callback": "1"},
    )

if "mine_callback" in summary:
    st.subheader(t("casework.home_mine_needing_action"), anchor=False)
    # Each with why: a call asked for, or how long they have been in their stage.
    needing = [
        (row, t("casework.home_why_callback"), ":material/call:")
        for row in summary["mine_callback"].itertuples()
    ] + [
        (
            row,
            t("casework.home_why_stuck", count=row.days_in_stage),
            ":material/hourglass_bottom:",
        )
        for row in summary["mine_stuck"].itertuples()
    ]
    if not needing:
        st.caption(t("casework.home_nothing_needing_action"))
    for row, why, icon in needing:
        st.page_link(
            "casework/applicant.py",
            label=f"{plain(row.name)} · {t(f'stages.{row.stage}')} · {why}",
            icon=icon,
            query_params={"id": str(row.id)},
        )
    if summary["mine_more"]:
        more = st.columns(2)
        more[0].page_link(
            "casework/applicants.py",
            label=t("casework.home_link_mine_callbacks"),
            icon=":material/call:",
            query_params={"coordinator": "me", "callback": "1"},
        )
        more[1].page_link(
            "casework/applicants.py",
            label=t("casework.home_link_mine_stuck"),
            icon=":material/hourglass_bottom:",
            query_params={"coordinator": "me", "stuck": "1"},
        )
