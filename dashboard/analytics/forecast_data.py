"""Cached forecast reads for the Forecast page: the report depends only on plain values
(the actor's key, months, seed, levers, the month needs are counted by), so a second
view with the same choices is instant. The Refresh button and every write clear it."""

from __future__ import annotations

import streamlit as st

from dashboard.analytics import data as analytics_data
from dashboard.analytics.data import TTL_SECONDS, _actor
from dashboard.data import sessions
from recruitment.analytics.forecast import report, scenarios
from recruitment.analytics.forecast.model import Levers


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def forecast_report(
    actor: tuple,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
    area: str | None,
    with_backtest: bool = True,
) -> dict:
    with sessions().begin() as session:
        return report.forecast_report(
            session=session,
            actor=_actor(actor),
            months=months,
            seed=seed,
            levers=levers,
            by_month=by_month,
            area=area,
            with_backtest=with_backtest,
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def backtest_report(actor: tuple, months: int, seed: int, area: str | None) -> dict:
    """Apart from the forecast: it does not move with the levers, and the page draws the
    forecast before it is ready."""
    with sessions().begin() as session:
        return report.backtest_report(
            session=session, actor=_actor(actor), months=months, seed=seed, area=area
        )


def saved_scenarios(actor: tuple) -> list[dict]:
    """Not cached: a scenario saved a moment ago is listed at once."""
    with sessions().begin() as session:
        return scenarios.list_scenarios(session=session, actor=_actor(actor))


def areas(actor: tuple) -> list[str]:
    """The areas the filter offers (the same list as the other analytics pages)."""
    return list(analytics_data.filter_options(actor)["areas"])


def clear() -> None:
    forecast_report.clear()
    backtest_report.clear()
