"""First run on an empty database: create the first administrator, optionally with demo data."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action
from dashboard.data import clear_caches, sessions
from dashboard.i18n import t
from recruitment.accounts.office_settings import change_settings
from recruitment.accounts.staff import actor_for, create_first_admin
from recruitment.core.errors import ValidationFailed
from recruitment.core.links import PUBLIC_URL_ENV
from recruitment.demo.people import DEMO_PASSWORD

st.title(t("first_run.title"), anchor=False)
st.write(t("first_run.intro"))

DEMO_APPLICANTS = 2000

errors: dict[str, str] = st.session_state.get("first_run_errors", {})

#: The form and every message about it live in this one slot: while the demo data loads
#: (a while), the slot shows only the progress, so no old error and no form to click
#: again stay on screen (the browser keeps a previous run's elements until replaced).
screen = st.empty()


def _field_error(field: str) -> None:
    if field in errors:
        st.error(t(errors[field], min=12, max=64), icon=":material/error:")


def _suggested_address() -> str:
    """`VERVE_PUBLIC_URL` when set, else the address this browser used."""
    import os
    from urllib.parse import urlsplit

    if os.environ.get(PUBLIC_URL_ENV, "").strip():
        return os.environ[PUBLIC_URL_ENV].strip()
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (AppTest)
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def create_admin(session):
    if password != repeat:
        raise ValidationFailed({"repeat": "validation.passwords_differ"})
    user = create_first_admin(
        session=session, username=username, password=password, full_name=full_name
    )
    actor = actor_for(user)
    # A bad address refuses the whole form: one transaction, nothing saved.
    change_settings(session=session, actor=actor, values={"public_base_url": public_address})
    return actor


def demo_summary(made) -> str:
    """What the demo data holds and how to log in as one of its staff."""
    return t(
        "first_run.demo_done",
        applicants=made.applicants,
        meetings=made.meetings,
        service_users=made.service_users,
        placements=made.placements,
        staff=made.staff,
        password=DEMO_PASSWORD,
        staff_page=t("security.nav_staff"),
    )


actor = None
with screen.container():
    with st.form("first_run"):
        full_name = st.text_input(t("first_run.full_name"), key="first_run_full_name")
        username = st.text_input(t("login.username"), key="first_run_username")
        _field_error("username")
        password = st.text_input(t("login.password"), type="password", key="first_run_password")
        _field_error("password")
        repeat = st.text_input(
            t("first_run.repeat_password"), type="password", key="first_run_repeat"
        )
        _field_error("repeat")
        public_address = st.text_input(
            t("first_run.public_address"),
            value=_suggested_address(),
            key="first_run_public_address",
            help=t("first_run.public_address_help"),
        )
        _field_error("public_base_url")
        demo = st.toggle(t("first_run.demo"), key="first_run_demo", help=t("first_run.demo_help"))
        submitted = st.form_submit_button(t("first_run.submit"), type="primary")
    if submitted:
        # No rerun yet: the demo data (in transactions of its own) and the log-in come first.
        actor = run_action(create_admin, errors_key="first_run_errors", rerun=False)

if actor is not None:
    if demo:
        # The form and its messages give way to the progress alone.
        screen.info(
            t("first_run.demo_running", applicants=DEMO_APPLICANTS), icon=":material/hourglass_top:"
        )
        with st.spinner(t("first_run.demo_wait")):
            from recruitment.demo.service import generate

            made = generate(sessions(), applicants=DEMO_APPLICANTS, seed=1)
        clear_caches()  # the demo data is written after the action's own clearing
        # Shown once by the start page, where the new admin lands.
        st.session_state["first_run_demo_summary"] = demo_summary(made)
    access.log_in(actor)
    st.rerun()
