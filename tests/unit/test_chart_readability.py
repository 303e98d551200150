"""Manager charts a person can read: panel titles that do not overlap, whole legends,
no stage that flattens the others, month names in the user's language, office time."""

from datetime import UTC, datetime

import pandas as pd

from dashboard import charts
from recruitment.core.timefmt import chart_locale

MODES = {"digital": "Digitalt", "in_person": "Fysisk"}


def _rates() -> pd.DataFrame:
    rows = []
    for metric in ("attendance", "got_information"):
        for mode in MODES:
            rows.append(
                {"metric": metric, "mode": mode, "successes": 5, "n": 10, "rate": 0.5}
                | {"low": 0.2, "high": 0.8}
            )
    return pd.DataFrame(rows)


def test_the_panels_of_digital_or_in_person_have_their_titles_above_them_whole():
    labels = {"attendance": "Oppmøte", "got_information": "Fikk informasjonen de trengte"}
    spec = charts.rates_chart(
        _rates(), metric_labels=labels, mode_labels=MODES, rate_title="Andel"
    ).to_dict()
    header = spec["facet"]["row"]["header"]
    assert header["labelAngle"] == 0 and header["labelOrient"] == "top"
    assert header["labelLimit"] == 0


def test_the_exits_legend_lists_every_reason_under_the_chart():
    exits = pd.DataFrame(
        [
            {"from_stage": "signed_up", "exit": "withdrawn", "reason": r, "exits": 1}
            for r in ("no_answer", "moved", "other")
        ]
    )
    spec = charts.exits_chart(
        exits,
        stage_labels={"signed_up": "Registrert", "withdrawn": "Trukket"},
        reason_labels={"no_answer": "Svarer ikke", "moved": "Flyttet", "other": "Annet"},
        titles={"from_stage": "Fra", "exits": "Antall", "reason": "Årsak"},
    ).to_dict()
    legend = spec["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["symbolLimit"] == 0
    assert legend["labelLimit"] == 0
    values = next(iter(spec["datasets"].values()))
    assert {row["exit"] for row in values} == {"Trukket"}


def test_time_in_stage_leaves_the_placed_stage_out_of_the_chart():
    table = pd.DataFrame(
        [
            {"month": "2026-01", "stage": "signed_up", "stays": 4, "median_days": 6.0},
            {"month": "2026-01", "stage": "placed", "stays": 4, "median_days": 400.0},
        ]
    ).assign(p90_days=1.0)
    spec = charts.time_in_stage_chart(
        table,
        stage_labels={"signed_up": "Registrert", "placed": "I oppdrag"},
        titles={"month": "Måned", "stage": "Steg", "median_days": "Median"},
    ).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [row["stage"] for row in values] == ["Registrert"]


def test_charts_write_months_in_the_users_language():
    chart = charts.funnel_chart(
        pd.DataFrame([{"stage": "signed_up", "reached": 3, "overall_conversion": 1.0}]),
        stage_labels={"signed_up": "Registrert"},
        count_title="Antall",
        stage_title="Steg",
    )
    locale = charts.in_language(chart, chart_locale("nb")).to_dict()["config"]["locale"]
    assert locale["time"]["months"][0] == "januar"
    assert locale["time"]["shortDays"][0].startswith("søn")
    assert locale["number"]["decimal"] == ","
    assert chart_locale("en")["time"]["months"][0] == "January"


def test_evaluation_times_are_drawn_on_the_office_clock():
    by_meeting = pd.DataFrame(
        [
            {
                "starts_at": datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
                "mode": "digital",
                "answers": 3,
                "mean_rating": 4.0,
                "got_information": 1.0,
                "technical_problems": 0.0,
            }
        ]
    )
    titles = {"starts_at": "Tidspunkt", "mean_rating": "Snitt", "answers": "Svar"}
    spec = charts.scores_chart(by_meeting, mode_labels=MODES, titles=titles).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert values[0]["starts_at"].startswith("2026-07-01T18:00")  # Oslo summer time
    assert spec["encoding"]["x"]["scale"]["type"] == "utc"
