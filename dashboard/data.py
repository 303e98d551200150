"""The database as the UI sees it: one engine per process, migrated at start, and
sessions for the page's one transaction. The analytics pages' cached reads live in
`dashboard/analytics/data.py`; `clear_caches` empties them after a write."""

from __future__ import annotations

import itertools

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import database_url, make_engine, make_session_factory


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    # App start brings the database to the newest schema, like `verve db upgrade`.
    migrate.upgrade(engine)
    return engine


def engine() -> Engine:
    return _engine(database_url())


def sessions() -> sessionmaker[Session]:
    """Use as `with sessions().begin() as session:` to read; a user action (a write)
    goes through `dashboard.action.run_action`, which opens its transaction here."""
    return make_session_factory(engine())


_writes = itertools.count(1)
_last_write = 0


def clear_caches() -> None:
    """After a write, so cached reads (lists, charts) show it at once (`run_action` calls it)."""
    global _last_write
    _last_write = next(_writes)
    st.cache_data.clear()


def writes() -> int:
    """How many writes this process has made (a number that changes with each): the
    Forecast page looks at its own fingerprint again only after one."""
    return _last_write
