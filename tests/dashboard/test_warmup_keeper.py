"""The server's keeper (dashboard/warmup.py): the analytics pages' default views are
renewed before they expire and computed for changed data once it has been quiet for a
round, so a manager's first visit after a quiet spell finds them ready."""

from __future__ import annotations

import threading
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.analytics import data as analytics_data
from dashboard.analytics.data import TTL_SECONDS
from dashboard.warmup import Keeper, keep
from recruitment.analytics import reports
from tests.integration.analytics_dataset import build_known_dataset

from .conftest import logged_in, page_path

EVERY = 60.0
RENEW_AT = TTL_SECONDS - 2 * EVERY  # two rounds before the views would expire


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_unchanged_data_is_renewed_two_rounds_before_it_would_expire():
    keeper = Keeper(prepared=("v1", 0), prepared_at=0.0, every=EVERY)
    rounds = [keeper.step(("v1", 0), EVERY * n) for n in range(1, 8)]
    renewed = [EVERY * (n + 1) for n, action in enumerate(rounds) if action == "renew"]
    assert renewed == [RENEW_AT, RENEW_AT * 2]
    assert all(action in (None, "renew") for action in rounds)
    assert TTL_SECONDS - RENEW_AT >= 2 * EVERY  # a late round still comes before expiry


def test_changed_data_is_prepared_once_it_has_been_quiet_for_a_round():
    keeper = Keeper(prepared=("v1", 0), prepared_at=0.0, every=EVERY)
    assert keeper.step(("v2", 0), 60.0) is None  # just changed: perhaps more to come
    assert keeper.step(("v2", 0), 120.0) == "prepare"  # quiet for a round
    assert keeper.step(("v2", 0), 180.0) is None  # prepared: nothing to do
    assert keeper.step(("v2", 0), 120.0 + RENEW_AT) == "renew"  # counted from the prepare


def test_a_write_that_empties_the_cache_counts_as_a_change():
    keeper = Keeper(prepared=("v1", 0), prepared_at=0.0, every=EVERY)
    assert keeper.step(("v1", 1), 60.0) is None
    assert keeper.step(("v1", 1), 120.0) == "prepare"


def test_a_busy_office_does_not_have_the_views_computed_every_round():
    keeper = Keeper(prepared=("v0", 0), prepared_at=0.0, every=EVERY)
    actions = [keeper.step((f"v{n}", n), EVERY * n) for n in range(1, 30)]
    assert actions == [None] * 29


def test_a_round_without_an_answer_from_the_database_does_nothing():
    keeper = Keeper(prepared=("v1", 0), prepared_at=0.0, every=EVERY)
    assert keeper.step(None, 60.0) is None
    assert keeper.step(None, 10_000.0) is None
    assert keeper.step(("v1", 0), 10_060.0) == "renew"


@pytest.fixture
def known(app_database, session_factory, make_applicant):
    return build_known_dataset(session_factory, make_applicant)


@pytest.fixture
def funnel_runs(monkeypatch) -> list[int]:
    """How often the funnel was really computed (not read from the cache)."""
    runs: list[int] = []
    real = reports.funnel_report

    def counted(**kwargs):
        runs.append(1)
        return real(**kwargs)

    monkeypatch.setattr(reports, "funnel_report", counted)
    return runs


def test_renewing_computes_the_cached_views_again(known, funnel_runs):
    key = analytics_data.prepare_defaults()
    analytics_data.prepare_defaults()
    assert len(funnel_runs) == 1  # the second call found them cached
    assert analytics_data.prepare_defaults(renew=True) == key
    assert len(funnel_runs) == 2


def test_the_keeper_prepares_the_views_a_page_then_reads(known, funnel_runs, manager, monkeypatch):
    stop = threading.Event()
    thread = threading.Thread(target=keep, args=(stop,), kwargs={"keeper": Keeper(every=0.05)})
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not funnel_runs and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert len(funnel_runs) == 1

    def not_again(**kwargs):
        raise AssertionError("the page computed its default view: the keeper's was not used")

    monkeypatch.setattr(reports, "funnel_report", not_again)
    at = logged_in(AppTest.from_file(page_path("funnel.py"), default_timeout=60), manager)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert "6 signed up" in " ".join(m.value for m in at.markdown)
