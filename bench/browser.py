"""Every page in a real browser, as its role, against a baseline empty page in the same server.

    make bench-browser                  # SQLite and PostgreSQL, 1,000 and 100,000 applicants
    .venv/bin/python bench/browser.py --backend sqlite --applicants 1000 100000
    .venv/bin/python bench/browser.py --backend sqlite --applicants 200 --repeat 1 \
        --pages home,funnel,signup

Playwright drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium). For each
database (demo data, built once into .bench-cache/ or a PostgreSQL schema, see
bench/demo_db.py) it starts the server (bench/server.py says how), then:

- first: the day before, as it were: each page visited once in tabs that stay open (one
  for the visitor's pages, one per staff role, logged in), on a server just started. The
  figure is a new tab's first sight of the page on a new server: the tab's first drawing
  of the page's parts (0.2-0.4 s for the applicant page on this 2-core machine, on a
  warm server too) and the server's first run. Not a target; shown for what it is;
- cold: the server is then restarted on the same port (the same database), the open
  tabs reconnect, as a coordinator's tab does after a night's deploy, and cold is the
  first visit of each page after that start: the server's first run of the page, from
  a browser that has drawn the page before (and holds the app and its modules in its
  cache), so the figure is the server's cold start, not the tab's;
- warm: the median of --repeat visits, each after a visit to the baseline page;
- the sizes of one backend are served at once, each by its own server, and visited in
  turn (each page cold on each, then each warm visit on each), so a page's figures at
  1,000 and 100,000 come from the same minutes;
- baseline: the median of the visits to the empty page (nav "baseline", served only under
  the bench), through the same frame: public pages as a visitor, staff pages logged in.

A visit runs from the click on the page's link in the sidebar (staff) or from the
navigation to its address (public pages: how an applicant arrives from an e-mail) until
the page has settled: the script no longer running, no skeleton, every chart drawn and
every table painted, and no rerun starting within 300 ms after. A staff page's time runs
to the first frame from which it stayed settled, by the page's own clock, so the 300 ms
check never counts.

Memory: the server's resident set after each page, and with 10 manager sessions open.
It prints one table per database and the targets of issue 16, and writes JSON
(--json, default artifacts/bench-browser.json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_db import BENCH_PASSWORD, DemoDb, demo_db  # noqa: E402
from server import ROOT, Server, bench_env, start  # noqa: E402

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES  # noqa: E402
from dashboard.warmup import DONE as WARMUP_DONE  # noqa: E402
from recruitment.core.access import Actor, allowed  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Which role visits a staff page: the first of these that may open it.
ROLE_ORDER = ("coordinator", "manager", "admin")
#: Pages applicants open, on phones: the stricter target.
APPLICANT_PAGES = ("signup", "my-page")
SETTLE_MS = 300
MANAGER_SESSIONS = 10

_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute('data-test-script-state');
    if (['initial', 'running', 'rerunRequested', null].includes(state)) return false;
    if (window.__bench && !window.__bench.ran && !window.__bench.drawn) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    for (const chart of document.querySelectorAll(
            '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]')) {
        if (chart.checkVisibility() && !chart.querySelector('canvas, svg')) return false;
    }
    // Charts and tables on screen (not those in a closed expander, drawn when opened).
    for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
        if (grid.checkVisibility() && !grid.querySelector('canvas, table')) return false;
    }
    // Settled: say how many runs had started by now, in the same frame (see _settle).
    return 1 + (window.__bench ? window.__bench.runs : 0);
}"""

_STATE = """() => ({
    state: document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-script-state'),
    bench: window.__bench,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    charts: [...document.querySelectorAll(
        '[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]')]
        .map(c => !!c.querySelector('canvas, svg')),
    grids: [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .map(g => !!g.querySelector('canvas, table')),
})"""

