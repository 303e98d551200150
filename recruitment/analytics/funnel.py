"""The recruitment funnel, computed in SQL from the append-only stage events.

"Reached stage k" means: the applicant's furthest funnel rank (the highest
`pipeline.RANK` of any stage they were ever moved to) is at least k. Counts are
therefore non-increasing along the funnel by construction, and someone who later
withdrew still counts for every stage they got to.

Definitions used by every analytics view (and by `verve funnel`):
- cohort / sign-up time: the applicant's first stage event (their `signed_up`);
  `since` and `until` are inclusive calendar days in UTC, months are UTC months;
- meeting mode of an applicant: the mode of the one info meeting that best describes
  them: a meeting they attended (the latest), else one they were registered for or
  missed, else one they were waitlisted for, else one they cancelled. Applicants who
  never booked a meeting have no mode and drop out when a mode is chosen;
- age group: `vocabulary.age_group_for_birth_year(birth_year, <year of today>)`.

The SQL here is plain SQLAlchemy Core (GROUP BY, CASE, window functions) and runs the
same on SQLite and PostgreSQL; the two small dialect differences (month of a
timestamp, days between two timestamps) are compiled per dialect below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Float, case, cast, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Date, String

from db.models import Applicant, InfoMeeting, Registration, StaffUser, StageEvent
from recruitment.core import stats, timefmt, vocabulary
from recruitment.core.access import Actor, requires
from recruitment.core.pipeline import EXITS, FUNNEL, RANK

# --- two portable SQL expressions ---------------------------------------------------


class month_of(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """'YYYY-MM' of a UTC timestamp or a date."""

    type = String()
    inherit_cache = True


@compiles(month_of, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element, compiler, **kw):
    (arg,) = list(element.clauses)
    if isinstance(arg.type, Date):
        return f"to_char({compiler.process(arg, **kw)}, 'YYYY-MM')"
    # Every timestamp in Verve is timestamptz, which to_char renders in the session's
    # zone: pin it to UTC so months match SQLite's (UTC) strings.
    return f"to_char(({compiler.process(arg, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM')"


class days_between(FunctionElement):  # noqa: N801
    """(later - earlier) in days, fractional."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    earlier, later = list(element.clauses)
    later_sql, earlier_sql = compiler.process(later, **kw), compiler.process(earlier, **kw)
    return f"(julianday({later_sql}) - julianday({earlier_sql}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    earlier, later = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
        f"{compiler.process(earlier, **kw)}))"
        " / 86400.0)::float"
    )


def percentiles(subquery, group_columns: list[str], value: str, wanted: dict[str, tuple[int, int]]):
    """A select of `group_columns`, `n` and one column per wanted percentile (name ->
    fraction a/b), interpolated like PostgreSQL's percentile_cont, using only window
    functions and integer arithmetic so SQLite computes exactly the same."""
    groups = [subquery.c[name] for name in group_columns]
    v = subquery.c[value]
    ranked = select(
        *groups,
        v.label("v"),
        (func.row_number().over(partition_by=groups, order_by=v) - 1).label("rn0"),
        # Same PARTITION BY and ORDER BY as the row number, so one sort serves both.
        func.count().over(partition_by=groups, order_by=v, rows=(None, None)).label("n"),
    ).subquery("ranked")
    rgroups = [ranked.c[name] for name in group_columns]
    columns = []
    for name, (a, b) in wanted.items():
        position = a * (ranked.c.n - 1)
        low_index = position // b
        fraction = cast(position % b, Float) / b
        low = func.max(case((ranked.c.rn0 == low_index, ranked.c.v)))
        high = func.max(case((ranked.c.rn0 == low_index + 1, ranked.c.v)))
        columns.append((low + fraction * (func.coalesce(high, low) - low)).label(name))
    return select(*rgroups, ranked.c.n, *columns).group_by(*rgroups, ranked.c.n)


# --- filters -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """Which applicants a view covers. Every field is optional; all given ones apply."""

    since: date | None = None
    until: date | None = None
    mode: str | None = None  # "digital" | "in_person"
    source: str | None = None
    area: str | None = None
    coordinator_id: int | None = None
    age_group: str | None = None  # one of vocabulary.APPLICANT_AGE_BANDS


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_end(day: date) -> datetime:
    """The first instant after `day` (bounds are `< day_end`)."""
    return day_start(day + timedelta(days=1))


def birth_years_for(age_group: str, year: int) -> tuple[int, int]:
    """The inclusive birth-year range that `age_group_for_birth_year` maps to `age_group`."""
    if age_group not in vocabulary.APPLICANT_AGE_BANDS:
        raise ValueError(f"unknown age group {age_group!r}")
    years = [
        y
        for y in range(year - 120, year + 1)
        if vocabulary.age_group_for_birth_year(y, year) == age_group
    ]
    return min(years), max(years)


