"""Time in each stage (median and 90th percentile per month) and the applicants who are
stuck in one. Aggregated in SQL from the stage events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    StaffUser,
    Stage,
    StageEvent,
)
from recruitment.analytics._sql import in_period, to_frame
from recruitment.analytics.funnel import (
    days_between,
    month_of,
)
from recruitment.core import stats
from recruitment.core.access import Actor, requires
from recruitment.core.pipeline import FUNNEL
from recruitment.core.settings import get_setting

#: Columns of `time_in_stage`: month the stay ended, stage, stays, median and 90th
#: percentile of days spent in that stage.
TIME_COLUMNS = ["month", "stage", "stays", "median_days", "p90_days"]


@requires("analytics.read")
def time_in_stage(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Days spent in each funnel stage, for stays that ended in each month: from the event
    that moved someone into a stage to the event that moved them on (its `from_at`)."""
    # A stay in stage S is the event that left S: it carries when S began (from_at).
    # SQL counts the stays per duration (in hundredths of a day, about 15 minutes), and
    # the percentiles are read from that small histogram rather than by sorting every stay.
    # floor(x * 100 + 0.5) / 100 rounds in floating point on both databases (a cast to
    # NUMERIC for round() made PostgreSQL's grouping slower than the sort it replaced).
    days = func.floor(days_between(StageEvent.from_at, StageEvent.at) * 100 + 0.5) / 100
    month = month_of(StageEvent.at)
    histogram = (
        select(
            month.label("month"),
            StageEvent.from_stage.label("stage"),
            days.label("days"),
            func.count().label("n"),
        )
        .where(
            StageEvent.from_at.is_not(None),
            StageEvent.from_stage.in_([stage.value for stage in FUNNEL]),
            in_period(StageEvent.at, since, until),
        )
        .group_by(month, StageEvent.from_stage, days)
        .order_by(month, StageEvent.from_stage, days)
    )
    cells: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
    for row in session.execute(histogram):
        values, counts = cells.setdefault((row.month, row.stage), ([], []))
        values.append(float(row.days))
        counts.append(int(row.n))
    rows = [
        (
            month_key,
            stage,
            sum(counts),
            stats.percentile_from_counts(values, counts, 0.5),
            stats.percentile_from_counts(values, counts, 0.9),
        )
        for (month_key, stage), (values, counts) in cells.items()
    ]
    frame = to_frame(rows, ["month", "stage", "stays", "median_days", "p90_days"])
    order = {stage.value: i for i, stage in enumerate(FUNNEL)}
    frame["_order"] = frame["stage"].map(order)
    frame = frame.sort_values(["month", "_order"]).drop(columns="_order").reset_index(drop=True)
    for column in ("median_days", "p90_days"):
        frame[column] = frame[column].astype(float).round(2)
    return frame


#: Columns of `stuck_applicants`: id, name, stage, since (UTC), days in the stage, coordinator.
STUCK_COLUMNS = ["id", "name", "stage", "since", "days", "coordinator"]
STUCK_LIMIT = 500


@requires("applicants.list")
def stuck_applicants(
    *, session: Session, actor: Actor, now: datetime | None = None
) -> pd.DataFrame:
    """Applicants still in the pipeline whose stage has not changed for longer than the
    office's `stuck_after_days` (longest first, at most STUCK_LIMIT)."""
    now = now or datetime.now(UTC)
    threshold = now - timedelta(days=int(get_setting(session, "stuck_after_days")))
    waiting = [stage.value for stage in FUNNEL if stage is not Stage.PLACED]
    rows = session.execute(
        select(
            Applicant.id,
            Applicant.first_name,
            Applicant.last_name,
            Applicant.stage,
            Applicant.stage_changed_at,
            func.coalesce(StaffUser.full_name, StaffUser.username),
        )
        .outerjoin(StaffUser, StaffUser.id == Applicant.coordinator_id)
        .where(
            Applicant.stage.in_(waiting),
            Applicant.stage_changed_at < threshold,
            Applicant.anonymised_at.is_(None),
        )
        .order_by(Applicant.stage_changed_at, Applicant.id)
        .limit(STUCK_LIMIT)
    ).all()
    return pd.DataFrame(
        [
            (id_, f"{first} {last}".strip(), stage, changed, (now - changed).days, coordinator)
            for id_, first, last, stage, changed, coordinator in rows
        ],
        columns=STUCK_COLUMNS,
    )
