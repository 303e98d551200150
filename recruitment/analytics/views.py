"""Managers' analytics beyond the funnel: digital vs in person, trends, time in stage,
meeting evaluations and the stuck list. Every number is aggregated in SQL (GROUP BY
and window functions, see `funnel`); pandas only shapes the few aggregated rows.

Periods are inclusive UTC calendar days; months are UTC months ('YYYY-MM').
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    Evaluation,
    InfoMeeting,
    Interview,
    MeetingMode,
    MeetingStatus,
    Registration,
    Stage,
    StaffUser,
    StageEvent,
)

from recruitment.analytics import funnel
from recruitment.core import stats
from recruitment.core.access import Actor, allowed, require, requires
from recruitment.analytics.funnel import Filters, day_end, day_start, days_between, month_of, percentiles, reach
from recruitment.core.pipeline import FUNNEL, RANK
from recruitment.core.settings import get_setting

MODES = (MeetingMode.DIGITAL.value, MeetingMode.IN_PERSON.value)
MEDIAN_AND_P90 = {"median_days": (1, 2), "p90_days": (9, 10)}


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def _in_period(column, since: date | None, until: date | None):
    """Conditions keeping `column` (a UTC timestamp) inside the inclusive days."""
    conditions = []
    if since:
        conditions.append(column >= literal(day_start(since), StageEvent.at.type))
    if until:
        conditions.append(column < literal(day_end(until), StageEvent.at.type))
    return and_(True, *conditions)


def _held_meetings(since: date | None, until: date | None, now: datetime | None = None):
    """Meetings that took place: not cancelled and already started, inside the period."""
    now = now or datetime.now(UTC)
    return and_(
        InfoMeeting.status != MeetingStatus.CANCELLED.value,
        InfoMeeting.starts_at < literal(now, StageEvent.at.type),
        _in_period(InfoMeeting.starts_at, since, until),
    )


# --- digital vs in person ----------------------------------------------------------------

#: Columns of `mode_rates`: metric code, mode, successes, base n, rate and its 95% Wilson bounds.
RATE_COLUMNS = ["metric", "mode", "successes", "n", "rate", "low", "high"]
#: Columns of `mode_verdicts`: metric, digital rate, in-person rate, difference, p-value,
#: verdict ("clear" | "unclear" | "too_few").
VERDICT_COLUMNS = ["metric", "digital", "in_person", "difference", "p_value", "verdict"]


def _rate_row(metric: str, mode: str, successes: int, n: int) -> dict:
    low, high = stats.wilson_interval(successes, n)
    return {
        "metric": metric,
        "mode": mode,
        "successes": successes,
        "n": n,
        "rate": stats.conversion(successes, n),
        "low": low,
        "high": high,
    }


@requires("analytics.read")
def mode_rates(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Attendance, no-shows, progress after attending and evaluation answers, per meeting
    mode, for meetings held in the period (see RATE_COLUMNS). Progress counts each
    attendance: someone who attended two meetings counts once for each."""
    require(actor, "analytics.read")
    held = _held_meetings(since, until, now)
    attended = func.sum(case((Registration.status == "attended", 1), else_=0))
    no_show = func.sum(case((Registration.status == "no_show", 1), else_=0))
    attendance = session.execute(
        select(InfoMeeting.mode, attended, no_show)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(held)
        .group_by(InfoMeeting.mode)
    ).all()
    rows: list[dict] = []
    by_mode = {mode: (int(a or 0), int(m or 0)) for mode, a, m in attendance}
    for mode in MODES:
        a, m = by_mode.get(mode, (0, 0))
        rows.append(_rate_row("attendance", mode, a, a + m))
        rows.append(_rate_row("no_show", mode, m, a + m))

    # Progress of people who attended: their furthest stage, by the mode that defines them.
    # Progress of people who attended a meeting of each mode in the period. "Reached
    # stage k" (furthest rank >= k) is the same as "has an event to a stage ranked >= k",
    # which the (to_stage, applicant_id) index answers per attendee without a scan.
    def reached(stage: Stage):
        later = [s.value for s, rank in RANK.items() if rank >= RANK[stage]]
        hit = (
            select(StageEvent.id)
            .where(StageEvent.applicant_id == Registration.applicant_id, StageEvent.to_stage.in_(later))
            .exists()
        )
        return func.sum(case((hit, 1), else_=0))

    progress = session.execute(
        select(InfoMeeting.mode, func.count(), *(reached(stage) for stage in (Stage.INTERVIEWED, Stage.APPROVED, Stage.PLACED)))
        .select_from(Registration)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(Registration.status == "attended", held)
        .group_by(InfoMeeting.mode)
    ).all()
    by_mode = {row[0]: [int(v or 0) for v in row[1:]] for row in progress}
    for stage in (Stage.INTERVIEWED, Stage.APPROVED, Stage.PLACED):
        index = {Stage.INTERVIEWED: 1, Stage.APPROVED: 2, Stage.PLACED: 3}[stage]
        for mode in MODES:
            values = by_mode.get(mode, [0, 0, 0, 0])
            rows.append(_rate_row(f"attended_to_{stage.value}", mode, values[index], values[0]))

    answers = session.execute(
        select(
            InfoMeeting.mode,
            func.count(),
            func.sum(case((Evaluation.got_information.is_(True), 1), else_=0)),
            func.sum(case((Evaluation.technical_problems.is_(True), 1), else_=0)),
        )
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(held)
        .group_by(InfoMeeting.mode)
    ).all()
    by_mode = {row[0]: [int(v or 0) for v in row[1:]] for row in answers}
    for metric, index in (("got_information", 1), ("technical_problems", 2)):
        for mode in MODES:
            values = by_mode.get(mode, [0, 0, 0])
            rows.append(_rate_row(metric, mode, values[index], values[0]))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def mode_verdicts(rates: pd.DataFrame) -> pd.DataFrame:
    """For each metric of `mode_rates`: is the digital/in-person difference statistically clear?"""
    rows = []
    for metric, group in rates.groupby("metric", sort=False):
        by_mode = {row.mode: row for row in group.itertuples()}
        d, p = by_mode.get("digital"), by_mode.get("in_person")
        if d is None or p is None:
            continue
        _, p_value = stats.two_proportion_test(int(d.successes), int(d.n), int(p.successes), int(p.n))
        difference = None if d.rate is None or p.rate is None or pd.isna(d.rate) or pd.isna(p.rate) else d.rate - p.rate
        rows.append(
            {
                "metric": metric,
                "digital": d.rate,
                "in_person": p.rate,
                "difference": difference,
                "p_value": p_value,
                "verdict": stats.verdict(int(d.successes), int(d.n), int(p.successes), int(p.n)),
            }
        )
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