RANK_OF_STAGE = case(
    {stage.value: rank for stage, rank in RANK.items()}, value=StageEvent.to_stage, else_=0
)


def meeting_mode_per_applicant():
    """One row per applicant who ever registered: (applicant_id, mode, meeting_id,
    starts_at, status) of the meeting that defines their mode (see the module docstring)."""
    preference = case(
        (Registration.status == "attended", 0),
        (Registration.status.in_(("registered", "no_show")), 1),
        (Registration.status == "waitlisted", 2),
        else_=3,
    )
    ranked = (
        select(
            Registration.applicant_id,
            InfoMeeting.mode,
            InfoMeeting.id.label("meeting_id"),
            InfoMeeting.starts_at,
            Registration.status,
            func.row_number()
            .over(
                partition_by=Registration.applicant_id,
                order_by=(preference, InfoMeeting.starts_at.desc(), Registration.id.desc()),
            )
            .label("rn"),
        )
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .subquery("ranked_registration")
    )
    return (
        select(
            ranked.c.applicant_id,
            ranked.c.mode,
            ranked.c.meeting_id,
            ranked.c.starts_at,
            ranked.c.status,
        )
        .where(ranked.c.rn == 1)
        .subquery("applicant_mode")
    )


def reach(filters: Filters = Filters(), *, today: date | None = None):
    """One row per applicant in scope: (applicant_id, furthest, signed_up_at).

    The one GROUP BY over stage events that every funnel number starts from."""
    query = select(
        StageEvent.applicant_id.label("applicant_id"),
        func.max(RANK_OF_STAGE).label("furthest"),
        func.min(StageEvent.at).label("signed_up_at"),
    ).group_by(StageEvent.applicant_id)
    signed_up_at = func.min(StageEvent.at)
    if filters.since:
        query = query.having(signed_up_at >= literal(day_start(filters.since), StageEvent.at.type))
    if filters.until:
        query = query.having(signed_up_at < literal(day_end(filters.until), StageEvent.at.type))
    needs_applicant = filters.source or filters.area or filters.coordinator_id or filters.age_group
    if needs_applicant:
        query = query.join(Applicant, Applicant.id == StageEvent.applicant_id)
        if filters.source:
            query = query.where(Applicant.source == filters.source)
        if filters.area:
            query = query.where(Applicant.area == filters.area)
        if filters.coordinator_id:
            query = query.where(Applicant.coordinator_id == filters.coordinator_id)
        if filters.age_group:
            first, last = birth_years_for(filters.age_group, (today or timefmt.today()).year)
            query = query.where(Applicant.birth_year.between(first, last))
    if filters.mode:
        modes = meeting_mode_per_applicant()
        query = query.join(modes, modes.c.applicant_id == StageEvent.applicant_id).where(
            modes.c.mode == filters.mode
        )
    return query.subquery("reach")


# --- the funnel ------------------------------------------------------------------------

#: Columns of `funnel_counts`: stage code, rank 1-7, applicants who reached it, share of
#: the previous stage (step) and of the first stage (overall), with 95% Wilson bounds of the step.
FUNNEL_COLUMNS = [
    "stage",
    "rank",
    "reached",
    "step_conversion",
    "step_low",
    "step_high",
    "overall_conversion",
]


def _reached_counts(
    session: Session, filters: Filters = Filters(), *, today: date | None = None
) -> list[int]:
    """How many applicants reached each funnel stage, in funnel order (one SQL pass)."""
    r = reach(filters, today=today)
    row = session.execute(
        select(
            *(
                func.coalesce(func.sum(case((r.c.furthest >= rank, 1), else_=0)), 0)
                for rank in RANK.values()
            )
        )
    ).one()
    return [int(value) for value in row]


@requires("analytics.read")
def funnel_counts(
    *, session: Session, actor: Actor, filters: Filters = Filters(), today: date | None = None
) -> pd.DataFrame:
    """The funnel for `filters` as a tidy table (see FUNNEL_COLUMNS)."""
    counts = _reached_counts(session, filters, today=today)
    rows = []
    for i, (stage, reached) in enumerate(zip(FUNNEL, counts, strict=True)):
        previous = counts[i - 1] if i else reached
        low, high = stats.wilson_interval(reached, previous) if i else (None, None)
        rows.append(
            {
                "stage": stage.value,
                "rank": RANK[stage],
                "reached": reached,
                "step_conversion": stats.conversion(reached, previous)
                if i
                else (1.0 if reached else None),
                "step_low": low,
                "step_high": high,
                "overall_conversion": stats.conversion(reached, counts[0]),
            }
        )
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS)


