"""Forecast scenarios saved by name, and `verve forecast --json` giving the report's
numbers (one implementation)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from db.models import ForecastScenario
from recruitment.analytics.forecast import scenarios
from recruitment.analytics.forecast.model import Levers
from recruitment.analytics.forecast.report import forecast_report
from recruitment.cli import main
from recruitment.core.access import Actor
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.demo import service as demo


def test_a_scenario_is_saved_by_name_listed_and_replaced_when_saved_again(session, manager):
    scenarios.save_scenario(
        session=session, actor=manager, name="  Flere møter ", levers=Levers(meetings_per_month=8)
    )
    scenarios.save_scenario(
        session=session, actor=manager, name="Flere møter", levers=Levers(no_show_rate=0.1)
    )
    saved = scenarios.list_scenarios(session=session, actor=manager)
    assert [s["name"] for s in saved] == ["Flere møter"]
    assert saved[0]["levers"] == {"no_show_rate": 0.1}
    levers = scenarios.scenario_levers(session=session, actor=manager, name="Flere møter")
    assert levers == Levers(no_show_rate=0.1)
    scenarios.delete_scenario(session=session, actor=manager, name="Flere møter")
    with pytest.raises(NotFound):
        scenarios.scenario_levers(session=session, actor=manager, name="Flere møter")


@pytest.mark.parametrize(
    ("name", "levers", "field"),
    [
        ("", Levers(digital_share=0.5), "name"),
        ("x" * 101, Levers(digital_share=0.5), "name"),
        ("Ingenting", Levers(), "levers"),
        ("For mye", Levers(digital_share=1.5), "digital_share"),
        ("Negativ", Levers(signups_per_month=-1), "signups_per_month"),
    ],
)
def test_a_bad_scenario_is_refused_with_its_field_and_nothing_is_saved(
    session, manager, name, levers, field
):
    with pytest.raises(ValidationFailed) as refused:
        scenarios.save_scenario(session=session, actor=manager, name=name, levers=levers)
    assert field in refused.value.fields
    assert session.scalar(select(func.count()).select_from(ForecastScenario)) == 0


def test_verve_forecast_json_gives_the_report_of_the_page(
    session_factory, database_url, monkeypatch, manager
):
    demo.generate(session_factory, applicants=300, seed=3)
    with session_factory.begin() as session:
        scenarios.save_scenario(
            session=session, actor=manager, name="Våren", levers=Levers(digital_share=0.9)
        )
    monkeypatch.setenv("DATABASE_URL", database_url)
    from recruitment.cli import common

    common.engine.cache_clear()
    result = CliRunner().invoke(
        main,
        [
            "forecast",
            "--months",
            "4",
            "--seed",
            "9",
            "--runs",
            "500",
            "--no-backtest",
            "--scenario",
            "Våren",
            "--source",
            "website",
            "--window",
            "24",
            "--json",
        ],
    )
    common.engine.cache_clear()
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    with session_factory.begin() as session:
        report = forecast_report(
            session=session,
            actor=Actor.system("cli"),
            months=4,
            seed=9,
            runs=500,
            levers=Levers(digital_share=0.9),
            with_backtest=False,
            source="website",
            window_months=24,
        )
    assert printed == json.loads(json.dumps(report))
    assert (printed["source"], printed["window_months"]) == ("website", 24)
    assert printed["levers"] == {"digital_share": 0.9}
    assert len(printed["scenario"]["approvals"]) == 4
