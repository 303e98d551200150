"""What only a browser shows of the app shell: it serves, the root is public, login works."""

from tests.browser.conftest import log_in, open_page, screenshot


def test_the_root_url_shows_the_public_sign_up_page_to_a_visitor(page, live_server, staff_accounts):
    open_page(page, live_server, "/", lang="en")
    assert page.get_by_role("heading", name="Become a support contact").first.is_visible()
    assert page.get_by_role("link", name="Staff login").is_visible()
    screenshot(page, "shell-root-en")


def test_a_coordinator_logs_in_and_sees_the_start_page(page, live_server, staff_accounts):
    log_in(page, live_server, staff_accounts["coordinator"])
    assert page.get_by_role("heading", name="Hello, Browser Coordinator").is_visible()


def test_a_wrong_password_is_refused_in_the_browser(page, live_server, staff_accounts):
    log_in(page, live_server, staff_accounts["manager"], password="not the password at all")
    assert page.get_by_text("Wrong username or password.").is_visible()
