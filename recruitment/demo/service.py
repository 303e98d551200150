"""The entry point: `generate` fills a database with demo data in one transaction, after
making sure it holds none (or, with `force`, emptying it first)."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Table, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    Applicant,
    ApplicantCheck,
    AuditEvent,
    Base,
    Evaluation,
    InfoMeeting,
    Interview,
    JournalEntry,
    Placement,
    Registration,
    ServiceUser,
    Setting,
    StaffUser,
    StageEvent,
)
from recruitment.core import timefmt
from recruitment.core.errors import VerveError
from recruitment.demo.bulk import write_rows
from recruitment.demo.people import STAFF_EMAIL_DOMAIN
from recruitment.demo.simulation import simulate
from recruitment.journey.consent import current_consent_version


class DatabaseNotEmpty(VerveError):
    """The database already holds recruitment data (or demo staff)."""

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
        rows = simulate(
            random.Random(seed), today, applicants, base_staff_id=base_staff_id, taken=taken
        )
        # Every demo applicant accepted the privacy notice in force, as a sign-up does:
        # without it the settings page counted no acceptances of it at all.
        notice = current_consent_version(session).id
        for row in rows[Applicant.__table__]:
            row["consent_version_id"] = notice
        write_rows(connection, rows)
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
