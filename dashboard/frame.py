"""The page frame's few additions to Streamlit: a stylesheet (visible keyboard focus,
meeting choices spaced on a phone) and a script that puts Streamlit's own English
("Skip to main content", "Open", …) into the user's language, brings the first error
into view after a refused form and, for staff, loads the chart library while the
browser is idle (so the first page with a chart is not the one that waits for it).

Both are constant files in dashboard/static; the only things filled in are the language
code, one of Verve's own, and the file name of Streamlit's chart module, read from
Streamlit's own static folder. This is the one place the dashboard hands HTML to
Streamlit (tests/unit/test_no_raw_html.py keeps it that way)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit as st

from recruitment.core.i18n import LANGUAGES

STATIC = Path(__file__).resolve().parent / "static"
STYLESHEET = STATIC / "verve.css"
SCRIPT = STATIC / "frame.html"


#: A file name of Streamlit's bundle: letters, digits, dots, dashes and underscores.
_MODULE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.js")


@cache
def chart_module() -> str:
    """The file name of Streamlit's chart module (`ArrowVegaLiteChart.<hash>.js`, with the
    Vega library it imports), or "" when this Streamlit has none by that name."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    names = sorted(path.name for path in folder.glob("ArrowVegaLiteChart.*.js"))
    return names[0] if names and _MODULE_NAME.fullmatch(names[0]) else ""


def frame_html(language: str, *, preload_charts: bool = False) -> str:
    """The frame's script element for `language` (constant but for the language code and,
    with `preload_charts`, the chart module's file name)."""
    if language not in LANGUAGES:
        raise ValueError(f"not one of Verve's languages: {language!r}")
    fill = {"__LANG__": language, "__PRELOAD__": chart_module() if preload_charts else ""}
    return re.sub("__LANG__|__PRELOAD__", lambda match: fill[match[0]], SCRIPT.read_text("utf-8"))


def frame(language: str, *, preload_charts: bool = False) -> None:
    """Draw the stylesheet and the frame script for `language` (call once per run).
    Staff pass `preload_charts`: an applicant on a phone never loads the chart library."""
    script = frame_html(language, preload_charts=preload_charts)
    st.html(STYLESHEET)
    st.html(script, unsafe_allow_javascript=True)
