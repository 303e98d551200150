"""The Forecast page and the demand gap on Supply and demand, driven as a manager."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard.analytics import forecast_data
from db.models import Applicant, ForecastScenario
from recruitment.analytics.forecast.model import STAGES
from recruitment.demo import service as demo
from tests.matching_factories import make_contact, make_service_user

from .conftest import logged_in, page_path


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    forecast_data.clear()
    yield
    st.cache_data.clear()
    forecast_data.clear()


def page(name: str, actor, lang: str = "en") -> AppTest:
    at = AppTest.from_file(page_path(f"{name}.py"), default_timeout=120)
    at.query_params["lang"] = lang
    return logged_in(at, actor)


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption]
    return " ".join(parts + [title.value for title in at.title])


def stays(at) -> int:
    """The stays the assumptions rest on, as the table shows them ("1,234")."""
    shown = next(d.value for d in at.dataframe if "stays" in d.value.columns)["stays"]
    return sum(int(str(v).replace(",", "")) for v in shown)


@pytest.fixture
def demo_data(app_database, session_factory):
    demo.generate(session_factory, applicants=300, seed=2)


def test_the_forecast_page_shows_fans_assumptions_backtest_and_csv(demo_data, manager):
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Forecast of approvals and placements"
    # The backtest (two more forecasts) is made only when asked for.
    assert len(at.get("vega_lite_chart")) == 2  # two fans
    assert "had the actual number inside the 80 % band" not in texts(at)
    # The assumptions table writes stages and modes as words, once (not catalogue keys),
    # and counts with a thousands separator.
    assumptions = next(d.value for d in at.dataframe if "conversion" in d.value.columns)
    words = [str(v) for c in ("stage", "next_stage", "mode") for v in assumptions[c]]
    assert "Signed up" in words and "Both" in words and "Digital" in words, words
    assert not [w for w in words if "." in w or "_" in w], words
    assert all(str(d).isdigit() for d in assumptions["median_days"] if d is not None)
    # The demo's months swing (holidays): the page says by how much, and that the
    # intervals allow for it.
    captions = " ".join(c.value for c in at.caption)
    swing = re.search(r"approvals swung by about (\d+)%", captions)
    assert swing and int(swing[1]) > 0, captions
    # A fresh run with the toggle on (AppTest would format the other widgets' options
    # outside the script, in the default language).
    at = page("forecast", manager)
    at.session_state["forecast_backtest"] = True
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 4  # two fans, two backtest charts
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download as CSV") >= 4
    assert "10,000 simulation runs" in texts(at)
    assert "had the actual number inside the 80 % band" in texts(at)


def test_the_forecast_filters_by_source_and_the_estimates_window(
    demo_data, manager, session_factory
):
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    everyone = next(m for m in at.metric if m.label == "Applicants in the pipeline now").value
    assert at.selectbox(key="forecast_window").value == 12
    sources = at.selectbox(key="forecast_source").options
    assert sources[0] == "All" and len(sources) > 2
    at = page("forecast", manager)
    at.session_state["forecast_source"] = "website"
    at.run()
    assert not at.exception, at.exception
    website = next(m for m in at.metric if m.label == "Applicants in the pipeline now").value
    with session_factory() as session:
        open_website = session.scalar(
            select(func.count())
            .select_from(Applicant)
            .where(Applicant.source == "website", Applicant.stage.in_(STAGES[:-1]))
        )
    assert website == f"{open_website:,}" and website != everyone
    assert "the applicants, the rate of new sign-ups and the look back are theirs" in texts(at)
    stays_12 = stays(at)
    at = page("forecast", manager)
    at.session_state["forecast_source"] = "website"
    at.session_state["forecast_window"] = 6
    at.run()
    assert not at.exception, at.exception
    stays_6 = stays(at)
    assert stays_6 < stays_12


def test_a_manager_moves_one_lever_and_saves_the_scenario_by_name(demo_data, manager, session):
    # Bokmål: AppTest formats options outside the script, where the language is the default.
    at = page("forecast", manager, lang="nb").run()
    at.radio(key="forecast_lever_None").set_value("signups_per_month").run()
    assert not at.exception, at.exception
    at.number_input(key="forecast_value_signups_per_month_None").set_value(200.0).run()
    assert not at.exception, at.exception
    assert any("scenario_p50" in d.value.columns for d in at.dataframe)
    at.text_input(key="forecast_name").input("Vårkampanje")
    submit = next(b for b in at.button if b.proto.label == "Lagre scenario")
    submit.click().run()
    assert not at.exception, at.exception
    saved = session.scalars(select(ForecastScenario)).all()
    assert [(s.name, s.levers) for s in saved] == [("Vårkampanje", {"signups_per_month": 200.0})]
    assert "Scenarioet er lagret." in texts(at)


def test_the_forecast_page_is_called_prognose_in_bokmal(demo_data, manager):
    at = page("forecast", manager, lang="nb").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Prognose for godkjenninger og oppdrag"


def test_supply_and_demand_lists_suitable_contacts_per_waiting_user_and_empty_segments(
    app_database, session_factory, make_applicant, manager
):
    make_contact(session_factory, make_applicant, area="Fredrikstad", target_groups=["youth"])
    make_service_user(session_factory, area="Fredrikstad", age_group="youth")
    make_service_user(
        session_factory,
        area="Sarpsborg",
        age_group="elderly",
        waiting_since=date.today() - timedelta(days=200),
    )
    at = page("supply_demand", manager).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "1 person waiting has no suitable available support contact." in shown
    frames = [d.value for d in at.dataframe]
    empty = next(f for f in frames if list(f.columns) == ["area", "target_group", "waiting"])
    assert empty.to_dict("records") == [
        {"area": "Sarpsborg", "target_group": "Older people", "waiting": 1}
    ]
    per_user = next(f for f in frames if "suitable" in f.columns)
    assert per_user["suitable"].tolist() == [0, 1]


def test_the_forecast_page_says_no_data_yet_on_an_empty_database(app_database, manager):
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert "No data yet" in texts(at)


def test_the_forecast_shows_the_first_data_at_once_after_an_empty_office(
    app_database, manager, session_factory
):
    """Last estimates with nothing to show are not shown again while newer ones are
    worked out: the first data (the demo, the first sign-ups) is read at once."""
    at = page("forecast", manager).run()
    assert "No data yet" in texts(at)
    demo.generate(session_factory, applicants=300, seed=2, force=True)  # beside the login
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert "No data yet" not in texts(at)
    assert "being worked in" not in texts(at)
    assert len(at.get("vega_lite_chart")) >= 2


def test_a_coordinator_sees_the_forecast_too(demo_data, coordinator):
    at = page("forecast", coordinator).run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 2


def test_the_forecast_keeps_its_estimates_across_other_writes_and_refreshes_after_a_move(
    demo_data, manager, coordinator, session_factory, monkeypatch
):
    """A saved scenario or a note (and the cache clearing every write does) reads
    nothing again; a stage change shows the last estimates at once, works the new ones
    out in the background, and the next visit shows them."""
    from recruitment.analytics.forecast import report, scenarios
    from recruitment.analytics.forecast.model import Levers
    from recruitment.casework import journal
    from recruitment.casework.stage_moves import advance_stage

    reads = []
    read_inputs = report.read_inputs

    def counted(**kwargs):
        reads.append(kwargs.get("area"))
        return read_inputs(**kwargs)

    monkeypatch.setattr(report, "read_inputs", counted)

    def open_applicants(at) -> str:
        return next(m.value for m in at.metric if m.label == "Applicants in the pipeline now")

    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert len(reads) == 1
    before = open_applicants(at)
    with session_factory.begin() as session:
        someone = session.scalar(
            select(Applicant.id)
            .where(Applicant.stage == "signed_up", Applicant.anonymised_at.is_(None))
            .order_by(Applicant.id)
            .limit(1)
        )
        scenarios.save_scenario(
            session=session, actor=manager, name="Vår", levers=Levers(meetings_per_month=8)
        )
        journal.add_entry(
            session=session, actor=coordinator, applicant_id=someone, channel="note", body="Ringt"
        )
    st.cache_data.clear()  # what every write does (dashboard.data.clear_caches)
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert len(reads) == 1
    assert "Figures worked out at" in texts(at)

    with session_factory.begin() as session:
        advance_stage(
            session=session,
            actor=coordinator,
            applicant_id=someone,
            to_stage="withdrawn",
            reason_code="other",
            reason_text="Flyttet",
        )
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert "newer changes are being worked in now" in texts(at)
    assert open_applicants(at) == before
    for thread in threading.enumerate():
        if thread.name == "verve-forecast-refresh":
            thread.join(timeout=120)
    assert len(reads) == 2
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert "being worked in" not in texts(at)
    assert int(open_applicants(at).replace(",", "")) == int(before.replace(",", "")) - 1


def test_the_first_visit_of_a_new_day_shows_yesterdays_figures_while_todays_are_read(
    demo_data, manager, monkeypatch
):
    from recruitment.analytics.forecast import report
    from recruitment.core import timefmt

    reads = []
    read_inputs = report.read_inputs

    def counted(**kwargs):
        reads.append((kwargs.get("today"), threading.current_thread().name))
        return read_inputs(**kwargs)

    monkeypatch.setattr(report, "read_inputs", counted)
    day = timefmt.today()
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert [d for d, _ in reads] == [day]
    monkeypatch.setattr(timefmt, "today", lambda *a, **k: day + timedelta(days=1))
    at = page("forecast", manager).run()
    assert not at.exception, at.exception
    assert "newer changes are being worked in now" in texts(at)
    for thread in threading.enumerate():
        if thread.name == "verve-forecast-refresh":
            thread.join(timeout=120)
    # Today's were read once, behind the page, not while it was drawn.
    assert reads[1:] == [(day + timedelta(days=1), "verve-forecast-refresh")]
    at = page("forecast", manager).run()
    assert "being worked in" not in texts(at)
    assert len(reads) == 2
