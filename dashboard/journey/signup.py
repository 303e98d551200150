"""The public sign-up page: what a support contact does, the upcoming info meetings as
clear choices, the sign-up form, and the thank-you screen that follows."""

import uuid

import streamlit as st

from dashboard.action import run_action
from dashboard.components import public_header
from dashboard.data import sessions
from dashboard.i18n import lang, t
from dashboard.journey.applicant_form import (
    applicant_fields,
    channel_fields,
    error_summary,
    field_error,
    meeting_option,
    wish_fields,
)
from recruitment.core.errors import MeetingFull, MeetingUnavailable, ValidationFailed
from recruitment.journey.applicants import sign_up
from recruitment.journey.booking import open_meetings

PHONE = "phone"  # the choice "I'd rather be phoned" among the meetings


def start_over() -> None:
    for key in [k for k in st.session_state if str(k).startswith("signup_")]:
        del st.session_state[key]


def thank_you(done: dict) -> None:
    """The same words whatever the database holds: only what the visitor chose shows,
    so the page never tells whether an address was registered before."""
    st.title(t("signup.thanks_title"), anchor=False)
    st.success(t("signup.thanks_sent"), icon=":material/mark_email_read:")
    st.subheader(t("signup.next_title"), anchor=False)
    st.markdown(t("signup.next_steps_callback" if done["callback"] else "signup.next_steps"))
    st.write(t("signup.my_page_text"))
    st.button(t("signup.start_over"), on_click=start_over, key="signup_start_over")


public_header()
done = st.session_state.get("signup_done")
if done:
    thank_you(done)
    st.stop()

st.title(t("signup.title"), anchor=False)
st.write(t("signup.intro"))
st.write(t("signup.intro_steps"))

with sessions()() as session:
    choices = open_meetings(session)
by_id = {c.id: c for c in choices}
# What the visitor was shown: a meeting that had seats then but is full now must not
# silently put them on a waitlist they did not choose.
seen_full: dict = st.session_state.get("signup_seen_full", {})
st.session_state["signup_seen_full"] = {c.id: c.seats_left <= 0 for c in choices}
nonce = st.session_state.setdefault("signup_nonce", uuid.uuid4().hex)
errors: dict[str, str] = st.session_state.get("signup_errors", {})

with st.form("signup", enter_to_submit=False, border=False):
    error_summary(errors)
    st.header(t("signup.step_meeting"), divider="gray", anchor=False)
    if not choices:
        st.info(t("signup.no_meetings"))
    options = [c.id for c in choices] + [PHONE]
    current = lang()
    phone_label = t("signup.phone_option")
    choice = st.radio(
        t("signup.meeting"),
        options,
        index=None,
        format_func=lambda o: phone_label if o == PHONE else meeting_option(by_id[o], current),
        key="signup_meeting",
    )
    field_error(errors, "meeting")

    st.header(t("signup.step_about_you"), divider="gray", anchor=False)
    st.markdown(t("signup.required_note"))
    raw = applicant_fields("signup", errors)

    st.header(t("signup.step_wishes"), divider="gray", anchor=False)
    raw |= channel_fields("signup", errors, question="signup.channels")
    raw |= wish_fields("signup", errors)

    st.header(t("signup.step_send"), divider="gray", anchor=False)
    raw["consent"] = st.checkbox(
        f"{t('signup.consent', url=f'privacy?lang={lang()}')} {t('common.required_mark')}",
        key="signup_consent",
    )
    field_error(errors, "consent")
    submitted = st.form_submit_button(t("signup.submit"), type="primary", icon=":material/send:")


def send(session):
    """The sign-up as one action; a meeting that filled up or closed meanwhile is a field
    to correct, like any other."""
    meeting_id = choice if isinstance(choice, int) else None
    try:
        return sign_up(
            session=session,
            raw=raw,
            meeting_id=meeting_id,
            callback=choice == PHONE,
            allow_waitlist=seen_full.get(meeting_id, False),
            lang=lang(),
            submission=nonce,
        )
    except (MeetingFull, MeetingUnavailable) as error:
        # The choices are shown again as they now stand; everything typed is kept.
        raise ValidationFailed({"meeting": error.key}) from error


if submitted and st.session_state.get("signup_sent_nonce") != nonce:
    # The thank-you is a screen of its own, so the page reruns itself.
    result = run_action(send, errors_key="signup_errors", rerun=False)
    if result is not None:
        # A second click of the same form finds this and only shows the thank-you again.
        st.session_state["signup_sent_nonce"] = nonce
        st.session_state["signup_done"] = {"callback": choice == PHONE}
        st.rerun()
elif submitted:
    st.rerun()
