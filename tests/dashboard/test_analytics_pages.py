"""Every analytics page as a manager: with data (numbers, chart, table, CSV) and on an
empty database (a friendly "no data yet", no exception); refused to nobody."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.integration.analytics_dataset import build_known_dataset

from .conftest import logged_in, page_path

PAGES = ["funnel", "digital_vs_in_person", "trends", "time_in_stage", "evaluations"]


@pytest.fixture(autouse=True)
def fresh_cache():
    # Cached results are per process; each test has its own database.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def page(name: str, actor, lang: str = "en") -> AppTest:
    at = AppTest.from_file(page_path(f"{name}.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return logged_in(at, actor)


def texts(at) -> str:
    parts = (
        [m.value for m in at.markdown] + [i.value for i in at.info] + [s.value for s in at.success]
    )
    return " ".join(parts + [title.value for title in at.title])


@pytest.fixture
def known(app_database, session_factory, make_applicant):
    return build_known_dataset(session_factory, make_applicant)


@pytest.mark.parametrize("name", PAGES)
def test_each_analytics_page_says_no_data_yet_on_an_empty_database(name, app_database, manager):
    at = page(name, manager).run()
    assert not at.exception, at.exception
    assert "No data yet" in texts(at)


@pytest.mark.parametrize("name", PAGES)
def test_each_analytics_page_shows_numbers_a_table_and_a_csv_for_a_manager(name, known, manager):
    at = page(name, manager).run()
    assert not at.exception, at.exception
    assert "No data yet" not in texts(at)
    assert len(at.dataframe) >= 1
    assert any(button.proto.label == "Download as CSV" for button in at.get("download_button"))


def test_the_funnel_page_shows_the_headline_and_the_exact_counts(known, manager):
    at = page("funnel", manager).run()
    assert "6 signed up, 1 was placed (17%)." in texts(at)
    assert at.title[0].value == "Funnel"
    funnel = at.dataframe[0].value
    assert funnel["reached"].tolist() == [6, 4, 3, 2, 2, 1, 1]
    assert len(at.get("vega_lite_chart")) == 2  # the funnel and the exits


def test_the_funnel_page_filters_by_meeting_mode(known, manager):
    # Bokmål: AppTest formats options outside the script, where the language is the default.
    at = page("funnel", manager, lang="nb").run()
    at.selectbox(key="filter_mode").select("in_person").run()
    assert not at.exception
    assert at.dataframe[0].value["reached"].tolist() == [2, 2, 2, 1, 1, 0, 0]


def test_the_funnel_page_is_called_trakt_in_bokmal(known, manager):
    at = page("funnel", manager, lang="nb").run()
    assert at.title[0].value == "Trakt"


def test_digital_vs_in_person_gives_a_plain_words_verdict(known, manager):
    at = page("digital_vs_in_person", manager).run()
    assert "too few people to say anything reliable yet" in " ".join(m.value for m in at.markdown)


def test_evaluation_comments_are_shown_as_text_not_html(known, manager):
    at = page("evaluations", manager).run()
    comments = at.dataframe[-1].value
    assert "<b>Bra</b> møte, men lyden falt ut" in comments["comment"].tolist()
    assert all("<b>" not in m.value for m in at.markdown)


@pytest.mark.parametrize("name", ["evaluations", "time_in_stage"])
def test_times_in_analytics_tables_are_written_for_people_not_as_raw_timestamps(
    name, known, manager
):
    at = page(name, manager, lang="nb").run()
    cells = [
        str(value)
        for frame in at.dataframe
        for column in frame.value.columns
        for value in frame.value[column]
    ]
    assert cells and not [cell for cell in cells if "+00:00" in cell or "T0" in cell]
    assert any(re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", cell) for cell in cells)


def test_a_manager_sees_the_stuck_list_without_links_to_full_records(known, manager):
    at = page("time_in_stage", manager).run()
    stuck = at.dataframe[-1].value
    assert "link" not in stuck.columns
    assert len(stuck) == 2


def test_a_sign_up_made_elsewhere_shows_on_the_next_run_without_refresh(
    known, manager, make_applicant
):
    at = page("funnel", manager).run()
    assert at.dataframe[0].value["reached"].iloc[0] == 6
    # Written by another process (another replica): no cache of this one was cleared.
    make_applicant()
    at.run()
    assert at.dataframe[0].value["reached"].iloc[0] == 7
    at.button(key="analytics_refresh").click().run()
    assert not at.exception
    assert at.dataframe[0].value["reached"].iloc[0] == 7


def test_analytics_pages_are_refused_without_login(app_database):
    at = AppTest.from_file(page_path("funnel.py"), default_timeout=30).run()
    assert at.error and not at.dataframe


@pytest.mark.parametrize("name", PAGES)
def test_each_analytics_page_runs_on_demo_data_as_a_manager(
    name, app_database, session_factory, make_staff
):
    from recruitment.demo import service as demo

    demo.generate(session_factory, applicants=300, seed=1)
    manager = make_staff("manager", username="demo-page-manager")
    at = page(name, manager).run()
    assert not at.exception, at.exception
    assert "No data yet" not in texts(at)
    assert len(at.dataframe) >= 1


@pytest.mark.parametrize("name", [*PAGES, "reminders"])
def test_the_default_views_prepared_at_server_start_are_the_ones_the_pages_show(
    name, known, manager, coordinator, monkeypatch
):
    """dashboard/warmup.py computes every page's default view once at start, shared by
    every reader; a page's first visit then reads nothing but the data version."""
    from dashboard.analytics import data as analytics_data
    from recruitment.analytics import reminders, reports

    analytics_data.prepare_defaults()

    def not_again(*args, **kwargs):
        raise AssertionError("computed again: the page's default is not the prepared one")

    for module, function in (
        (reports, "funnel_report"),
        (reports, "mode_report"),
        (reports, "trends_report"),
        (reports, "time_report"),
        (reports, "evaluation_report"),
        (reminders, "reminder_attendance"),
    ):
        monkeypatch.setattr(module, function, not_again)
    for reader in (manager, coordinator):  # one computation for every reader
        at = page(name, reader).run()
        assert not at.exception, at.exception
        assert "No data yet" not in texts(at)


