"""The call list: who to phone about today's and tomorrow's meetings, one click per
outcome, straight into the journal."""

import streamlit as st

from dashboard.access import require
from dashboard.action import run_action, show_flash
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import lang, t
from recruitment.casework.call_list import OUTCOMES, call_list, record_call_outcome
from recruitment.core.timefmt import format_datetime, format_when

actor = require("applicants.write")
st.title(t("call_list.title"), anchor=False)
st.caption(t("call_list.intro"))
show_flash()

current = lang()
with sessions()() as session:
    rows = call_list(session=session, actor=actor)

if not rows:
    st.write(t("call_list.empty"))
    st.stop()

ICONS = {
    "reached": ":material/check_circle:",
    "left_message": ":material/voicemail:",
    "no_answer": ":material/phone_missed:",
    "wrong_number": ":material/wrong_location:",
}

for row in rows:
    with st.container(border=True):
        st.markdown(f"**{plain(row.name)}** · {plain(row.phone or '')}")
        st.text(
            f"{t('call_list.meeting')}: {format_when(row.starts_at, current)} · "
            f"{t(f'booking.mode_{row.mode}')} · {t(f'call_list.why_{row.why}')}"
        )
        if row.last_outcome:
            st.text(
                t(
                    "call_list.last_call",
                    at=format_datetime(row.last_called_at, current),
                    outcome=t(f"call_list.outcome_{row.last_outcome}"),
                )
            )
        columns = st.columns(len(OUTCOMES))
        for column, outcome in zip(columns, OUTCOMES, strict=True):
            if column.button(
                t(f"call_list.outcome_{outcome}"),
                key=f"call_{row.registration_id}_{outcome}",
                icon=ICONS[outcome],
            ):
                run_action(
                    lambda session, row=row, outcome=outcome: record_call_outcome(
                        session=session,
                        actor=actor,
                        registration_id=row.registration_id,
                        outcome=outcome,
                    ),
                    success=t("call_list.recorded", name=plain(row.name)),
                )