# Count script runs from now on: a click has "happened" once a run started after it.
_WATCH = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    // t0: now, just before the click; since: the first frame from which the page has
    // looked settled (_SETTLED) with no run started since, checked on every frame.
    window.__bench = {ran: false, runs: 0, t0: performance.now(), since: null, at: -1};
    if (window.__benchObserver) window.__benchObserver.disconnect();
    // Any change of the state means a run (a quick one may be over before we look).
    window.__benchObserver = new MutationObserver((records) => {
        for (const record of records) {
            if (record.oldValue === 'notRunning' || record.oldValue === null) {
                window.__bench.ran = true;
                window.__bench.runs += 1;
            }
        }
    });
    window.__benchObserver.observe(app, {attributes: true, attributeOldValue: true,
        attributeFilter: ['data-test-script-state']});
    // A quick run (the empty baseline page on a quiet machine) can start and end within
    // one render, so the state attribute never changes: the main area's new elements
    // are then the sign that the run happened.
    const main = document.querySelector('[data-testid="stMain"]');
    if (window.__benchMain) window.__benchMain.disconnect();
    window.__benchMain = new MutationObserver(() => { window.__bench.drawn = true; });
    if (main) window.__benchMain.observe(main, {childList: true, subtree: true});
    const settled = __SETTLED__;
    const bench = window.__bench;
    const frame = () => {
        // A later _WATCH took over, or the visit was read: the tab stops looking (open
        // tabs that kept looking on every frame took the CPU the measured one needed).
        if (window.__bench !== bench || bench.read) return;
        if (!settled()) {
            bench.since = null;
        } else if (bench.since === null || bench.at !== bench.runs) {
            bench.since = performance.now();
            bench.at = bench.runs;
        }
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}""".replace("__SETTLED__", _SETTLED)


@dataclass
class PageResult:
    page: str
    role: str
    cold_s: float | None = None
    warm_s: list[float] = field(default_factory=list)
    rss_mb: float | None = None
    first_s: float | None = None  # a new tab's first visit, on a server just started

    @property
    def warm(self) -> float | None:
        return statistics.median(self.warm_s) if self.warm_s else None


@dataclass
class RunResult:
    backend: str
    applicants: int
    server_start_s: float
    first_visit_s: float  # the very first page load after the server started (baseline)
    warmup_s: float | None  # from the first visit until the warm-up said it was done
    baseline_public_s: float
    baseline_staff_s: float
    pages: list[PageResult]
    rss_start_mb: float
    rss_after_pages_mb: float
    rss_manager_sessions_mb: float | None
    cpu_s: float


def _settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page has settled and stays so (no rerun starting) for SETTLE_MS."""
    while True:
        try:
            handle = page.wait_for_function(_SETTLED, timeout=timeout_ms, polling="raf")
        except Exception:
            state = page.evaluate(_STATE)
            shot = ROOT / "artifacts" / "bench-unsettled.png"
            shot.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(shot))
            raise RuntimeError(f"{page.url} did not settle: {state} (screenshot {shot})") from None
        settled_at = time.perf_counter()
        # The runs started when the page looked settled, read in that same frame: a run
        # that starts a moment later (the page switch empties the main area before its
        # script starts, which looks like a quick run) shows as one more below. Read
        # afterwards, it was already counted, and the bench took the empty moment for the
        # page (0.05 s "visits", 29 November).
        runs = handle.json_value() - 1
        page.wait_for_timeout(SETTLE_MS)
        again = page.evaluate("() => window.__bench ? window.__bench.runs : 0")
        if again == runs and page.evaluate(_SETTLED):
            return settled_at


def _settled_after_click(page) -> float:
    """Seconds from the click to the first frame from which the page stayed settled, by
    the page's own clock. Taken from `_settle`'s return instead, a page switch that first
    looked settled (the main area emptied before the run began) and settled for real
    during the SETTLE_MS check was counted at the end of that check: 0.35 s whatever the
    page took (afternoon of 29 November: the empty page's "0.36 s")."""
    return page.evaluate(
        """() => {
            window.__bench.read = true;
            return (window.__bench.since - window.__bench.t0) / 1000;
        }"""
    )


