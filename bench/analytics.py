"""Benchmark of the analytics pages (issue 7), run on demand, never in the test suite.

    .venv/bin/python bench/analytics.py      # 10 000 and 100 000, SQLite and PostgreSQL
    .venv/bin/python bench/analytics.py --sizes 2000 --backends sqlite --repeat 3

For each backend and size it builds a database with `verve demo --applicants N --seed 1`
(SQLite files in a temporary folder; PostgreSQL in a database of its own,
`verve_bench_analytics`, one schema per size) and measures, as medians of --repeat runs:

  (a) the SQL funnel query alone (`funnel._reached_counts`, the page's default period)
  (b) an empty Streamlit page run through AppTest
  (c) each analytics page run through AppTest as a manager, with the data cache cleared
  (d) a naive version: load every stage event into pandas and count there

It prints each median, c/(a+b) for the Funnel and Digital vs in person pages, d/a, the
growth from the smallest to the largest size, and checks that (a) and (d) give the same
counts (an independent count of the demo data, issue 3). Targets at 100 000: every page
under 1.5 s, c/(a+b) <= 3, d/a >= 10. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from db import migrate  # noqa: E402
from db.models import StaffUser, StageEvent  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from recruitment.analytics.funnel import Filters, _reached_counts  # noqa: E402
from recruitment.core.pipeline import RANK  # noqa: E402

PAGES = [
    "funnel",
    "digital_vs_in_person",
    "trends",
    "time_in_stage",
    "evaluations",
    "supply_demand",
]
PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DATABASE = "verve_bench_analytics"
# The command that fills a database; BENCH_DEMO_COMMAND may name another (e.g. a wrapper).
DEMO_COMMAND = os.environ.get(
    "BENCH_DEMO_COMMAND", str(Path(sys.executable).with_name("verve"))
).split()


def page_default_filters() -> Filters:
    """What the Funnel page shows when opened: the last twelve months."""
    today = date.today()
    return Filters(since=today - timedelta(days=365), until=today)


# --- databases ------------------------------------------------------------------------


def sqlite_url(folder: Path, size: int) -> str:
    return f"sqlite:///{folder / f'bench_{size}.db'}"


def postgres_url(size: int) -> str:
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DATABASE}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    base = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    schema = f"bench_{size}"
    engine = make_engine(base)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


def populate(url: str, size: int, *, reuse: bool = False) -> tuple[float, int]:
    """`verve demo` into a migrated database and a manager account; (seconds, manager id).
    With `reuse`, the database already holds demo data and only the manager is added."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    result = (
        subprocess.run(["true"])
        if reuse
        else subprocess.run(
            [*DEMO_COMMAND, "demo", "--applicants", str(size), "--seed", "1"],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
    )
    if result.returncode != 0:
        raise SystemExit(
            f"`verve demo` failed ({result.returncode}): "
            f"{result.stderr[-2000:] or result.stdout[-2000:]}"
        )
    seconds = time.perf_counter() - started
    with make_session_factory(engine).begin() as session:
        manager = StaffUser(
            username=f"bench-manager-{size}-{time.time_ns()}",
            role="manager",
            full_name="Bench Manager",
        )
        session.add(manager)
        session.flush()
        manager_id = manager.id
    if engine.dialect.name == "postgresql":
        # As autovacuum would: statistics, and the visibility map index-only scans need.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    engine.dispose()
    return seconds, manager_id


# --- the four measurements -------------------------------------------------------------


def measure(function, repeat: int) -> float:
    function()  # warm-up: imports, connections, statement caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sql_funnel(sessions, filters: Filters):
    def run():
        with sessions() as session:
            return _reached_counts(session, filters)

    return run


def naive_funnel(engine, filters: Filters):
    """The obvious pandas version: every stage event into a DataFrame, then count."""

    def run():
        events = pd.read_sql(
            select(StageEvent.applicant_id, StageEvent.to_stage, StageEvent.at), engine
        )
        events["at"] = pd.to_datetime(events["at"], utc=True, format="mixed")
        events["rank"] = (
            events["to_stage"].map({stage.value: rank for stage, rank in RANK.items()}).fillna(0)
        )
        per_applicant = events.groupby("applicant_id").agg(
            furthest=("rank", "max"), signed_up_at=("at", "min")
        )
        if filters.since:
            per_applicant = per_applicant[
                per_applicant["signed_up_at"] >= pd.Timestamp(filters.since, tz="UTC")
            ]
        if filters.until:
            per_applicant = per_applicant[
                per_applicant["signed_up_at"]
                < pd.Timestamp(filters.until + timedelta(days=1), tz="UTC")
            ]
        return [int((per_applicant["furthest"] >= rank).sum()) for rank in RANK.values()]

    return run


def empty_page():
    AppTest.from_string("import streamlit as st\nst.write('hello')").run()


