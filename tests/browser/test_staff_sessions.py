"""Staff sessions live in the database behind an HttpOnly cookie: they survive F5, a new
tab, a deep link and a server restart; log out in one tab ends them in every tab; the
login form keeps its CSRF check and the lock-out. Each test starts its own `verve serve`
because one restarts it."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import AuditEvent, StaffSession
from tests.browser.conftest import (
    STAFF_PASSWORD,
    add_staff_accounts,
    log_in,
    start_server,
    stop_server,
    wait_for_app,
)


@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path)
    add_staff_accounts(server)
    yield server
    stop_server(server)


def _logged_in_as(page, name: str = "Browser Coordinator (Coordinator)"):
    return page.get_by_test_id("stSidebar").get_by_text(f"Logged in as {name}")


def test_a_login_survives_reload_new_tab_deep_link_and_restart_and_log_out_ends_it_everywhere(
    page, server, tmp_path
):
    log_in(page, server, "browser-coordinator", next_path="/applicants?lang=en")
    assert urllib.parse.urlsplit(page.url).path == "/applicants"
    expect(_logged_in_as(page)).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "verve_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.reload()
    wait_for_app(page)
    expect(_logged_in_as(page)).to_be_visible()
    assert urllib.parse.urlsplit(page.url).path == "/applicants"

    other = page.context.new_page()
    other.goto(f"{server.url}/meetings?lang=en")
    wait_for_app(other)
    assert urllib.parse.urlsplit(other.url).path == "/meetings"
    expect(_logged_in_as(other)).to_be_visible()

    port = urllib.parse.urlsplit(server.url).port
    stop_server(server)
    restarted = start_server(tmp_path, database_url=server.database_url, port=port)
    try:
        page.reload()
        wait_for_app(page)
        expect(_logged_in_as(page)).to_be_visible()

        page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
        wait_for_app(page)
        expect(page.get_by_text("You are logged out.")).to_be_visible()
        other.reload()
        # The other tab's cookie is the same session, now revoked: back to the login form,
        # with the way back to where it was.
        other.wait_for_url("**/auth/login?**")
        assert "next=%2Fmeetings" in other.url
        with restarted.sessions() as session:
            assert session.scalar(select(StaffSession.revoked_at)) is not None
    finally:
        stop_server(restarted)


def test_a_deep_link_asks_for_the_login_and_then_opens_the_asked_for_page(page, server):
    page.goto(f"{server.url}/meetings?lang=en")
    page.wait_for_url("**/auth/login?**")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#username").fill("browser-manager")
    page.locator("#password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    wait_for_app(page)
    assert urllib.parse.urlsplit(page.url).path == "/meetings"
    expect(_logged_in_as(page, "Browser Manager (Manager)")).to_be_visible()


def _client():
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def _post_login(opener, server, username: str, password: str, csrf: str | None):
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf": csrf or "", "next": "/home"}
    ).encode()
    try:
        with opener.open(f"{server.url}/auth/login?lang=en", data=body, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _csrf(opener, jar, server) -> str:
    opener.open(f"{server.url}/auth/login?lang=en", timeout=30).read()
    return next(c.value for c in jar if c.name == "verve_csrf")


def test_the_login_form_refuses_a_post_without_its_csrf_token(server):
    jar, opener = _client()
    _csrf(opener, jar, server)
    status, _headers, body = _post_login(opener, server, "browser-admin", STAFF_PASSWORD, "forged")
    assert status == 403
    assert "The form had expired" in body
    with server.sessions() as session:
        assert session.scalar(select(StaffSession)) is None


def test_the_lock_out_still_applies_and_refuses_even_the_right_password(server):
    jar, opener = _client()
    for _ in range(10):
        status, _h, body = _post_login(
            opener, server, "browser-admin", "wrong password", _csrf(opener, jar, server)
        )
        assert status == 401
    assert "Too many failed attempts" in body
    status, _h, body = _post_login(
        opener, server, "browser-admin", STAFF_PASSWORD, _csrf(opener, jar, server)
    )
    assert status == 401 and "Too many failed attempts" in body
    with server.sessions() as session:
        assert session.scalar(select(StaffSession)) is None
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "login.locked"


def test_a_right_password_sets_an_httponly_cookie_and_redirects(server):
    jar, opener = _client()
    status, headers, _body = _post_login(
        opener, server, "browser-admin", STAFF_PASSWORD, _csrf(opener, jar, server)
    )
    assert status == 303
    assert headers["location"] == "/?lang=en"
    cookie = headers["set-cookie"]
    assert "verve_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
