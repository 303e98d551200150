"""AppTest fixtures: the app or one page, on a migrated temporary database, with the
visitor logged in as the role a test asks for."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def page_path(name: str) -> str:
    """The file of the page `name` ("funnel" or "funnel.py"), in whichever area folder of
    dashboard/ holds it; fails loudly when there is none."""
    stem = Path(name).stem
    matches = sorted((ROOT / "dashboard").glob(f"*/{stem}.py"))
    assert len(matches) == 1, f"page {name!r}: {matches}"
    return str(matches[0])


def page_route(name: str) -> str:
    """`page_path(name)` relative to app.py, as `AppTest.switch_page` wants it."""
    return str(Path(page_path(name)).relative_to(ROOT / "dashboard"))


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    """Pages are tested on SQLite only: what differs between the databases lives in the
    services, which tests/integration runs on both."""
    return request.param


@pytest.fixture
def app_database(database_url, monkeypatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def logged_in(at: AppTest, actor) -> AppTest:
    """Put `actor` in the session the way the login page does."""
    at.session_state["actor"] = {
        "id": actor.id,
        "username": actor.username,
        "role": actor.role,
        "name": actor.name,
    }
    import time

    at.session_state["actor_seen_at"] = time.time()
    return at


@pytest.fixture
def app(app_database):
    """A fresh AppTest of the whole app (router included)."""

    def make(actor=None, *, lang: str | None = None, timeout: float = 30) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        if lang:
            at.query_params["lang"] = lang
        if actor is not None:
            logged_in(at, actor)
        return at

    return make
