"""Cached reads for the analytics pages. Each wrapper takes only hashable plain values,
opens one read transaction and calls one recruitment function. The key every page passes
first, `actor_key(actor)`, holds the actor and the database's data version
(`recruitment.analytics.data_version`), so a change made on any replica is read on every
replica's next page run; `dashboard.data.clear_caches()` and the Refresh button (`clear()`)
empty this process's cache too."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.data import sessions
from recruitment.analytics import funnel, reminders, reports
from recruitment.analytics.data_version import data_version
from recruitment.analytics.funnel import Filters
from recruitment.core.access import Actor

TTL_SECONDS = 300


def _actor(key: tuple) -> Actor:
    return Actor(*key[:4])


def actor_key(actor: Actor) -> tuple:
    """The cache key: the actor (the role decides what may be read) and the data version
    read now, one cheap query."""
    with sessions().begin() as session:
        version = data_version(session=session, actor=actor)
    return (actor.id, actor.username, actor.role, actor.name, version)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(actor: tuple) -> dict:
    with sessions().begin() as session:
        return funnel.filter_options(session=session, actor=_actor(actor))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def funnel_report(actor: tuple, filters: Filters) -> dict:
    with sessions().begin() as session:
        return reports.funnel_report(session=session, actor=_actor(actor), filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def mode_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with sessions().begin() as session:
        return reports.mode_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def reminder_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with sessions().begin() as session:
        frame = reminders.reminder_attendance(
            session=session, actor=_actor(actor), since=since, until=until
        )
    return {"table": frame, "rates": reminders.as_rates(frame), "has_data": bool(frame["n"].sum())}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def trends_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with sessions().begin() as session:
        return reports.trends_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def time_report(actor: tuple, since: date | None, until: date | None) -> dict:
    with sessions().begin() as session:
        return reports.time_report(session=session, actor=_actor(actor), since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def evaluation_report(
    actor: tuple, since: date | None, until: date | None, mode: str | None
) -> dict:
    with sessions().begin() as session:
        return reports.evaluation_report(
            session=session, actor=_actor(actor), since=since, until=until, mode=mode
        )


CACHED = (filter_options, funnel_report, mode_report, trends_report, time_report, evaluation_report)


def clear() -> None:
    """Forget every cached analytics result (the next view reads the database again)."""
    for function in CACHED:
        function.clear()
