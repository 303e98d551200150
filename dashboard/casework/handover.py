"""Hand-over: mark a coordinator away and give their open applicants to a colleague in
one action; the unassigned queue, so no case is left without a responsible person."""

from datetime import timedelta

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import date_format, format_date, localised, t
from recruitment.casework.applicant_list import UNASSIGNED, ApplicantFilters, applicant_page
from recruitment.casework.handover import case_workers, hand_over, mark_back, take_unassigned
from recruitment.core.timefmt import today

actor = access.require("applicants.write")
st.title(t("casework.handover_title"), anchor=False)
st.caption(t("casework.handover_intro"))
show_flash()

with sessions().begin() as session:
    workers = case_workers(session=session, actor=actor)
    queue, queue_total = applicant_page(
        session=session,
        actor=actor,
        filters=ApplicantFilters(coordinator_id=UNASSIGNED, open_only=True),
        page_size=100,
    )

st.subheader(t("casework.handover_team"), anchor=False)
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
st.subheader(t("casework.handover_form_title"), anchor=False)
with st.form("handover_form"):
    ids = list(names)
    me = str(actor.id) if str(actor.id) in names else None
    from_id = st.selectbox(
        t("casework.handover_from"),
        ids,
        index=ids.index(me) if me else 0,
        format_func=names.get,
        key="handover_from",
        placeholder=t("common.choose_one"),
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
            run_action(
                lambda session: hand_over(
                    session=session,
                    actor=actor,
                    from_id=int(from_id),
                    to_id=int(to_id),
                    away_until=away_until,
                ),
                success=lambda moved: t("casework.handover_done", count=moved, to=names[to_id]),
            )

away = [w for w in workers if w["away"]]
if away:
    st.subheader(t("casework.handover_back_title"), anchor=False)
    for w in away:
        if st.button(t("casework.handover_back", name=w["name"]), key=f"handover_back_{w['id']}"):
            run_action(
                lambda session, staff_id=w["id"]: mark_back(
                    session=session, actor=actor, staff_id=staff_id
                )
            )

st.subheader(t("casework.handover_queue_title", n=queue_total), anchor=False)
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
        run_action(
            lambda session: take_unassigned(session=session, actor=actor, applicant_ids=chosen),
            success=lambda taken: t("casework.handover_taken", count=taken),
        )
