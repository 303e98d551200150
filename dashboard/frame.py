"""The page frame's few additions to Streamlit: a stylesheet (visible keyboard focus,
meeting choices spaced on a phone) and a script that puts Streamlit's own English
("Skip to main content", "Open", …) into the user's language and brings the first
error into view after a refused form.

Both are constant files in dashboard/static; the only thing filled in is the language
code, one of Verve's own. This is the one place the dashboard hands HTML to Streamlit
(tests/unit/test_no_raw_html.py keeps it that way)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from recruitment.core.i18n import LANGUAGES

STATIC = Path(__file__).resolve().parent / "static"
STYLESHEET = STATIC / "verve.css"
SCRIPT = STATIC / "frame.html"


def frame_html(language: str) -> str:
    """The frame's script element for `language` (constant but for the language code)."""
    if language not in LANGUAGES:
        raise ValueError(f"not one of Verve's languages: {language!r}")
    return SCRIPT.read_text(encoding="utf-8").replace("__LANG__", language)


def frame(language: str) -> None:
    """Draw the stylesheet and the frame script for `language` (call once per run)."""
    script = frame_html(language)
    st.html(STYLESHEET)
    st.html(script, unsafe_allow_javascript=True)
