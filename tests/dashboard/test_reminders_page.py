"""The "Reminders that work" page: no data on an empty database; with data, the chart,
the table by reminder and mode with Wilson bounds, and the CSV."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.integration.analytics_dataset import build_known_dataset

from .conftest import ROOT, logged_in

# By path: page_path("reminders") would also find the messaging module of that name.
PAGE = str(ROOT / "dashboard" / "analytics" / "reminders.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def page(actor) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    return logged_in(at, actor)


def test_the_reminders_page_says_no_data_yet_on_an_empty_database(app_database, manager):
    at = page(manager).run()
    assert not at.exception
    assert "No data yet" in " ".join([m.value for m in at.markdown] + [i.value for i in at.info])


def test_the_reminders_page_shows_attendance_by_reminder_and_mode(
    app_database, session_factory, make_applicant, manager
):
    build_known_dataset(session_factory, make_applicant)
    at = page(manager).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Reminders that work"
    table = at.dataframe[0].value
    assert {"No reminder", "E-mail", "SMS", "E-mail and SMS", "Phone call"} <= set(table.iloc[:, 0])
    assert len(at.get("vega_lite_chart")) == 1
    assert any(b.proto.label == "Download as CSV" for b in at.get("download_button"))
