"""The call list: who to phone about today's and tomorrow's meetings, as a sheet to read
down, and one card for the call being made: one click per outcome (with an optional
note), straight into the journal, and the card moves on to the next person. Below, the
calls made today.

The page draws the same few widgets however many are on the list (the sheet is one
Markdown table a day): 17 cards with a note field and four buttons each took 0.2 s
more to draw than an empty list."""

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


def phone_link(row: CallRow) -> str:
    phone = plain(row.phone_display)
    if row.phone and DIALLABLE.fullmatch(row.phone):
        # A tel: link: one click dials from a softphone or a phone's browser.
        phone = f"[{phone}](tel:{row.phone})"
    return phone


def about(row: CallRow) -> str:
    said = [t(f"call_list.why_{row.why}")]
    if row.language != "nb":
        said.append(t("call_list.speaks", language=t(f"vocab.language_{row.language}")))
    if row.last_outcome:
        said.append(
            t(
                "call_list.last_call",
                at=format_datetime(row.last_called_at, current),
                outcome=t(f"call_list.outcome_{row.last_outcome}"),
            )
        )
    return " · ".join(said)


def where(row: CallRow) -> str:
    place = t(f"booking.mode_{row.mode}")
    return f"{place}, {plain(row.address)}" if row.address else place


def sheet(group: list[CallRow]) -> str:
    """The day's people as one Markdown table (names and places escaped): a phone sheet
    to read down, drawn as one element however many there are."""
    head = [t(f"call_list.column_{c}") for c in ("time", "name", "phone", "where", "about")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in group:
        cells = (
            format_time(row.starts_at, current),
            f"**{plain(row.name)}**",
            phone_link(row),
            where(row),
            about(row),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: The person the card showed on the last run (booking, name): when they are gone from
#: the list and this session did not record their call, someone else did, and the card
#: says so rather than moving on without a word.
SHOWN = "call_card_shown"


def call_card(rows: list[CallRow]) -> None:
    """One card for the call being made: the first on the list unless another is chosen.
    A recorded call takes the person off today's list, so the card moves on to the next."""
    by_id = {row.registration_id: row for row in rows}
    shown = st.session_state.get(SHOWN)
    if shown is not None and shown[0] not in by_id:
        st.info(t("call_list.card_moved", name=plain(shown[1])), icon=":material/info:")
    with st.container(border=True, key="call_card"):
        chosen = st.selectbox(
            t("call_list.calling"),
            list(by_id),
            format_func=lambda id_: (
                f"{by_id[id_].name} · {format_time(by_id[id_].starts_at, current)}"
                if id_ in by_id
                else str(id_)
            ),
            key="call_who",
            placeholder=t("common.choose_one"),
        )
        row = by_id[chosen]
        st.session_state[SHOWN] = (row.registration_id, row.name)
        name, link = st.columns([3, 1], vertical_alignment="center")
        name.markdown(f"**{plain(row.name)}** · :material/call: {phone_link(row)}")
        link.page_link(
            APPLICANT_PAGE,
            label=t("call_list.open_applicant"),
            icon=":material/person:",
            query_params={"id": str(row.applicant_id)},
        )
        st.caption(
            f"{t('call_list.meeting')}: {format_date(office_day(row.starts_at), current)} "
            f"{t('call_list.at_time', time=format_time(row.starts_at, current))} · {where(row)} · "
            f"{about(row)}"
        )
        # Keyed by the booking: the next person's card starts with an empty note.
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
                # Keyed by the booking too: the second click of a double click lands on
                # this person's button, gone once the card has moved on, not the next's.
                key=f"call_{row.registration_id}_{outcome}",
                icon=ICONS[outcome],
                width="stretch",
            ):
                run_action(
                    lambda session, outcome=outcome: record_call_outcome(
                        session=session,
                        actor=actor,
                        registration_id=row.registration_id,
                        outcome=outcome,
                        note=note,
                    ),
                    success=t("call_list.recorded", name=plain(row.name)),
                    reset={SHOWN: None},  # off the list by this session's own hand
                )


if not rows:
    st.session_state.pop(SHOWN, None)
    st.write(t("call_list.all_done" if done else "call_list.empty"))
else:
    call_card(rows)
# Grouped by the meeting's day: today's people first, they are the most urgent.
for offset, heading in ((0, "call_list.meetings_today"), (1, "call_list.meetings_tomorrow")):
    day = this_day + timedelta(days=offset)
    group = [row for row in rows if office_day(row.starts_at) == day]
    if not group:
        continue
    st.subheader(
        t(heading, date=format_date(day, current), count=len(group)), anchor=False, divider="gray"
    )
    st.markdown(sheet(group))

if done:
    st.subheader(t("call_list.done_title", count=len(done)), anchor=False, divider="gray")
    lines = []
    for call in done:
        meeting = (
            f" · {t('call_list.meeting')} {format_datetime(call.meeting_starts_at, current)}"
            if call.meeting_starts_at
            else ""
        )
        lines.append(
            f"{format_time(call.at, current)} · {call.name} · "
            f"{t(f'call_list.outcome_{call.outcome}')}{meeting}"
        )
    # Plain text, one line a call: names as typed, never read as Markdown.
    st.text("\n".join(lines))
