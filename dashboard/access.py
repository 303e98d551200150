"""The logged-in staff member, kept in the session as plain values, and the guard
every page calls at its top (navigation hides pages too, but a URL must not open them).

A session ends after `session_timeout_minutes` without activity; on every run the
account is read again, so a deactivation or a role change takes effect at once."""

from __future__ import annotations

import threading
import time

import streamlit as st

from dashboard.i18n import t
from recruitment.accounts.staff import active_actor, has_staff
from recruitment.core.access import Actor, allowed
from recruitment.core.settings import DEFAULTS

_KEY = "actor"
_SEEN = "actor_seen_at"
_TIMEOUT = "session_timeout_minutes"
EXPIRED = "session_expired"

# The account as read in this script run: the frame and the page's guard both ask, and one
# read per run is enough. Runs of one session happen one after another on one thread;
# `start_run` (the frame's first line) forgets the previous run's answer.
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


def current_actor() -> Actor | None:
    """The staff member logged in here, or None (also once the session has expired or
    the account was deactivated)."""
    if getattr(_run, "cached", False) and _run.actor is not _UNREAD:
        return _run.actor
    actor = _current_actor()
    if getattr(_run, "cached", False):
        _run.actor = actor
    return actor


def _current_actor() -> Actor | None:
    values = st.session_state.get(_KEY)
    if not values:
        return None
    timeout_minutes = st.session_state.get(_TIMEOUT) or DEFAULTS["session_timeout_minutes"]
    now = time.time()
    seen = st.session_state.get(_SEEN)
    if seen is None or now - seen > timeout_minutes * 60:
        log_out()
        st.session_state[EXPIRED] = True
        return None
    actor = _fresh(values)
    if actor is None:
        log_out()
        return None
    st.session_state[_SEEN] = now
    return actor


def _fresh(values: dict) -> Actor | None:
    from dashboard.data import sessions

    with sessions()() as session:
        actor = active_actor(session, values.get("id"))
    if actor is not None and (actor.role != values.get("role") or actor.name != values.get("name")):
        st.session_state[_KEY] = _values(actor)
    return actor


def _values(actor: Actor) -> dict:
    return {"id": actor.id, "username": actor.username, "role": actor.role, "name": actor.name}


def log_in(actor: Actor, *, timeout_minutes: int | None = None) -> None:
    _run.actor = _UNREAD
    st.session_state[_KEY] = _values(actor)
    st.session_state[_SEEN] = time.time()
    st.session_state.pop(EXPIRED, None)
    if timeout_minutes:
        st.session_state[_TIMEOUT] = timeout_minutes


def log_out() -> None:
    """Forget the staff member and everything their pages kept in this session."""
    _run.actor = _UNREAD
    for key in list(st.session_state.keys()):
        if key not in {"lang", EXPIRED}:
            del st.session_state[key]


def log_out_recorded(actor: Actor) -> None:
    """Log out at the user's request, with a line in the audit log."""
    from dashboard.data import sessions
    from recruitment.accounts.staff import log_out as record_log_out

    with sessions().begin() as session:
        record_log_out(session=session, actor=actor, client=client_address())
    log_out()
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