@requires("analytics.read")
def funnel_summary(*, session: Session, actor: Actor, filters: Filters = Filters()) -> dict:
    """The funnel as plain values for `verve funnel --json` (same numbers as the page)."""
    table = funnel_counts(session=session, actor=actor, filters=filters)
    return {
        "filters": {
            "since": timefmt.iso(filters.since) or None,
            "until": timefmt.iso(filters.until) or None,
            "mode": filters.mode,
        },
        "stages": [
            {
                "stage": row.stage,
                "reached": int(row.reached),
                "step_conversion": None
                if pd.isna(row.step_conversion)
                else round(float(row.step_conversion), 4),
                "overall_conversion": None
                if pd.isna(row.overall_conversion)
                else round(float(row.overall_conversion), 4),
            }
            for row in table.itertuples()
        ],
    }


#: Columns of `funnel_exits`: the stage people left from, how (withdrawn/rejected), the
#: reason code, and how many exits (an applicant who left twice counts twice).
EXIT_COLUMNS = ["from_stage", "exit", "reason", "exits"]


@requires("analytics.read")
def funnel_exits(
    *, session: Session, actor: Actor, filters: Filters = Filters(), today: date | None = None
) -> pd.DataFrame:
    """Exits from the pipeline per stage left and reason, for the applicants in `filters`."""
    reason = func.coalesce(StageEvent.reason_code, "other")
    query = (
        select(
            StageEvent.from_stage,
            StageEvent.to_stage,
            reason.label("reason"),
            func.count().label("exits"),
        )
        .where(StageEvent.to_stage.in_([stage.value for stage in EXITS]))
        .group_by(StageEvent.from_stage, StageEvent.to_stage, reason)
    )
    if (
        filters.mode
        or filters.source
        or filters.area
        or filters.coordinator_id
        or filters.age_group
    ):
        r = reach(filters, today=today)
        query = query.join(r, r.c.applicant_id == StageEvent.applicant_id)
    elif filters.since or filters.until:
        # Only the period: each exit event looks up its applicant's first event with one
        # index seek, instead of grouping the whole event log first.
        first = aliased(StageEvent)
        signed_up_at = (
            select(func.min(first.at))
            .where(first.applicant_id == StageEvent.applicant_id)
            .scalar_subquery()
        )
        if filters.since:
            query = query.where(
                signed_up_at >= literal(day_start(filters.since), StageEvent.at.type)
            )
        if filters.until:
            query = query.where(signed_up_at < literal(day_end(filters.until), StageEvent.at.type))
    rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=EXIT_COLUMNS)
    if frame.empty:
        return frame
    order = {stage.value: i for i, stage in enumerate(FUNNEL)}
    frame["_order"] = frame["from_stage"].map(order).fillna(len(order))
    frame = frame.sort_values(["_order", "exit", "exits"], ascending=[True, True, False]).drop(
        columns="_order"
    )
    frame["exits"] = frame["exits"].astype(int)
    return frame.reset_index(drop=True)


@requires("analytics.read")
def filter_options(*, session: Session, actor: Actor) -> dict[str, list]:
    """What the filter widgets offer: sources, areas and coordinators in use."""
    sources = session.scalars(select(Applicant.source).distinct().order_by(Applicant.source)).all()
    areas = session.scalars(
        select(Applicant.area)
        .where(Applicant.area.is_not(None))
        .distinct()
        .order_by(Applicant.area)
    ).all()
    coordinators = session.execute(
        select(StaffUser.id, StaffUser.full_name, StaffUser.username)
        .where(
            StaffUser.id.in_(
                select(Applicant.coordinator_id).where(Applicant.coordinator_id.is_not(None))
            )
        )
        .order_by(StaffUser.full_name)
    ).all()
    return {
        "sources": list(sources),
        "areas": list(areas),
        "coordinators": [(row.id, row.full_name or row.username) for row in coordinators],
        "age_groups": list(vocabulary.APPLICANT_AGE_BANDS),
    }


@requires("analytics.read")
def has_data(*, session: Session, actor: Actor) -> bool:
    """Whether there is anything to analyse yet (any stage event at all)."""
    return session.execute(select(StageEvent.id).limit(1)).first() is not None


__all__ = [
    "EXIT_COLUMNS",
    "FUNNEL_COLUMNS",
    "Filters",
    "days_between",
    "filter_options",
    "funnel_counts",
    "funnel_exits",
    "funnel_summary",
    "has_data",
    "meeting_mode_per_applicant",
    "month_of",
    "percentiles",
    "reach",
]
