"""Server-side time of single pages at 100,000 applicants, with a profile (run on demand).

    .venv/bin/python bench/pages.py --backend sqlite --pages retention,service-user,matching
    .venv/bin/python bench/pages.py --backend postgresql --pages funnel --profile 15

Runs each page's script through Streamlit's AppTest (no browser, no network) as the first
role that may open it, on the bench's cached demo database (bench/demo_db.py), in one
process: the first run (`first`: Streamlit's caches empty, as after a server start) and
the median of --repeat later runs (`again`). With --profile N it prints the N functions
with the most cumulative time of the first run. What the browser adds on top is measured
by bench/browser.py (`--pages` takes the same names).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_db import demo_db  # noqa: E402

from dashboard.navigation import STAFF_PAGES  # noqa: E402
from recruitment.core.access import Actor, allowed  # noqa: E402

ROLE_ORDER = ("coordinator", "manager", "admin")
DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"


def _role_for(permission: str | None) -> str:
    for role in ROLE_ORDER:
        if permission is None or allowed(Actor(id=1, username=role, role=role), permission):
            return role
    raise RuntimeError(f"no role may open a page needing {permission}")


def _open(actor) -> Any:
    """The whole app (router and frame) logged in as `actor`, on its start page."""
    from streamlit.testing.v1 import AppTest

    from db.session import make_engine, make_session_factory
    from recruitment.accounts.staff_sessions import start_session

    at = AppTest.from_file(str(DASHBOARD / "app.py"), default_timeout=600)
    at.query_params["lang"] = "en"
    # A staff login the way the tests give one (tests/dashboard/conftest.py: logged_in).
    engine = make_engine(os.environ["DATABASE_URL"])
    with make_session_factory(engine).begin() as session:
        at.session_state["staff_session"] = start_session(session=session, actor=actor)
    engine.dispose()
    return at.run()


def _visit(at, path: str, query: dict[str, str]) -> float:
    """Seconds for one run of the page at `path` (relative to dashboard/)."""
    at.switch_page(path)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    began = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - began
    if at.exception:
        raise RuntimeError(f"{path} raised: {at.exception}")
    return seconds


_PROFILER: list[cProfile.Profile] = []


def _profile_script_runs(*, stop: bool = False) -> cProfile.Profile | None:
    """Profile inside the script's own thread (AppTest runs the page in another thread,
    where a profiler started here sees only the wait)."""
    from streamlit.runtime.scriptrunner import exec_code, script_runner

    if stop:
        script_runner.exec_func_with_error_handling = exec_code.exec_func_with_error_handling
        return None
    profiler = cProfile.Profile()
    _PROFILER[:] = [profiler]

    def profiled(func, ctx):
        profiler.enable()
        try:
            return exec_code.exec_func_with_error_handling(func, ctx)
        finally:
            profiler.disable()

    script_runner.exec_func_with_error_handling = profiled
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--pages", required=True, help="comma-separated url paths")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    args = parser.parse_args()

    db = demo_db(args.backend, args.applicants)
    os.environ["DATABASE_URL"] = db.url
    from sqlalchemy import select

    from db.models import StaffUser
    from db.session import make_engine, make_session_factory
    from recruitment.accounts.staff import actor_for

    engine = make_engine(db.url)
    with make_session_factory(engine)() as session:
        actors = {
            role: actor_for(
                session.scalars(
                    select(StaffUser).where(StaffUser.username == db.username(role))
                ).one()
            )
            for role in ROLE_ORDER
        }
    engine.dispose()
    specs = {spec.url_path: spec for spec in STAFF_PAGES}
    from dashboard import warmup

    warmup.prepare()  # as the server does at start: `first` is a page's own first run
    from streamlit import logger as streamlit_logger

    streamlit_logger.set_log_level("error")  # AppTest's bare-mode warnings, every run
    print(f"{args.backend}, {args.applicants:,} applicants; seconds")
    print(f"{'page':18} {'role':12} {'first':>7} {'again':>7}")
    for name in args.pages.split(","):
        spec = specs[name]
        role = _role_for(spec.permission)
        query = {"id": str(db.ids[name])} if name in db.ids else {}
        at = _open(actors[role])
        profiler = _profile_script_runs() if args.profile else None
        first = _visit(at, spec.path, query)
        if profiler:
            _profile_script_runs(stop=True)
        again = []
        for _ in range(args.repeat):
            # A new session each time (AppTest cannot always replay a page's widgets).
            again.append(_visit(_open(actors[role]), spec.path, query))
        print(f"{name:18} {role:12} {first:7.2f} {statistics.median(again):7.2f}", flush=True)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
