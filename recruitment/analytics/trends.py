"""Trends and cohorts: sign-ups by source, meetings by mode, placements per month, and
how far each monthly cohort got. Aggregated in SQL; months are UTC months.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    InfoMeeting,
    Registration,
    Stage,
    StageEvent,
)
from recruitment.analytics._sql import held_meetings, in_period, to_frame
from recruitment.analytics.funnel import (
    Filters,
    month_of,
    reach,
)
from recruitment.core.access import Actor, requires
from recruitment.core.pipeline import FUNNEL, RANK

#: Columns of `signups_by_source`: month, source, sign-ups.
SIGNUP_COLUMNS = ["month", "source", "signups"]


@requires("analytics.read")
def signups_by_source(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Sign-ups (first stage events) per month and source."""
    month = month_of(StageEvent.at)
    rows = session.execute(
        select(month, Applicant.source, func.count())
        .join(Applicant, Applicant.id == StageEvent.applicant_id)
        .where(StageEvent.from_stage.is_(None), in_period(StageEvent.at, since, until))
        .group_by(month, Applicant.source)
        .order_by(month, Applicant.source)
    ).all()
    return to_frame(rows, SIGNUP_COLUMNS)


#: Columns of `meetings_by_mode`: month, mode, meetings held, seats offered, seats filled
#: (registered, attended or no-show).
MEETING_COLUMNS = ["month", "mode", "meetings", "seats", "filled"]


@requires("analytics.read")
def meetings_by_mode(
    *,
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Info meetings held, seats offered and seats filled per month and mode."""
    filled = (
        select(Registration.meeting_id, func.count().label("filled"))
        .where(Registration.status.in_(("registered", "attended", "no_show")))
        .group_by(Registration.meeting_id)
        .subquery("filled")
    )
    month = month_of(InfoMeeting.starts_at)
    rows = session.execute(
        select(
            month,
            InfoMeeting.mode,
            func.count(),
            func.sum(InfoMeeting.capacity),
            func.coalesce(func.sum(filled.c.filled), 0),
        )
        .outerjoin(filled, filled.c.meeting_id == InfoMeeting.id)
        .where(held_meetings(since, until, now))
        .group_by(month, InfoMeeting.mode)
        .order_by(month, InfoMeeting.mode)
    ).all()
    frame = to_frame(rows, MEETING_COLUMNS)
    for column in ("meetings", "seats", "filled"):
        frame[column] = frame[column].astype(int)
    return frame


#: Columns of `placements_per_month`: month, placements (moves to `placed`).
PLACEMENT_COLUMNS = ["month", "placements"]


@requires("analytics.read")
def placements_per_month(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Applicants moved to `placed` per month."""
    month = month_of(StageEvent.at)
    rows = session.execute(
        select(month, func.count())
        .where(StageEvent.to_stage == Stage.PLACED.value, in_period(StageEvent.at, since, until))
        .group_by(month)
        .order_by(month)
    ).all()
    return to_frame(rows, PLACEMENT_COLUMNS)


#: Columns of `cohorts`: sign-up month, furthest stage reached, applicants.
COHORT_COLUMNS = ["cohort", "stage", "applicants"]


@requires("analytics.read")
def cohorts(*, session: Session, actor: Actor, filters: Filters = Filters()) -> pd.DataFrame:
    """Applicants per sign-up month and the furthest funnel stage each reached."""
    r = reach(filters)
    cohort = month_of(r.c.signed_up_at)
    rows = session.execute(
        select(cohort, r.c.furthest, func.count())
        .group_by(cohort, r.c.furthest)
        .order_by(cohort, r.c.furthest)
    ).all()
    stage_of = {rank: stage.value for stage, rank in RANK.items()}
    return pd.DataFrame(
        [(month, stage_of.get(int(furthest), "none"), int(n)) for month, furthest, n in rows],
        columns=COHORT_COLUMNS,
    )


def cohort_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """`cohorts` as one row per sign-up month and one column per stage (funnel order)."""
    columns = [stage.value for stage in FUNNEL]
    if table.empty:
        return pd.DataFrame(columns=["cohort", *columns])
    wide = table.pivot_table(
        index="cohort", columns="stage", values="applicants", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=columns, fill_value=0).astype(int)
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()
