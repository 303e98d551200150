"""Staff sign-up of someone who phoned in: the same form and checks, source "phone"."""

import streamlit as st

from dashboard.access import require
from dashboard.action import run_action, show_flash
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import lang, t
from dashboard.journey.applicant_form import (
    applicant_fields,
    channel_fields,
    empty_fields,
    error_summary,
    field_error,
    meeting_caption,
    meeting_label,
    wish_fields,
)
from recruitment.core import i18n
from recruitment.journey.applicants import register_caller
from recruitment.journey.booking import open_meetings

actor = require("applicants.write")
st.title(t("phone_signup.title"), anchor=False)
st.write(t("phone_signup.intro"))

show_flash()

with sessions()() as session:
    choices = open_meetings(session)
by_id = {c.id: c for c in choices}
current = lang()
errors: dict[str, str] = st.session_state.get("phone_signup_errors", {})
NO_MEETING = 0

with st.form("phone_signup", enter_to_submit=False, clear_on_submit=False):
    error_summary(errors)
    raw = applicant_fields("phone_signup", errors, optional=frozenset({"email"}))
    st.markdown(t("phone_signup.email_optional"))
    raw |= channel_fields(
        "phone_signup", errors, question="phone_signup.channels", default=("call",)
    )
    raw["instead_of_email"] = st.radio(
        t("phone_signup.instead_of_email"),
        ["call", "letter"],
        format_func=lambda code: i18n.t(f"phone_signup.instead_{code}", current),
        horizontal=True,
        key="phone_signup_instead",
    )
    raw |= wish_fields("phone_signup", errors, sources=("phone",))
    no_meeting = t("phone_signup.no_meeting")
    meeting = st.selectbox(
        t("signup.meeting"),
        [NO_MEETING] + [c.id for c in choices],
        format_func=lambda o: (
            no_meeting
            if o == NO_MEETING
            else f"{meeting_label(by_id[o], current)} · {meeting_caption(by_id[o], current)}"
        ),
        key="phone_signup_meeting",
        placeholder=t("common.choose_one"),
    )
    field_error(errors, "meeting")
    raw["consent"] = st.checkbox(
        f"{t('phone_signup.consent')} {t('common.required_mark')}", key="phone_signup_consent"
    )
    field_error(errors, "consent")
    submitted = st.form_submit_button(t("phone_signup.submit"), type="primary")

if submitted:
    name = plain(f"{raw['first_name']} {raw['last_name']}".strip())
    run_action(
        lambda session: register_caller(
            session=session, actor=actor, raw=raw, meeting_id=meeting or None, lang=current
        ),
        success=lambda result: t(
            "phone_signup.created" if result.created else "phone_signup.updated", name=name
        ),
        errors_key="phone_signup_errors",
        # A fresh, empty form for the next caller.
        reset=empty_fields("phone_signup", channels=("call",))
        | {
            "phone_signup_meeting": NO_MEETING,
            "phone_signup_consent": False,
            "phone_signup_instead": "call",
        },
    )
