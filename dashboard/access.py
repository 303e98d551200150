"""The logged-in staff member, kept in the session as plain values, and the guard
every page calls at its top (navigation hides pages too, but a URL must not open them)."""

from __future__ import annotations

import time

import streamlit as st

from recruitment.access import Actor, allowed
from recruitment.settings import DEFAULTS

from .i18n import t

_KEY = "actor"
_SEEN = "actor_seen_at"


def current_actor() -> Actor | None:
    """The staff member logged in here, or None (also once the session has expired)."""
    values = st.session_state.get(_KEY)
    if not values:
        return None
    timeout = st.session_state.get("session_timeout_minutes", DEFAULTS["session_timeout_minutes"])
    now = time.time()
    if now - st.session_state.get(_SEEN, now) > timeout * 60:
        log_out()
        st.session_state["session_expired"] = True
        return None
    st.session_state[_SEEN] = now
    return Actor(**values)


def log_in(actor: Actor, *, timeout_minutes: int | None = None) -> None:
    st.session_state[_KEY] = {"id": actor.id, "username": actor.username, "role": actor.role, "name": actor.name}
    st.session_state[_SEEN] = time.time()
    if timeout_minutes:
        st.session_state["session_timeout_minutes"] = timeout_minutes


def log_out() -> None:
    for key in (_KEY, _SEEN):
        st.session_state.pop(key, None)


def require(permission: str) -> Actor:
    """The actor if they hold `permission`; otherwise a message and the page stops."""
    actor = current_actor()
    if not allowed(actor, permission):
        st.error(t("common.no_access") if actor else t("common.login_required"))
        st.stop()
    assert actor is not None
    return actor
