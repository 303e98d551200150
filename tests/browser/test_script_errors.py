"""What a visitor sees when a page fails in production (`dashboard/server.on_script_error`
under `verve serve`): one short message in their language with an error id, never a
traceback or Streamlit's "Ask Google" / "Ask ChatGPT" buttons, and the same id in the
server's log so the operator can find it.

Each test serves a PostgreSQL database of its own and breaks it as production can: a
table missing (a half-done restore) or the database refusing connections."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from db.session import make_engine
from tests.browser.conftest import (
    LiveServer,
    add_staff_accounts,
    log_in,
    open_page,
    start_server,
    stop_server,
)

ERROR_ID = re.compile(r"\b[0-9a-f]{10}\b")


@pytest.fixture
def own_database(tmp_path, postgres_available, request) -> Iterator[tuple[LiveServer, object]]:
    """`verve serve` on a new PostgreSQL database, and an AUTOCOMMIT engine to break it."""
    from tests.conftest import own_postgres_database, require_postgres

    require_postgres(postgres_available)
    name = f"verve_err_{os.getpid()}_{abs(hash(request.node.name)) % 10**8}"
    with own_postgres_database(name) as (url, admin):
        server = start_server(tmp_path, database_url=url)
        own = make_engine(url, isolation_level="AUTOCOMMIT")
        try:
            yield server, own, admin, name
        finally:
            stop_server(server)
            own.dispose()


def _shown_error_id(page, text: str) -> str:
    """The error id in the one alert that says `text`; nothing else of the error shows."""
    alert = page.get_by_text(text)
    expect(alert).to_be_visible(timeout=30_000)
    body = page.locator("body").inner_text()
    for leak in ("Traceback", "Ask Google", "Ask ChatGPT", 'File "', "Error:", "sqlalchemy"):
        assert leak not in body, leak
    assert page.get_by_role("button", name=re.compile("Ask (Google|ChatGPT)")).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    [error_id] = ERROR_ID.findall(alert.inner_text())
    return error_id


def _log_lines_with(server: LiveServer, error_id: str, page) -> tuple[list[str], str]:
    page.wait_for_timeout(500)  # the log line is written as the page fails; let it land
    log = server.log.read_text()
    return [line for line in log.splitlines() if f"error {error_id}" in line], log


def test_a_failing_page_shows_an_error_id_that_the_log_holds(page, own_database):
    server, own, _admin, _name = own_database
    accounts = add_staff_accounts(server)
    log_in(page, server, accounts["coordinator"], lang="en")
    # Every staff page run reads the login from this table: gone, every page fails.
    with own.connect() as connection:
        connection.exec_driver_sql("ALTER TABLE staff_session RENAME TO staff_session_gone")
    page.reload()
    error_id = _shown_error_id(page, "Something went wrong on this page")
    [line], log = _log_lines_with(server, error_id, page)
    assert " ERROR verve.app: " in line and "ProgrammingError" in line
    assert "Traceback" in log  # the operator gets the details; the visitor does not


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nb", "Databasen svarer ikke akkurat nå"),
        ("en", "The database is not answering right now"),
    ],
)
def test_with_the_database_down_the_page_says_so_in_the_users_language(
    page, own_database, lang, text
):
    server, own, admin, name = own_database
    add_staff_accounts(server)  # past the first-run page
    open_page(page, server, "/", lang=lang)
    server.sessions.kw["bind"].dispose()
    own.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
    open_page(page, server, "/", lang=lang)
    error_id = _shown_error_id(page, text)
    [line], log = _log_lines_with(server, error_id, page)
    assert "database unavailable" in line
    assert "password" not in log.lower()
