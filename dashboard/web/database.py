"""The database for the HTTP routes and middleware (outside any Streamlit script run)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.session import database_url, make_engine, make_session_factory


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def sessions() -> sessionmaker[Session]:
    return make_session_factory(_engine(database_url()))
