"""The one way a page writes: one user action in one transaction, then the outcome in
the user's language.

    run_action(
        lambda session: mark_held(session=session, actor=actor, meeting_id=meeting_id),
        success=t("meetings.marked_held"),
    )

A domain error (`VerveError`) rolls the whole transaction back and is shown where the
action was asked for; anything else is a bug and propagates. On success the cached reads
are cleared and the page runs again, showing the message once where it calls
`show_flash()`. Widget values are left alone on failure, so what the user typed stays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from dashboard import data
from dashboard.i18n import error_message, t
from recruitment.core.errors import ValidationFailed, VerveError

T = TypeVar("T")

FLASH = "action_flash"
RESET = "action_reset"
SUCCESS_ICON = ":material/check_circle:"
ERROR_ICON = ":material/error:"


def run_action(
    fn: Callable[[Session], T],
    *,
    success: str | Callable[[T], str] | None = None,
    rerun: bool = True,
    field_labels: Mapping[str, str] | None = None,
    errors_key: str | None = None,
    reset: Mapping[str, object] | None = None,
    clear_caches: bool = True,
) -> T | None:
    """Call `fn(session)` in one transaction; its result, or None after a domain error.

    `success`: the message to show afterwards, or a function of the result that makes it.
    `rerun=False` when the page goes on with the result (a download, a token; let `fn`
    return something other than None then): the message is shown at once, where the
    page is. `field_labels` maps a field to the catalogue key of its label, for the line
    that names it. With `errors_key`, bad input is not shown here: the fields' messages
    are kept in `st.session_state[errors_key]` for the form to place under each field,
    and the page runs again. `reset` gives session keys (such as a form's widget keys)
    the values to have on the page's next run after a success, for a fresh form.
    `clear_caches=False` for an action that changes
    nothing the cached reads show (a login): clearing them is felt by every user.
    """
    try:
        with data.sessions().begin() as session:
            result = fn(session)
    except ValidationFailed as error:
        if errors_key is not None:
            st.session_state[errors_key] = dict(error.fields)
            st.rerun()
        show_error(error, field_labels=field_labels)
        return None
    except VerveError as error:
        show_error(error)
        return None
    if clear_caches:
        data.clear_caches()
    if errors_key is not None:
        st.session_state.pop(errors_key, None)
    if reset:
        # A widget drawn in this run cannot be given a value any more; show_flash() gives
        # it on the next run, before the form is drawn (deleting the key would leave the
        # browser showing the old text).
        st.session_state[RESET] = dict(reset)
    message = success(result) if callable(success) else success
    if rerun:
        if message:
            flash(message)
        st.rerun()
    if message:
        st.success(message, icon=SUCCESS_ICON)
    return result


def show_error(error: VerveError, *, field_labels: Mapping[str, str] | None = None) -> None:
    """A domain error in the user's language; for bad input, one line per field (its
    label, from the catalogue keys in `field_labels`, and its message)."""
    if not isinstance(error, ValidationFailed):
        st.error(error_message(error), icon=ERROR_ICON)
        return
    labels = field_labels or {}
    for field, key in error.fields.items():
        label = t(labels[field]) if field in labels else field
        message = t(key, **error.params)
        st.error(t("common.field_error", field=label, message=message), icon=ERROR_ICON)


def flash(message: str) -> None:
    """Keep `message` for the page's next run, for a page that reruns itself."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    """The message of the action that just succeeded, once; call it above the page's forms,
    as it also gives the fields the action asked to `reset` their fresh values. Always one
    element, filled or not, so the tabs and expanders below keep their place (and stay
    open) on the rerun."""
    for key, value in st.session_state.pop(RESET, {}).items():
        st.session_state[key] = value
    slot = st.empty()
    if message := st.session_state.pop(FLASH, None):
        slot.success(message, icon=SUCCESS_ICON)
