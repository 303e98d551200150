"""The call list: who to phone about today's and tomorrow's meetings, one click per
outcome (with an optional note), straight into the journal; and the calls made today."""

import re
from datetime import timedelta

import streamlit as st

from dashboard.access import require
from dashboard.action import run_action, show_flash
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import lang, t
from recruitment.casework.call_list import (
    OUTCOMES,
    CallRow,
    call_list,
    calls_made,
    record_call_outcome,
)
from recruitment.core.timefmt import format_date, format_datetime, format_time, office_day, today

APPLICANT_PAGE = "casework/applicant.py"
ICONS = {
    "reached": ":material/check_circle:",
    "left_message": ":material/voicemail:",
    "no_answer": ":material/phone_missed:",
    "wrong_number": ":material/phone_disabled:",
}
# Numbers are stored cleaned (`+4791234567`); anything else is shown, never linked.
DIALLABLE = re.compile(r"\+?\d{5,15}")

actor = require("applicants.write")
st.title(t("call_list.title"), anchor=False)
st.caption(t("call_list.intro"))
show_flash()

current = lang()
with sessions()() as session:
    rows = call_list(session=session, actor=actor)
    done = calls_made(session=session, actor=actor)
this_day = today()


def show(row: CallRow) -> None:
    with st.container(border=True, key=f"call_{row.registration_id}"):
        name, link = st.columns([3, 1])
        phone = plain(row.phone_display)
        if row.phone and DIALLABLE.fullmatch(row.phone):
            # A tel: link: one click dials from a softphone or a phone's browser.
            phone = f"[{phone}](tel:{row.phone})"
        name.markdown(f"**{plain(row.name)}** · :material/call: {phone}")
        link.page_link(
            APPLICANT_PAGE,
            label=t("call_list.open_applicant"),
            icon=":material/person:",
            query_params={"id": str(row.applicant_id)},
        )
        where = t(f"booking.mode_{row.mode}")
        if row.address:
            where = f"{where}, {row.address}"
        at = t("call_list.at_time", time=format_time(row.starts_at, current))
        st.text(f"{t('call_list.meeting')}: {at} · {where}")
        about = [t(f"call_list.why_{row.why}")]
        if row.language != "nb":
            about.append(t("call_list.speaks", language=t(f"vocab.language_{row.language}")))
        st.caption(" · ".join(about))
        if row.last_outcome:
            st.text(
                t(
                    "call_list.last_call",
                    at=format_datetime(row.last_called_at, current),
                    outcome=t(f"call_list.outcome_{row.last_outcome}"),
                )
            )
        note = st.text_input(
            t("call_list.note"),
            key=f"call_note_{row.registration_id}",
            placeholder=t("call_list.note_placeholder"),
            max_chars=2000,
        )
        columns = st.columns(len(OUTCOMES))
        for column, outcome in zip(columns, OUTCOMES, strict=True):
            if column.button(
                t(f"call_list.outcome_{outcome}"),
                key=f"call_{row.registration_id}_{outcome}",
                icon=ICONS[outcome],
                width="stretch",
            ):
                run_action(
                    lambda session, row=row, outcome=outcome, note=note: record_call_outcome(
                        session=session,
                        actor=actor,
                        registration_id=row.registration_id,
                        outcome=outcome,
                        note=note,
                    ),
                    success=t("call_list.recorded", name=plain(row.name)),
                )


if not rows:
    st.write(t("call_list.all_done" if done else "call_list.empty"))
# Grouped by the meeting's day: today's people first, they are the most urgent.
for offset, heading in ((0, "call_list.meetings_today"), (1, "call_list.meetings_tomorrow")):
    day = this_day + timedelta(days=offset)
    group = [row for row in rows if office_day(row.starts_at) == day]
    if not group:
        continue
    st.subheader(
        t(heading, date=format_date(day, current), count=len(group)), anchor=False, divider="gray"
    )
    for row in group:
        show(row)

if done:
    st.subheader(t("call_list.done_title", count=len(done)), anchor=False, divider="gray")
    for call in done:
        meeting = (
            f" · {t('call_list.meeting')} {format_datetime(call.meeting_starts_at, current)}"
            if call.meeting_starts_at
            else ""
        )
        st.text(
            f"{format_time(call.at, current)} · {call.name} · "
            f"{t(f'call_list.outcome_{call.outcome}')}{meeting}"
        )
