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
    """Give the session a staff login the way first run and single sign-on do: a session
    row in the database (AppTest has no cookies), its id kept in the session."""
    import os

    from db.session import make_engine, make_session_factory
    from recruitment.accounts.staff_sessions import start_session

    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        with make_session_factory(engine).begin() as session:
            at.session_state["staff_session"] = start_session(session=session, actor=actor)
    finally:
        engine.dispose()
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
