"""Demo data: a realistic, fictional office with two years of history, for trying the
app, for the analytics pages and for benchmarks.

Every row is made in plain Python with one seeded `random.Random` (no ORM objects) and
written in bulk (executemany on SQLite, COPY on PostgreSQL, see `_write`), so 100 000
applicants take about 35 s of CPU, and the same seed and `today` always give the same
rows. Each applicant lives through a small simulation (sign-up, booking, meeting,
interview, checks, placement, with no-shows, waitlists, cancellations and exits on the
way) whose stage events are checked against `pipeline.is_allowed` as they are made, so
the history is one the real services could have written.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from faker import Faker
from sqlalchemy import JSON, Connection, Date, DateTime, Table, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import AddConstraint, DropConstraint

from db.models import (
    Applicant,
    ApplicantCheck,
    AuditEvent,
    Base,
    CheckKind,
    Evaluation,
    InfoMeeting,
    Interview,
    JournalEntry,
    MeetingMode,
    MeetingStatus,
    Placement,
    PlacementStatus,
    Registration,
    RegistrationStatus,
    ServiceUser,
    ServiceUserStatus,
    Setting,
    StaffUser,
    Stage,
    StageEvent,
    UTCDateTime,
)
from recruitment.core import timefmt, vocabulary
from recruitment.core.errors import VerveError
from recruitment.core.pipeline import EXIT_REASONS, REOPEN_REASON, is_allowed

HISTORY_DAYS = 730
PLANNED_DAYS = 91
BATCH = 5_000

#: Demo staff are recognised by this e-mail domain (a reserved, never-routed TLD), so
#: `force` can remove them again without touching real accounts.
STAFF_EMAIL_DOMAIN = "verve-demo.example"

#: Real postcodes in Østfold with their post town, used as the applicant's `area`.
#: The bigger towns come more than once so they get more people, as in real life.
POSTCODES: tuple[tuple[str, str], ...] = (
    ("1606", "Fredrikstad"),
    ("1607", "Fredrikstad"),
    ("1608", "Fredrikstad"),
    ("1609", "Fredrikstad"),
    ("1610", "Fredrikstad"),
    ("1613", "Fredrikstad"),
    ("1614", "Fredrikstad"),
    ("1615", "Fredrikstad"),
    ("1616", "Fredrikstad"),
    ("1617", "Fredrikstad"),
    ("1618", "Fredrikstad"),
    ("1619", "Fredrikstad"),
    ("1640", "Råde"),
    ("1661", "Rolvsøy"),
    ("1670", "Kråkerøy"),
    ("1680", "Skjærhalden"),
    ("1706", "Sarpsborg"),
    ("1707", "Sarpsborg"),
    ("1708", "Sarpsborg"),
    ("1709", "Sarpsborg"),
    ("1710", "Sarpsborg"),
    ("1711", "Sarpsborg"),
    ("1712", "Sarpsborg"),
    ("1721", "Sarpsborg"),
    ("1722", "Sarpsborg"),
    ("1723", "Sarpsborg"),
    ("1745", "Skjeberg"),
    ("1771", "Halden"),
    ("1772", "Halden"),
    ("1776", "Halden"),
    ("1777", "Halden"),
    ("1778", "Halden"),
    ("1779", "Halden"),
    ("1781", "Halden"),
    ("1782", "Halden"),
    ("1526", "Moss"),
    ("1529", "Moss"),
    ("1530", "Moss"),
    ("1531", "Moss"),
    ("1532", "Moss"),
)
VENUES: tuple[str, ...] = (
    "Helsehuset, møterom 2, Fredrikstad",
    "Frivilligsentralen, Sarpsborg",
    "Rådhuset, kantina, Halden",
    "Kulturhuset, sal B, Moss",
)
INTERVIEW_ROOMS: tuple[str, ...] = (
    "Helsehuset, samtalerom 1",
    "Helsehuset, samtalerom 3",
    "Servicekontoret, rom 204",
    "Frivilligsentralen, lille møterom",
)

# (username, full name, role); the fourth coordinator is away for two weeks.
STAFF: tuple[tuple[str, str, str], ...] = (
    ("admin.demo", "Astrid Lunde", "admin"),
    ("ingrid.berg", "Ingrid Berg", "coordinator"),
    ("jonas.hansen", "Jonas Hansen", "coordinator"),
    ("fatima.ali", "Fatima Ali", "coordinator"),
    ("per.olsen", "Per Olsen", "coordinator"),
    ("sigrid.moe", "Sigrid Moe", "coordinator"),
    ("tor.eriksen", "Tor Eriksen", "coordinator"),
    ("marte.lie", "Marte Lie", "manager"),
    ("henrik.dahl", "Henrik Dahl", "manager"),
)
AWAY_COORDINATOR = "per.olsen"

_SOURCE_WEIGHTS = {
    "website": 34,
    "social_media": 22,
    "friend": 14,
    "nav": 8,
    "newspaper": 5,
    "event": 5,
    "school": 4,
    "phone": 5,
    "import": 1,
    "other": 2,
}
_WITHDRAW_WEIGHTS = {
    "no_time": 30,
    "found_other_work": 18,
    "changed_mind": 18,
    "no_response": 16,
    "moved": 7,
    "health": 6,
    "other": 5,
}
# Digital meetings are rated a little lower and have more technical trouble, so the
# digital-versus-in-person page has a real (if modest) difference to show.
_RATING_WEIGHTS = {
    MeetingMode.DIGITAL.value: (3, 7, 20, 42, 28),
    MeetingMode.IN_PERSON.value: (2, 4, 12, 40, 42),
}
_ATTENDANCE = {MeetingMode.DIGITAL.value: 0.84, MeetingMode.IN_PERSON.value: 0.76, "combined": 0.92}
_TECH_PROBLEMS = {MeetingMode.DIGITAL.value: 0.14, MeetingMode.IN_PERSON.value: 0.02}
_GOT_INFO = {MeetingMode.DIGITAL.value: 0.88, MeetingMode.IN_PERSON.value: 0.94}
_COMMENTS = {
    MeetingMode.DIGITAL.value: (
        "Greit å slippe å reise.",
        "Lyden falt ut et par ganger.",
        "Fint møte, men vanskelig å stille spørsmål.",
        "Klar informasjon om hva oppdraget innebærer.",
        "Kunne gjerne vært litt kortere.",
    ),
    MeetingMode.IN_PERSON.value: (
        "Hyggelig å møte andre som vil bli støttekontakt.",
        "God tid til spørsmål.",
        "Vanskelig å finne parkering.",
        "Nyttig å høre erfaringer fra en som er støttekontakt i dag.",
        "Veldig godt informasjonsmøte.",
    ),
}
_ABOUT = (
    "Jeg er pensjonist og har god tid på dagtid.",
    "Student som liker friluftsliv og trening.",
    "Har jobbet i barnehage i mange år.",
    "Glad i musikk og spiller gitar.",
    "Jeg har selv hatt støttekontakt som ung og vil gi noe tilbake.",
    "Jobber turnus og har fri flere ettermiddager i uka.",
    "Liker å lage mat og gå turer med hunden.",
)
_OTHER_TEXT = ("Skal ut og reise et år.", "Ønsker heller å være besøksvenn.", "Oppgir ingen grunn.")
# Reserved for documentation (RFC 2606): mail to them goes nowhere.
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
_PLACEMENT_END = ("service_user_moved", "needs_changed", "contact_stopped", "other")


class DatabaseNotEmpty(VerveError):
    key = "demo.not_empty"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """How many rows of each kind `generate` wrote."""

    applicants: int
    stage_events: int
    staff: int
    meetings: int
    registrations: int
    evaluations: int
    interviews: int
    checks: int
    service_users: int
    placements: int
    journal_entries: int
    seed: int
    today: date

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k not in {"seed", "today"}}


#: Tables `force` empties: everything but accounts, settings, privacy notices and the
#: audit trail (which is append-only and records the demo run itself).
_KEPT = {
    StaffUser.__tablename__,
    Setting.__tablename__,
    "consent_version",
    AuditEvent.__tablename__,
}
DATA_TABLES: tuple[Table, ...] = tuple(
    t for t in Base.metadata.sorted_tables if t.name not in _KEPT
)

# Every allowed (from, to) pair, worked out once from the pipeline's own rule.
_ALLOWED = frozenset((a.value, b.value) for a in Stage for b in Stage if is_allowed(a, b))


def _is_empty(session: Session) -> bool:
    """Whether the database holds no recruitment data and no demo staff yet."""
    for table in DATA_TABLES:
        if session.execute(select(1).select_from(table).limit(1)).first() is not None:
            return False
    demo_staff = select(1).where(StaffUser.email.like(f"%@{STAFF_EMAIL_DOMAIN}")).limit(1)
    return session.execute(demo_staff).first() is None


def generate(
    sessions: sessionmaker[Session],
    *,
    applicants: int,
    seed: int = 1,
    today: date | None = None,
    force: bool = False,
) -> DemoSummary:
    """Fill an empty database with `applicants` fictional applicants and everything
    around them, in one transaction; with `force`, empty the data tables first."""
    if applicants < 0:
        raise ValueError("applicants must not be negative")
    today = today or timefmt.today()
    with sessions.begin() as session:
        if not _is_empty(session):
            if not force:
                raise DatabaseNotEmpty(
                    "the database already holds data", tables=_non_empty(session)
                )
            _empty(session)
        connection = session.connection()
        base_staff_id = (session.scalar(select(func.max(StaffUser.id))) or 0) + 1
        taken = set(session.scalars(select(StaffUser.username)))
        rows = _World(random.Random(seed), today, base_staff_id, taken).build(applicants)
        _write(connection, rows)
        connection.execute(
            AuditEvent.__table__.insert(),
            [
                {
                    "at": datetime.now(UTC),
                    "actor_id": None,
                    "actor_name": "demo",
                    "action": "demo_data",
                    "target_type": None,
                    "target_id": None,
                    "client": "demo",
                    "detail": {"applicants": applicants, "seed": seed, "today": timefmt.iso(today)},
                }
            ],
        )
    return DemoSummary(
        applicants=len(rows[Applicant.__table__]),
        stage_events=len(rows[StageEvent.__table__]),
        staff=len(rows[StaffUser.__table__]),
        meetings=len(rows[InfoMeeting.__table__]),
        registrations=len(rows[Registration.__table__]),
        evaluations=len(rows[Evaluation.__table__]),
        interviews=len(rows[Interview.__table__]),
        checks=len(rows[ApplicantCheck.__table__]),
        service_users=len(rows[ServiceUser.__table__]),
        placements=len(rows[Placement.__table__]),
        journal_entries=len(rows[JournalEntry.__table__]),
        seed=seed,
        today=today,
    )


def _non_empty(session: Session) -> str:
    names = [
        t.name for t in DATA_TABLES if session.execute(select(1).select_from(t).limit(1)).first()
    ]
    return ", ".join(names) or StaffUser.__tablename__


def _empty(session: Session) -> None:
    """Delete every data row and the demo staff (children before parents)."""
    if session.get_bind().dialect.name == "postgresql":
        # One TRUNCATE is far quicker than row-by-row deletes with their foreign-key checks.
        names = ", ".join(f'"{table.name}"' for table in DATA_TABLES)
        session.execute(text(f"TRUNCATE {names}"))
    else:
        for table in reversed(DATA_TABLES):
            session.execute(delete(table))
    demo_ids = select(StaffUser.id).where(StaffUser.email.like(f"%@{STAFF_EMAIL_DOMAIN}"))
    session.execute(
        update(Setting).where(Setting.updated_by_id.in_(demo_ids)).values(updated_by_id=None)
    )
    session.execute(
        update(AuditEvent).where(AuditEvent.actor_id.in_(demo_ids)).values(actor_id=None)
    )
    session.execute(delete(StaffUser).where(StaffUser.id.in_(demo_ids)))


def _write(connection: Connection, rows: dict[Table, list[dict[str, Any]]]) -> None:
    """Write every table's rows in dependency order: COPY on PostgreSQL, large
    executemany batches on SQLite.

    This goes below SQLAlchemy's per-row parameter handling, which would otherwise take
    most of the time at 100 000 applicants; `_column_encoders` stores each value exactly
    as the column types in `db.models` would. The secondary indexes are dropped while
    a table fills and built again afterwards (one sort instead of a million inserts);
    all of it is one transaction, so a failure leaves the schema as it was.
    """
    postgres = connection.dialect.name == "postgresql"
    if not postgres:
        # A large page cache for this load; restored below for the connection's next user.
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql("PRAGMA cache_size=-262144")
    for table in Base.metadata.sorted_tables:
        table_rows = rows.get(table)
        if not table_rows:
            continue
        big = len(table_rows) > 1000
        indexes = sorted(table.indexes, key=lambda index: index.name) if big else []
        for index in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{index.name}"')
        # PostgreSQL checks foreign keys row by row; adding them back afterwards checks
        # the whole table in one join instead.
        foreign_keys = (
            sorted(table.foreign_key_constraints, key=lambda fk: fk.name)
            if big and postgres
            else []
        )
        for fk in foreign_keys:
            connection.execute(DropConstraint(fk))
        columns = _columns_given(table, table_rows[0])
        names = [column.name for column in columns]
        getter = itemgetter(*names)
        encoded = [
            (i, enc) for i, enc in enumerate(_column_encoders(columns, postgres)) if enc is not None
        ]
        quoted = ", ".join(f'"{name}"' for name in names)
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for record in _records(table_rows, getter, encoded):
                    copy.write_row(record)
            cursor.close()
            # Ids were given explicitly; move the sequence past them for the app's own inserts.
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'(SELECT MAX(id) FROM "{table.name}"))'
            )
        else:
            sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
            for start in range(0, len(table_rows), BATCH):
                chunk = table_rows[start : start + BATCH]
                connection.exec_driver_sql(sql, _records(chunk, getter, encoded))
        for index in indexes:
            index.create(connection)
        for fk in foreign_keys:
            connection.execute(AddConstraint(fk))
    if not postgres:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")


def _records(
    rows: Sequence[dict[str, Any]], getter: Any, encoded: list[tuple[int, Any]]
) -> list[tuple[Any, ...]]:
    """The rows as tuples in column order, with the values that need it encoded."""
    if not encoded:
        return [getter(row) for row in rows]
    out = []
    for row in rows:
        values = list(getter(row))
        for i, enc in encoded:
            values[i] = enc(values[i])
        out.append(tuple(values))
    return out


def _sqlite_timestamp(value: datetime | None) -> str | None:
    # The text form SQLAlchemy's SQLite DATETIME writes, in UTC like UTCDateTime.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value)


def _columns_given(table: Table, sample: dict[str, Any]) -> list[Any]:
    """The columns the generated rows fill. A nullable column added to the schema later
    is simply left NULL; a required one must be generated, so say which."""
    columns = []
    for column in table.columns:
        if column.name in sample:
            columns.append(column)
        elif not column.nullable and column.server_default is None:
            raise RuntimeError(f"demo data has no value for the required column {column}")
    return columns


def _column_encoders(columns: Sequence[Any], postgres: bool) -> list[Any]:
    """Per column, a function turning a Python value into what the driver stores (None:
    pass as is)."""
    encoders: list[Any] = []
    for column in columns:
        kind = column.type
        if isinstance(kind, JSON):
            encoders.append(_json)
        elif postgres:
            encoders.append(None)  # psycopg's COPY adapts dates, aware times and booleans
        elif isinstance(kind, UTCDateTime):
            encoders.append(_sqlite_timestamp)
        elif isinstance(kind, Date):
            encoders.append(_iso_date)
        elif isinstance(kind, DateTime):
            raise TypeError(f"{column}: plain DateTime is not expected")
        else:
            encoders.append(None)
    return encoders


# --- the simulation ------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum())


def _weighted(rng: random.Random, weights: dict[str, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(slots=True)
class _Meeting:
    id: int
    starts_at: datetime
    ends_at: datetime
    mode: str
    kind: str
    capacity: int
    cancelled_at: datetime | None
    booked: int = 0


class _Life:
    """One applicant's stage history, kept valid and strictly increasing in time."""

    __slots__ = ("applicant_id", "stage", "at", "events", "next_event_id", "checks")

    def __init__(self, applicant_id: int, next_event_id: int) -> None:
        self.applicant_id = applicant_id
        self.stage: str | None = None
        self.at: datetime | None = None
        self.events: list[dict[str, Any]] = []
        self.next_event_id = next_event_id
        # Check kinds already recorded: someone who comes back keeps their old checks.
        self.checks: set[str] = set()

    def move(
        self,
        to: str,
        at: datetime,
        by: int | None,
        reason: str | None = None,
        text: str | None = None,
    ) -> datetime:
        if self.stage is None:
            assert to == Stage.SIGNED_UP.value
        elif (self.stage, to) not in _ALLOWED:
            raise AssertionError(f"demo made an illegal move {self.stage} -> {to}")
        at = at.replace(microsecond=0)
        if self.at is not None and at <= self.at:
            at = self.at + timedelta(minutes=1)
        self.events.append(
            {
                "id": self.next_event_id,
                "applicant_id": self.applicant_id,
                "from_stage": self.stage,
                "to_stage": to,
                "at": at,
                "from_at": self.at,
                "by_id": by,
                "reason_code": reason,
                "reason_text": text,
            }
        )
        self.next_event_id += 1
        self.stage, self.at = to, at
        return at


