"""Hand-over: mark a coordinator away and give their open applicants to a colleague in
one action; the unassigned queue, so no case is left without a responsible person."""

from datetime import timedelta

import streamlit as st

from dashboard import access
from dashboard.data import clear_caches, sessions
from dashboard.i18n import date_format, error_message, format_date, localised, t
from recruitment.casework.applicant_list import UNASSIGNED, ApplicantFilters, applicant_page
from recruitment.casework.handover import case_workers, hand_over, mark_back, take_unassigned
from recruitment.core.errors import VerveError
from recruitment.core.timefmt import today

actor = access.require("applicants.write")
st.title(t("casework.handover_title"))
st.caption(t("casework.handover_intro"))
if flash := st.session_state.pop("handover_flash", None):
    st.success(flash)

with sessions().begin() as session:
    workers = case_workers(session=session, actor=actor)
    queue, queue_total = applicant_page(
        session=session,
        actor=actor,
        filters=ApplicantFilters(coordinator_id=UNASSIGNED, open_only=True),
        page_size=100,
    )

st.subheader(t("casework.handover_team"))
st.dataframe(
    [
        {
            t("casework.field_name"): w["name"],
            t("casework.handover_open_cases"): w["open_applicants"],
            t("casework.handover_away_until"): format_date(w["away_until"]) if w["away"] else "",
        }
        for w in workers
    ],
    hide_index=True,
    key="handover_team_table",
)

names = {str(w["id"]): w["name"] for w in workers}
st.subheader(t("casework.handover_form_title"))
with st.form("handover_form"):
    ids = list(names)
    me = str(actor.id) if str(actor.id) in names else None
    from_id = st.selectbox(
        t("casework.handover_from"),
        ids,
        index=ids.index(me) if me else 0,
        format_func=names.get,
        key="handover_from",
    )
    to_id = st.selectbox(
        t("casework.handover_to"),
        ids,
        index=None,
        format_func=names.get,
        key="handover_to",
        placeholder=t("casework.handover_to_placeholder"),
    )
    away_until = st.date_input(
        t("casework.handover_away_until"),
        value=today() + timedelta(days=14),
        min_value=today(),
        format=date_format(),
        key="handover_until",
    )
    if st.form_submit_button(t("casework.handover_submit"), type="primary"):
        if not to_id:
            st.error(t("casework.handover_choose_colleague"))
        else:
            try:
                with sessions().begin() as session:
                    moved = hand_over(
                        session=session,
                        actor=actor,
                        from_id=int(from_id),
                        to_id=int(to_id),
                        away_until=away_until,
                    )
            except VerveError as error:
                st.error(error_message(error))
            else:
                clear_caches()
                st.session_state["handover_flash"] = t(
                    "casework.handover_done", count=moved, to=names[to_id]
                )
                st.rerun()

away = [w for w in workers if w["away"]]
if away:
    st.subheader(t("casework.handover_back_title"))
    for w in away:
        if st.button(t("casework.handover_back", name=w["name"]), key=f"handover_back_{w['id']}"):
            try:
                with sessions().begin() as session:
                    mark_back(session=session, actor=actor, staff_id=w["id"])
            except VerveError as error:
                st.error(error_message(error))
            else:
                st.rerun()

st.subheader(t("casework.handover_queue_title", n=queue_total))
if queue.empty:
    st.caption(t("casework.handover_queue_empty"))
else:
    queue["stage"] = [t(f"stages.{s}") for s in queue["stage"]]
    event = st.dataframe(
        localised(
            queue[["id", "name", "stage", "area", "stage_changed_at"]], dates=["stage_changed_at"]
        ),
        hide_index=True,
        column_config={
            "id": None,
            "name": t("casework.field_name"),
            "stage": t("casework.field_stage"),
            "area": t("casework.field_area"),
            "stage_changed_at": t("casework.field_stage_changed_at"),
        },
        on_select="rerun",
        selection_mode="multi-row",
        key="handover_queue_table",
    )
    chosen = [int(queue["id"].iloc[i]) for i in event.selection.rows]
    if st.button(
        t("casework.handover_take", n=len(chosen)),
        key="handover_take",
        disabled=not chosen,
        type="primary",
    ):
        try:
            with sessions().begin() as session:
                taken = take_unassigned(session=session, actor=actor, applicant_ids=chosen)
        except VerveError as error:
            st.error(error_message(error))
        else:
            clear_caches()
            st.session_state["handover_flash"] = t("casework.handover_taken", count=taken)
            st.rerun()