def _await_warmup(server: Server, since: float, timeout_s: float = 120) -> float | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if WARMUP_DONE in server.log.read_text(errors="replace"):
            return time.perf_counter() - since
        time.sleep(0.1)
    return None


#: Pages served as plain HTML by `verve serve`, not by Streamlit: the login form
#: (/login answers with a redirect to it). Settled once loaded with its form.
PLAIN_HTML = ("login",)


def visit_url(page, url: str, *, plain: bool = False) -> float:
    """Seconds from navigating to `url` to the page settled."""
    began = time.perf_counter()
    if plain:
        page.goto(url, wait_until="load")
        page.locator("form").first.wait_for(state="visible")
        return time.perf_counter() - began
    page.goto(url)
    settled_at = _settle(page)
    return settled_at - began


def click_link(page, url_path: str) -> float:
    """Seconds from clicking the sidebar link to `url_path` to the page settled."""
    index = page.evaluate(
        """(target) => [...document.querySelectorAll('[data-testid="stSidebar"] a')]
            .findIndex(a => new URL(a.href).pathname.split('/').pop() === target)""",
        url_path,
    )
    if index < 0 and url_path == STAFF_PAGES[0].url_path:  # the start page is the root URL
        index = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stSidebar"] a')]
                .findIndex(a => ['', '/', null].includes(a.getAttribute('href')))"""
        )
    if index < 0:
        hrefs = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stSidebar"] a')]
                .map(a => a.getAttribute('href'))"""
        )
        raise RuntimeError(f"no link to {url_path!r} in the sidebar: {hrefs}")
    link = page.locator('[data-testid="stSidebar"] a').nth(index)
    page.evaluate(_WATCH)
    link.click()
    _settle(page)
    return _settled_after_click(page)


def await_staff_modules(page, timeout_s: float = 60) -> None:
    """Wait until the frame has loaded the modules it loads for staff while the browser is
    idle (dashboard/static/frame.js), as by the time a coordinator clicks on."""
    page.wait_for_function(
        "() => window.verveFrame && window.verveFrame.preloaded === 'done'",
        timeout=timeout_s * 1000,
    )


