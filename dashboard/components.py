"""Small widgets reused across pages."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import lang, language_switch, t


def public_header() -> None:
    """The top of every public page: the language choice and the way to staff login."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    language_switch(where=right, key="public_language")
    with left:
        st.page_link(
            "accounts/login.py",
            label=t("nav.staff_login"),
            icon=":material/login:",
            query_params={"lang": lang()},
        )


def pager(key: str, page: int, pages: int) -> None:
    """Previous and next buttons under a paged table. The page number lives in
    `st.session_state[key]`; the page resets it to 1 when its filters change."""
    back, forward, _ = st.columns([1, 1, 4])
    if back.button(
        t("common.previous_page"),
        key=f"{key}_prev",
        disabled=page <= 1,
        icon=":material/chevron_left:",
    ):
        st.session_state[key] = page - 1
        st.rerun()
    if forward.button(
        t("common.next_page"),
        key=f"{key}_next",
        disabled=page >= pages,
        icon=":material/chevron_right:",
    ):
        st.session_state[key] = page + 1
        st.rerun()


def show_field_errors(fields: dict[str, str], labels: dict[str, str]) -> None:
    """One summary line naming the fields to correct (each field also shows its own message)."""
    names = ", ".join(labels.get(field, field) for field in fields)
    st.error(t("common.fix_fields", fields=names), icon=":material/error:")


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:")


def plain(text: object) -> str:
    """User-supplied text made safe to embed in Markdown: every character Markdown
    could read as syntax (links, emphasis, HTML, LaTeX) is escaped, so it shows as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))
