"""One information meeting (reached with `?id=`): registrations and attendance in one
table, the waitlist, and the meeting's actions (held, reminder, confirmation, edit, cancel)."""

from datetime import timedelta

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.casework.applicant_panels import applicant_link
from dashboard.casework.fields import FIELD_LABELS
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import date_format, format_when, lang, t
from recruitment.casework import attendance, meeting_views, meetings
from recruitment.core.errors import NotFound
from recruitment.core.timefmt import local, office_datetime

actor = access.require("meetings.write")
st.page_link("casework/meetings.py", label=t("meetings.back_to_list"), icon=":material/arrow_back:")

try:
    meeting_id = int(st.query_params.get("id", ""))
    with sessions().begin() as session:
        meeting = meeting_views.get_meeting(session=session, actor=actor, meeting_id=meeting_id)
        seats = meeting_views.registrations_frame(
            session=session,
            actor=actor,
            meeting_id=meeting_id,
            statuses=attendance.MARKABLE,
            lang=lang(),
        )
        waitlist = meeting_views.registrations_frame(
            session=session,
            actor=actor,
            meeting_id=meeting_id,
            statuses=("waitlisted",),
            lang=lang(),
        )
        hosts = meeting_views.host_choices(session=session, actor=actor)
except (ValueError, NotFound):
    st.error(t("meetings.not_found"))
    st.stop()

when = format_when(meeting.starts_at)
st.title(t("meetings.detail_title") + " " + when, anchor=False)
st.write(
    " · ".join(
        [
            t(f"meetings.mode_{meeting.mode}")
            + (f" ({t('meetings.kind_combined')})" if meeting.kind == "combined" else ""),
            t(f"meetings.status_{meeting.status}"),
            t(
                "meetings.seats",
                registered=meeting.registered + meeting.attended + meeting.no_show,
                count=meeting.capacity,
                waitlisted=meeting.waitlisted,
            ),
        ]
    )
)
if meeting.mode == "digital":
    st.text(meeting.join_url or "")
else:
    st.text(meeting.address or "")
if meeting.host_name:
    st.caption(t("meetings.host") + ": " + plain(meeting.host_name))
if meeting.reminder_sent_at:
    st.caption(t("meetings.reminder_sent_at", when=format_when(meeting.reminder_sent_at)))

show_flash()

st.subheader(t("meetings.registrations"), anchor=False)
if seats.empty:
    st.info(t("meetings.no_registrations"))
else:
    with st.form("attendance"):
        edited = st.data_editor(
            seats,
            key="attendance_table",
            hide_index=True,
            disabled=["name", "email", "phone", "stage"],
            column_order=["attended", "name", "email", "phone", "stage"],
            column_config={
                "attended": st.column_config.CheckboxColumn(t("meetings.col_attended")),
                "name": st.column_config.TextColumn(t("meetings.col_name")),
                "email": st.column_config.TextColumn(t("meetings.col_email")),
                "phone": st.column_config.TextColumn(t("meetings.col_phone")),
                "stage": st.column_config.TextColumn(t("meetings.col_stage")),
            },
        )
        if st.form_submit_button(
            t("meetings.save_attendance"), type="primary", disabled=meeting.status == "cancelled"
        ):
            attended = dict(
                zip(
                    edited["registration_id"].astype(int),
                    edited["attended"].astype(bool),
                    strict=True,
                )
            )
            run_action(
                lambda session: attendance.mark_attendance(
                    session=session, actor=actor, meeting_id=meeting_id, attended=attended
                ),
                success=lambda counts: t("meetings.attendance_saved", **counts),
                field_labels=FIELD_LABELS,
            )
    applicant_link(
        dict(zip(seats["applicant_id"], seats["name"], strict=True)), key="seat_applicant"
    )

st.subheader(t("meetings.waitlist"), anchor=False)
if waitlist.empty:
    st.caption(t("meetings.no_waitlist"))
else:
    st.dataframe(
        waitlist,
        hide_index=True,
        column_order=["name", "email", "phone", "stage"],
        column_config={
            "name": st.column_config.TextColumn(t("meetings.col_name")),
            "email": st.column_config.TextColumn(t("meetings.col_email")),
            "phone": st.column_config.TextColumn(t("meetings.col_phone")),
            "stage": st.column_config.TextColumn(t("meetings.col_stage")),
        },
    )

if meeting.status != "planned":
    st.stop()

left, right = st.columns(2)
if left.button(t("meetings.mark_held"), key="mark_held", icon=":material/event_available:"):
    run_action(
        lambda session: attendance.mark_held(session=session, actor=actor, meeting_id=meeting_id),
        success=t("meetings.marked_held"),
        field_labels=FIELD_LABELS,
    )
