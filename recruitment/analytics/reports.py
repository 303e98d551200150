"""One call per analytics page: each returns every frame its page shows."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from recruitment.analytics import comparison, evaluations, funnel, time_in_stage, trends
from recruitment.analytics.funnel import (
    Filters,
)
from recruitment.core.access import Actor, allowed, requires
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import office_zone


@requires("analytics.read")
def funnel_report(
    *, session: Session, actor: Actor, filters: Filters = Filters()
) -> dict[str, pd.DataFrame | bool]:
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
    rates = comparison.mode_rates(session=session, actor=actor, since=since, until=until)
    return {
        "has_data": True,
        "rates": rates,
        "verdicts": comparison.mode_verdicts(rates),
        "days_to_interview": comparison.days_to_interview(
            session=session, actor=actor, since=since, until=until
        ),
        "scores": comparison.evaluation_scores_by_mode(
            session=session, actor=actor, since=since, until=until
        ),
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
        "signups": trends.signups_by_source(session=session, actor=actor, since=since, until=until),
        "meetings": trends.meetings_by_mode(session=session, actor=actor, since=since, until=until),
        "placements": trends.placements_per_month(
            session=session, actor=actor, since=since, until=until
        ),
        "cohorts": trends.cohort_matrix(
            trends.cohorts(session=session, actor=actor, filters=Filters(since=since, until=until))
        ),
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
        "time_in_stage": time_in_stage.time_in_stage(
            session=session, actor=actor, since=since, until=until
        ),
        "stuck": time_in_stage.stuck_applicants(session=session, actor=actor) if may_list else None,
        "stuck_after_days": int(get_setting(session, "stuck_after_days")),
    }


@requires("analytics.read")
def evaluation_report(
    *,
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    mode: str | None = None,
) -> dict[str, pd.DataFrame | bool]:
    """Everything the Meeting evaluations page shows: `by_meeting`, `by_week` (when the
    period has more meetings than can be charted one by one), `by_mode`, `comments`."""
    if not funnel.has_data(session=session, actor=actor):
        return {"has_data": False}
    by_meeting = evaluations.evaluations_by_meeting(
        session=session, actor=actor, since=since, until=until
    )
    if mode:
        by_meeting = by_meeting[by_meeting["mode"] == mode].reset_index(drop=True)
    return {
        "has_data": True,
        "by_meeting": by_meeting,
        # None while the period's meetings are few enough to chart one by one.
        "by_week": (
            evaluations.evaluations_by_week(by_meeting, office_zone(session))
            if len(by_meeting) > evaluations.MEETINGS_ONE_BY_ONE
            else None
        ),
        "by_mode": comparison.evaluation_scores_by_mode(
            session=session, actor=actor, since=since, until=until
        ),
        "comments": evaluations.evaluation_comments(
            session=session, actor=actor, since=since, until=until, mode=mode
        ),
    }
