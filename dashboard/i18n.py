"""The user's language in the UI: `?lang=en` in the URL, or the switch in the sidebar;
and dates, times and numbers written in it (`recruitment.core.timefmt`, office time)."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import TYPE_CHECKING

import streamlit as st

from recruitment.core import i18n, timefmt

if TYPE_CHECKING:
    import pandas as pd

LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "en": "English"}


# The language as read in this script run. Reading the URL and the session costs about
# 0.1 ms, and a page asks once per translated label: 10,000 times for a table of 5,000
# rows (a second). A run happens on a thread of its own; `start_run` (the app's first
# lines) starts the memory, so a page script run on its own (tests) reads every time.
_run = threading.local()


def start_run() -> None:
    _run.lang = None


def lang() -> str:
    """The current UI language; the URL wins, then the session, then bokmål."""
    known = getattr(_run, "lang", False)
    if known:
        return known
    from_url = st.query_params.get("lang")
    if from_url:
        chosen = i18n.language(from_url)
        st.session_state["lang"] = chosen
    else:
        chosen = i18n.language(st.session_state.get("lang"))
    if known is None:  # a run started by the app: remembered until its end
        _run.lang = chosen
    return chosen


def t(key: str, /, **params: object) -> str:
    return i18n.t(key, lang(), **params)


#: Streamlit's date pickers take only a numeric format: the language's usual one.
DATE_INPUT_FORMATS = {"nb": "DD.MM.YYYY", "en": "DD/MM/YYYY"}


def date_format() -> str:
    """The `format=` of `st.date_input` in the user's language."""
    return DATE_INPUT_FORMATS[lang()]


def format_when(moment: datetime | None) -> str:
    """A meeting or interview time in words: "tirsdag 1. desember 2026 kl. 18.00"."""
    return timefmt.format_when(moment, lang())


def format_datetime(moment: datetime | None) -> str:
    """A moment in short, on the office's clock: "01.12.2026 kl. 18.00"."""
    return timefmt.format_datetime(moment, lang())


def format_date(value: date | datetime | None) -> str:
    """A day in short: "01.12.2026", "1 Dec 2026"."""
    return timefmt.format_date(value, lang())


def format_month(value: date | str | None) -> str:
    """A calendar month: "januar 2027", "January 2027"."""
    return timefmt.format_month(value, lang())


def format_time(moment: datetime | None) -> str:
    """The office's clock time: "18.00", "18:00"."""
    return timefmt.format_time(moment, lang())


def format_number(value, digits: int | None = None) -> str:
    return timefmt.format_number(value, lang(), digits)


def format_percent(value, digits: int = 0) -> str:
    return timefmt.format_percent(value, lang(), digits)


def localised(rows: pd.DataFrame | list[dict], **columns) -> pd.DataFrame:
    """`rows` with the named columns as text in the user's language, for a table:
    `localised(rows, dates=["created_at"], datetimes=[...], numbers={"score": 1})`
    (see `recruitment.core.timefmt.localise_columns`)."""
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    return timefmt.localise_columns(frame, lang(), **columns)


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
        placeholder=t("common.choose_one"),
    )
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()


def error_message(error) -> str:
    """A domain error in the user's language."""
    return t(error.key, **getattr(error, "params", {}))
