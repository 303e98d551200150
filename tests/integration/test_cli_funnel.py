"""`verve funnel` prints the numbers the Funnel page shows, and refuses bad input."""

import json

from click.testing import CliRunner

from recruitment.cli import main

from .analytics_dataset import build_known_dataset


def _run(args, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    from recruitment.cli import common

    common.engine.cache_clear()
    return CliRunner().invoke(main, args)


def test_verve_funnel_json_gives_non_increasing_counts_per_stage(
    database_url, monkeypatch, session_factory, make_applicant
):
    build_known_dataset(session_factory, make_applicant)
    result = _run(["funnel", "--json"], database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["stage"] for s in data["stages"]][0] == "signed_up"
    assert [s["reached"] for s in data["stages"]] == [6, 4, 3, 2, 2, 1, 1]


def test_verve_funnel_filters_by_period_and_mode(
    database_url, monkeypatch, session_factory, make_applicant
):
    build_known_dataset(session_factory, make_applicant)
    args = [
        "funnel",
        "--since",
        "2026-01-01",
        "--until",
        "2026-01-31",
        "--mode",
        "digital",
        "--json",
    ]
    result = _run(args, database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["filters"] == {"since": "2026-01-01", "until": "2026-01-31", "mode": "digital"}
    assert [s["reached"] for s in data["stages"]] == [2, 2, 1, 1, 1, 1, 1]
    table = _run(["funnel"], database_url, monkeypatch)
    assert table.exit_code == 0 and "signed_up" in table.output and "66.7%" in table.output


def test_verve_funnel_refuses_bad_dates_and_modes(database_url, monkeypatch):
    assert _run(["funnel", "--since", "yesterday"], database_url, monkeypatch).exit_code == 2
    assert _run(["funnel", "--mode", "carrier_pigeon"], database_url, monkeypatch).exit_code == 2
    backwards = _run(
        ["funnel", "--since", "2026-02-01", "--until", "2026-01-01"], database_url, monkeypatch
    )
    assert backwards.exit_code == 2 and "--since" in backwards.output
