"""Benchmark of the placement forecast (issue 17), run on demand, never in the test suite.

    .venv/bin/python bench/forecast.py --applicants 100000                 # SQLite, cached
    .venv/bin/python bench/forecast.py --applicants 100000 --backend postgresql
    .venv/bin/python bench/forecast.py --database sqlite:////tmp/demo100k.db --repeat 3

On a demo database (bench/demo_db.py: built once per size and kept in .bench-cache/ or,
on PostgreSQL, a schema of the test database; or --database naming one that already
holds demo data) it measures, as medians of --repeat runs, the forecast's own parts:

  (a) reading the pipeline and the estimates (SQL, aggregated per stage, mode and day)
  (b) the simulation alone: 10,000 runs, 6 months
  (c) the backtest (two more forecasts as of 12 and 6 months ago, with their reads)
  (d) the forecast without the backtest (a+b, the demand gap and the needs): what the
      page computes when nothing is stored
  (e) a scenario from reads already made (what moving a lever costs on the page)
  (f) the whole report (d+c): what `verve forecast --json` computes
  (g) the fingerprint the page's store is keyed by (`forecast_version`), on every visit
  (h) the warm-up's forecast step (server start): (d) into the store
  (i) the Forecast page through AppTest as a manager: with nothing stored (cold), again
      (warm), after a write that changes nothing the forecast reads (the cache clearing
      every write does), right after a write that does (a service user's hours: the
      last estimates are shown, the new ones worked out in the background, measured
      apart as the refresh; the hours are put back afterwards), with an area chosen for
      the first time (its own reads; the office's part stored), and with the backtest
      asked for (nothing stored for it)

and prints them with the page targets of the performance issue (a staff page within
0.5 s of an empty page, warm; cold within warm + 0.3 s). Results go in
docs/performance.md and docs/forecast.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from sqlalchemy import select, text, update  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.demo_db import demo_db  # noqa: E402
from db import migrate  # noqa: E402
from db.models import Applicant, ServiceUser, StaffUser  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from recruitment.accounts.staff_sessions import start_session  # noqa: E402
from recruitment.analytics.data_version import forecast_version  # noqa: E402
from recruitment.analytics.forecast import _estimates as read  # noqa: E402
from recruitment.analytics.forecast import backtest, report  # noqa: E402
from recruitment.analytics.forecast.model import Levers, simulate  # noqa: E402
from recruitment.core import timefmt  # noqa: E402
from recruitment.core.access import Actor  # noqa: E402

PAGE = str(ROOT / "dashboard" / "analytics" / "forecast.py")


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


def manager(url: str) -> Actor:
    with make_session_factory(make_engine(url)).begin() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.username == "bench-manager")
        ).first()
        if user is None:
            user = StaffUser(username=f"bench-{time.time_ns()}", role="manager", full_name="Bench")
            session.add(user)
            session.flush()
        return Actor(user.id, user.username, "manager", user.full_name)


def page_run(
    actor: Actor, *, clear: bool = False, backtest: bool = False, area: str | None = None
) -> None:
    """The Forecast page once, as `actor`; `clear` empties the forecast's store and the
    cached reads first (cold)."""
    from dashboard.analytics import forecast_data

    if clear:
        st.cache_data.clear()
        forecast_data.clear()
    if backtest:  # the backtest not stored yet (the forecast may be)
        with forecast_data._store.lock:
            for key in [k for k in forecast_data._store.values if k[0] == "backtest"]:
                del forecast_data._store.values[key]
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["lang"] = "en"
    # A staff login the way the app keeps one: a session row, its id in the session.
    with make_session_factory(make_engine(os.environ["DATABASE_URL"])).begin() as session:
        at.session_state["staff_session"] = start_session(session=session, actor=actor)
    at.session_state["forecast_backtest"] = backtest
    if area is not None:
        at.session_state["forecast_area"] = area
    at.run()
    assert not at.exception, at.exception
    # The page itself, not a login prompt: its title and the two fans.
    assert [title.value for title in at.title] == ["Forecast of approvals and placements"]
    assert len(at.get("vega_lite_chart")) >= (4 if backtest else 2)


def refreshes() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "verve-forecast-refresh"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database", help="a database URL already holding demo data")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    from dashboard.analytics import forecast_data
    from dashboard.data import clear_caches

    url = args.database or demo_db(args.backend, args.applicants).url
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    actor = manager(url)
    today = timefmt.today()
    with sessions() as session:
        applicants = session.scalar(text("SELECT count(*) FROM applicant"))
        pipeline = read.read_current_pipeline(session, today)
        estimates, _ = read.read_estimates(session, today, pipeline)
        someone = session.scalar(
            select(ServiceUser.id).where(ServiceUser.status == "waiting").limit(1)
        )
        areas = list(
            session.scalars(select(Applicant.area).where(Applicant.area.is_not(None)).distinct())
        )

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

    def fingerprint():
        with sessions() as session:
            forecast_version(session=session, actor=actor)

    def warm_up():
        forecast_data.clear()
        forecast_data.warm()

    def hours(change: int) -> None:
        with sessions.begin() as session:
            session.execute(
                update(ServiceUser)
                .where(ServiceUser.id == someone)
                .values(hours_per_month=ServiceUser.hours_per_month + change)
            )
        clear_caches()  # what every write through the page's action helper does

    change_times: dict[str, list[tuple[float, float]]] = {"page": [], "refresh": []}

    def after_change():
        """A write the forecast reads, then the page: it shows the last estimates at once
        (timed); the refresh in the background is timed apart, from the page's start to
        its end (wall, and this process's CPU, which the page run shares)."""
        page_run(actor)  # the estimates of now are stored
        change = len(change_times["page"]) + 1  # a version not seen in an earlier round
        hours(+change)
        started, cpu = time.perf_counter(), time.process_time()
        page_run(actor)
        change_times["page"].append((time.perf_counter() - started, time.process_time() - cpu))
        for thread in refreshes():
            thread.join()
        change_times["refresh"].append((time.perf_counter() - started, time.process_time() - cpu))
        hours(-change)

    results = {
        "applicants": applicants,
        "database": engine.dialect.name,
        "runs": args.runs,
        "open_applicants": int(sum(pipeline.groups.values())),
        "load_average": os.getloadavg()[0],
    }
    for name, function in (
        ("reads_s", reads),
        ("simulation_s", simulation),
        ("backtest_s", past),
        ("forecast_s", forecast),
        ("lever_s", lever),
        ("report_s", whole),
        ("fingerprint_s", fingerprint),
        ("warm_up_s", warm_up),
        ("page_cold_s", lambda: page_run(actor, clear=True)),
        ("page_warm_s", lambda: page_run(actor)),
        ("page_after_other_write_s", lambda: (clear_caches(), page_run(actor))),
        ("page_after_change_s", after_change),
        # A filter not chosen before: its own reads; the office's part is stored.
        ("page_new_area_s", lambda: page_run(actor, area=areas.pop())),
        ("page_backtest_s", lambda: page_run(actor, backtest=True)),
        (
            "empty_page_s",
            lambda: AppTest.from_string("import streamlit as st\nst.write('hi')").run(),
        ),
    ):
        if name == "page_backtest_s":
            forecast_data.clear()
            page_run(actor)  # the forecast stored; the backtest not
        wall, cpu = median_time(function, args.repeat)
        if name == "page_after_change_s":
            # The page alone (it shows the last estimates), and the refresh behind it.
            for part in ("page", "refresh"):
                label = "page_after_change" if part == "page" else "refresh_after_change"
                times = change_times[part]
                results[f"{label}_s"] = statistics.median(w for w, _ in times)
                results[f"{label}_cpu_s"] = statistics.median(c for _, c in times)
            print(
                f"{name}: {results['page_after_change_s']:.3f} wall, "
                f"{results['page_after_change_cpu_s']:.3f} CPU (refresh behind it: "
                f"{results['refresh_after_change_s']:.3f} wall)",
                flush=True,
            )
            continue
        results[name] = wall
        results[name.replace("_s", "_cpu_s")] = cpu
        print(f"{name}: {wall:.3f} wall, {cpu:.3f} CPU", flush=True)
    results["load_average_after"] = os.getloadavg()[0]
    engine.dispose()
    width = max(len(k) for k in results)
    for name, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{name:<{width}}  {shown}")
    for kind in ("s", "cpu_s"):
        target = results[f"empty_page_{kind}"] + 0.5
        verdict = "met" if results[f"page_warm_{kind}"] <= target else "NOT met"
        print(f"warm page <= empty page + 0.5 s ({kind}, {target:.3f}): {verdict}")
        cold = results[f"page_warm_{kind}"] + 0.3
        verdict = "met" if results[f"page_cold_{kind}"] <= cold else "NOT met"
        print(f"cold page <= warm page + 0.3 s ({kind}, {cold:.3f}): {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
