"""What every step of the simulation shares: the seeded dice, the office clock and the
rows made so far."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table

from db.models import Base, JournalEntry
from recruitment.core import timefmt

HISTORY_DAYS = 730

#: Rows per table, each a plain dict of column values; ids are given, 1-based.
Rows = dict[Table, list[dict[str, Any]]]


@dataclass(slots=True)
class World:
    """The one seeded `random.Random` (every draw goes through it, in a fixed order, so the
    same seed gives the same rows), the clock, and the rows made so far."""

    rng: random.Random
    today: date
    #: Everything in the history happened before today began; planned meetings lie ahead.
    now: datetime
    #: The first day of the history.
    start: datetime
    rows: Rows

    @classmethod
    def begin(cls, rng: random.Random, today: date) -> World:
        """An empty world whose history ends as `today` begins."""
        now = datetime.combine(today, time(0, 0), UTC)
        return cls(
            rng=rng,
            today=today,
            now=now,
            start=now - timedelta(days=HISTORY_DAYS),
            rows={table: [] for table in Base.metadata.sorted_tables},
        )

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time at the office, as an aware UTC datetime."""
        return timefmt.office_datetime(day, time(hour, minute))

    def add(self, table: Table, row: dict[str, Any]) -> int:
        """Append `row` to `table` with the next id, and return that id."""
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
        """Write a journal entry about an applicant or a service user."""
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


def weighted(rng: random.Random, weights: dict[str, int]) -> Any:
    """One key of `weights`, drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
