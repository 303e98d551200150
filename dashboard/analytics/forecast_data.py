"""Cached forecast reads for the Forecast page. The reads (pipeline, estimates, demand
gap) are cached apart from the simulation, keyed by the filters only, so moving a lever,
the horizon, the seed or the month the needs are counted by simulates again without
reading again. The backtest is its own call, made only when its part of the page is
opened. The Refresh button and every write clear them."""

from __future__ import annotations

import streamlit as st

from dashboard.analytics import data as analytics_data
from dashboard.analytics.data import TTL_SECONDS, _actor
from dashboard.data import sessions
from recruitment.analytics.forecast import report, scenarios
from recruitment.analytics.forecast.model import Levers


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def forecast_inputs(
    actor: tuple, area: str | None, source: str | None, window_months: int, day: str
) -> report.Inputs:
    """Cleared with the other cached reads after every write; `day` (today's date)
    starts a new entry each day."""
    with sessions().begin() as session:
        return report.read_inputs(
            session=session,
            actor=_actor(actor),
            area=area,
            source=source,
            window_months=window_months,
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def forecast_report(
    actor: tuple,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
    area: str | None,
    source: str | None = None,
    window_months: int = 12,
    day: str = "",
) -> dict:
    inputs = forecast_inputs(actor, area, source, window_months, day)
    with sessions().begin() as session:
        return report.forecast_report(
            session=session,
            actor=_actor(actor),
            months=months,
            seed=seed,
            levers=levers,
            by_month=by_month,
            with_backtest=False,
            inputs=inputs,
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def backtest_report(
    actor: tuple,
    months: int,
    seed: int,
    area: str | None,
    source: str | None = None,
    window_months: int = 12,
    day: str = "",
) -> dict:
    """Apart from the forecast: it does not move with the levers, and the page computes
    it only when asked."""
    with sessions().begin() as session:
        return report.backtest_report(
            session=session,
            actor=_actor(actor),
            months=months,
            seed=seed,
            area=area,
            source=source,
            window_months=window_months,
        )


def saved_scenarios(actor: tuple) -> list[dict]:
    """Not cached: a scenario saved a moment ago is listed at once."""
    with sessions().begin() as session:
        return scenarios.list_scenarios(session=session, actor=_actor(actor))


def options(actor: tuple) -> dict:
    """The areas and sources the filters offer (the same lists as the other analytics
    pages)."""
    return analytics_data.filter_options(actor)


def clear() -> None:
    forecast_inputs.clear()
    forecast_report.clear()
    backtest_report.clear()
