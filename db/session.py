"""Engine and session factories. Nothing is created at import time."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def data_dir() -> Path:
    """Verve's data folder, always absolute: `VERVE_DATA_DIR`, else the user's data folder
    (`$XDG_DATA_HOME/verve`, `~/.local/share/verve`). Never the working directory, so
    starting from another folder cannot silently open a new, empty database."""
    chosen = os.environ.get("VERVE_DATA_DIR", "").strip()
    if not chosen:
        base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
        chosen = str(Path(base) / "verve")
    return Path(chosen).expanduser().resolve()


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'verve.db'}"


def database_url() -> str:
    """The database to use: `DATABASE_URL`, else the SQLite file `verve.db` in the data
    folder."""
    url = os.environ.get("DATABASE_URL", "").strip() or default_database_url()
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Accept the plain `postgresql://` form that hosting providers hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for `url` that never logs bound values; SQLite gets WAL, foreign keys
    and writer serialisation."""
    url = normalise_url(url or database_url())
    parsed = make_url(url)
    # A failing statement's exception (and so the server log) names the SQL but never the
    # bound values: they are people's names, notes and reasons.
    kwargs["hide_parameters"] = True
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": 30, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() knows only A-Z, so "ØSTBY" did not find "Østby" through
        # lower(...) or ILIKE as on PostgreSQL. No index is built on lower() (an index on a
        # replaced function would no longer agree with it).
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # BEGIN IMMEDIATE takes the write lock up front. With deferred transactions
        # two writers that both read first deadlock on the upgrade and one fails with
        # "database is locked"; taking the lock at BEGIN makes them queue instead,
        # which is what keeps concurrent bookings below capacity on SQLite.
        # A reader that never writes (`readers`) begins deferred: in WAL mode it waits for
        # nobody and nobody waits for it, however long its reports take.
        if conn.get_execution_options().get(READER):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


#: The execution option of `readers`: transactions that only read.
READER = "verve_reader"


def readers(engine: Engine) -> Engine:
    """`engine` for transactions that only ever read (the warm-up's reports): on SQLite
    they take no write lock, so pages' transactions never queue behind their long reads.
    Nothing changes on PostgreSQL, where readers never block."""
    return engine.execution_options(**{READER: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (pages render after the transaction)."""
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine_or_session: Engine | Session) -> bool:
    bind = (
        engine_or_session.get_bind()
        if isinstance(engine_or_session, Session)
        else engine_or_session
    )
    return bind.dialect.name == "sqlite"
