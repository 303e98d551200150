"""What `verve serve` adds around Streamlit: security headers on every response, the
page's language in `<html lang>`, no request to any other host, and readiness that
follows the database."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_page, start_server, stop_server

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize(
    "path", ["/", "/signup?lang=en", "/auth/login", "/healthz", "/readyz", "/_stcore/health"]
)
def test_every_response_carries_the_security_headers(live_server, path):
    status, headers, _body = _get(live_server.url + path)
    assert status == 200
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "camera=()" in headers["permissions-policy"]


@pytest.mark.parametrize(("query", "lang"), [("", "nb"), ("?lang=nb", "nb"), ("?lang=en", "en")])
def test_the_page_says_its_language(live_server, query, lang):
    _status, _headers, body = _get(f"{live_server.url}/signup{query}")
    assert f'<html lang="{lang}"'.encode() in body


def test_a_public_page_renders_under_the_policy_and_asks_no_other_host(
    page, live_server, staff_accounts
):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    open_page(page, live_server, "/", lang="nb")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", name="Bli støttekontakt").first).to_be_visible()
    assert hosts == {urlsplit(live_server.url).netloc}
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


@pytest.mark.parametrize(("path", "named"), [("/", True), ("/my-page", True), ("/privacy", False)])
def test_the_applicants_form_pages_name_their_widget_modules_in_the_head(live_server, path, named):
    """The sign-up and My page ask for Streamlit's form-widget modules (and what they
    import) from the head, so the first visit fetches them while the page connects; every
    address named is served. Other pages name none."""
    import re

    _status, _headers, body = _get(live_server.url + path)
    head = body.split(b"</head>")[0].decode()
    links = re.findall(r'<link rel="modulepreload" crossorigin href="\./static/js/([^"]+)">', head)
    ours = [name for name in links if name.split(".")[0] in ("TextInput", "Radio", "Checkbox")]
    assert len(ours) == (3 if named else 0)
    if named:
        stems = {name.split(".")[0] for name in links}
        assert "Input" in stems  # an import of TextInput's
        assert {"Html", "purify"} <= stems  # the frame's st.html, and what it imports
        for name in links:
            status, _headers, _body = _get(f"{live_server.url}/static/js/{name}")
            assert status == 200, name


_MODULES_LOADED = """() => ['/static/js/ArrowVegaLiteChart.', '/static/js/DataFrame.'].every(
    (name) => performance.getEntriesByType('resource').some(entry => entry.name.includes(name)))"""
_ANY_LOADED = """() => performance.getEntriesByType('resource').some(entry =>
    entry.name.includes('/static/js/ArrowVegaLiteChart.')
    || entry.name.includes('/static/js/DataFrame.'))"""


def test_staff_get_the_table_and_chart_modules_while_idle_and_applicants_never_do(
    page, live_server, staff_accounts
):
    """The start page has no table and no chart; a coordinator's browser still loads
    those modules once idle, so the first page with one does not wait half a second for
    them. The sign-up page (phones, mobile data) does not."""
    open_page(page, live_server, "/", lang="nb")
    page.wait_for_timeout(3_000)  # longer than the idle callbacks' own time-outs
    assert not page.evaluate(_ANY_LOADED)
    log_in(page, live_server, staff_accounts["coordinator"])
    assert "/auth/login" not in page.url
    for element in ("stVegaLiteChart", "stDataFrame"):  # none here
        assert page.locator(f'[data-testid="{element}"]').count() == 0
    page.wait_for_function(_MODULES_LOADED, timeout=15_000)
    assert not [e for e in page.console_errors if "static/js" in e]


def test_readyz_fails_while_the_database_is_unreachable_and_recovers(tmp_path, postgres_available):
    from tests.conftest import own_postgres_database, require_postgres

    require_postgres(postgres_available)
    name = f"verve_ready_{os.getpid()}"
    with own_postgres_database(name) as (url, admin):
        server = start_server(tmp_path, database_url=url)
        try:
            assert _get(f"{server.url}/readyz")[0] == 200
            server.sessions.kw["bind"].dispose()
            with admin.connect() as connection:
                connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
            status, _headers, body = _get(f"{server.url}/readyz")
            assert status == 503 and body == b"database unreachable"
            assert _get(f"{server.url}/healthz")[0] == 200
            with admin.connect() as connection:
                connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            assert _get(f"{server.url}/readyz")[0] == 200
            log = server.log.read_text()
        finally:
            stop_server(server)
    assert "database unreachable" in log


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_streamlits_own_log_lines_come_in_verves_format(page, tmp_path, log_format):
    """Streamlit's, uvicorn's and the WebSocket's lines, too: UTC ISO 8601 with offset, in
    JSON when asked, redacted; none in Streamlit's own `2026-11-29 08:51:27.639` format."""
    import json
    import re

    from tests.browser.conftest import add_staff_accounts

    server = start_server(tmp_path, env={"VERVE_LOG_FORMAT": log_format})
    try:
        add_staff_accounts(server)
        open_page(page, server, "/", lang="en")
        expect(page.get_by_role("heading", name="Become a support contact").first).to_be_visible()
    finally:
        stop_server(server)
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
    loggers, startup = set(), False
    for line in lines:
        if log_format == "json":
            record = json.loads(line)  # every line is one JSON object
            when, logger, message = record["time"], record["logger"], record["message"]
        else:
            if line.startswith("    "):
                continue  # a traceback's continuation lines
            when, _level, rest = line.split(" ", 2)
            logger, _, message = rest.partition(": ")
        assert stamp.match(when), line
        loggers.add(logger)
        if logger.startswith("uvicorn") and "startup complete" in message:
            startup = True
    assert startup  # uvicorn's line that Streamlit's own handler used to write
    assert any(name.startswith(("streamlit", "websockets", "uvicorn.error")) for name in loggers)
    assert "WebSocket /_stcore/stream" in server.log.read_text()  # Streamlit's server lines


def test_the_sign_up_pages_own_address_opens_the_sign_up_page(page, live_server):
    """Streamlit serves its default page at the root only: /signup (in a link or a
    bookmark) goes there instead of showing "Page not found"."""
    status, _headers, _body = _get(f"{live_server.url}/signup?lang=en")
    assert status == 200
    open_page(page, live_server, "/signup", lang="en")
    assert urlsplit(page.url).path == "/" and "lang=en" in page.url
    expect(page.get_by_role("heading", name="Become a support contact").first).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_the_server_freezes_what_the_warm_up_built_and_keeps_the_reports(live_server):
    """`verve serve` (not `streamlit run`, not a test's AppTest) moves the warm-up's
    long-lived objects out of the garbage collector's walk and stays on as the keeper of
    the analytics pages' default views (dashboard/warmup.py)."""
    import re
    import time

    from dashboard.warmup import KEEPER

    deadline = time.monotonic() + 60
    while KEEPER not in live_server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    found = re.search(rf"{KEEPER}: (\d+) objects", live_server.log.read_text())
    assert found, live_server.log.read_text()[-2000:]
    assert int(found.group(1)) > 50_000  # modules, classes, functions: the whole app
