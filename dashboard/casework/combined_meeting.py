"""The combined sitting: book one or two applicants into a small in-person meeting, and
afterwards record attendance and the interview for both in one step."""

from datetime import time, timedelta

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.casework.applicant_panels import outcome_inputs, rubric_inputs
from dashboard.casework.fields import FIELD_LABELS
from dashboard.data import sessions
from dashboard.i18n import date_format, format_when, t
from recruitment.casework import combined, meeting_views
from recruitment.core.timefmt import office_datetime, today, working_day

actor = access.require("meetings.write")
access.require("applicants.write")
st.title(t("combined.title"), anchor=False)
st.write(t("combined.intro"))

show_flash()

search = st.text_input(t("combined.applicants"), key="combined_search", placeholder="…")
with sessions().begin() as session:
    choices = combined.candidates(session=session, actor=actor, search=search)
    hosts = meeting_views.host_choices(session=session, actor=actor)
    sittings = combined.sittings_to_record(session=session, actor=actor)

book_tab, record_tab = st.tabs([t("combined.book"), t("combined.record")])

# Enter in a field never books and mails anyone: only the button does.
with book_tab, st.form("book_combined", enter_to_submit=False):
    chosen = st.multiselect(
        t("combined.applicants"),
        options=list(choices),
        format_func=choices.__getitem__,
        max_selections=combined.MAX_APPLICANTS,
        placeholder=t("common.choose_many"),
        select_all=False,  # Streamlit's "Select all" is English and selects too much
        key="combined_applicants",
    )
    left, right = st.columns(2)
    day = left.date_input(
        t("meetings.date"),
        value=working_day(today() + timedelta(days=7)),
        format=date_format(),
        key="combined_date",
    )
    at = right.time_input(
        t("meetings.time"), value=time(10, 0), step=timedelta(minutes=15), key="combined_time"
    )
    address = st.text_input(t("meetings.address"), key="combined_address")
    host_options = list(hosts)
    host_id = st.selectbox(
        t("meetings.host"),
        options=host_options,
        index=host_options.index(actor.id) if actor.id in hosts else 0,
        format_func=hosts.__getitem__,
        key="combined_host",
        placeholder=t("common.choose_one"),
    )
    duration = st.number_input(
        t("meetings.duration"),
        min_value=15,
        max_value=600,
        value=90,
        step=15,
        key="combined_duration",
    )
    if st.form_submit_button(t("combined.book"), type="primary"):
        run_action(
            lambda session: combined.book_combined_meeting(
                session=session,
                actor=actor,
                applicant_ids=chosen,
                starts_at=office_datetime(day, at),
                address=address,
                host_id=host_id,
                duration_minutes=int(duration),
            ),
            success=t("combined.booked"),
            field_labels=FIELD_LABELS,
        )

with record_tab:
    if not sittings:
        st.info(t("combined.none_planned"))
    else:
        labels = {
            s.meeting_id: f"{format_when(s.starts_at)} · " + ", ".join(s.applicants.values())
            for s in sittings
        }
        meeting_id = st.selectbox(
            t("combined.choose"),
            options=list(labels),
            format_func=labels.__getitem__,
            key="combined_sitting",
            placeholder=t("common.choose_one"),
        )
        sitting = next(s for s in sittings if s.meeting_id == meeting_id)
        with st.form(f"record_sitting_{meeting_id}"):
            answers = []
            for applicant_id, name in sitting.applicants.items():
                st.subheader(name, anchor=False)
                prefix = f"sitting_{applicant_id}"
                attended = st.checkbox(t("combined.attended"), value=True, key=f"{prefix}_attended")
                outcome = outcome_inputs(prefix)
                scores = rubric_inputs(prefix)
                notes = st.text_area(t("interviews.notes"), key=f"{prefix}_notes")
                reject = st.checkbox(t("interviews.reject"), key=f"{prefix}_reject")
                answers.append(
                    combined.SittingResult(
                        applicant_id=applicant_id,
                        attended=attended,
                        outcome=outcome,
                        scores=scores,
                        notes=notes,
                        reject=reject,
                    )
                )
            if st.form_submit_button(t("combined.save"), type="primary"):
                run_action(
                    lambda session: combined.record_sitting(
                        session=session, actor=actor, meeting_id=meeting_id, results=answers
                    ),
                    success=t("combined.saved"),
                    field_labels=FIELD_LABELS,
                )
