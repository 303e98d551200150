"""Cached forecast reads for the Forecast page. The reads (pipeline, estimates, demand
gap) are cached apart from the simulation, keyed by the filters only, so moving a lever,
the horizon, the seed or the month the needs are counted by simulates again without
reading again. The backtest is its own call, made only when its part of the page is
opened.

These caches are keyed by `forecast_version` (a fingerprint of exactly what the forecast
reads) and today's date, not by the user: the forecast is the office's, the same for
every manager and coordinator, and the page checks the permission before it asks. They
live in `st.cache_resource`, which the clearing after every write (`clear_caches`, a
`st.cache_data.clear()`) leaves alone: a write that changes nothing the forecast reads
(a saved scenario, a note, a message, a login) keeps the estimates; one that does (a
stage change, a booking, a service user) gives a new version, and the next visit reads
afresh. The Refresh button empties them. `warm()` computes the default view at server
start (dashboard/warmup.py), so the first manager of the day finds it ready."""

from __future__ import annotations

import copy
from datetime import date

import streamlit as st

from dashboard.analytics import data as analytics_data
from dashboard.data import sessions
from recruitment.analytics.data_version import forecast_version
from recruitment.analytics.forecast import report, scenarios
from recruitment.analytics.forecast.model import Levers
from recruitment.core import timefmt
from recruitment.core.access import Actor

#: Entries kept per cached function: today's default view, a few filters and levers.
MAX_ENTRIES = 64


def version(actor: Actor) -> tuple:
    """The key the forecast's caches are read under: what the forecast reads, now."""
    with sessions().begin() as session:
        return forecast_version(session=session, actor=actor)


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _inputs(
    version: tuple,
    area: str | None,
    source: str | None,
    window_months: int,
    day: str,
    _actor: Actor,
) -> report.Inputs:
    with sessions().begin() as session:
        return report.read_inputs(
            session=session,
            actor=_actor,
            today=date.fromisoformat(day) if day else None,
            area=area,
            source=source,
            window_months=window_months,
        )


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _report(
    version: tuple,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
    area: str | None,
    source: str | None,
    window_months: int,
    day: str,
    _actor: Actor,
) -> dict:
    inputs = _inputs(version, area, source, window_months, day, _actor)
    with sessions().begin() as session:
        return report.forecast_report(
            session=session,
            actor=_actor,
            months=months,
            seed=seed,
            levers=levers,
            by_month=by_month,
            with_backtest=False,
            inputs=inputs,
        )


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _backtest(
    version: tuple,
    months: int,
    seed: int,
    area: str | None,
    source: str | None,
    window_months: int,
    day: str,
    _actor: Actor,
) -> dict:
    with sessions().begin() as session:
        return report.backtest_report(
            session=session,
            actor=_actor,
            today=date.fromisoformat(day) if day else None,
            months=months,
            seed=seed,
            area=area,
            source=source,
            window_months=window_months,
        )


def forecast_report(
    actor: Actor,
    version: tuple,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
    area: str | None,
    source: str | None = None,
    window_months: int = report.WINDOW_MONTHS,
    day: str = "",
) -> dict:
    """The report for these filters (a copy: the cached one is shared by every user)."""
    return copy.deepcopy(
        _report(version, months, seed, levers, by_month, area, source, window_months, day, actor)
    )


def backtest_report(
    actor: Actor,
    version: tuple,
    months: int,
    seed: int,
    area: str | None,
    source: str | None = None,
    window_months: int = report.WINDOW_MONTHS,
    day: str = "",
) -> dict:
    """Apart from the forecast: it does not move with the levers, and the page computes
    it only when asked."""
    return copy.deepcopy(_backtest(version, months, seed, area, source, window_months, day, actor))


#: The page's first view: 6 months, seed 0, no lever, the needs by the last month, no
#: filter, the default window (dashboard/analytics/forecast.py draws these defaults).
DEFAULT_VIEW = {"months": 6, "seed": 0}


def warm(actor: Actor | None = None) -> None:
    """Compute the page's first view now (server start), so no visitor waits for it."""
    actor = actor or Actor.system("warm-up")
    months, seed = DEFAULT_VIEW["months"], DEFAULT_VIEW["seed"]
    _report(
        version(actor),
        months,
        seed,
        Levers(),
        months - 1,
        None,
        None,
        report.WINDOW_MONTHS,
        timefmt.today().isoformat(),
        actor,
    )


def saved_scenarios(actor: tuple) -> list[dict]:
    """Not cached: a scenario saved a moment ago is listed at once."""
    with sessions().begin() as session:
        return scenarios.list_scenarios(session=session, actor=analytics_data._actor(actor))


def options(actor: tuple) -> dict:
    """The areas and sources the filters offer (the same lists as the other analytics
    pages)."""
    return analytics_data.filter_options(actor)


def clear() -> None:
    _inputs.clear()
    _report.clear()
    _backtest.clear()
