"""Demo databases for the benches, built once and kept in `.bench-cache/` (SQLite files)
or in a schema of their own (PostgreSQL), keyed by size, schema revision and the code that
builds the data (`_revision`), so a second run starts at once and a changed generator
builds afresh. Building 100,000 applicants takes a minute or more; delete the cache (or
drop the schema) to build again.

Each database gets three bench accounts (admin, coordinator, manager) with BENCH_PASSWORD
(the coordinator takes over one demo coordinator's cases), a future info meeting with
seats, an applicant whose personal link works, and five callers booked on a meeting
tomorrow (moved to the next day whenever the bench starts), so the call list has people
on it at every size: the demo's own 1,000 have nobody to call on most days, and an empty
list against a full one measures the list's length, not the register's size.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import func, select, text, update

from db import migrate
from db.models import Applicant, Base, InfoMeeting, ServiceUser, StaffUser
from db.session import make_engine, make_session_factory
from recruitment.accounts.staff import actor_for, hash_password
from recruitment.core.timefmt import office_zone, today
from recruitment.demo.service import generate
from recruitment.journey.applicants import register_caller

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BENCH_CACHE", ROOT / ".bench-cache"))
BENCH_PASSWORD = "bench password 2026"
BENCH_MEETING_URL = "https://teams.example.com/meet/bench"
CALLERS = 5
CALLERS_ADDRESS = "Benkens ringemøte, Storgata 1"
ROLES = ("admin", "coordinator", "manager")
PG_BASE = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)


@dataclass(frozen=True)
class DemoDb:
    url: str
    applicants: int
    backend: str
    token: str  # a working self-service token
    ids: dict[str, int]  # one id for each detail page: applicant, meeting, service-user

    def username(self, role: str) -> str:
        return f"bench-{role}"


def _revision() -> str:
    """The schema's revision and a digest of the code that writes the data (the demo
    generator and this module): a fix to either builds the databases anew, where a key
    of the revision alone kept the old data in use (applicants without a privacy-notice
    version, 30 November)."""
    head = (migrate.head_revision() or "none").split("_")[0]
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "recruitment" / "demo").glob("*.py"), Path(__file__)]):
        digest.update(path.read_bytes())
    return f"{head}_{digest.hexdigest()[:8]}"


def _pg_url(schema: str) -> str:
    separator = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{separator}options=-csearch_path%3D{schema}"


def _prepare(url: str, applicants: int) -> None:
    """Migrate, generate, and add what the benches need."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    generate(sessions, applicants=applicants, seed=7, force=True)
    with sessions.begin() as session:
        bench = {}
        for role in ROLES:
            bench[role] = StaffUser(
                username=f"bench-{role}",
                role=role,
                full_name=f"Bench {role.title()}",
                password_hash=hash_password(BENCH_PASSWORD),
            )
            session.add(bench[role])
        session.flush()
        # The bench's coordinator takes over one demo coordinator's cases and service
        # users, so the pages show what a real coordinator's do (their call-backs, their
        # stuck cases, "mine" on the lists), not an empty desk.
        first = session.scalar(
            select(func.min(StaffUser.id)).where(
                StaffUser.role == "coordinator", StaffUser.id != bench["coordinator"].id
            )
        )
        if first is not None:
            for table in (Applicant, ServiceUser):
                session.execute(
                    update(table)
                    .where(table.coordinator_id == first)
                    .values(coordinator_id=bench["coordinator"].id)
                )
        session.add(
            InfoMeeting(
                starts_at=datetime.now(UTC) + timedelta(days=30),
                mode="digital",
                join_url=BENCH_MEETING_URL,
                capacity=500,
            )
        )
    # Fresh statistics, as a live database has them (autovacuum, or `verve` maintenance).
    # On PostgreSQL a bare ANALYZE takes every schema of the shared test database and can
    # deadlock with other sessions' DDL there: name this schema's tables. VACUUM as well,
    # as autovacuum does on a live server (the test server runs without it): it marks the
    # pages all-visible, without which no count is answered from a covering index alone.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in Base.metadata.sorted_tables:
                connection.exec_driver_sql(f'VACUUM (ANALYZE) "{table.name}"')
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    print(f"  built {applicants:,} applicants in {time.perf_counter() - started:.0f} s: {url}")
    engine.dispose()


def _callers_tomorrow(session) -> None:
    """CALLERS phone sign-ups without e-mail on an in-person meeting tomorrow (the office's
    tomorrow), booked through the staff phone sign-up the first time."""
    zone = office_zone(session)
    starts_at = datetime.combine(today(None, zone) + timedelta(days=1), clock(18), tzinfo=zone)
    meeting = session.scalar(select(InfoMeeting).where(InfoMeeting.address == CALLERS_ADDRESS))
    if meeting is not None:
        meeting.starts_at = starts_at
        return
    meeting = InfoMeeting(
        starts_at=starts_at, mode="in_person", address=CALLERS_ADDRESS, capacity=CALLERS
    )
    session.add(meeting)
    session.flush()
    coordinator = actor_for(
        session.scalars(select(StaffUser).where(StaffUser.username == "bench-coordinator")).one()
    )
    for n in range(CALLERS):
        register_caller(
            session=session,
            actor=coordinator,
            raw={
                "first_name": "Benk",
                "last_name": f"Ringer {n + 1}",
                "phone": f"49 99 99 {n:02d}",
                "postcode": "1606",
                "birth_year": 1950,
                "consent": True,
                "channels": ["call"],
                "instead_of_email": "call",
            },
            meeting_id=meeting.id,
        )


def _facts(url: str, applicants: int, backend: str) -> DemoDb:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        person = session.scalars(
            select(Applicant)
            .where(Applicant.token.is_not(None), Applicant.anonymised_at.is_(None))
            .order_by(Applicant.id)
            .limit(1)
        ).one()
        # The personal link must be valid whenever the bench runs.
        person.token_expires_at = datetime.now(UTC) + timedelta(days=365)
        _callers_tomorrow(session)
        ids = {
            "applicant": person.id,
            "meeting": session.scalar(
                select(InfoMeeting.id).where(InfoMeeting.join_url == BENCH_MEETING_URL)
            ),
            "service-user": session.scalar(select(func.min(ServiceUser.id))),
        }
        token = person.token
    engine.dispose()
    return DemoDb(url, applicants, backend, token, {k: v for k, v in ids.items() if v})


@contextmanager
def _building(name: str):
    """One builder at a time for `name`: a second bench started meanwhile waits for the
    first to finish instead of deleting the file it is writing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sqlite_demo(applicants: int) -> DemoDb:
    path = CACHE / f"demo-{applicants}-{_revision()}.db"
    url = f"sqlite:///{path}"
    with _building(path.name):
        if not path.exists():
            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            _prepare(f"sqlite:///{building}", applicants)
            building.rename(path)
    return _facts(url, applicants, "sqlite")


def postgres_demo(applicants: int) -> DemoDb:
    schema = f"bench_demo_{applicants}_{_revision()}"
    url = _pg_url(schema)
    admin = make_engine(PG_BASE)
    with _building(schema):
        with admin.begin() as connection:
            ready = connection.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": f"{schema}_ready"}
            ).first()
        if not ready:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            _prepare(url, applicants)
            with admin.begin() as connection:  # an empty marker schema: built to the end
                connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}_ready"')
    admin.dispose()
    return _facts(url, applicants, "postgresql")


def demo_db(backend: str, applicants: int) -> DemoDb:
    return sqlite_demo(applicants) if backend == "sqlite" else postgres_demo(applicants)