def log_in(page, server: Server, username: str) -> None:
    """Log in on the staff login form of `verve serve` (a plain HTML page)."""
    page.goto(f"{server.url}/auth/login?lang=en&next=/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(BENCH_PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    page.wait_for_selector('[data-testid="stSidebar"] a', timeout=60_000)
    _settle(page)


def role_for(permission: str | None) -> str:
    for role in ROLE_ORDER:
        if permission is None or allowed(Actor(id=1, username=role, role=role), permission):
            return role
    raise RuntimeError(f"no role may open a page needing {permission}")


def staff_plan(wanted: set[str] | None, ids: dict[str, int]) -> dict[str, list[str]]:
    """role -> the staff pages it visits (each page once, by the first role that may)."""
    plan: dict[str, list[str]] = {}
    for spec in STAFF_PAGES:
        if wanted is not None and spec.url_path not in wanted:
            continue
        if spec.hidden and spec.url_path not in ids:
            continue
        plan.setdefault(role_for(spec.permission), []).append(spec.url_path)
    return plan


def public_plan(wanted: set[str] | None) -> list[str]:
    return [spec.url_path for spec in PUBLIC_PAGES if wanted is None or spec.url_path in wanted]


@dataclass
class _Lane:
    """One database's server and what was measured on it, while the sizes of one
    backend are visited in turn (`run_backend`)."""

    db: DemoDb
    server: Server
    first_visit_s: float = 0.0
    warmup_s: float | None = None
    rss_start_mb: float = 0.0
    rss_after_mb: float = 0.0
    rss_managers_mb: float | None = None
    #: The open tabs: "visitor" (the public pages, a phone's window) and one per staff role.
    tabs: dict[str, Any] = field(default_factory=dict)
    contexts: list[Any] = field(default_factory=list)
    first: dict[str, float] = field(default_factory=dict)
    results: list[PageResult] = field(default_factory=list)
    baselines_public: list[float] = field(default_factory=list)
    baselines_staff: list[float] = field(default_factory=list)

    def result(self) -> RunResult:
        return RunResult(
            backend=self.db.backend,
            applicants=self.db.applicants,
            server_start_s=self.server.started_s,
            first_visit_s=self.first_visit_s,
            warmup_s=self.warmup_s,
            baseline_public_s=_median(self.baselines_public),
            baseline_staff_s=_median(self.baselines_staff),
            pages=self.results,
            rss_start_mb=self.rss_start_mb,
            rss_after_pages_mb=self.rss_after_mb,
            rss_manager_sessions_mb=self.rss_managers_mb,
            cpu_s=self.server.cpu_seconds(),
        )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def run_backend(
    browser, dbs: list[DemoDb], repeat: int, wanted: set[str] | None, folder: Path
) -> list[RunResult]:
    """Every page on each database of one backend (its sizes), each on its own server:
    first visits in tabs that stay open, a restart of the servers, then the sizes visited
    in turn: a page's cold visit on each, then each warm visit (after a baseline visit)
    on each. The 100,000/1,000 ratio then compares medians taken in the same minutes; run
    one size after the other, it compared minutes apart, and a slow minute on this shared
    machine put single pages over 1.3 in one run and not the next (29 November, night)."""
    lanes: list[_Lane] = []
    try:
        for db in dbs:
            lanes.append(_Lane(db, start(db.url, folder, extra_env=bench_env(db.ids))))
        _first_visits(browser, lanes, wanted)
        sockets = [_watch_sockets(lane) for lane in lanes]
        for lane in lanes:
            _restart(lane, folder)
        for lane, opened in zip(lanes, sockets, strict=True):
            _reconnected(lane, opened)
        _visit_public_pages(lanes, repeat, wanted)
        _visit_staff_pages(lanes, repeat, wanted)
        for lane in lanes:
            lane.rss_after_mb = lane.server.rss_mb()
            if wanted is None:
                lane.rss_managers_mb = _manager_sessions(browser, lane)
        return [lane.result() for lane in lanes]
    finally:
        for lane in lanes:
            for context in lane.contexts:
                context.close()
            lane.server.stop()


def _first_visits(browser, lanes: list[_Lane], wanted) -> None:
    """Open the tabs, and visit every page once in them (`first`), on the servers as
    first started: afterwards each tab has drawn its pages and the browser holds the app
    and its modules, as a returning visitor's does. Each tab is left on the empty page."""
    for lane in lanes:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
        lane.contexts.append(context)
        tab = lane.tabs["visitor"] = context.new_page()
        began = time.perf_counter()
        visit_url(tab, f"{lane.server.url}/baseline")
        _await_warmup(lane.server, since=began)  # the warm-up of this first start
    for name in public_plan(wanted):
        for lane in lanes:
            lane.first[name] = visit_url(
                lane.tabs["visitor"], _public_url(lane, name), plain=name in PLAIN_HTML
            )
    for lane in lanes:
        visit_url(lane.tabs["visitor"], f"{lane.server.url}/baseline")
    for role, names in staff_plan(wanted, lanes[0].db.ids).items():
        for lane in lanes:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
            lane.contexts.append(context)
            tab = lane.tabs[role] = context.new_page()
            log_in(tab, lane.server, lane.db.username(role))
            await_staff_modules(tab)
            click_link(tab, "baseline")  # off the start page: its first click is a visit
        for name in names:
            for lane in lanes:
                lane.first[name] = click_link(lane.tabs[role], name)
        for lane in lanes:
            click_link(lane.tabs[role], "baseline")


def _restart(lane: _Lane, folder: Path) -> None:
    """Stop the lane's server and start it again on its port, on the same database."""
    port = int(lane.server.url.rsplit(":", 1)[1])
    lane.server.stop()
    lane.server = start(lane.db.url, folder, extra_env=bench_env(lane.db.ids), port=port)
    lane.rss_start_mb = lane.server.rss_mb()
    began = time.perf_counter()
    lane.first_visit_s = visit_url(lane.tabs["visitor"], f"{lane.server.url}/baseline")
    # The server's warm-up (dashboard/warmup.py, started by its lifespan hook): measured,
    # then out of the figures.
    lane.warmup_s = _await_warmup(lane.server, since=began)


def _watch_sockets(lane: _Lane) -> dict[str, list[float]]:
    """From now on, when each staff tab opens a connection (its reconnect, after the
    restart), per role."""
    opened: dict[str, list[float]] = {}
    for role, tab in lane.tabs.items():
        if role != "visitor":
            opened[role] = []
            tab.on("websocket", lambda _socket, times=opened[role]: times.append(time.time()))
    return opened


def _reconnected(lane: _Lane, opened: dict[str, list[float]], timeout_s: float = 60) -> None:
    """Wait until every staff tab has connected to the restarted server (Streamlit's page
    tries again after a second or two). The new connection runs no page: the tab's first
    click after it is its first run on the new server, with what a session's first run
    costs there (the start page's and the admin's first page's cold figures hold it)."""
    for role, times in opened.items():
        tab = lane.tabs[role]
        deadline = time.monotonic() + timeout_s
        while not times:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {role}'s tab did not reconnect to {lane.server.url}")
            tab.wait_for_timeout(100)
        _settle(tab)


def _visit_public_pages(lanes: list[_Lane], repeat: int, wanted) -> None:
    for name in public_plan(wanted):
        plain = name in PLAIN_HTML
        results = [PageResult(name, "visitor", first_s=lane.first.get(name)) for lane in lanes]
        for lane, result in zip(lanes, results, strict=True):
            result.cold_s = visit_url(lane.tabs["visitor"], _public_url(lane, name), plain=plain)
        for _ in range(repeat):
            for lane, result in zip(lanes, results, strict=True):
                tab = lane.tabs["visitor"]
                lane.baselines_public.append(visit_url(tab, f"{lane.server.url}/baseline"))
                result.warm_s.append(visit_url(tab, _public_url(lane, name), plain=plain))
        for lane, result in zip(lanes, results, strict=True):
            result.rss_mb = lane.server.rss_mb()
            lane.results.append(result)


def _public_url(lane: _Lane, name: str) -> str:
    path = {
        "signup": "/",  # the default page: its address is the root
        "my-page": f"/my-page?token={lane.db.token}",
        "privacy": "/privacy",
        "login": "/login",
    }[name]
    return lane.server.url + path


def _visit_staff_pages(lanes: list[_Lane], repeat: int, wanted) -> None:
    for role, names in staff_plan(wanted, lanes[0].db.ids).items():
        for name in names:
            results = [PageResult(name, role, first_s=lane.first.get(name)) for lane in lanes]
            for lane, result in zip(lanes, results, strict=True):
                result.cold_s = click_link(lane.tabs[role], name)
            for _ in range(repeat):
                for lane, result in zip(lanes, results, strict=True):
                    lane.baselines_staff.append(click_link(lane.tabs[role], "baseline"))
                    result.warm_s.append(click_link(lane.tabs[role], name))
            for lane, result in zip(lanes, results, strict=True):
                result.rss_mb = lane.server.rss_mb()
                lane.results.append(result)


def _manager_sessions(browser, lane: _Lane) -> float:
    """The server's resident memory with MANAGER_SESSIONS managers on the Funnel at once."""
    contexts = []
    try:
        for _ in range(MANAGER_SESSIONS):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
            contexts.append(context)
            page = context.new_page()
            log_in(page, lane.server, lane.db.username("manager"))
            click_link(page, "funnel")
        return lane.server.rss_mb()
    finally:
        for context in contexts:
            context.close()


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:5.2f}"