def analytics_page(name: str, manager_id: int):
    path = str(ROOT / "dashboard" / "analytics" / f"{name}.py")

    def run():
        st.cache_data.clear()  # uncached: every number read from the database again
        at = AppTest.from_file(path, default_timeout=120)
        at.query_params["lang"] = "en"
        at.session_state["actor"] = {
            "id": manager_id,
            "username": "bench",
            "role": "manager",
            "name": "Bench",
        }
        at.session_state["actor_seen_at"] = time.time()
        at.run()
        if at.exception:
            raise RuntimeError(f"{name} raised: {at.exception}")
        if not at.dataframe:
            raise RuntimeError(f"{name} showed no table")

    return run


# --- the run --------------------------------------------------------------------------


def bench_one(backend: str, size: int, url: str, repeat: int, *, reuse: bool = False) -> dict:
    print(
        f"\n== {backend}, {size:,} applicants (load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs)",
        flush=True,
    )
    seconds, manager_id = populate(url, size, reuse=reuse)
    print(f"   verve demo: {seconds:.1f} s", flush=True)
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    filters = page_default_filters()
    result = {"backend": backend, "size": size, "demo_s": seconds}
    sql_counts, naive_counts = sql_funnel(sessions, filters)(), naive_funnel(engine, filters)()
    all_time_sql, all_time_naive = (
        sql_funnel(sessions, Filters())(),
        naive_funnel(engine, Filters())(),
    )
    result["check"] = sql_counts == naive_counts and all_time_sql == all_time_naive
    result["monotone"] = all(a >= b for a, b in zip(all_time_sql, all_time_sql[1:], strict=False))
    print(
        f"   funnel (all time): {all_time_sql}  independent pandas count: {all_time_naive}",
        flush=True,
    )
    result["a"] = measure(sql_funnel(sessions, filters), repeat)
    result["a_all_time"] = measure(sql_funnel(sessions, Filters()), repeat)
    result["b"] = measure(empty_page, repeat)
    for name in PAGES:
        result[f"c_{name}"] = measure(analytics_page(name, manager_id), repeat)
    result["d"] = measure(naive_funnel(engine, filters), max(1, repeat // 2))
    engine.dispose()
    for key in ("a", "a_all_time", "b", *(f"c_{n}" for n in PAGES), "d"):
        print(f"   {key:<26}{result[key] * 1000:>9.1f} ms", flush=True)
    return result


def report(results: list[dict]) -> None:
    print(
        f"\n== summary (medians, milliseconds; load average now {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs)"
    )
    header = f"{'backend':<11}{'size':>8}{'a':>8}{'b':>8}" + "".join(
        f"{'c:' + n[:10]:>14}" for n in PAGES
    )
    header += f"{'d':>9}{'c_f/(a+b)':>11}{'c_d/(a+b)':>11}{'d/a':>7}  check"
    print(header)
    for r in results:
        line = f"{r['backend']:<11}{r['size']:>8}{r['a'] * 1e3:>8.1f}{r['b'] * 1e3:>8.1f}"
        line += "".join(f"{r[f'c_{n}'] * 1e3:>14.1f}" for n in PAGES)
        line += f"{r['d'] * 1e3:>9.1f}{r['c_funnel'] / (r['a'] + r['b']):>11.2f}"
        line += f"{r['c_digital_vs_in_person'] / (r['a'] + r['b']):>11.2f}{r['d'] / r['a']:>7.1f}"
        line += "  same counts" if r["check"] else "  DIFFERENT COUNTS"
        line += "" if r["monotone"] else " NOT MONOTONE"
        print(line)
    by_backend: dict[str, list[dict]] = {}
    for r in results:
        by_backend.setdefault(r["backend"], []).append(r)
    for backend, rows in by_backend.items():
        rows.sort(key=lambda r: r["size"])
        if len(rows) < 2:
            continue
        small, large = rows[0], rows[-1]
        factor = large["size"] / small["size"]
        growth = ", ".join(
            f"{key}: x{large[key] / small[key]:.1f}"
            for key in ("a", "a_all_time", *(f"c_{n}" for n in PAGES), "d")
        )
        print(
            f"growth {backend} {small['size']:,} -> {large['size']:,} (data x{factor:.0f}): "
            f"{growth}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database",
        help="measure this database (already filled by `verve demo`) instead; "
        "give its size with --sizes",
    )
    args = parser.parse_args()
    results = []
    if args.database:
        backend = "sqlite" if args.database.startswith("sqlite") else "postgresql"
        report([bench_one(backend, args.sizes[0], args.database, args.repeat, reuse=True)])
        return
    with tempfile.TemporaryDirectory(prefix="verve-bench-") as folder:
        for backend in args.backends:
            for size in args.sizes:
                url = sqlite_url(Path(folder), size) if backend == "sqlite" else postgres_url(size)
                results.append(bench_one(backend, size, url, args.repeat))
    report(results)
    failed = [r for r in results if not (r["check"] and r["monotone"])]
    if failed:
        raise SystemExit("the SQL funnel and the independent count disagree")


if __name__ == "__main__":
    main()
