"""Make the first visit of each page as fast as the next: import what the pages import,
build the chart library's schema validator, load Babel's patterns, open the database and
compute the analytics pages' default views (dashboard/analytics/data.py), the Forecast
page's first view and the table of contacts that suggestions are ranked from, once per
process.

`prepare()` is meant for server start (a lifespan hook calls it before the first request).
Under `streamlit run`, which has no such hook, the app's first run starts it in a
background thread (`prepare_in_background`), so the first visitor waits only for their
own page and every later first visit finds the work done.

Under `verve serve` the same thread then stays on for the life of the server: it moves
what the warm-up built out of the garbage collector's walk (`gc.freeze`: a full
collection walked 240,000 long-lived objects, 0.23-0.27 s in the middle of someone's
page run) and keeps the analytics pages' default views in the cache (`keep`): renewed
before they expire, and computed again once the data has changed and then stayed quiet
for a minute, so the first manager after a quiet spell does not wait for them either.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent
_lock = threading.Lock()
_started = False
DONE = "verve: warm-up done"
KEEPER = "verve: keeper on"
#: How often the keeper looks at the analytics pages' default views (`keep`).
KEEP_SECONDS = 60.0
log = logging.getLogger(__name__)


def page_modules() -> list[str]:
    """Every module a page script imports (pages are scripts, not modules: read, not run)."""
    found: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return sorted(found)


def _charts() -> None:
    """Altair loads and compiles its Vega-Lite schema on the first chart it validates."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"stage": ["a", "b"], "count": [1, 2]})
    alt.Chart(frame).mark_bar().encode(x="count:Q", y="stage:N").to_dict()
    alt.Chart(frame).mark_line().encode(x="count:Q", y="stage:N").to_json()


def _tables() -> None:
    """Streamlit sends frames as Arrow: the first conversion loads pyarrow's pandas glue."""
    import pandas as pd
    import pyarrow as pa

    pa.Table.from_pandas(pd.DataFrame({"a": [1], "b": ["x"], "c": [pd.Timestamp("2026-01-01")]}))


def _formats() -> None:
    """Babel loads a language's number and date patterns on their first use (0.2 s)."""
    from datetime import UTC, datetime

    from recruitment.core import timefmt

    for lang in ("nb", "en"):
        timefmt.format_number(1234.5, lang, 1)
        timefmt.format_percent(0.5, lang)
        timefmt.format_datetime(datetime(2026, 1, 1, tzinfo=UTC), lang)
        timefmt.format_month("2026-01", lang)


def _first_use() -> None:
    """Work Python and Streamlit do once per process on a page's first run, ahead:
    Streamlit's first element asks `inspect.stack()` whether it runs in a REPL, and
    `inspect` then maps every loaded module to its file (0.17 s here, on whichever page
    came first: it is the mapping that is kept, not the answer); the frame's list of the
    modules staff browsers load ahead is read from Streamlit's bundle (`Path.glob`); the
    translation catalogue is read from its TOML files on the first translated label, and
    Streamlit's list of icon names imported on the first icon."""
    import inspect

    import streamlit.material_icon_names  # noqa: F401 - imported, not used here

    from dashboard.frame import module_preload_links, preloaded_modules
    from recruitment.core.i18n import catalogue

    inspect.stack()
    preloaded_modules()
    module_preload_links()
    catalogue()


def _database() -> None:
    from sqlalchemy import text

    from db.session import database_url, make_engine

    engine = make_engine(database_url())
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()


def _forecast() -> None:
    """The Forecast page's first view (its estimates and 10,000 runs): seconds at 100,000
    applicants, paid here once instead of by the first manager; it stays cached until
    what the forecast reads changes (dashboard/analytics/forecast_data.py)."""
    from dashboard.analytics import forecast_data
    from dashboard.data import only_reading

    with only_reading():  # pages must not queue behind these reads (dashboard/data.py)
        forecast_data.warm()


def _reports() -> None:
    """The analytics pages' default views, into the cache every reader shares (0.3-0.8 s
    each at 100,000 applicants, the difference between a page's first visit and the next)."""
    from dashboard.analytics import data as analytics_data
    from dashboard.data import only_reading

    with only_reading():
        analytics_data.prepare_defaults()


def _suggestions() -> None:
    """The table of available contacts every service user's page ranks (0.3-0.4 s at
    100,000 applicants); kept per process until what it reads changes
    (recruitment/placement/matching.py)."""
    from dashboard.data import report_sessions
    from recruitment.core.access import Actor
    from recruitment.placement import matching

    with report_sessions().begin() as session:  # a long read: no write lock on SQLite
        matching.prepare_suggestions(session=session, actor=Actor.system("warm-up"))


def _scripts() -> None:
    """Streamlit compiles a page's script (with its "magic" rewrite of the syntax tree:
    10-40 ms) on the page's first visit, and keeps the code for the process: fill that
    cache now. Only under a server; AppTest and the benches' page runs have none."""
    from streamlit.runtime import Runtime

    from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES

    if not Runtime.exists():
        return
    cache = getattr(Runtime.instance(), "_script_cache", None)  # Streamlit's own, private
    if cache is None:
        log.warning("warm-up: no script cache in this Streamlit; page scripts not compiled")
        return
    for path in ("app.py", *(spec.path for spec in (*PUBLIC_PAGES, *STAFF_PAGES))):
        cache.get_bytecode(str(DASHBOARD / path))


def prepare() -> float:
    """Do the work; returns the seconds it took. Safe to call more than once."""
    began = time.perf_counter()
    for name in page_modules():
        if name.startswith("streamlit"):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a page's import that fails shows on that page
            log.warning("warm-up could not import %s", name, exc_info=True)
    for step in (
        _first_use,
        _scripts,
        _charts,
        _tables,
        _formats,
        _database,
        _reports,
        _forecast,
        _suggestions,
    ):
        try:
            step()
        except Exception:  # noqa: BLE001 - warming up is best effort, never a failure
            log.warning("warm-up step %s failed", step.__name__, exc_info=True)
    return time.perf_counter() - began


def prepare_in_background(*, server: bool = False) -> None:
    """Start `prepare()` once per process in a daemon thread. For a server (its lifespan
    hook), the thread then freezes what it built and stays on as the `keep`er."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(
        target=_prepare_and_say, args=(server,), name="verve-warmup", daemon=True
    ).start()


def _prepare_and_say(server: bool) -> None:
    began = time.monotonic()
    state = _state() if server else None  # what the views are computed for (the keeper's)
    seconds = prepare()
    if server:
        # What lives now (modules, classes, the warm-up's tables) lives as long as the
        # server: out of every later full collection's walk. Part of the warm-up (this
        # collection holds every other thread for 0.3-0.7 s): a first visit said to come
        # after the warm-up must not meet it. Only for the server's process: a test
        # process's objects come and go.
        gc.collect()
        gc.freeze()
        seconds = time.monotonic() - began
    # One line in the server log, in its format (the browser bench waits for it).
    log.info("%s in %.1f s", DONE, seconds)
    if not server:
        return
    log.info("%s: %d objects out of the collector's walk", KEEPER, gc.get_freeze_count())
    keep(threading.Event(), keeper=Keeper(prepared=state, prepared_at=began))


@dataclass
class Keeper:
    """When to compute the analytics pages' default views again, from what the keeper
    sees each round (`state`: the reports' cache key and this process's write count,
    since a write empties the cache): "renew" them while the data is unchanged, before
    `TTL_SECONDS` runs out (two rounds ahead); "prepare" them for changed data only once
    a round has gone by without a further change, so a busy office, whose next change
    would make them stale at once, does not have them computed every minute."""

    prepared: tuple | None = None
    prepared_at: float = 0.0
    seen: tuple | None = None
    every: float = KEEP_SECONDS

    def step(self, state: tuple | None, now: float) -> str | None:
        from dashboard.analytics.data import TTL_SECONDS

        action = None
        if state is not None and state == self.prepared:
            if now - self.prepared_at >= TTL_SECONDS - 2 * self.every:
                action = "renew"
        elif state is not None and state == self.seen:
            action = "prepare"
            self.prepared = state
        if action is not None:
            self.prepared_at = now
        self.seen = state
        return action


def _state() -> tuple | None:
    """What the keeper compares from round to round; None when the database cannot say."""
    from dashboard import data
    from dashboard.analytics import data as analytics_data

    try:
        with data.only_reading():
            return (analytics_data.current_key(), data.writes())
    except Exception:  # noqa: BLE001 - a database away for a moment: try next round
        log.warning("keeper: could not read the data version", exc_info=True)
        return None


def keep(stop: threading.Event, *, keeper: Keeper) -> None:
    """Every `keeper.every` seconds until `stop` is set, compute the analytics pages'
    default views when the `Keeper` says so (at 100,000 applicants 5-6 s of one core,
    in readers' transactions, so no page's write waits for it)."""
    from dashboard.analytics import data as analytics_data
    from dashboard.data import only_reading

    while not stop.wait(keeper.every):
        action = keeper.step(_state(), time.monotonic())
        if action is None:
            continue
        try:
            with only_reading():
                analytics_data.prepare_defaults(renew=action == "renew")
        except Exception:  # noqa: BLE001 - the next round tries again
            log.warning("keeper: the default views failed", exc_info=True)