def report(runs: list[RunResult]) -> list[str]:
    """The table per database and the targets; returns the targets not met."""
    missed: list[str] = []
    by_key = {(r.backend, r.applicants): r for r in runs}
    for run in runs:
        print(
            f"\n{run.backend}, {run.applicants:,} applicants: server up in "
            f"{run.server_start_s:.1f} s, first page {run.first_visit_s:.2f} s, warm-up done "
            f"{run.warmup_s or float('nan'):.1f} s after the first visit began, baseline "
            f"{run.baseline_public_s:.2f} s (visitor) / {run.baseline_staff_s:.2f} s (staff)"
        )
        smaller = [r for (b, n), r in by_key.items() if b == run.backend and n < run.applicants]
        small = min(smaller, key=lambda r: r.applicants) if smaller else None
        print(
            f"{'page':22} {'role':12} {'first':>6} {'cold s':>6} {'warm s':>6} {'- base':>6} "
            f"{'c - w':>6} {'x small':>7} {'RSS MB':>7}"
        )
        for result in run.pages:
            base = run.baseline_public_s if result.role == "visitor" else run.baseline_staff_s
            warm = result.warm
            over = None if warm is None else warm - base
            cold_gap = None if warm is None or result.cold_s is None else result.cold_s - warm
            ratio = None
            if small is not None and warm is not None:
                other = next((p for p in small.pages if p.page == result.page), None)
                if other is not None and other.warm:
                    ratio = warm / other.warm
            print(
                f"{result.page:22} {result.role:12} {_fmt(result.first_s):>6} "
                f"{_fmt(result.cold_s):>6} {_fmt(warm):>6} "
                f"{_fmt(over):>6} {_fmt(cold_gap):>6} {_fmt(ratio):>7} "
                f"{result.rss_mb or 0:7.0f}"
            )
            limit = 0.3 if result.page in APPLICANT_PAGES else 0.5
            where = f"{run.backend} {run.applicants:,} {result.page}"
            if over is not None and run.applicants >= 100_000 and over > limit:
                missed.append(f"{where}: warm {over:+.2f} s over the baseline (target {limit})")
            if cold_gap is not None and cold_gap > 0.3:
                missed.append(f"{where}: cold {cold_gap:+.2f} s over warm (target 0.3)")
            if ratio is not None and ratio > 1.3:
                missed.append(f"{where}: {ratio:.2f} x the small database (target 1.3)")
        managers = (
            f", {MANAGER_SESSIONS} manager sessions open {run.rss_manager_sessions_mb:.0f} MB"
            if run.rss_manager_sessions_mb
            else ""
        )
        print(
            f"memory: {run.rss_start_mb:.0f} MB at start, {run.rss_after_pages_mb:.0f} MB after "
            f"every page{managers}; server CPU {run.cpu_s:.1f} s for the whole run"
        )
    print("\ntargets (issue 16):", "all met" if not missed else f"{len(missed)} not met")
    for line in missed:
        print("  NOT MET", line)
    return missed


def main(argv: list[str] | None = None) -> list[RunResult]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--applicants", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="warm visits per page")
    parser.add_argument("--pages", help="comma-separated url paths (default: every page)")
    parser.add_argument("--json", default=str(ROOT / "artifacts" / "bench-browser.json"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    wanted = set(args.pages.split(",")) if args.pages else None
    runs: list[RunResult] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            for backend in args.backend:
                sizes = sorted(args.applicants)
                print(f"{backend}, {' and '.join(f'{n:,}' for n in sizes)} applicants ...")
                dbs = [demo_db(backend, applicants) for applicants in sizes]
                runs += run_backend(browser, dbs, args.repeat, wanted, Path(folder))
                _write(args, runs, load, [])  # what was measured so far survives a stop
        finally:
            browser.close()
    missed = report(runs)
    _write(args, runs, load, missed)
    print(f"JSON: {args.json}")
    return runs


def _write(args, runs: list[RunResult], load, missed: list[str]) -> None:
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "load_average_before": load,
                "cores": os.cpu_count(),
                "repeat": args.repeat,
                "runs": [
                    {**asdict(run), "pages": [{**asdict(p), "warm": p.warm} for p in run.pages]}
                    for run in runs
                ],
                "not_met": missed,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