if right.button(t("meetings.send_reminder"), key="send_reminder", icon=":material/notifications:"):
    run_action(
        lambda session: meetings.send_reminder(session=session, actor=actor, meeting_id=meeting_id),
        success=lambda count: t("meetings.reminder_queued", count=count),
        field_labels=FIELD_LABELS,
    )

registered = seats[seats["status"] == "registered"]
if not registered.empty:
    with st.form("resend"):
        options = [None, *registered["registration_id"].astype(int)]
        names = dict(
            zip(registered["registration_id"].astype(int), registered["name"], strict=True)
        )
        target = st.selectbox(
            t("meetings.resend_to"),
            options=options,
            format_func=lambda r: t("meetings.resend_everyone") if r is None else names[r],
            key="resend_target",
            placeholder=t("common.choose_one"),
        )
        if st.form_submit_button(t("meetings.resend"), icon=":material/forward_to_inbox:"):
            run_action(
                lambda session: meetings.resend_confirmation(
                    session=session, actor=actor, meeting_id=meeting_id, registration_id=target
                ),
                success=lambda count: t("meetings.resent", count=count),
                field_labels=FIELD_LABELS,
            )

with st.expander(t("meetings.edit")), st.form("edit_meeting"):
    start = local(meeting.starts_at)
    day = st.date_input(
        t("meetings.date"), value=start.date(), format=date_format(), key="edit_date"
    )
    at = st.time_input(
        t("meetings.time"), value=start.time(), step=timedelta(minutes=15), key="edit_time"
    )
    modes = ["digital", "in_person"]
    mode = st.radio(
        t("meetings.mode"),
        options=modes,
        index=modes.index(meeting.mode),
        format_func=lambda m: t(f"meetings.mode_{m}"),
        horizontal=True,
        key="edit_mode",
    )
    join_url = st.text_input(
        t("meetings.join_url"), value=meeting.join_url or "", key="edit_join_url"
    )
    address = st.text_input(t("meetings.address"), value=meeting.address or "", key="edit_address")
    capacity = st.number_input(
        t("meetings.capacity"),
        min_value=1,
        max_value=1000,
        value=meeting.capacity,
        step=1,
        key="edit_capacity",
    )
    duration = st.number_input(
        t("meetings.duration"),
        min_value=15,
        max_value=600,
        value=meeting.duration_minutes,
        step=15,
        key="edit_duration",
    )
    languages = ["nb", "en"]
    language = st.selectbox(
        t("meetings.language"),
        options=languages,
        index=languages.index(meeting.language),
        format_func=lambda c: t(f"meetings.language_{c}"),
        key="edit_language",
        placeholder=t("common.choose_one"),
    )
    host_options = [None, *hosts]
    host_id = st.selectbox(
        t("meetings.host"),
        options=host_options,
        index=host_options.index(meeting.host_id) if meeting.host_id in hosts else 0,
        format_func=lambda h: t("meetings.no_host") if h is None else hosts[h],
        key="edit_host",
        placeholder=t("common.choose_one"),
    )
    notes = st.text_area(t("meetings.notes"), value=meeting.notes or "", key="edit_notes")
    if st.form_submit_button(t("meetings.save_changes")):
        run_action(
            lambda session: meetings.edit_meeting(
                session=session,
                actor=actor,
                meeting_id=meeting_id,
                starts_at=office_datetime(day, at),
                mode=mode,
                join_url=join_url,
                address=address,
                capacity=int(capacity),
                duration_minutes=int(duration),
                language=language,
                host_id=host_id,
                notes=notes,
            ),
            success=lambda count: t("meetings.edited", count=count),
            field_labels=FIELD_LABELS,
        )

with st.expander(t("meetings.cancel_heading")), st.form("cancel_meeting"):
    reason = st.text_input(t("meetings.cancel_reason"), key="cancel_reason")
    confirmed = st.checkbox(t("meetings.cancel_confirm"), key="cancel_confirm")
    submitted = st.form_submit_button(t("meetings.cancel"), type="primary")
    if submitted and not confirmed:
        # Never a silent click: say why nothing happened.
        st.warning(t("meetings.cancel_confirm_needed"), icon=":material/warning:")
    elif submitted:
        run_action(
            lambda session: meetings.cancel_meeting(
                session=session, actor=actor, meeting_id=meeting_id, reason_text=reason
            ),
            success=lambda count: t("meetings.cancelled", count=count),
            field_labels=FIELD_LABELS,
        )