def test_supply_and_demand_is_prepared_at_start_too(known, manager, coordinator, monkeypatch):
    from dashboard.analytics import data as analytics_data
    from recruitment.placement import demand, matching

    analytics_data.prepare_defaults()

    def not_again(*args, **kwargs):
        raise AssertionError("computed again: not the prepared view")

    monkeypatch.setattr(matching, "supply_and_demand", not_again)
    monkeypatch.setattr(demand, "demand_gap", not_again)
    for reader in (manager, coordinator):
        at = page("supply_demand", reader).run()
        assert not at.exception, at.exception
        assert at.metric, "the page shows its figures"


def _table_cells(at) -> list[str]:
    """The cells of the page's first table (by meeting, drawn by `widgets.table`)."""
    frame = at.dataframe[0].value
    return [str(value) for column in frame.columns for value in frame[column]]


def test_the_formatted_tables_are_kept_per_language_and_office_clock(
    known, manager, admin, session_factory
):
    """A report's table is formatted once and kept (formatting thousands of cells took
    0.4 s at 100,000 applicants), but never shown in the wrong language or on the wrong
    clock: the language and the office's time zone are part of what is kept."""
    from recruitment.accounts.office_settings import change_setting
    from recruitment.core.timefmt import office_zone

    nb = _table_cells(page("evaluations", manager, lang="nb").run())
    en = _table_cells(page("evaluations", manager, lang="en").run())
    assert any(re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", cell) for cell in nb)
    assert not any(" kl. " in cell for cell in en)
    assert any(re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d", cell) for cell in en)
    assert _table_cells(page("evaluations", manager, lang="nb").run()) == nb  # kept

    with session_factory.begin() as session:
        change_setting(session=session, actor=admin, key="time_zone", value="America/New_York")
    with session_factory() as session:
        office_zone(session)  # as the app's frame does on every run (dashboard/app.py)
    shifted = _table_cells(page("evaluations", manager, lang="nb").run())
    assert shifted != nb
    assert len(shifted) == len(nb)
    with session_factory.begin() as session:
        change_setting(session=session, actor=admin, key="time_zone", value="Europe/Oslo")
    with session_factory() as session:
        office_zone(session)
