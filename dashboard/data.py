"""The database as the UI sees it: one engine per process, migrated at start, and
sessions for the page's one transaction. The analytics pages' cached reads live in
`dashboard/analytics/data.py`; `clear_caches` empties them after a write."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import database_url, make_engine, make_session_factory, readers


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    # App start brings the database to the newest schema, like `verve db upgrade`.
    migrate.upgrade(engine)
    return engine


def engine() -> Engine:
    return _engine(database_url())


_thread = threading.local()


def sessions() -> sessionmaker[Session]:
    """Use as `with sessions().begin() as session:` to read; a user action (a write)
    goes through `dashboard.action.run_action`, which opens its transaction here.
    Inside `only_reading()` the transactions are readers' (db.session.readers)."""
    if getattr(_thread, "only_reading", False):
        return make_session_factory(readers(engine()))
    return make_session_factory(engine())


def report_sessions() -> sessionmaker[Session]:
    """Sessions for the reports' long reads (the analytics pages' and the forecast's,
    which never write): readers' transactions (db.session.readers), so on SQLite a
    sign-up or a coordinator's save never queues behind a report being computed."""
    return make_session_factory(readers(engine()))


@contextmanager
def only_reading() -> Iterator[None]:
    """Around work in this thread that never writes (the warm-up's reports): on SQLite its
    transactions then hold no write lock, which made the first page runs after a start
    wait seconds for them at 100,000 applicants."""
    _thread.only_reading = True
    try:
        yield
    finally:
        _thread.only_reading = False


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
