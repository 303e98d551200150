"""The user's language in the UI: `?lang=en` in the URL, or the switch in the sidebar."""

from __future__ import annotations

import streamlit as st

from recruitment.core import i18n

LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "en": "English"}


def lang() -> str:
    """The current UI language; the URL wins, then the session, then bokmål."""
    from_url = st.query_params.get("lang")
    if from_url:
        chosen = i18n.language(from_url)
        st.session_state["lang"] = chosen
        return chosen
    return i18n.language(st.session_state.get("lang"))


def t(key: str, /, **params: object) -> str:
    return i18n.t(key, lang(), **params)


def language_switch(*, where=None, key: str = "language_switch") -> None:
    """A small selector that keeps the choice in the URL so links and reloads keep it."""
    where = where or st.sidebar
    current = lang()
    choice = where.selectbox(
        t("common.language"),
        options=list(LANGUAGE_NAMES),
        index=list(LANGUAGE_NAMES).index(current),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=key,
    )
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()


def error_message(error) -> str:
    """A domain error in the user's language."""
    return t(error.key, **getattr(error, "params", {}))
