"""A cheap fingerprint of what the analytics read, so cached reports can be keyed on it:
a change made through any replica gives a new version, and every replica's next page run
reads afresh instead of waiting for a cache to expire."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    Evaluation,
    InfoMeeting,
    Placement,
    Registration,
    ServiceUser,
    Setting,
    StageEvent,
)
from recruitment.core.access import Actor, requires


@requires("analytics.read")
def data_version(*, session: Session, actor: Actor) -> tuple[int, ...]:
    """Newest ids: primary-key lookups only, the same cost at any size. Stage events,
    applicants, bookings, evaluations and placements are only ever added to (erasure
    blanks a person's row and keeps their events, so the funnel stays true), so a new id
    is what a change looks like; edits in place reach the reports within `TTL_SECONDS`
    (dashboard/analytics/data.py). Counting the events as well took 35–45 ms at 100,000
    applicants on every analytics page."""
    parts = [
        select(func.coalesce(func.max(StageEvent.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Applicant.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Registration.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Evaluation.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Placement.id), 0)).scalar_subquery(),
    ]
    return tuple(int(value) for value in session.execute(select(*parts)).one())


@requires("analytics.read")
def forecast_version(*, session: Session, actor: Actor) -> tuple:
    """A fingerprint of everything the placement forecast reads, and of nothing else, so
    its cached estimates outlive writes that cannot change them (a saved scenario, a
    note, a message, a login): stage events (newest id: a move),
    applicants and bookings (newest id and last change: a sign-up, a new area or target
    group, a booking called off), info meetings, service users, placements (their count,
    hours and statuses, which change in place) and the office settings. Aggregates over
    the smaller tables and two column maxima: about as cheap as `data_version`."""
    meetings = select(
        func.count(InfoMeeting.id),
        func.coalesce(func.max(InfoMeeting.id), 0),
        func.coalesce(func.sum(InfoMeeting.capacity), 0),
        func.coalesce(func.sum(case((InfoMeeting.status == "cancelled", 1), else_=0)), 0),
        func.coalesce(func.sum(func.length(InfoMeeting.mode)), 0),
    )
    users = select(
        func.count(ServiceUser.id),
        func.coalesce(func.max(ServiceUser.id), 0),
        func.coalesce(func.sum(ServiceUser.hours_per_month), 0),
        func.coalesce(func.sum(case((ServiceUser.status == "waiting", 1), else_=0)), 0),
        func.coalesce(func.sum(case((ServiceUser.anonymised_at.is_(None), 0), else_=1)), 0),
        func.max(ServiceUser.closed_at),
        func.max(ServiceUser.waiting_since),
    )
    placements = select(
        func.count(Placement.id),
        func.coalesce(func.max(Placement.id), 0),
        func.coalesce(func.sum(Placement.hours_per_month), 0),
        func.coalesce(func.sum(func.length(Placement.status)), 0),
    )
    parts = [
        select(func.coalesce(func.max(StageEvent.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Applicant.id), 0)).scalar_subquery(),
        select(func.max(Applicant.updated_at)).scalar_subquery(),
        select(func.coalesce(func.max(Registration.id), 0)).scalar_subquery(),
        select(func.max(Registration.updated_at)).scalar_subquery(),
        select(func.max(Setting.updated_at)).scalar_subquery(),
    ]
    out = list(session.execute(select(*parts)).one())
    for query in (meetings, users, placements):
        out.extend(session.execute(query).one())
    return tuple(str(value) for value in out)
