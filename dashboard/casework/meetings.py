"""Information meetings: what is coming up and what was held; plan one meeting or a series."""

from datetime import time, timedelta

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.casework.fields import FIELD_LABELS
from dashboard.data import sessions
from dashboard.i18n import date_format, lang, t
from recruitment.casework import meeting_views, meetings
from recruitment.core.access import allowed
from recruitment.core.timefmt import office_datetime, today, weekday_name, working_day

actor = access.require("meetings.read")
st.title(t("meetings.title"), anchor=False)
show_flash()

with sessions().begin() as session:
    upcoming = meeting_views.list_meetings(session=session, actor=actor, when="upcoming")
    past = meeting_views.list_meetings(session=session, actor=actor, when="past")
    hosts = meeting_views.host_choices(session=session, actor=actor)

COLUMNS = {
    "when": st.column_config.TextColumn(t("meetings.col_when")),
    "mode": st.column_config.TextColumn(t("meetings.mode")),
    "status": st.column_config.TextColumn(t("meetings.col_status")),
    "registered": st.column_config.NumberColumn(t("meetings.col_registered")),
    "waitlisted": st.column_config.NumberColumn(t("meetings.col_waitlisted")),
    "capacity": st.column_config.NumberColumn(t("meetings.capacity")),
    "host": st.column_config.TextColumn(t("meetings.host")),
    "id": None,
}

upcoming_tab, past_tab = st.tabs([t("meetings.upcoming"), t("meetings.past")])
for tab, views, empty, key in (
    (upcoming_tab, upcoming, "meetings.none_upcoming", "upcoming"),
    (past_tab, past, "meetings.none_past", "past"),
):
    with tab:
        if not views:
            st.info(t(empty))
            continue
        # Like the applicant list: a click on a row opens the meeting.
        can_open = allowed(actor, "meetings.write")
        frame = meeting_views.meetings_frame(views, lang())
        event = st.dataframe(
            frame,
            column_config=COLUMNS,
            hide_index=True,
            key=f"{key}_table",
            on_select="rerun" if can_open else "ignore",
            selection_mode="single-row",
        )
        if can_open and event and event.selection.rows:
            chosen = int(frame["id"].iloc[event.selection.rows[0]])
            st.switch_page("casework/meeting.py", query_params={"id": str(chosen)})
        if can_open:
            st.caption(t("meetings.open_hint"))

if not allowed(actor, "meetings.write"):
    st.stop()

HOST_OPTIONS = [None, *hosts]


def host_label(host_id):
    return t("meetings.no_host") if host_id is None else hosts[host_id]


def meeting_fields(prefix: str) -> dict:
    """The fields every meeting has; read inside the form they belong to."""
    mode = st.radio(
        t("meetings.mode"),
        options=["digital", "in_person"],
        format_func=lambda m: t(f"meetings.mode_{m}"),
        horizontal=True,
        key=f"{prefix}_mode",
    )
    return {
        "mode": mode,
        "join_url": st.text_input(t("meetings.join_url"), key=f"{prefix}_join_url"),
        "address": st.text_input(t("meetings.address"), key=f"{prefix}_address"),
        "capacity": int(
            st.number_input(
                t("meetings.capacity"),
                min_value=1,
                max_value=1000,
                value=20,
                step=1,
                key=f"{prefix}_capacity",
            )
        ),
        "duration_minutes": int(
            st.number_input(
                t("meetings.duration"),
                min_value=15,
                max_value=600,
                value=90,
                step=15,
                key=f"{prefix}_duration",
            )
        ),
        "language": st.selectbox(
            t("meetings.language"),
            options=["nb", "en"],
            format_func=lambda c: t(f"meetings.language_{c}"),
            key=f"{prefix}_language",
            placeholder=t("common.choose_one"),
        ),
        "host_id": st.selectbox(
            t("meetings.host"),
            options=HOST_OPTIONS,
            format_func=host_label,
            index=HOST_OPTIONS.index(actor.id) if actor.id in hosts else 0,
            key=f"{prefix}_host",
            placeholder=t("common.choose_one"),
        ),
        "notes": st.text_area(t("meetings.notes"), key=f"{prefix}_notes"),
    }


one_tab, series_tab = st.tabs([t("meetings.create_one"), t("meetings.create_series")])

with one_tab, st.form("create_meeting"):
    day = st.date_input(
        t("meetings.date"),
        value=working_day(today() + timedelta(days=14)),
        format=date_format(),
        key="one_date",
    )
    at = st.time_input(
        t("meetings.time"), value=time(18, 0), step=timedelta(minutes=15), key="one_time"
    )
    fields = meeting_fields("one")
    if st.form_submit_button(t("meetings.save"), type="primary"):
        run_action(
            lambda session: meetings.create_meeting(
                session=session,
                actor=actor,
                starts_at=office_datetime(day, at),
                **fields,
            ),
            success=t("meetings.created"),
            field_labels=FIELD_LABELS,
        )

NTH = {
    1: "meetings.nth_1",
    2: "meetings.nth_2",
    3: "meetings.nth_3",
    4: "meetings.nth_4",
    -1: "meetings.nth_last",
}

with series_tab, st.form("create_series"):
    first_day = st.date_input(
        t("meetings.first_date"),
        value=working_day(today() + timedelta(days=7)),
        format=date_format(),
        key="series_first_day",
    )
    at = st.time_input(
        t("meetings.time"), value=time(18, 0), step=timedelta(minutes=15), key="series_time"
    )
    rule = st.radio(
        t("meetings.rule"),
        options=list(meetings.SERIES_RULES),
        format_func=lambda r: t(f"meetings.rule_{r}"),
        horizontal=True,
        key="series_rule",
    )
    left, middle, right = st.columns(3)
    weekday = left.selectbox(
        t("meetings.weekday"),
        options=range(7),
        format_func=lambda d: weekday_name(d, lang()),
        index=1,
        key="series_weekday",
        placeholder=t("common.choose_one"),
    )
    nth = middle.selectbox(
        t("meetings.nth"),
        options=list(NTH),
        format_func=lambda n: t(NTH[n]),
        key="series_nth",
        placeholder=t("common.choose_one"),
    )
    interval = right.number_input(
        t("meetings.interval"), min_value=1, max_value=12, value=1, step=1, key="series_interval"
    )
    count = st.number_input(
        t("meetings.count"),
        min_value=1,
        max_value=meetings.MAX_SERIES,
        value=6,
        step=1,
        key="series_count",
    )
    fields = meeting_fields("series")
    if st.form_submit_button(t("meetings.save_series"), type="primary"):
        run_action(
            lambda session: meetings.create_series(
                session=session,
                actor=actor,
                first_day=first_day,
                at=at,
                rule=rule,
                count=int(count),
                interval=int(interval),
                nth=nth,
                weekday=weekday,
                **fields,
            ),
            success=lambda ids: t("meetings.series_created", count=len(ids)),
            field_labels=FIELD_LABELS,
        )
