"""Browser tests: a real `verve serve` (Streamlit's ASGI app under uvicorn, as deployed)
against a migrated temporary SQLite database, driven by Playwright in Debian's Chromium.

Without Chromium (or the Playwright package) these tests skip with the reason,
except under CI=true, where that is an error. Screenshots go to `artifacts/`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.models import StaffUser
from db.session import make_engine, make_session_factory
from recruitment.accounts.staff import hash_password

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
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
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STAFF_PASSWORD = "browser test password"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    database_url: str
    sessions: sessionmaker[Session]
    process: subprocess.Popen
    log: Path


def start_server(
    folder: Path,
    *,
    database_url: str | None = None,
    port: int | None = None,
    env: dict | None = None,
    wait: bool = True,
) -> LiveServer:
    """Serve the app with `verve serve` on a free port against a new database in `folder`
    (or `database_url`); returns once `/readyz` answers (with `wait=False` at once: call
    `wait_until_ready`, e.g. after starting a second server beside it)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    database_url = database_url or f"sqlite:///{folder / 'verve.db'}"
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    port = port or _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "VERVE_DATA_DIR": str(folder),
        **(env or {}),
    }
    log = folder / f"verve-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "recruitment.cli", "serve", "--port", str(port)],
        cwd=folder,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    server = LiveServer(url, database_url, make_session_factory(engine), process, log)
    if wait:
        wait_until_ready(server)
    return server


def wait_until_ready(server: LiveServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=2) as response:
                if response.read() == b"ready":
                    return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.process.kill()
            raise RuntimeError(f"verve serve did not start: {server.log.read_text()[-2000:]}")
        time.sleep(0.3)


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    server.sessions.kw["bind"].dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app served by `verve serve` on a free port, one per test worker."""
    server = start_server(tmp_path_factory.mktemp("live"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser tab; a screenshot is kept in artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        screenshot(page, f"failed-{request.node.name}")
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as an artifact (never committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:120]
    path = ARTIFACTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page, *, settle_ms: int = 300) -> None:
    """Wait until Streamlit is connected and has finished running the script."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) return false;
            const state = app.getAttribute('data-test-script-state');
            return !['initial', 'running', 'rerunRequested', null].includes(state)
                && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
        }""",
        timeout=30_000,
    )
    # A rerun may start right after (st.rerun, a widget's callback): let it begin, then wait again.
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return app && !['running', 'rerunRequested'].includes(state);
        }""",
        timeout=30_000,
    )


def open_page(page, server: LiveServer, path: str = "/", **query: str) -> None:
    """Go to `path` of the app (e.g. "/login", "/my-page") and wait for it to render."""
    from urllib.parse import urlencode

    suffix = f"?{urlencode(query)}" if query else ""
    page.goto(f"{server.url}{path}{suffix}")
    wait_for_app(page)


def add_staff_accounts(server: LiveServer) -> dict[str, str]:
    """One account per role in the server's database: role -> username."""
    names = {
        "admin": "browser-admin",
        "coordinator": "browser-coordinator",
        "manager": "browser-manager",
    }
    with server.sessions.begin() as session:
        for role, username in names.items():
            session.add(
                StaffUser(
                    username=username,
                    role=role,
                    full_name=f"Browser {role.title()}",
                    password_hash=hash_password(STAFF_PASSWORD),
                )
            )
    return names


@pytest.fixture(scope="session")
def staff_accounts(live_server) -> dict[str, str]:
    return add_staff_accounts(live_server)


def fill(locator, value: str) -> None:
    """Type into a Streamlit input and make sure the value stuck (under load the first
    keystrokes can land before the widget is ready)."""
    for _ in range(3):
        locator.fill(value)
        if locator.input_value() == value:
            return
        locator.page.wait_for_timeout(500)
    assert locator.input_value() == value


def log_in(
    page,
    server: LiveServer,
    username: str,
    password: str = STAFF_PASSWORD,
    lang: str = "en",
    next_path: str = "/",
) -> None:
    """Log in on the staff login form (a plain HTML page that sets the session cookie);
    returns once the asked-for page has rendered, or the form has said why not."""
    from urllib.parse import urlencode

    page.goto(f"{server.url}/auth/login?{urlencode({'next': next_path, 'lang': lang})}")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    if "/auth/login" in page.url:
        return  # refused: the form shows the reason
    wait_for_app(page)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; the violations of the given impacts."""
    if not AXE.exists():
        _unavailable("axe-core is not installed (run `make node`, which uses npm)")
    # Not as a <script> tag: the Content-Security-Policy refuses inline scripts (as it
    # should); evaluated from the test instead.
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def click_table_row(page, row: int = 0) -> None:
    """Select row `row` of the page's first table by its selection box (a canvas grid:
    click the spot, left of the first cell), as a person opens a record from a list."""
    box = page.get_by_test_id("stDataFrame").first.bounding_box()
    row_height, header_height = 35, 36
    page.mouse.click(box["x"] + 20, box["y"] + header_height + row_height * (row + 0.5))
