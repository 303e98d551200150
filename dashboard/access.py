"""The logged-in staff member and the guard every page calls at its top (navigation hides
pages too, but a URL must not open them).

The login lives in the database (`recruitment.accounts.staff_sessions`): the browser
holds the session id in an HttpOnly cookie set by the login form's HTTP route
(`dashboard/web/login_form.py`) and every page run reads it through
`st.context.cookies`, so F5, new tabs, other replicas and restarts keep the login. A
login made inside a page (first run, single sign-on) keeps its id in this session
instead. Either way the database decides on every run: idle and absolute expiry, log
out in another tab, deactivation and role changes act at once."""

from __future__ import annotations

import threading

import streamlit as st

from dashboard.i18n import t
from dashboard.web.cookies import SELF_SERVICE, SESSION
from recruitment.accounts.staff import has_staff
from recruitment.accounts.staff_sessions import end_session, session_actor, start_session
from recruitment.core.access import Actor, allowed

_TOKEN = "staff_session"
EXPIRED = "session_expired"
LOGGED_OUT = "logged_out"

# The account as read in this script run: the frame and the page's guard both ask, and one
# read per run is enough. Runs of one session happen one after another on one thread;
# `start_run` (the app's first line) forgets the previous run's answer.
_run = threading.local()
_UNREAD = object()
# Once any account exists the first-run form is never shown again in this process.
_staff_seen: set[str] = set()


def start_run() -> None:
    _run.actor = _UNREAD
    _run.cached = True


def staff_exists(session) -> bool:
    """Whether any staff account exists; remembered once true (asked on every run)."""
    url = str(session.get_bind().url)
    if url in _staff_seen:
        return True
    if has_staff(session):
        _staff_seen.add(url)
        return True
    return False


def client_address() -> str | None:
    """The client's IP address as Streamlit sees it (None in tests and some proxies)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser context (bare mode)
        return None
    # AppTest gives a stand-in object rather than a string.
    return address if isinstance(address, str) and address else None


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(SESSION)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return token if isinstance(token, str) and token else None


def self_service_token() -> str:
    """The applicant's personal-link token that `verve serve` moved into a cookie."""
    try:
        token = st.context.cookies.get(SELF_SERVICE)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return ""
    return token if isinstance(token, str) else ""


def session_token() -> str | None:
    """The session id this browser tab runs with: its own (first run, SSO) or the cookie."""
    return st.session_state.get(_TOKEN) or _cookie_token()


def current_actor() -> Actor | None:
    """The staff member logged in here, or None (also once the session has expired, was
    logged out elsewhere, or the account was deactivated). Read once per script run."""
    if getattr(_run, "cached", False) and _run.actor is not _UNREAD:
        return _run.actor
    actor = _current_actor()
    if getattr(_run, "cached", False):
        _run.actor = actor
    return actor


def _current_actor() -> Actor | None:
    token = session_token()
    if not token:
        return None
    from dashboard.data import sessions

    with sessions().begin() as session:
        lookup = session_actor(session, token)
    if lookup.actor is None:
        _forget()
        if lookup.expired:
            st.session_state[EXPIRED] = True
    return lookup.actor


def log_in(actor: Actor) -> None:
    """A login made inside a page (first run, single sign-on): a session of this tab."""
    from dashboard.data import sessions

    _run.actor = _UNREAD
    with sessions().begin() as session:
        st.session_state[_TOKEN] = start_session(session=session, actor=actor)
    st.session_state.pop(EXPIRED, None)


def _forget() -> None:
    """Forget everything the staff pages kept in this browser session."""
    _run.actor = _UNREAD
    for key in list(st.session_state.keys()):
        if key not in {"lang", EXPIRED, LOGGED_OUT}:
            del st.session_state[key]


def log_out_recorded(actor: Actor) -> None:
    """Log out at the user's request: the session ends in every tab and on every replica,
    with a line in the audit log."""
    from dashboard.data import sessions

    with sessions().begin() as session:
        end_session(session=session, actor=actor, token=session_token(), client=client_address())
    _forget()
    st.session_state[LOGGED_OUT] = True
    try:
        if st.user.is_logged_in:  # single sign-on: drop the identity cookie too
            st.logout()
    except Exception:  # noqa: BLE001 - SSO not configured
        pass


def require(permission: str) -> Actor:
    """The actor if they hold `permission`; otherwise a message and the page stops."""
    actor = current_actor()
    if not allowed(actor, permission):
        if actor is not None:
            st.error(t("common.no_access"))
        elif st.session_state.get(EXPIRED):
            st.info(t("login.session_expired"))
        else:
            st.error(t("common.login_required"))
        st.stop()
    assert actor is not None
    return actor
