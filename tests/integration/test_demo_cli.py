"""`verve demo` and `verve export applicants`: through click's runner on both backends,
and once as the real installed console script."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.models import Applicant, AuditEvent
from recruitment.cli import common, main

VERVE = Path(sys.executable).with_name("verve")


@pytest.fixture
def cli(database_url, monkeypatch):
    """Run `verve ...` in-process against this test's database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    common.engine.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield run
    common.engine().dispose()
    common.engine.cache_clear()


def _scalar(session_factory, statement):
    # A short transaction of its own: on SQLite an open one would hold the write lock
    # that the command under test needs.
    with session_factory() as session:
        return session.scalar(statement)


def test_demo_fills_the_database_and_reports_counts_and_time(cli, session_factory):
    result = cli("demo", "--applicants", "150", "--seed", "2", "--today", "2026-11-23")

    assert result.exit_code == 0, result.output
    assert "150 applicants" in result.output
    assert "done in" in result.output
    assert _scalar(session_factory, select(func.count()).select_from(Applicant)) == 150


def test_demo_refuses_a_database_with_data_unless_forced(cli, session_factory):
    assert cli("demo", "--applicants", "20").exit_code == 0

    refused = cli("demo", "--applicants", "30")
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert _scalar(session_factory, select(func.count()).select_from(Applicant)) == 20

    forced = cli("demo", "--applicants", "30", "--force")
    assert forced.exit_code == 0, forced.output
    assert _scalar(session_factory, select(func.count()).select_from(Applicant)) == 30


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "--applicants", "-5"], "-5 is not in the range"),
        (["demo", "--applicants", "abc"], "'abc' is not a valid integer"),
        (["demo", "--applicants", "0"], "0 is not in the range"),
        (["demo"], "Missing option '--applicants'"),
        (["demo", "--applicants", "5", "--today", "23.11.2026"], "'23.11.2026' does not match"),
        (
            ["export", "applicants", "--format", "pdf", "-o", "x.pdf"],
            "'pdf' is not one of 'csv', 'xlsx'",
        ),
        (["export", "applicants", "--format", "csv"], "Missing option '-o'"),
        (["export", "applicants", "-o", "x.csv"], "Missing option '--format'"),
        (
            ["export", "applicants", "--format", "csv", "-o", "x.csv", "--stage", "nowhere"],
            "'nowhere' is not one of",
        ),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_clear_message(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_an_unwritable_output_path_fails_cleanly_and_audits_nothing(cli, session_factory, tmp_path):
    target = tmp_path / "missing-dir" / "out.csv"
    result = cli("export", "applicants", "--format", "csv", "-o", str(target))

    assert result.exit_code == 1
    assert f"cannot write {target}" in result.output
    assert _scalar(session_factory, select(func.count()).where(AuditEvent.action == "export")) == 0


def test_export_writes_csv_and_xlsx_that_read_back(cli, session_factory, tmp_path):
    assert cli("demo", "--applicants", "40", "--today", "2026-11-23").exit_code == 0
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"

    assert cli("export", "applicants", "--format", "csv", "-o", str(csv_path)).exit_code == 0
    result = cli(
        "export",
        "applicants",
        "--format",
        "xlsx",
        "-o",
        str(xlsx_path),
        "--stage",
        "placed",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output

    table = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert table[0][:3] == ["ID", "Fornavn", "Etternavn"] and len(table) == 41
    sheet = load_workbook(xlsx_path).active
    values = list(sheet.values)
    placed = _scalar(session_factory, select(func.count()).where(Applicant.stage == "placed"))
    assert values[0][:3] == ("ID", "First name", "Last name") and len(values) == placed + 1
    assert {row[8] for row in values[1:]} == {"Placed"}
    assert _scalar(session_factory, select(func.count()).where(AuditEvent.action == "export")) == 2


@pytest.mark.parametrize("command", [["demo"], ["export"], ["export", "applicants"]])
def test_every_command_has_help(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.output


def test_the_installed_verve_script_runs_demo_and_export_end_to_end(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'verve.db'}"}

    def verve(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(VERVE), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    for command in (["demo"], ["export", "applicants"]):
        assert verve(*command, "--help").returncode == 0
    bad = verve("demo", "--applicants", "-5")
    assert bad.returncode == 2 and "-5 is not in the range" in bad.stderr
    made = verve("demo", "--applicants", "60", "--seed", "9")
    assert made.returncode == 0, made.stderr
    assert "60 applicants" in made.stdout
    again = verve("demo", "--applicants", "60")
    assert again.returncode == 1 and "--force" in again.stderr
    out = tmp_path / "list.xlsx"
    exported = verve("export", "applicants", "--format", "xlsx", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert len(list(load_workbook(out).active.values)) == 61
    unwritable = verve("export", "applicants", "--format", "csv", "-o", "/proc/verve/list.csv")
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr
