"""Cached forecast reads for the Forecast page, shared by every user of the process.

The reads (pipeline, estimates, demand gap; seconds at 100,000 applicants) are kept
apart from the simulation (a few tenths), so moving a lever, the horizon, the seed or the
month the needs are counted by simulates again without reading again. The backtest is
its own entry, made only when its part of the page is opened.

Every entry is keyed by the database, today's date, the filters and `forecast_version`
(a fingerprint of exactly what the forecast reads), not by the user: the forecast is the
office's, the same for every manager and coordinator, and the page checks the permission
before it asks. The store is this module's, so the clearing after every write
(`clear_caches`, a `st.cache_data.clear()`) leaves it alone:

* a write that changes nothing the forecast reads (a saved scenario, a note, a message,
  a login) keeps the version, and the page stays warm;
* a write that does (a stage change, a booking, a service user) gives a new version.
  When the estimates of the same filters were read less than `STALE_SECONDS` ago (the
  day before too: a new day is a new key), the page shows those at once, says when
  they were worked out, and, once it is drawn, works the new ones out in a background
  thread; the next visit shows them. A forecast from twelve months of stays hardly
  moves with one change, and nobody waits seconds for it. Otherwise (no earlier
  estimates, too old, or ones with nothing to show) the page reads them while the user
  waits.

`warm()` computes the default view at server start (dashboard/warmup.py), so the first
manager of the day finds it ready. The Refresh button empties the store."""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from dashboard.analytics import data as analytics_data
from dashboard.data import engine, report_sessions, writes
from recruitment.analytics.data_version import forecast_version
from recruitment.analytics.forecast import report, scenarios
from recruitment.analytics.forecast.model import Levers
from recruitment.core import timefmt
from recruitment.core.access import Actor

log = logging.getLogger(__name__)

#: Entries kept: reports (a few kB each: today's default view, a few filters, levers and
#: backtests), and reads (about a megabyte each at 100,000 applicants: the office's,
#: a few filters', and the last version's while the next is read).
MAX_ENTRIES = 64
MAX_READS = 12
#: Estimates read this recently are shown while newer ones are worked out: yesterday's
#: too, so the first visit of the day (or after a quiet hour) does not wait for them.
STALE_SECONDS = 24 * 60 * 60


class _Store:
    """A small thread-safe LRU of computed values; a key is computed once at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.making: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> Any | None:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        return None

    def get_or_make(self, key: tuple, make: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is not None:
            return found
        with self.lock:
            gate = self.making.setdefault(key, threading.Lock())
        with gate:  # a second caller of the same key waits for the first one's result
            found = self.get(key)
            if found is None:
                found = make()
                with self.lock:
                    self.values[key] = found
                    while len(self.values) > self.size:
                        self.values.popitem(last=False)
            with self.lock:
                self.making.pop(key, None)
        return found

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_store = _Store(MAX_ENTRIES)
_reads = _Store(MAX_READS)
#: Per (database, filters): the day and version of the newest estimates in the store, and
#: when they were read.
_latest: dict[tuple, tuple[str, tuple, float]] = {}
_refreshing: set[tuple] = set()
_latest_lock = threading.Lock()


#: The fingerprint is read again at least this often, even when nothing says it changed
#: (an edit in place made by another server process).
RECHECK_SECONDS = 60
_seen: dict[str, tuple[tuple, int, float, tuple]] = {}


def version(actor: Actor, data_version: tuple | None = None) -> tuple:
    """What the forecast reads, now. The fingerprint scans the tables the forecast reads
    (a few tenths of a second at 100,000 applicants on a busy machine), so it is read
    again only when `data_version` (the analytics pages' key, read on every visit: newest
    ids, from any process) or this process's writes have moved since,
    or after `RECHECK_SECONDS`."""
    url = str(engine().url)
    seen = _seen.get(url)
    if (
        data_version is not None
        and seen is not None
        and seen[0] == data_version
        and seen[1] == writes()
        and time.time() - seen[2] < RECHECK_SECONDS
    ):
        return seen[3]
    with report_sessions().begin() as session:
        fingerprint = forecast_version(session=session, actor=actor)
    if data_version is not None:
        _seen[url] = (data_version, writes(), time.time(), fingerprint)
    return fingerprint


def _scope(area: str | None, source: str | None, window_months: int, day: str) -> tuple:
    return (str(engine().url), day, area, source, int(window_months))


def _filters(scope: tuple) -> tuple:
    """A scope without its day."""
    url, _, area, source, window_months = scope
    return (url, area, source, window_months)


def _read(scope: tuple, version: tuple, actor: Actor) -> report.Inputs:
    def make() -> report.Inputs:
        url, day, area, source, window_months = scope
        # A filter reads only what is its own; the office's part (the stays, the
        # meetings, the contacts) comes from the unfiltered inputs, read once for all.
        office = (
            None
            if area is None and source is None
            else _read((url, day, None, None, window_months), version, actor)
        )
        with report_sessions().begin() as session:
            inputs = report.read_inputs(
                session=session,
                actor=actor,
                today=date.fromisoformat(day) if day else office and office.today,
                area=area,
                source=source,
                window_months=window_months,
                office=office,
            )
        with _latest_lock:
            _latest[_filters(scope)] = (day, version, time.time())
        return inputs

    return _reads.get_or_make(("inputs", scope, version), make)


def _refresh(scope: tuple, version: tuple, actor: Actor, view: tuple) -> None:
    """Work out the estimates of `version` and the page's current view in a background
    thread; the next visit finds them."""
    with _latest_lock:
        if (scope, version) in _refreshing:
            return
        _refreshing.add((scope, version))

    def work() -> None:
        try:
            _baseline(scope, version, actor, *view)
        except Exception:  # noqa: BLE001 - the next visit reads while it waits instead
            log.warning("the forecast's background refresh failed", exc_info=True)
        finally:
            with _latest_lock:
                _refreshing.discard((scope, version))

    threading.Thread(target=work, name="verve-forecast-refresh", daemon=True).start()


def _baseline(
    scope: tuple,
    version: tuple,
    actor: Actor,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
) -> dict:
    def make() -> dict:
        inputs = _read(scope, version, actor)
        with report_sessions().begin() as session:
            return report.forecast_report(
                session=session,
                actor=actor,
                months=months,
                seed=seed,
                levers=levers,
                by_month=by_month,
                with_backtest=False,
                inputs=inputs,
            )

    key = ("report", scope, version, months, seed, levers, by_month)
    return _store.get_or_make(key, make)


class Estimates:
    """The version and day the page reads its forecast under, and when those estimates
    were read: the newest, or (while newer ones are to be worked out) the last ones."""

    def __init__(
        self,
        version: tuple,
        day: str,
        read_at: float,
        refresh: Callable[[], None] | None = None,
    ) -> None:
        self.version = version
        self.day = day
        self.read_at = datetime.fromtimestamp(read_at, UTC)
        self.refreshing = refresh is not None
        self._refresh = refresh

    def start_refresh(self) -> None:
        """Start working out the newer estimates, if any are due. The page calls this at
        its end: the refresh holds Python's lock for most of a second or two at 100,000
        applicants, and started earlier it made the page that shows the last estimates
        wait as long as the reading it was spared."""
        if self._refresh is not None:
            self._refresh()
            self._refresh = None


def estimates(
    actor: Actor,
    data_version: tuple | None,
    months: int,
    seed: int,
    area: str | None,
    source: str | None,
    window_months: int,
    day: str,
    *,
    wait: bool = False,
) -> Estimates:
    """Which estimates the page shows now (see the module's note); with `wait`, the
    newest, read now if need be. The page reads its forecast under the returned version
    and day."""
    scope = _scope(area, source, window_months, day)
    now_version = version(actor, data_version)

    def read_at() -> float:
        with _latest_lock:
            last = _latest.get(_filters(scope))
        return last[2] if last and last[:2] == (day, now_version) else time.time()

    if _reads.get(("inputs", scope, now_version)) is not None:
        return Estimates(now_version, day, read_at())
    with _latest_lock:
        last = _latest.get(_filters(scope))
    if not wait and last is not None and time.time() - last[2] < STALE_SECONDS:
        then, then_version, then_read = last
        then_scope = _scope(area, source, window_months, then)
        if _reads.get(("inputs", then_scope, then_version)) is not None:
            view = (months, seed, Levers(), months - 1)
            return Estimates(
                then_version,
                then,
                then_read,
                refresh=lambda: _refresh(scope, now_version, actor, view),
            )
    _read(scope, now_version, actor)
    return Estimates(now_version, day, read_at())


def forecast_report(
    actor: Actor,
    version: tuple,
    months: int,
    seed: int,
    levers: Levers,
    by_month: int,
    area: str | None,
    source: str | None = None,
    window_months: int = report.WINDOW_MONTHS,
    day: str = "",
) -> dict:
    """The report for these filters under `version` (a copy: the stored one is shared)."""
    scope = _scope(area, source, window_months, day)
    return copy.deepcopy(_baseline(scope, version, actor, months, seed, levers, by_month))


def backtest_report(
    actor: Actor,
    version: tuple,
    months: int,
    seed: int,
    area: str | None,
    source: str | None = None,
    window_months: int = report.WINDOW_MONTHS,
    day: str = "",
) -> dict:
    """Apart from the forecast: it does not move with the levers, and the page computes
    it only when asked."""
    scope = _scope(area, source, window_months, day)

    def make() -> dict:
        with report_sessions().begin() as session:
            return report.backtest_report(
                session=session,
                actor=actor,
                today=date.fromisoformat(day) if day else None,
                months=months,
                seed=seed,
                area=area,
                source=source,
                window_months=window_months,
            )

    return copy.deepcopy(_store.get_or_make(("backtest", scope, version, months, seed), make))


#: The page's first view: 6 months, seed 0, no lever, the needs by the last month, no
#: filter, the default window (dashboard/analytics/forecast.py draws these defaults).
DEFAULT_MONTHS, DEFAULT_SEED = 6, 0


def warm(actor: Actor | None = None) -> None:
    """Compute the page's first view now (server start), so no visitor waits for it."""
    actor = actor or Actor.system("warm-up")
    scope = _scope(None, None, report.WINDOW_MONTHS, timefmt.today().isoformat())
    months = DEFAULT_MONTHS
    _baseline(scope, version(actor), actor, months, DEFAULT_SEED, Levers(), months - 1)


def saved_scenarios(actor: tuple) -> list[dict]:
    """Not cached: a scenario saved a moment ago is listed at once."""
    with report_sessions().begin() as session:
        return scenarios.list_scenarios(session=session, actor=analytics_data._actor(actor))


def options(actor: tuple) -> dict:
    """The areas and sources the filters offer (the same lists as the other analytics
    pages)."""
    return analytics_data.filter_options(actor)


def clear() -> None:
    """Forget every stored forecast (the Refresh button; tests)."""
    _store.clear()
    _reads.clear()
    _seen.clear()
    with _latest_lock:
        _latest.clear()
