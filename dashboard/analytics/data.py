"""Cached reads for the analytics pages. Each wrapper takes only hashable plain values,
opens one read transaction and calls one recruitment function. The key every page passes
first, `report_key(actor)`, holds the database's data version
(`recruitment.analytics.data_version`), so a change made on any replica is read on every
replica's next page run; `dashboard.data.clear_caches()` and the Refresh button (`clear()`)
empty this process's cache too.

The reports are the same for everyone who may read analytics, so they are cached once for
all readers: `report_key` checks the reader's permission (reading the data version needs
`analytics.read`) on every run, and the cached read runs as the system. That is also what
lets the server compute the default views at start (`prepare_defaults`, called by
dashboard/warmup.py), and keep them ready while it runs (the warm-up's keeper renews them
before `TTL_SECONDS` runs out, and computes them for changed data once it is quiet): the
first manager after a restart, or after a quiet spell, finds them ready. The forecast's
reads (forecast_data.py) stay keyed by the actor (`actor_key`): scenarios are personal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

from dashboard.data import report_sessions
from recruitment.analytics import funnel, reminders, reports
from recruitment.analytics.data_version import data_version
from recruitment.analytics.funnel import Filters
from recruitment.core.access import Actor
from recruitment.core.timefmt import office_zone, today
from recruitment.placement import demand, matching

TTL_SECONDS = 300
#: The first part of `report_key`: the reports every reader shares.
READERS = "analytics.read"
#: The period every analytics page starts with: the last twelve months.
DEFAULT_DAYS = 365


def _actor(key: tuple) -> Actor:
    """The reader a key was made for: the system for the shared reports (`report_key`),
    the person for an `actor_key`."""
    if key and key[0] == READERS:
        return Actor.system("analytics")
    return Actor(*key[:4])


def default_period() -> tuple[date, date]:
    """Since and until of the pages' default period, on the office's calendar."""
    last = today()
    return last - timedelta(days=DEFAULT_DAYS), last


def report_key(actor: Actor) -> tuple:
    """The key of the shared reports: reading the data version checks that `actor` may
    read analytics (one cheap query, every run), and holds the version."""
    with report_sessions().begin() as session:
        version = data_version(session=session, actor=actor)
    return (READERS, version)


def actor_key(actor: Actor) -> tuple:
    """The cache key: the actor (the role decides what may be read) and the data version
    read now, one cheap query."""
    with report_sessions().begin() as session:
        version = data_version(session=session, actor=actor)
    return (actor.id, actor.username, actor.role, actor.name, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(actor: tuple) -> dict:
    with report_sessions().begin() as session:
        return funnel.filter_options(session=session, actor=_actor(actor))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def funnel_report(actor: tuple, filters: Filters) -> dict:
    with report_sessions().begin() as session:
        return reports.funnel_report(session=session, actor=_actor(actor), filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def mode_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with report_sessions().begin() as session:
        return reports.mode_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def reminder_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with report_sessions().begin() as session:
        frame = reminders.reminder_attendance(
            session=session, actor=_actor(actor), since=since, until=until
        )
    return {"table": frame, "rates": reminders.as_rates(frame), "has_data": bool(frame["n"].sum())}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def trends_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with report_sessions().begin() as session:
        return reports.trends_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def time_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with report_sessions().begin() as session:
        return reports.time_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def evaluation_report(
    actor: tuple, since: date | None, until: date | None, mode: str | None
) -> dict:
    with report_sessions().begin() as session:
        return reports.evaluation_report(
            session=session, actor=_actor(actor), since=since, until=until, mode=mode
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def supply_demand_report(actor: tuple, day: date) -> dict:
    """Supply and demand: the picture by area and target group, and the demand gap."""
    with report_sessions().begin() as session:
        reader = _actor(actor)
        return {
            "picture": matching.supply_and_demand(session=session, actor=reader, today=day),
            "gap": demand.demand_gap(session=session, actor=reader, today=day),
        }


CACHED = (
    filter_options,
    funnel_report,
    mode_report,
    reminder_report,
    trends_report,
    time_report,
    evaluation_report,
    supply_demand_report,
)


def current_key() -> tuple:
    """The key the reports are cached under now (the data version, read as the system)."""
    with report_sessions().begin() as session:
        office_zone(session)  # "today" on the office's calendar, as the pages see it
        version = data_version(session=session, actor=Actor.system("warm-up"))
    return (READERS, version)


def default_views(key: tuple) -> list[tuple[Callable[..., dict], tuple]]:
    """Each analytics page's default view (the last twelve months, no filter): the cached
    function and the arguments the page passes it on its first run."""
    since, until = default_period()
    return [
        (filter_options, (key,)),
        (funnel_report, (key, Filters(since=since, until=until))),
        (mode_report, (key, since, until)),
        (reminder_report, (key, since, until)),
        (trends_report, (key, since, until)),
        (time_report, (key, since, until)),
        (evaluation_report, (key, since, until, None)),
        (supply_demand_report, (key, until)),
    ]


def prepare_defaults(*, renew: bool = False) -> tuple:
    """Compute every analytics page's default view into the cache, as a page would: at
    server start, before the first manager asks, and again from the warm-up's keeper
    (dashboard/warmup.py). `renew` computes each view afresh even when it is cached, so
    it starts a new `TTL_SECONDS` instead of expiring under a visitor; each view is
    replaced on its own, so a visitor never finds more than one missing. Returns the key."""
    key = current_key()
    for function, args in default_views(key):
        if renew:
            function.clear(*args)
        function(*args)
    return key


def clear() -> None:
    """Forget every cached analytics result (the next view reads the database again)."""
    for function in CACHED:
        function.clear()