#: Columns of `days_to_interview`: mode, attendees with an interview, median and 90th
#: percentile of days from their meeting to their first interview after it.
DAYS_TO_INTERVIEW_COLUMNS = ["mode", "n", "median_days", "p90_days"]


@requires("analytics.read")
def days_to_interview(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Days from each meeting attended in the period to the attendee's first interview
    after it, per mode."""
    require(actor, "analytics.read")
    first_interview = func.min(Interview.scheduled_at)
    per_attendance = (
        select(InfoMeeting.mode, days_between(InfoMeeting.starts_at, first_interview).label("days"))
        .select_from(Registration)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .join(
            Interview,
            and_(
                Interview.applicant_id == Registration.applicant_id,
                Interview.cancelled_at.is_(None),
                Interview.scheduled_at >= InfoMeeting.starts_at,
            ),
        )
        .where(Registration.status == "attended", _in_period(InfoMeeting.starts_at, since, until))
        .group_by(Registration.id, InfoMeeting.mode, InfoMeeting.starts_at)
        .subquery("to_interview")
    )
    rows = session.execute(percentiles(per_attendance, ["mode"], "days", MEDIAN_AND_P90)).all()
    frame = _frame(rows, DAYS_TO_INTERVIEW_COLUMNS)
    return frame.sort_values("mode").reset_index(drop=True)


#: Columns of `evaluation_scores_by_mode`: mode, answers, mean and median rating (1-5).
SCORE_COLUMNS = ["mode", "answers", "mean_rating", "median_rating"]


@requires("analytics.read")
def evaluation_scores_by_mode(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Meeting evaluation ratings per mode."""
    require(actor, "analytics.read")
    answers = (
        select(InfoMeeting.mode, Evaluation.rating.label("rating"))
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(_in_period(InfoMeeting.starts_at, since, until))
        .subquery("answers")
    )
    medians = percentiles(answers, ["mode"], "rating", {"median_rating": (1, 2)}).subquery("medians")
    means = (
        select(answers.c.mode, func.avg(answers.c.rating).label("mean_rating")).group_by(answers.c.mode).subquery("means")
    )
    rows = session.execute(
        select(medians.c.mode, medians.c.n, means.c.mean_rating, medians.c.median_rating)
        .join(means, means.c.mode == medians.c.mode)
        .order_by(medians.c.mode)
    ).all()
    frame = _frame(rows, SCORE_COLUMNS)
    frame["mean_rating"] = frame["mean_rating"].astype(float)
    return frame


# --- trends ------------------------------------------------------------------------------


#: Columns of `signups_by_source`: month, source, sign-ups.
SIGNUP_COLUMNS = ["month", "source", "signups"]


@requires("analytics.read")
def signups_by_source(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Sign-ups (first stage events) per month and source."""
    require(actor, "analytics.read")
    month = month_of(StageEvent.at)
    rows = session.execute(
        select(month, Applicant.source, func.count())
        .join(Applicant, Applicant.id == StageEvent.applicant_id)
        .where(StageEvent.from_stage.is_(None), _in_period(StageEvent.at, since, until))
        .group_by(month, Applicant.source)
        .order_by(month, Applicant.source)
    ).all()
    return _frame(rows, SIGNUP_COLUMNS)


#: Columns of `meetings_by_mode`: month, mode, meetings held, seats offered, seats filled
#: (registered, attended or no-show).
MEETING_COLUMNS = ["month", "mode", "meetings", "seats", "filled"]


@requires("analytics.read")
def meetings_by_mode(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Info meetings held, seats offered and seats filled per month and mode."""
    require(actor, "analytics.read")
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
        .where(_held_meetings(since, until, now))
        .group_by(month, InfoMeeting.mode)
        .order_by(month, InfoMeeting.mode)
    ).all()
    frame = _frame(rows, MEETING_COLUMNS)
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
    require(actor, "analytics.read")
    month = month_of(StageEvent.at)
    rows = session.execute(
        select(month, func.count())
        .where(StageEvent.to_stage == Stage.PLACED.value, _in_period(StageEvent.at, since, until))
        .group_by(month)
        .order_by(month)
    ).all()
    return _frame(rows, PLACEMENT_COLUMNS)


#: Columns of `cohorts`: sign-up month, furthest stage reached, applicants.
COHORT_COLUMNS = ["cohort", "stage", "applicants"]


@requires("analytics.read")
def cohorts(*, session: Session, actor: Actor, filters: Filters = Filters()) -> pd.DataFrame:
    """Applicants per sign-up month and the furthest funnel stage each reached."""
    require(actor, "analytics.read")
    r = reach(filters)
    cohort = month_of(r.c.signed_up_at)
    rows = session.execute(
        select(cohort, r.c.furthest, func.count()).group_by(cohort, r.c.furthest).order_by(cohort, r.c.furthest)
    ).all()
    stage_of = {rank: stage.value for stage, rank in RANK.items()}
    return pd.DataFrame(
        [(month, stage_of.get(int(furthest), "none"), int(n)) for month, furthest, n in rows], columns=COHORT_COLUMNS
    )


def cohort_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """`cohorts` as one row per sign-up month and one column per stage (funnel order)."""
    columns = [stage.value for stage in FUNNEL]
    if table.empty:
        return pd.DataFrame(columns=["cohort", *columns])
    wide = table.pivot_table(index="cohort", columns="stage", values="applicants", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=columns, fill_value=0).astype(int)
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()


# --- time in stage -----------------------------------------------------------------------

#: Columns of `time_in_stage`: month the stay ended, stage, stays, median and 90th
#: percentile of days spent in that stage.
TIME_COLUMNS = ["month", "stage", "stays", "median_days", "p90_days"]


@requires("analytics.read")
def time_in_stage(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Days spent in each funnel stage, for stays that ended in each month: from the event
    that moved someone into a stage to the event that moved them on (its `from_at`)."""
    require(actor, "analytics.read")
    # A stay in stage S is the event that left S: it carries when S began (from_at).
    # SQL counts the stays per duration (in hundredths of a day, about 15 minutes), and
    # the percentiles are read from that small histogram rather than by sorting every stay.
    # floor(x * 100 + 0.5) / 100 rounds in floating point on both databases (a cast to
    # NUMERIC for round() made PostgreSQL's grouping slower than the sort it replaced).
    days = func.floor(days_between(StageEvent.from_at, StageEvent.at) * 100 + 0.5) / 100
    month = month_of(StageEvent.at)
    histogram = (
        select(month.label("month"), StageEvent.from_stage.label("stage"), days.label("days"), func.count().label("n"))
        .where(
            StageEvent.from_at.is_not(None),
            StageEvent.from_stage.in_([stage.value for stage in FUNNEL]),
            _in_period(StageEvent.at, since, until),
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
    frame = _frame(rows, ["month", "stage", "stays", "median_days", "p90_days"])
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
def stuck_applicants(*, session: Session, actor: Actor, now: datetime | None = None) -> pd.DataFrame:
    """Applicants still in the pipeline whose stage has not changed for longer than the
    office's `stuck_after_days` (longest first, at most STUCK_LIMIT)."""
    require(actor, "applicants.list")
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


# --- meeting evaluations -----------------------------------------------------------------

#: Columns of `evaluations_by_meeting`: meeting id, start (UTC), mode, answers, mean rating,
#: share who got the information they needed, share with technical problems, comments.
EVALUATION_COLUMNS = [
    "meeting_id",
    "starts_at",
    "mode",
    "answers",
    "mean_rating",
    "got_information",
    "technical_problems",
    "comments",
]


@requires("analytics.read")
def evaluations_by_meeting(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Evaluation answers aggregated per meeting (newest first)."""
    require(actor, "analytics.read")
    rows = session.execute(
        select(
            InfoMeeting.id,
            InfoMeeting.starts_at,
            InfoMeeting.mode,
            func.count(),
            func.avg(Evaluation.rating),
            func.avg(case((Evaluation.got_information.is_(True), 1.0), else_=0.0)),
            func.avg(case((Evaluation.technical_problems.is_(True), 1.0), else_=0.0)),
            func.count(func.nullif(func.trim(Evaluation.comment), "")),
        )
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(_in_period(InfoMeeting.starts_at, since, until))
        .group_by(InfoMeeting.id, InfoMeeting.starts_at, InfoMeeting.mode)
        .order_by(InfoMeeting.starts_at.desc())
    ).all()
    frame = _frame(rows, EVALUATION_COLUMNS)
    for column in ("mean_rating", "got_information", "technical_problems"):
        frame[column] = frame[column].astype(float).round(3)
    return frame


#: Columns of `evaluation_comments`: meeting start (UTC), mode, rating, comment text.
COMMENT_COLUMNS = ["starts_at", "mode", "rating", "comment"]
COMMENT_LIMIT = 500


@requires("analytics.read")
def evaluation_comments(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None, mode: str | None = None
) -> pd.DataFrame:
    """The free-text comments (newest first, at most COMMENT_LIMIT); plain text to show as text."""
    require(actor, "analytics.read")
    query = (
        select(InfoMeeting.starts_at, InfoMeeting.mode, Evaluation.rating, Evaluation.comment)
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(
            Evaluation.comment.is_not(None),
            func.trim(Evaluation.comment) != "",
            _in_period(InfoMeeting.starts_at, since, until),
        )
        .order_by(InfoMeeting.starts_at.desc(), Evaluation.id.desc())
        .limit(COMMENT_LIMIT)
    )
    if mode:
        query = query.where(InfoMeeting.mode == mode)
    return _frame(session.execute(query).all(), COMMENT_COLUMNS)



# --- one call per page -------------------------------------------------------------------


@requires("analytics.read")
def funnel_report(*, session: Session, actor: Actor, filters: Filters = Filters()) -> dict[str, pd.DataFrame | bool]:
    """Everything the Funnel page shows: `has_data`, `funnel`, `exits`."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    return {
        "has_data": True,
        "funnel": funnel.funnel_counts(session=session, actor=actor, filters=filters),
        "exits": funnel.funnel_exits(session=session, actor=actor, filters=filters),
    }


@requires("analytics.read")
def mode_report(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> dict[str, pd.DataFrame | bool]:
    """Everything the Digital vs in person page shows: `rates`, `verdicts`,
    `days_to_interview`, `scores`."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    rates = mode_rates(session=session, actor=actor, since=since, until=until)
    return {
        "has_data": True,
        "rates": rates,
        "verdicts": mode_verdicts(rates),
        "days_to_interview": days_to_interview(session=session, actor=actor, since=since, until=until),
        "scores": evaluation_scores_by_mode(session=session, actor=actor, since=since, until=until),
    }


@requires("analytics.read")
def trends_report(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> dict[str, pd.DataFrame | bool]:
    """Everything the Trends page shows: `signups`, `meetings`, `placements`, `cohorts` (wide)."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    return {
        "has_data": True,
        "signups": signups_by_source(session=session, actor=actor, since=since, until=until),
        "meetings": meetings_by_mode(session=session, actor=actor, since=since, until=until),
        "placements": placements_per_month(session=session, actor=actor, since=since, until=until),
        "cohorts": cohort_matrix(cohorts(session=session, actor=actor, filters=Filters(since=since, until=until))),
    }


@requires("analytics.read")
def time_report(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> dict[str, pd.DataFrame | bool | int | None]:
    """Everything the Time in stage page shows: `time_in_stage`, and `stuck` with its
    `stuck_after_days` for those who may list applicants (None otherwise)."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    may_list = allowed(actor, "applicants.list")
    return {
        "has_data": True,
        "time_in_stage": time_in_stage(session=session, actor=actor, since=since, until=until),
        "stuck": stuck_applicants(session=session, actor=actor) if may_list else None,
        "stuck_after_days": int(get_setting(session, "stuck_after_days")),
    }


@requires("analytics.read")
def evaluation_report(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None, mode: str | None = None
) -> dict[str, pd.DataFrame | bool]:
    """Everything the Meeting evaluations page shows: `by_meeting`, `by_mode`, `comments`."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    by_meeting = evaluations_by_meeting(session=session, actor=actor, since=since, until=until)
    if mode:
        by_meeting = by_meeting[by_meeting["mode"] == mode].reset_index(drop=True)
    return {
        "has_data": True,
        "by_meeting": by_meeting,
        "by_mode": evaluation_scores_by_mode(session=session, actor=actor, since=since, until=until),
        "comments": evaluation_comments(session=session, actor=actor, since=since, until=until, mode=mode),
    }
