"""Benchmark of the placement forecast (issue 17), run on demand, never in the test suite.

    .venv/bin/python bench/forecast.py --applicants 100000          # builds a demo database
    .venv/bin/python bench/forecast.py --database sqlite:////tmp/demo100k.db --repeat 3

On a demo database (`verve demo --applicants N --seed 1`, SQLite in a temporary folder
unless --database names one that already holds demo data) it measures, as medians of
--repeat runs, the forecast's own parts:

  (a) reading the pipeline and the estimates (SQL, aggregated per stage, mode and day)
  (b) the simulation alone: 10,000 runs, 6 months
  (c) the backtest (two more forecasts as of 12 and 6 months ago, with their reads)
  (d) the forecast without the backtest (a+b, the demand gap and the needs): what the
      page computes on a first visit
  (e) a scenario from reads already made (what moving a lever costs on the page)
  (f) the whole report (d+c): what `verve forecast --json` computes
  (g) the Forecast page through AppTest as a manager, with the cache cleared (cold),
      again with the cache warm, and with the backtest asked for (its cache cleared)

and prints them with the page target of the performance issue (a staff page within 0.5 s
of an empty page, warm). Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from db import migrate  # noqa: E402
from db.models import StaffUser  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from recruitment.analytics.forecast import _estimates as read  # noqa: E402
from recruitment.analytics.forecast import backtest, report  # noqa: E402
from recruitment.analytics.forecast.model import Levers, simulate  # noqa: E402
from recruitment.core.access import Actor  # noqa: E402

PAGE = str(ROOT / "dashboard" / "analytics" / "forecast.py")
VERVE = str(Path(sys.executable).with_name("verve"))


def median_time(function, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (this process; SQLite runs inside it, so its
    work counts) of `repeat` runs; CPU is the fairer figure on a shared machine."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def build(size: int, folder: Path) -> str:
    url = f"sqlite:///{folder / f'forecast_{size}.db'}"
    subprocess.run(
        [VERVE, "demo", "--applicants", str(size), "--seed", "1"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return url


def manager(url: str) -> Actor:
    with make_session_factory(make_engine(url)).begin() as session:
        user = StaffUser(username=f"bench-{time.time_ns()}", role="manager", full_name="Bench")
        session.add(user)
        session.flush()
        return Actor(user.id, user.username, "manager", "Bench")


def page_run(actor: Actor, *, clear: bool, backtest: bool = False) -> None:
    from dashboard.analytics import forecast_data

    if clear:
        st.cache_data.clear()
    if backtest:
        forecast_data._backtest.clear()
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["lang"] = "en"
    at.session_state["actor"] = {
        "id": actor.id,
        "username": actor.username,
        "role": actor.role,
        "name": actor.name,
    }
    at.session_state["actor_seen_at"] = time.time()
    at.session_state["forecast_backtest"] = backtest
    at.run()
    assert not at.exception, at.exception


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL already holding demo data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or build(args.applicants, Path(folder))
        os.environ["DATABASE_URL"] = url
        engine = make_engine(url)
        migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        actor = manager(url)
        today = date.today()
        with sessions() as session:
            applicants = session.execute(
                __import__("sqlalchemy").text("SELECT count(*) FROM applicant")
            ).scalar()
            pipeline = read.read_current_pipeline(session, today)
            estimates, _ = read.read_estimates(session, today, pipeline)

        def reads():
            with sessions() as session:
                p = read.read_current_pipeline(session, today)
                read.read_estimates(session, today, p)

        def simulation():
            simulate(estimates, pipeline, months=6, runs=args.runs, seed=1)

        def past():
            with sessions() as session:
                backtest.backtest(session=session, actor=actor, today=today, runs=args.runs)

        def forecast():
            with sessions() as session:
                report.forecast_report(
                    session=session, actor=actor, runs=args.runs, seed=1, with_backtest=False
                )

        with sessions() as session:
            inputs = report.read_inputs(session=session, actor=actor)

        def lever():
            with sessions() as session:
                report.forecast_report(
                    session=session,
                    actor=actor,
                    runs=args.runs,
                    seed=1,
                    with_backtest=False,
                    levers=Levers(signups_per_month=500.0),
                    inputs=inputs,
                )

        def whole():
            with sessions() as session:
                report.forecast_report(session=session, actor=actor, runs=args.runs, seed=1)

        results = {
            "applicants": applicants,
            "database": engine.dialect.name,
            "runs": args.runs,
            "open_applicants": int(sum(pipeline.groups.values())),
        }
        for name, function in (
            ("reads_s", reads),
            ("simulation_s", simulation),
            ("backtest_s", past),
            ("forecast_s", forecast),
            ("lever_s", lever),
            ("report_s", whole),
            ("page_cold_s", lambda: page_run(actor, clear=True)),
            ("page_warm_s", lambda: page_run(actor, clear=False)),
            ("page_backtest_s", lambda: page_run(actor, clear=False, backtest=True)),
            (
                "empty_page_s",
                lambda: AppTest.from_string("import streamlit as st\nst.write('hi')").run(),
            ),
        ):
            wall, cpu = median_time(function, args.repeat)
            results[name] = wall
            results[name.replace("_s", "_cpu_s")] = cpu
            print(f"{name}: {wall:.3f} wall, {cpu:.3f} CPU", flush=True)
        engine.dispose()
    width = max(len(k) for k in results)
    for name, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{name:<{width}}  {shown}")
    for kind in ("s", "cpu_s"):
        target = results[f"empty_page_{kind}"] + 0.5
        verdict = "met" if results[f"page_warm_{kind}"] <= target else "NOT met"
        print(f"warm page <= empty page + 0.5 s ({kind}, {target:.3f}): {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
