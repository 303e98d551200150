"""Query pieces the analytics views share: periods, held meetings, frames.

Periods are inclusive UTC calendar days; months are UTC months ('YYYY-MM').
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import and_, literal

from db.models import (
    InfoMeeting,
    MeetingMode,
    MeetingStatus,
    StageEvent,
)
from recruitment.analytics.funnel import (
    day_end,
    day_start,
)

MODES = (MeetingMode.DIGITAL.value, MeetingMode.IN_PERSON.value)
MEDIAN_AND_P90 = {"median_days": (1, 2), "p90_days": (9, 10)}


def to_frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def in_period(column, since: date | None, until: date | None):
    """Conditions keeping `column` (a UTC timestamp) inside the inclusive days."""
    conditions = []
    if since:
        conditions.append(column >= literal(day_start(since), StageEvent.at.type))
    if until:
        conditions.append(column < literal(day_end(until), StageEvent.at.type))
    return and_(True, *conditions)


def held_meetings(since: date | None, until: date | None, now: datetime | None = None):
    """Meetings that took place: not cancelled and already started, inside the period."""
    now = now or datetime.now(UTC)
    return and_(
        InfoMeeting.status != MeetingStatus.CANCELLED.value,
        InfoMeeting.starts_at < literal(now, StageEvent.at.type),
        in_period(InfoMeeting.starts_at, since, until),
    )
