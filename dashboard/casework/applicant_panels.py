"""Self-contained sections of the applicant page: the interview and the checks.

Each panel reads what it shows in one transaction, and each action (schedule, record,
check, approve) is one form and one `run_action`. The applicant page calls
`interviews_panel(applicant_id)` and `checks_panel(applicant_id)`, and shows what the
actions report with its `show_flash()`.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import streamlit as st

from dashboard import access
from dashboard.action import run_action
from dashboard.casework.fields import FIELD_LABELS
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import date_format, format_when, lang, t
from recruitment.casework import checks, interviews, meeting_views
from recruitment.core import i18n
from recruitment.core.access import allowed
from recruitment.core.timefmt import local, office_datetime, today, working_day
from recruitment.journey import contact

APPLICANT_PAGE = "casework/applicant.py"


def applicant_link(names: dict[int, str], *, key: str) -> None:
    """Pick one of `names` and open their applicant page (when that page is in the app)."""
    from dashboard.navigation import STAFF_PAGES

    if not names or not any(spec.path == APPLICANT_PAGE for spec in STAFF_PAGES):
        return
    chosen = st.selectbox(
        t("meetings.open_applicant"),
        options=list(names),
        format_func=names.__getitem__,
        key=key,
        placeholder=t("common.choose_one"),
    )
    st.page_link(
        APPLICANT_PAGE,
        label=t("meetings.open_applicant"),
        icon=":material/person:",
        query_params={"id": str(chosen)},
    )


def _when_inputs(
    prefix: str, *, day: date | None = None, at: time | None = None
) -> tuple[date, time]:
    left, right = st.columns(2)
    chosen_day = left.date_input(
        t("interviews.date"),
        value=day or working_day(today() + timedelta(days=3)),
        format=date_format(),
        key=f"{prefix}_date",
    )
    chosen_time = right.time_input(
        t("interviews.time"),
        value=at or time(10, 0),
        step=timedelta(minutes=15),
        key=f"{prefix}_time",
    )
    return chosen_day, chosen_time


# --- interviews -------------------------------------------------------------------------


def interviews_panel(applicant_id: int) -> None:
    """The interview section: schedule, move or cancel it, and record the outcome."""
    actor = access.require("applicants.read")
    may_write = allowed(actor, "applicants.write")
    with sessions().begin() as session:
        overview = interviews.interview_overview(
            session=session, actor=actor, applicant_id=applicant_id
        )
        staff = meeting_views.host_choices(session=session, actor=actor)
    st.subheader(t("interviews.heading"), anchor=False)
    current = overview.open
    if current is not None:
        st.write(
            t(
                "interviews.upcoming",
                when=format_when(current.scheduled_at),
                place=plain(current.place or ""),
                interviewer=plain(current.interviewer or ""),
            )
        )
    if may_write and current is None and overview.stage == "meeting_attended":
        _schedule_form(applicant_id, staff, actor.id)
    elif may_write and current is not None:
        _outcome_form(current.id, key=f"outcome_{current.id}")
        with st.expander(t("interviews.reschedule")):
            _reschedule_form(current, staff)
        with st.expander(t("interviews.cancel")):
            _cancel_form(current.id)
    elif may_write and overview.stage == "interviewed" and overview.latest_recorded is not None:
        latest = overview.latest_recorded
        if latest.outcome == "on_hold":
            with st.expander(t("interviews.record")):
                _outcome_form(latest.id, key=f"outcome_{latest.id}", initial=latest)
    elif current is None and overview.stage in ("signed_up", "meeting_booked"):
        st.caption(t("interviews.not_yet"))
    recorded = [view for view in overview.interviews if view.outcome is not None]
    if recorded:
        st.caption(t("interviews.history"))
        for view in recorded:
            st.write(
                t(
                    "interviews.history_line",
                    when=format_when(view.scheduled_at),
                    outcome=t(f"interviews.outcome_{view.outcome}"),
                )
            )
            st.caption(
                " · ".join(
                    f"{t(f'interviews.score_{name}')}: {view.scores[name]}"
                    for name in interviews.RUBRIC
                )
            )
            if view.notes:
                st.text(view.notes)
    elif not overview.interviews:
        st.caption(t("interviews.no_interviews"))


def _staff_select(staff: dict[int, str], *, key: str, default: int | None) -> int | None:
    options = list(staff)
    index = options.index(default) if default in staff else 0
    return st.selectbox(
        t("interviews.interviewer"),
        options=options,
        index=index if options else None,
        format_func=staff.__getitem__,
        key=key,
        placeholder=t("common.choose_one"),
    )


def _schedule_form(applicant_id: int, staff: dict[int, str], me: int | None) -> None:
    actor = access.require("applicants.write")
    with st.form(f"schedule_interview_{applicant_id}"):
        day, at = _when_inputs("schedule")
        place = st.text_input(t("interviews.place"), key="schedule_place")
        interviewer_id = _staff_select(staff, key="schedule_interviewer", default=me)
        if st.form_submit_button(t("interviews.schedule"), type="primary"):
            run_action(
                lambda session: interviews.schedule_interview(
                    session=session,
                    actor=actor,
                    applicant_id=applicant_id,
                    scheduled_at=office_datetime(day, at),
                    place=place,
                    interviewer_id=interviewer_id,
                ),
                success=t("interviews.scheduled"),
                field_labels=FIELD_LABELS,
            )


def _reschedule_form(current: interviews.InterviewView, staff: dict[int, str]) -> None:
    actor = access.require("applicants.write")
    start = local(current.scheduled_at)
    with st.form(f"reschedule_interview_{current.id}"):
        day, at = _when_inputs("reschedule", day=start.date(), at=start.time())
        place = st.text_input(
            t("interviews.place"), value=current.place or "", key="reschedule_place"
        )
        interviewer_id = _staff_select(
            staff, key="reschedule_interviewer", default=current.interviewer_id
        )
        if st.form_submit_button(t("interviews.reschedule")):
            run_action(
                lambda session: interviews.reschedule_interview(
                    session=session,
                    actor=actor,
                    interview_id=current.id,
                    scheduled_at=office_datetime(day, at),
                    place=place,
                    interviewer_id=interviewer_id,
                ),
                success=t("interviews.rescheduled"),
                field_labels=FIELD_LABELS,
            )


def _cancel_form(interview_id: int) -> None:
    actor = access.require("applicants.write")
    with st.form(f"cancel_interview_{interview_id}"):
        reason = st.text_input(t("interviews.cancel_reason"), key="cancel_interview_reason")
        if st.form_submit_button(t("interviews.cancel")):
            run_action(
                lambda session: interviews.cancel_interview(
                    session=session, actor=actor, interview_id=interview_id, reason_text=reason
                ),
                success=t("interviews.cancelled"),
                field_labels=FIELD_LABELS,
            )


def rubric_inputs(prefix: str, initial: dict[str, int | None] | None = None) -> dict[str, int]:
    """The four 1-5 scores, as sliders (keys `<prefix>_score_<name>`)."""
    initial = initial or {}
    return {
        name: st.slider(
            t(f"interviews.score_{name}"),
            min_value=1,
            max_value=5,
            value=initial.get(name) or 3,
            key=f"{prefix}_score_{name}",
        )
        for name in interviews.RUBRIC
    }


def outcome_inputs(prefix: str, initial: str | None = None) -> str:
    options = list(interviews.OUTCOMES)
    return st.radio(
        t("interviews.outcome"),
        options=options,
        index=options.index(initial) if initial in options else 0,
        format_func=lambda o: t(f"interviews.outcome_{o}"),
        horizontal=True,
        key=f"{prefix}_outcome",
    )


def _outcome_form(
    interview_id: int, *, key: str, initial: interviews.InterviewView | None = None
) -> None:
    actor = access.require("applicants.write")
    with st.form(key):
        st.markdown(f"**{t('interviews.record')}**")
        outcome = outcome_inputs("record", initial.outcome if initial else None)
        scores = rubric_inputs("record", initial.scores if initial else None)
        notes = st.text_area(
            t("interviews.notes"),
            value=(initial.notes or "") if initial else "",
            key="record_notes",
        )
        reject = st.checkbox(t("interviews.reject"), key="record_reject")
        reject_text = st.text_input(t("interviews.reject_text"), key="record_reject_text")
        if st.form_submit_button(t("interviews.record"), type="primary"):
            run_action(
                lambda session: interviews.record_outcome(
                    session=session,
                    actor=actor,
                    interview_id=interview_id,
                    outcome=outcome,
                    scores=scores,
                    notes=notes,
                    reject=reject,
                    reject_reason_text=reject_text,
                ),
                success=t("interviews.recorded"),
                field_labels=FIELD_LABELS,
            )


# --- checks -----------------------------------------------------------------------------


def _check_line(view: checks.CheckView) -> str:
    label = t(f"checks.{view.kind}")
    required = t("checks.required") if view.required else t("checks.optional")
    if not view.done:
        return t("checks.not_done", check=label, required=required)
    if view.kind == checks.POLICE:
        return t(
            "checks.police_done",
            check=label,
            required=required,
            issued=view.issued_on,
            seen=view.seen_on,
            by=plain(view.seen_by or "–"),
        )
    return t(
        "checks.done_on",
        check=label,
        required=required,
        date=view.completed_on,
    )


CHECK_FIELDS = ("check_issued_on", "check_seen_on", "check_completed_on", "check_note")
CHECKS_FLASH = "checks_flash"


def _saved_check(_result: object) -> None:
    """Keep the message for the checks section itself (not the page's top, which is
    above the interview section) and give no page-wide flash."""
    st.session_state[CHECKS_FLASH] = t("checks.saved")


def checks_panel(applicant_id: int) -> None:
    """The checks section: what is done, a form to record one check, and approval."""
    actor = access.require("applicants.read")
    with sessions().begin() as session:
        overview = checks.checks_overview(session=session, actor=actor, applicant_id=applicant_id)
    st.subheader(t("checks.heading"), anchor=False)
    if message := st.session_state.pop(CHECKS_FLASH, None):
        st.success(message, icon=":material/check_circle:")
    for view in overview.checks:
        if view.too_old:
            icon = ":material/warning:"
        elif view.done:
            icon = ":material/check_circle:"
        else:
            icon = ":material/radio_button_unchecked:"
        st.markdown(f"{icon} {_check_line(view)}")
        if view.kind == checks.POLICE and view.usable_until is not None:
            if view.too_old:
                st.warning(t("checks.police_too_old", until=view.usable_until))
            else:
                st.caption(t("checks.police_usable_until", until=view.usable_until))
        if view.note:
            st.caption(plain(view.note))
    if not allowed(actor, "applicants.write"):
        return
    st.markdown(f"**{t('checks.record')}**")
    # Outside the form, so the fields below follow the kind chosen.
    kind = st.selectbox(
        t("checks.kind"),
        options=list(checks.CHECK_ORDER),
        format_func=lambda k: t(f"checks.{k}"),
        key="check_kind",
        placeholder=t("common.choose_one"),
    )
    with st.form(f"record_check_{applicant_id}"):
        issued_on = seen_on = completed_on = None
        if kind == checks.POLICE:
            st.caption(t("checks.certificate_note"))
            left, right = st.columns(2)
            issued_on = left.date_input(
                t("checks.issued_on"), value=None, format=date_format(), key="check_issued_on"
            )
            seen_on = right.date_input(
                t("checks.seen_on"), value=None, format=date_format(), key="check_seen_on"
            )
        else:
            completed_on = st.date_input(
                t("checks.completed_on"), value=None, format=date_format(), key="check_completed_on"
            )
        note = st.text_input(t("checks.note"), key="check_note")
        if st.form_submit_button(t("checks.save"), type="primary"):
            run_action(
                lambda session: checks.record_check(
                    session=session,
                    actor=actor,
                    applicant_id=applicant_id,
                    kind=kind,
                    issued_on=issued_on,
                    seen_on=seen_on,
                    completed_on=completed_on,
                    note=note,
                ),
                success=_saved_check,
                field_labels=FIELD_LABELS,
                # A fresh form for the next check: the note belongs to this one only.
                reset={
                    "check_note": "",
                    "check_issued_on": None,
                    "check_seen_on": None,
                    "check_completed_on": None,
                },
            )
    if overview.stage == "interviewed":
        if overview.missing:
            st.caption(t("checks.missing", count=len(overview.missing)))
        else:
            st.caption(t("checks.all_done"))
        if st.button(
            t("checks.approve"),
            key=f"approve_{applicant_id}",
            type="primary",
            icon=":material/verified:",
        ):
            run_action(
                lambda session: checks.approve(
                    session=session, actor=actor, applicant_id=applicant_id
                ),
                success=t("checks.approved"),
                field_labels=FIELD_LABELS,
            )


# --- how to reach the applicant -----------------------------------------------------------


def contact_panel(applicant_id: int) -> None:
    """The channels the applicant chose, when each was agreed to, and (for casework
    staff) a form to change them as the applicant asks."""
    actor = access.current_actor()
    with sessions()() as session:
        reach = contact.applicant_contact(session=session, actor=actor, applicant_id=applicant_id)
    st.markdown(f"**{t('casework.field_channels')}:**")
    if not reach.channels:
        st.markdown("–")
    for channel in reach.channels:
        st.markdown(
            t(
                "casework.channel_consent",
                channel=t(f"signup.channel_{channel}"),
                at=format_when(reach.consent_at[channel]),
            )
        )
    if reach.sms_opted_out_at is not None:
        st.markdown(t("casework.sms_opted_out", at=format_when(reach.sms_opted_out_at)))
    if not allowed(actor, "applicants.write"):
        return
    current = lang()
    with st.form(f"channels_{applicant_id}", enter_to_submit=False):
        chosen = st.pills(
            t("phone_signup.channels"),
            options=list(contact.CHANNELS),
            selection_mode="multi",
            format_func=lambda code: i18n.t(f"signup.channel_{code}", current),
            default=list(reach.channels),
            key=f"staff_channels_{applicant_id}",
        )
        if st.form_submit_button(t("common.save")):
            run_action(
                lambda session: contact.change_contact_channels(
                    session=session, actor=actor, applicant_id=applicant_id, channels=chosen or []
                ),
                success=t("self_service.channels_saved"),
                field_labels={
                    "channels": "signup.channels_short",
                    "phone": "casework.field_phone",
                    "email": "casework.field_email",
                },
            )
