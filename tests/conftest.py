"""Fixtures shared by every layer of tests.

Database tests run twice, on SQLite and on PostgreSQL. PostgreSQL is the server named
by TEST_DATABASE_URL (default: the local one at 127.0.0.1:5432, database `test`). Where
it cannot be reached the PostgreSQL half is skipped with the reason, except under
CI=true, where that is an error: CI must not pass with half of the suite missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.models import (
    Applicant,
    Base,
    InfoMeeting,
    MeetingMode,
    StaffUser,
)
from db.session import make_engine, make_session_factory
from recruitment.accounts.staff import actor_for
from recruitment.core._moves import record_sign_up
from recruitment.core.access import Actor

# The real SMTP server fixture (`smtp_server`, aiosmtpd on 127.0.0.1) for the mail tests.
pytest_plugins = ["tests.smtp", "tests.sms_gateway"]

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL


def _postgres_unreachable_reason() -> str | None:
    try:
        engine = make_engine(postgres_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # any failure to connect means "not available here"
        return f"PostgreSQL not reachable at TEST_DATABASE_URL ({type(error).__name__}: {error})"[
            :300
        ]


@pytest.fixture(scope="session")
def postgres_available() -> str | None:
    return _postgres_unreachable_reason()


def require_postgres(reason: str | None) -> None:
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but the PostgreSQL tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@contextmanager
def own_postgres_database(name: str) -> Iterator[tuple[str, Engine]]:
    """A new, empty PostgreSQL database `name` for one test (a server of its own, a
    database to take down): yields its URL and an AUTOCOMMIT engine on the server's
    default database; afterwards the database is dropped, even if the test closed it to
    connections."""
    admin = make_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url().rsplit("/", 1)[0] + f"/{name}", admin
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- migrated template databases, one per backend per worker ------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    # Closing the last connection checkpoints the WAL into the file, so a plain copy
    # of the file is a complete database.
    engine.dispose()
    return path


def postgres_schema_url(schema: str) -> str:
    base = postgres_url()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def postgres_template(postgres_available) -> Iterator[str]:
    """A schema of this worker's own, migrated once; tests empty it before they run."""
    require_postgres(postgres_available)
    # Unique per process, so several checkouts (and xdist workers) can share one server.
    schema = f"verve_test_{_worker()}_{os.getpid()}"
    admin = make_engine(postgres_url())
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = postgres_schema_url(schema)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    """Empty every table and restart the ids. DELETE in dependency order: on the
    handful of rows a test leaves it is several times quicker than TRUNCATE, which
    rewrites each table's files (≈ 0.1–0.4 s a test, on hundreds of tests)."""
    from sqlalchemy.exc import DBAPIError

    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.connect() as connection:
        sequences = connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        ).scalars()
        statements = [f'DELETE FROM "{name}"' for name in tables]
        statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("; ".join(statements))
    except DBAPIError:  # a cycle of foreign keys the order cannot untie
        listed = ", ".join(f'"{name}"' for name in tables)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """A migrated, empty database on `backend` for this test alone."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "verve.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_template")
    engine = make_engine(url)
    _truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory) -> Iterator[Session]:
    """A session for arranging and asserting; the code under test frames its own
    transactions through `session_factory` where the test is about atomicity."""
    with session_factory() as session:
        yield session


@pytest.fixture
def replica(database_url):
    """A session factory of its own on the same database, as another server process has:
    what it writes reaches this process only through the database."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


# --- small factories ------------------------------------------------------------


@pytest.fixture
def make_staff(session_factory):
    counter = iter(range(1, 10_000))

    def make(role: str = "coordinator", username: str | None = None, **fields) -> Actor:
        with session_factory.begin() as s:
            user = StaffUser(
                username=username or f"{role}{next(counter)}",
                role=role,
                full_name=fields.pop("full_name", f"Test {role.title()}"),
                **fields,
            )
            s.add(user)
            s.flush()
            return actor_for(user)

    return make


@pytest.fixture
def coordinator(make_staff) -> Actor:
    return make_staff("coordinator", full_name="Kari Koordinator")


@pytest.fixture
def manager(make_staff) -> Actor:
    return make_staff("manager", full_name="Mona Manager")


@pytest.fixture
def admin(make_staff) -> Actor:
    return make_staff("admin", full_name="Ada Admin")


@pytest.fixture
def make_applicant(session_factory):
    counter = iter(range(1, 1_000_000))

    def make(**fields) -> int:
        n = next(counter)
        at = fields.pop("signed_up_at", None)
        values = {
            "first_name": "Ola",
            "last_name": f"Nordmann{n}",
            "email": f"ola{n}@example.no",
            "phone": f"+479{n:07d}",
            "birth_year": 1980,
            "postcode": "1606",
            "area": "Fredrikstad",
            "source": "website",
            "consent_at": datetime.now(UTC),
        }
        values.update(fields)
        with session_factory.begin() as s:
            applicant = Applicant(**values)
            record_sign_up(session=s, applicant=applicant, by_id=None, at=at)
            return applicant.id

    return make


@pytest.fixture
def make_meeting(session_factory):
    def make(**fields) -> int:
        values = {
            "starts_at": datetime.now(UTC).replace(microsecond=0) + timedelta(days=7),
            "mode": MeetingMode.DIGITAL.value,
            "join_url": "https://teams.example.com/meet/abc",
            "capacity": 10,
        }
        values.update(fields)
        with session_factory.begin() as s:
            meeting = InfoMeeting(**values)
            s.add(meeting)
            s.flush()
            return meeting.id

    return make


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test is a failure: every suite must really run there."""
    if not IN_CI or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) were skipped; every suite must run in CI.", red=True
        )
        session.exitstatus = 1