class _World:
    """Builds every row in memory; `build` returns them per table."""

    def __init__(
        self, rng: random.Random, today: date, base_staff_id: int, taken: set[str]
    ) -> None:
        self.rng = rng
        self.today = today
        # Everything in the history happened before today began; planned meetings lie ahead.
        self.now = datetime.combine(today, time(0, 0), UTC)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.base_staff_id = base_staff_id
        self.taken = taken
        self.rows: dict[Table, list[dict[str, Any]]] = {t: [] for t in Base.metadata.sorted_tables}
        faker = Faker("no_NO")
        faker.seed_instance(rng.getrandbits(32))
        # Pools are far faster than asking Faker once per person.
        self.female = [faker.first_name_female() for _ in range(400)]
        self.male = [faker.first_name_male() for _ in range(400)]
        self.last = [faker.last_name() for _ in range(600)]
        self.streets = [faker.street_name() for _ in range(200)]

    # -- helpers ----------------------------------------------------------------

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time at the office, as an aware UTC datetime."""
        return timefmt.office_datetime(day, time(hour, minute))

    def add(self, table: Table, row: dict[str, Any]) -> int:
        rows = self.rows[table]
        row["id"] = len(rows) + 1
        rows.append(row)
        return row["id"]

    def journal(
        self,
        applicant_id: int | None,
        at: datetime,
        channel: str,
        subject: str,
        body: str,
        author: int | None,
        service_user_id: int | None = None,
    ) -> None:
        self.add(
            JournalEntry.__table__,
            {
                "applicant_id": applicant_id,
                "service_user_id": service_user_id,
                "channel": channel,
                "subject": subject,
                "body": body,
                "author_id": author,
                "outbox_id": None,
                "created_at": at,
                "edited_at": None,
            },
        )

    # -- staff and meetings ---------------------------------------------------------

    def build_staff(self) -> None:
        self.coordinators: list[int] = []
        self.away_id: int | None = None
        created = self.start - timedelta(days=30)
        for offset, (username, name, role) in enumerate(STAFF):
            while username in self.taken:
                username += "2"
            staff_id = self.base_staff_id + offset
            self.rows[StaffUser.__table__].append(
                {
                    "id": staff_id,
                    "username": username,
                    "full_name": name,
                    "email": f"{username}@{STAFF_EMAIL_DOMAIN}",
                    "phone": f"+4769{self.rng.randrange(100000, 999999)}",
                    "role": role,
                    # No password: demo staff cannot log in until an admin sets one.
                    "password_hash": None,
                    "oidc_subject": None,
                    "active": True,
                    "away_until": self.today + timedelta(days=14)
                    if username == AWAY_COORDINATOR
                    else None,
                    "failed_logins": 0,
                    "locked_until": None,
                    "last_login_at": None,
                    "created_at": created,
                }
            )
            if role == "coordinator":
                self.coordinators.append(staff_id)
                if username.startswith(AWAY_COORDINATOR):
                    self.away_id = staff_id

    def build_meetings(self, applicants: int) -> None:
        """Meetings spread evenly over the history and the planned months, enough that
        a little over half the seats are taken on average (so some fill up and get waitlists)."""
        rng = self.rng
        n_past = max(24, round(applicants * 0.8 / 12))
        per_day = n_past / HISTORY_DAYS
        n_future = max(4, round(per_day * PLANNED_DAYS))
        total = n_past + n_future
        span = HISTORY_DAYS + PLANNED_DAYS
        self.meetings: list[_Meeting] = []
        series = {
            mode: str(uuid.UUID(int=rng.getrandbits(128))) for mode in ("digital", "in_person")
        }
        for i in range(total):
            day = (self.start + timedelta(days=span * (i + rng.random()) / total)).date()
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            roll = rng.random()
            if roll < 0.52:
                mode, kind, capacity, duration = "digital", "standard", rng.choice((25, 30, 40)), 60
                starts = self.local(day, rng.choice((12, 18, 19)))
            elif roll < 0.88:
                mode, kind, capacity, duration = (
                    "in_person",
                    "standard",
                    rng.choice((20, 25, 30)),
                    90,
                )
                starts = self.local(day, rng.choice((17, 18)))
            else:
                mode, kind, capacity, duration = "in_person", "combined", 2, 120
                starts = self.local(day, rng.choice((10, 13)))
            ends = starts + timedelta(minutes=duration)
            past = starts < self.now
            cancelled = rng.random() < (0.04 if past else 0.02) and kind == "standard"
            cancelled_at = starts - timedelta(days=rng.randint(1, 5)) if cancelled else None
            if cancelled_at is not None and cancelled_at >= self.now:
                cancelled_at = None
            status = (
                MeetingStatus.CANCELLED.value
                if cancelled_at is not None
                else MeetingStatus.HELD.value
                if past
                else MeetingStatus.PLANNED.value
            )
            host = rng.choice(self.coordinators)
            if not past and host == self.away_id:
                host = self.coordinators[0]
            meeting_id = self.add(
                InfoMeeting.__table__,
                {
                    "starts_at": starts,
                    "duration_minutes": duration,
                    "mode": mode,
                    "kind": kind,
                    "join_url": (
                        f"https://teams.example.com/l/meetup-join/{rng.getrandbits(64):016x}"
                        if mode == "digital"
                        else None
                    ),
                    "address": None if mode == "digital" else rng.choice(VENUES),
                    "capacity": capacity,
                    "language": "en" if mode == "digital" and rng.random() < 0.05 else "nb",
                    "host_id": host,
                    "status": status,
                    "series_id": series[mode] if kind == "standard" else None,
                    "notes": None,
                    "created_at": min(starts - timedelta(days=rng.randint(20, 60)), self.now),
                    "held_at": ends if status == MeetingStatus.HELD.value else None,
                    "cancelled_at": cancelled_at,
                    "reminder_sent_at": (
                        starts - timedelta(days=2) if status == MeetingStatus.HELD.value else None
                    ),
                },
            )
            self.meetings.append(
                _Meeting(meeting_id, starts, ends, mode, kind, capacity, cancelled_at)
            )
        self.by_kind: dict[str, tuple[list[datetime], list[_Meeting]]] = {}
        for key in ("digital", "in_person", "combined"):
            chosen = sorted(
                (
                    m
                    for m in self.meetings
                    if (m.kind == "combined") == (key == "combined")
                    and (key == "combined" or m.mode == key)
                ),
                key=lambda m: m.starts_at,
            )
            self.by_kind[key] = ([m.starts_at for m in chosen], chosen)

    def find_meeting(self, key: str, after: datetime, seen: set[int]) -> _Meeting | None:
        """A meeting of `key` open for booking at `after`, from the next three weeks. Like
        the sign-up page, which shows seats left, people mostly pick one with room."""
        starts, meetings = self.by_kind[key]
        rng = self.rng
        first = bisect.bisect_left(starts, after + timedelta(days=1))
        last = max(bisect.bisect_left(starts, after + timedelta(days=22)), first + 1)
        last = min(last, len(meetings))
        if first >= last:
            return None
        choice = None
        for _try in range(4):
            m = meetings[first + int(rng.random() * (last - first))]
            if m.id in seen or (m.cancelled_at is not None and m.cancelled_at <= after):
                continue
            choice = m
            if m.booked < m.capacity:
                return m
        if key == "combined" or rng.random() < 0.6:
            return None if key == "combined" else self.first_free(meetings, first, after, seen)
        return choice  # a full one: onto its waitlist

    def first_free(
        self, meetings: list[_Meeting], first: int, after: datetime, seen: set[int]
    ) -> _Meeting | None:
        for m in meetings[first : first + 200]:
            if m.id in seen or (m.cancelled_at is not None and m.cancelled_at <= after):
                continue
            if m.booked < m.capacity:
                return m
        return None

    # -- applicants ------------------------------------------------------------------

    def sign_up_times(self, n: int) -> list[datetime]:
        """More sign-ups lately and around the recruitment drives in January and August,
        fewer in July and at Christmas."""
        rng = self.rng
        season = {
            1: 1.3,
            2: 1.1,
            3: 1.0,
            4: 0.9,
            5: 0.9,
            6: 0.7,
            7: 0.45,
            8: 1.3,
            9: 1.25,
            10: 1.05,
            11: 1.0,
            12: 0.6,
        }
        seconds = HISTORY_DAYS * 86400
        out = []
        while len(out) < n:
            x = rng.random()
            at = self.start + timedelta(seconds=int(x * seconds))
            if rng.random() * 1.56 < (0.8 + 0.4 * x) * season[at.month]:
                out.append(at)
        out.sort()
        return out

    def build(self, n: int) -> dict[Table, list[dict[str, Any]]]:
        self.build_staff()
        self.build_meetings(n)
        self.free_service_users: list[tuple[date, int]] = []
        self.case_numbers: dict[int, int] = {}
        event_id = 1
        for applicant_id, created in enumerate(self.sign_up_times(n), start=1):
            life = _Life(applicant_id, event_id)
            row = self.applicant(applicant_id, created, life)
            self.rows[Applicant.__table__].append(row)
            self.rows[StageEvent.__table__].extend(life.events)
            event_id = life.next_event_id
        self.extra_service_users(n)
        return self.rows

    def applicant(self, applicant_id: int, created: datetime, life: _Life) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.68
        first = rng.choice(self.female if female else self.male)
        last = rng.choice(self.last)
        age = rng.choice(
            (rng.randint(18, 30), rng.randint(25, 55), rng.randint(45, 66), rng.randint(60, 78))
        )
        birth_year = created.year - age
        postcode, area = rng.choice(POSTCODES)
        prefers_phone = rng.random() < (0.5 if age >= 67 else 0.04)
        source = (
            "phone" if prefers_phone and rng.random() < 0.6 else _weighted(rng, _SOURCE_WEIGHTS)
        )
        languages = ["no"]
        if rng.random() < 0.45:
            languages.append("en")
        if rng.random() < 0.12:
            languages.append(rng.choice(vocabulary.LANGUAGES[2:]))
        targets = rng.sample(vocabulary.TARGET_GROUPS, rng.randint(1, 3))
        if age >= 60 and "elderly" not in targets:
            targets.append("elderly")
        coordinator = rng.choice(self.coordinators)
        assigned = source == "phone"
        by_staff = coordinator if source == "phone" else None
        life.move(Stage.SIGNED_UP.value, created, by_staff)
        if source == "phone":
            self.journal(
                applicant_id,
                created,
                "phone",
                "Ringte inn",
                "Registrerte interesse over telefon.",
                coordinator,
            )
        assigned = self.live(life, created, coordinator, prefers_phone, assigned) or assigned
        stage = life.stage
        last_event = life.events[-1]
        return {
            "id": applicant_id,
            "first_name": first,
            "last_name": last,
            "email": f"{_ascii(first)}.{_ascii(last)}.{applicant_id}@{rng.choice(_EMAIL_DOMAINS)}",
            "phone": f"+47{rng.choice((4, 9))}{rng.randrange(10**6, 10**7)}",
            "birth_year": birth_year,
            "postcode": postcode,
            "area": area,
            "languages": languages,
            "interests": rng.sample(vocabulary.INTERESTS, rng.randint(1, 4)),
            "availability": rng.sample(vocabulary.AVAILABILITY, rng.randint(1, 3)),
            "target_groups": targets,
            "about": rng.choice(_ABOUT) if rng.random() < 0.3 else None,
            "driving_licence": rng.random() < 0.72,
            "prefers_phone": prefers_phone,
            "callback_requested": stage == Stage.SIGNED_UP.value
            and (prefers_phone or rng.random() < 0.03),
            "source": source,
            "language": "en" if rng.random() < 0.05 else "nb",
            "consent_at": created,
            "consent_version_id": None,
            "stage": stage,
            "stage_changed_at": life.at,
            "exit_reason": last_event["reason_code"]
            if stage in (Stage.WITHDRAWN, Stage.REJECTED)
            else None,
            "coordinator_id": coordinator if assigned else None,
            "token": f"{rng.getrandbits(192):048x}",
            "token_expires_at": created + timedelta(days=365),
            "created_at": created,
            "updated_at": life.at,
            "anonymised_at": None,
        }

    def exit(
        self, life: _Life, stage: str, at: datetime, by: int | None, reason: str | None = None
    ) -> bool:
        """Leave the pipeline at `at` if that is in the past; True when it happened."""
        if at >= self.now:
            return False
        if reason is None:
            reason = _weighted(self.rng, _WITHDRAW_WEIGHTS)
        text = self.rng.choice(_OTHER_TEXT) if reason == "other" else None
        assert reason in EXIT_REASONS[Stage(stage)]
        when = life.move(stage, at, by, reason, text)
        if by is not None:
            self.journal(
                life.applicant_id,
                when,
                "phone" if stage == "withdrawn" else "note",
                "Avsluttet" if stage == "withdrawn" else "Avslag",
                f"Grunn: {reason}.",
                by,
            )
        return True

    def live(
        self, life: _Life, t: datetime, coord: int, in_person_only: bool, assigned: bool
    ) -> bool:
        """Simulate one applicant from sign-up onwards; returns whether a coordinator
        took the case. Stops wherever the next step would lie after today."""
        rng = self.rng
        seen: set[int] = set()
        no_shows = 0
        reopened = False
        while True:
            # -- booking ------------------------------------------------------------
            if life.stage == Stage.SIGNED_UP.value and rng.random() < 0.12:
                if rng.random() < 0.5:
                    self.exit(
                        life,
                        "withdrawn",
                        t + timedelta(days=rng.uniform(5, 60)),
                        coord if assigned else None,
                        rng.choice(("no_response", "changed_mind", "no_time")),
                    )
                return assigned
            booked_at = t + timedelta(hours=rng.expovariate(1 / 40))
            if booked_at >= self.now:
                return assigned
            key = (
                "combined"
                if in_person_only and rng.random() < 0.4
                else ("in_person" if in_person_only or rng.random() < 0.42 else "digital")
            )
            meeting = self.find_meeting(key, booked_at, seen)
            if meeting is None and key != "in_person":
                meeting = self.find_meeting("in_person", booked_at, seen)
            if meeting is None:
                return assigned
            seen.add(meeting.id)
            by = coord if key == "combined" else None
            if life.stage == Stage.SIGNED_UP.value:
                booked_at = life.move(Stage.MEETING_BOOKED.value, booked_at, by)
            if key == "combined":
                assigned = True
            past = meeting.starts_at < self.now
            status = RegistrationStatus.REGISTERED.value
            if meeting.booked >= meeting.capacity:
                status = RegistrationStatus.WAITLISTED.value
            if status == RegistrationStatus.REGISTERED.value:
                meeting.booked += 1
            registration = {
                "applicant_id": life.applicant_id,
                "meeting_id": meeting.id,
                "status": status,
                "ics_uid": "",
                "ics_sequence": 0,
                "created_at": booked_at,
                "updated_at": booked_at,
                "queued_at": booked_at,
                "cancelled_at": None,
                "attended_marked_at": None,
            }
            reg_id = self.add(Registration.__table__, registration)
            registration["ics_uid"] = f"verve-demo-registration-{reg_id}@verve.example"
            if rng.random() < 0.5:
                self.journal(
                    life.applicant_id,
                    booked_at,
                    "email",
                    "Bekreftelse på påmelding",
                    "Bekreftelse med kalenderinvitasjon sendt.",
                    None,
                )
            if status == RegistrationStatus.WAITLISTED.value:
                if not past:
                    return assigned
                t = meeting.starts_at  # the meeting passed without a seat; book another
                continue
            # The office cancelled the meeting: everyone is moved back and may rebook.
            if meeting.cancelled_at is not None:
                registration.update(
                    status="cancelled",
                    cancelled_at=meeting.cancelled_at,
                    updated_at=meeting.cancelled_at,
                    ics_sequence=1,
                )
                t = life.move(Stage.SIGNED_UP.value, meeting.cancelled_at, None)
                continue
            # The applicant cancelled themselves (or rebooked, which starts the same way).
            if rng.random() < 0.06:
                cancel_at = booked_at + (meeting.starts_at - booked_at) * rng.uniform(0.2, 0.9)
                if cancel_at < self.now:
                    meeting.booked -= 1
                    registration.update(
                        status="cancelled",
                        cancelled_at=cancel_at,
                        updated_at=cancel_at,
                        ics_sequence=1,
                    )
                    t = life.move(Stage.SIGNED_UP.value, cancel_at, None)
                    if rng.random() < 0.5:
                        continue
                    self.exit(
                        life,
                        "withdrawn",
                        t + timedelta(days=rng.uniform(1, 20)),
                        None,
                        rng.choice(("no_time", "changed_mind")),
                    )
                    return assigned
            if not past:
                return assigned
            # -- the meeting ---------------------------------------------------------
            assigned = True
            mode_key = "combined" if meeting.kind == "combined" else meeting.mode
            if rng.random() > _ATTENDANCE[mode_key]:
                registration.update(status="no_show", updated_at=meeting.ends_at)
                no_shows += 1
                t = meeting.ends_at
                if no_shows >= 2:
                    self.exit(
                        life,
                        "rejected",
                        t + timedelta(days=rng.uniform(2, 10)),
                        coord,
                        "no_show_repeated",
                    )
                    return assigned
                roll = rng.random()
                if roll < 0.35:
                    self.journal(
                        life.applicant_id,
                        t + timedelta(days=1),
                        "phone",
                        "Uteblivelse",
                        "Ringte etter at søkeren uteble fra informasjonsmøtet.",
                        coord,
                    )
                    self.exit(
                        life,
                        "withdrawn",
                        t + timedelta(days=rng.uniform(3, 30)),
                        coord,
                        "no_response",
                    )
                    return assigned
                if roll < 0.8:
                    continue  # books another meeting, still in meeting_booked
                return assigned  # stuck in meeting_booked
            marked = meeting.ends_at + timedelta(minutes=rng.randint(5, 240))
            registration.update(status="attended", attended_marked_at=marked, updated_at=marked)
            t = life.move(Stage.MEETING_ATTENDED.value, meeting.ends_at, coord)
            if rng.random() < 0.55:
                self.evaluation(life.applicant_id, meeting, t)
            if meeting.kind == "combined":
                # Info meeting and interview in the same sitting: 3, 4 and 5 in one action.
                t = life.move(Stage.INTERVIEW_SCHEDULED.value, t + timedelta(minutes=1), coord)
                interview = self.interview(life.applicant_id, meeting.starts_at, coord, meeting.id)
                result = self.record_interview(life, interview, t + timedelta(minutes=1), coord)
            else:
                result = self.interview_path(life, t, coord)
            if result is None:
                return assigned
            t = result
            # -- checks, approval, placements ---------------------------------------
            outcome = self.checks_and_placement(life, t, coord)
            if outcome is None or reopened or life.stage != Stage.WITHDRAWN.value:
                return assigned
            if rng.random() < 0.04 and life.at is not None:
                back = life.at + timedelta(days=rng.uniform(60, 200))
                if back >= self.now:
                    return assigned
                reopened = True
                t = life.move(Stage.SIGNED_UP.value, back, coord, REOPEN_REASON, None)
                seen.clear()
                no_shows = 0
                continue
            return assigned

    def evaluation(self, applicant_id: int, meeting: _Meeting, ended: datetime) -> None:
        rng = self.rng
        at = ended + timedelta(hours=rng.uniform(1, 72))
        if at >= self.now:
            return
        mode = meeting.mode
        self.add(
            Evaluation.__table__,
            {
                "applicant_id": applicant_id,
                "meeting_id": meeting.id,
                "rating": rng.choices((1, 2, 3, 4, 5), weights=_RATING_WEIGHTS[mode])[0],
                "got_information": rng.random() < _GOT_INFO[mode],
                "technical_problems": rng.random() < _TECH_PROBLEMS[mode],
                "comment": rng.choice(_COMMENTS[mode]) if rng.random() < 0.2 else None,
                "created_at": at,
            },
        )

    def interview(
        self, applicant_id: int, at: datetime, coord: int, meeting_id: int | None
    ) -> dict[str, Any]:
        rng = self.rng
        second = rng.choice(self.coordinators) if rng.random() < 0.3 else None
        row = {
            "applicant_id": applicant_id,
            "scheduled_at": at,
            "place": rng.choice(INTERVIEW_ROOMS) if meeting_id is None else VENUES[0],
            "interviewer_id": coord,
            "second_interviewer_id": second if second != coord else None,
            "meeting_id": meeting_id,
            "outcome": None,
            "score_motivation": None,
            "score_reliability": None,
            "score_experience": None,
            "score_fit": None,
            "notes": None,
            "recorded_at": None,
            "recorded_by_id": None,
            "cancelled_at": None,
            "created_at": at,
        }
        self.add(Interview.__table__, row)
        return row

    def interview_path(self, life: _Life, t: datetime, coord: int) -> datetime | None:
        """From an attended meeting to a recorded interview; None if the story ends first."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            self.exit(life, "withdrawn", t + timedelta(days=rng.uniform(1, 30)), coord)
            return None
        if roll < 0.16:
            return None  # waiting for a call: stuck in meeting_attended
        for attempt in range(2):
            scheduled = t + timedelta(days=rng.uniform(1, 7))
            if scheduled >= self.now:
                return None
            scheduled = life.move(Stage.INTERVIEW_SCHEDULED.value, scheduled, coord)
            day = (scheduled + timedelta(days=rng.randint(3, 21))).date()
            interview = self.interview(
                life.applicant_id, self.local(day, rng.randint(9, 14)), coord, None
            )
            interview["created_at"] = scheduled
            if attempt == 0 and rng.random() < 0.04:
                # Called off; back to waiting for a new time.
                cancel = scheduled + (interview["scheduled_at"] - scheduled) / 2
                if cancel >= self.now:
                    return None
                interview["cancelled_at"] = cancel
                t = life.move(Stage.MEETING_ATTENDED.value, cancel, coord)
                continue
            if interview["scheduled_at"] >= self.now:
                return None
            if rng.random() < 0.05:
                when = interview["scheduled_at"] - timedelta(hours=rng.uniform(2, 48))
                if self.exit(life, "withdrawn", when, coord):
                    interview["cancelled_at"] = life.at
                return None
            return self.record_interview(
                life, interview, interview["scheduled_at"] + timedelta(hours=2), coord
            )
        return None

    def record_interview(
        self, life: _Life, interview: dict[str, Any], at: datetime, coord: int
    ) -> datetime | None:
        rng = self.rng
        if at >= self.now:
            return None
        roll = rng.random()
        outcome = "recommend" if roll < 0.72 else "on_hold" if roll < 0.82 else "not_suitable"
        centre = {"recommend": 4.1, "on_hold": 3.2, "not_suitable": 2.2}[outcome]
        scores = {
            f"score_{name}": min(5, max(1, round(rng.gauss(centre, 0.7))))
            for name in ("motivation", "reliability", "experience", "fit")
        }
        interview.update(outcome=outcome, recorded_at=at, recorded_by_id=coord, **scores)
        if rng.random() < 0.3:
            interview["notes"] = rng.choice(
                (
                    "Motivert og reflektert.",
                    "Lite erfaring, men god holdning.",
                    "Ønsker eldre brukere.",
                    "Usikker på hvor mye tid hen har.",
                )
            )
        at = life.move(Stage.INTERVIEWED.value, at, coord)
        if outcome == "not_suitable":
            self.exit(
                life,
                "rejected",
                at + timedelta(days=rng.uniform(1, 7)),
                coord,
                "not_suitable_interview",
            )
            return None
        if outcome == "on_hold":
            if rng.random() < 0.5:
                return None
            at = at + timedelta(days=rng.uniform(20, 60))
            if at >= self.now:
                return None
        return at

    def check(self, applicant_id: int, kind: str, on: date, coord: int, **fields: Any) -> None:
        row = {
            "applicant_id": applicant_id,
            "kind": kind,
            "completed_on": on,
            "issued_on": None,
            "seen_on": None,
            "seen_by_id": None,
            "note": None,
            "recorded_by_id": coord,
            "recorded_at": self.local(on, 10) + timedelta(minutes=self.rng.randint(0, 300)),
        }
        row.update(fields)
        self.add(ApplicantCheck.__table__, row)

    def checks_and_placement(self, life: _Life, t: datetime, coord: int) -> bool | None:
        """Checks after a recommended interview, approval and placements."""
        rng = self.rng
        start = timefmt.office_day(t)
        issued = start + timedelta(days=rng.randint(3, 25))
        seen = issued + timedelta(days=rng.randint(1, 10))
        dates = {
            CheckKind.DECLARATION.value: start + timedelta(days=rng.randint(0, 10)),
            CheckKind.REFERENCE_1.value: start + timedelta(days=rng.randint(2, 20)),
            CheckKind.REFERENCE_2.value: start + timedelta(days=rng.randint(3, 30)),
            CheckKind.POLICE_CERTIFICATE.value: seen,
            CheckKind.TRAINING.value: start + timedelta(days=rng.randint(10, 45)),
            # Signed after the certificate was seen, well within its three months.
            CheckKind.CONTRACT.value: seen + timedelta(days=rng.randint(1, 20)),
        }
        last = max(dates.values())
        # Decide the outcome first, so no check is recorded after someone has left.
        roll = rng.random()
        ending: tuple[str, date, str | None] | None = None
        if roll < 0.015:
            ending = ("rejected", seen, "police_certificate")
        elif roll < 0.035:
            ending = ("rejected", dates[CheckKind.REFERENCE_2.value], "references")
        elif roll < 0.095:
            ending = ("withdrawn", start + timedelta(days=rng.randint(5, 40)), None)
        cutoff = min(self.today, ending[1] + timedelta(days=1)) if ending else self.today
        for kind, on in dates.items():
            if on >= cutoff or kind in life.checks:
                continue
            life.checks.add(kind)
            if kind == CheckKind.POLICE_CERTIFICATE.value:
                self.check(
                    life.applicant_id,
                    kind,
                    on,
                    coord,
                    issued_on=issued,
                    seen_on=seen,
                    seen_by_id=coord,
                )
            else:
                self.check(life.applicant_id, kind, on, coord)
        if ending is not None:
            self.exit(life, ending[0], self.local(ending[1], 16), coord, ending[2])
            return True
        if last >= self.today:
            return None
        t = life.move(Stage.APPROVED.value, self.local(last, 16), coord)
        return self.placements(life, t, coord)

    def placements(self, life: _Life, t: datetime, coord: int) -> bool | None:
        rng = self.rng
        for _round in range(3):
            if rng.random() > 0.78:
                if rng.random() < 0.25:
                    self.exit(
                        life,
                        "withdrawn",
                        t + timedelta(days=rng.uniform(30, 200)),
                        coord,
                        rng.choice(("found_other_work", "no_time", "moved")),
                    )
                    return True
                return None
            start_day = timefmt.office_day(t + timedelta(days=rng.uniform(5, 60)))
            if start_day >= self.today:
                return None
            service_user_id = self.service_user_for(start_day, coord)
            hours = rng.choice((4, 6, 8, 8, 10, 12, 16, 20))
            at = life.move(Stage.PLACED.value, self.local(start_day, 9), coord)
            placement = {
                "applicant_id": life.applicant_id,
                "service_user_id": service_user_id,
                "status": PlacementStatus.ACTIVE.value,
                "start_date": start_day,
                "end_date": None,
                "hours_per_month": hours,
                "end_reason": None,
                "end_reason_text": None,
                "created_at": t + (at - t) / 2,
                "created_by_id": coord,
            }
            self.add(Placement.__table__, placement)
            self.journal(life.applicant_id, at, "note", "Oppstart", "Oppdrag startet.", coord)
            if rng.random() < 0.35:
                end_day = start_day + timedelta(days=rng.randint(60, 400))
                if end_day < self.today:
                    reason = rng.choice(_PLACEMENT_END)
                    placement.update(
                        status=PlacementStatus.ENDED.value,
                        end_date=end_day,
                        end_reason=reason,
                        end_reason_text="Avsluttet etter avtale." if reason == "other" else None,
                    )
                    t = life.move(Stage.APPROVED.value, self.local(end_day, 15), coord)
                    self.release_service_user(service_user_id, end_day)
                    continue
            self.service_user_rows[service_user_id]["status"] = ServiceUserStatus.PLACED.value
            return None
        return None

    # -- the demand side -------------------------------------------------------------

    def new_service_user(self, waiting_since: date, coord: int, status: str) -> int:
        rng = self.rng
        year = waiting_since.year
        self.case_numbers[year] = self.case_numbers.get(year, 0) + 1
        postcode, area = rng.choice(POSTCODES)
        created = self.local(waiting_since, 11)
        row = {
            "case_ref": f"SU-{year}-{self.case_numbers[year]:04d}",
            "age_group": rng.choices(vocabulary.AGE_GROUPS, weights=(25, 30, 30, 15))[0],
            "postcode": postcode,
            "area": area,
            "interests": rng.sample(vocabulary.INTERESTS, rng.randint(1, 3)),
            "languages": ["no"]
            if rng.random() < 0.9
            else ["no", rng.choice(vocabulary.LANGUAGES[1:])],
            "preferences": {"driving_licence": rng.random() < 0.2},
            "hours_per_month": rng.choice((4, 6, 8, 8, 10, 12, 16, 20)),
            "waiting_since": waiting_since,
            "status": status,
            "coordinator_id": coord,
            "created_at": created,
            "closed_at": None,
            "anonymised_at": None,
        }
        service_user_id = self.add(ServiceUser.__table__, row)
        if rng.random() < 0.5:
            self.journal(
                None,
                created,
                "phone",
                "Ny henvisning",
                "Henvist fra saksbehandler.",
                coord,
                service_user_id=service_user_id,
            )
        return service_user_id

    @property
    def service_user_rows(self) -> _Rows:
        return _Rows(self.rows[ServiceUser.__table__])

    def service_user_for(self, start_day: date, coord: int) -> int:
        """A service user free at `start_day`: someone whose last placement ended, or new."""
        free = self.free_service_users
        if free and free[0][0] < start_day and self.rng.random() < 0.6:
            _, service_user_id = free.pop(0)
            return service_user_id
        since = max(
            start_day - timedelta(days=self.rng.randint(10, 240)),
            (self.start - timedelta(days=365)).date(),
        )
        return self.new_service_user(since, coord, ServiceUserStatus.WAITING.value)

    def release_service_user(self, service_user_id: int, end_day: date) -> None:
        if self.rng.random() < 0.3:
            row = self.service_user_rows[service_user_id]
            row["status"] = ServiceUserStatus.CLOSED.value
            row["closed_at"] = self.local(end_day, 15)
            return
        bisect.insort(self.free_service_users, (end_day, service_user_id))

    def extra_service_users(self, applicants: int) -> None:
        """People still waiting: demand outstrips supply in every real office."""
        rng = self.rng
        for _ in range(max(5, math.ceil(applicants * 0.05))):
            since = (self.now - timedelta(days=rng.randint(1, 400))).date()
            self.new_service_user(
                since, rng.choice(self.coordinators), ServiceUserStatus.WAITING.value
            )


class _Rows:
    """Rows of one table addressed by their 1-based id."""

    __slots__ = ("rows",)

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows = rows

    def __getitem__(self, row_id: int) -> dict[str, Any]:
        return self.rows[row_id - 1]
