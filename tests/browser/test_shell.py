"""What only a browser shows of the app shell: it serves, the root is public, login works."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    add_staff_accounts,
    log_in,
    open_page,
    screenshot,
    start_server,
    stop_server,
)


def test_the_root_url_shows_the_public_sign_up_page_to_a_visitor(page, live_server, staff_accounts):
    open_page(page, live_server, "/", lang="en")
    expect(page.get_by_role("heading", name="Become a support contact").first).to_be_visible()
    expect(page.get_by_role("link", name="Staff login")).to_be_visible()
    screenshot(page, "shell-root-en")


def test_a_coordinator_logs_in_and_sees_the_start_page_and_the_menu(
    page, live_server, staff_accounts
):
    log_in(page, live_server, staff_accounts["coordinator"])
    expect(page.get_by_role("heading", name="Hello, Browser Coordinator")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Logged in as Browser Coordinator (Coordinator)")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Log out")).to_be_visible()


def test_a_wrong_password_is_refused_in_the_browser(page, live_server, staff_accounts):
    log_in(page, live_server, staff_accounts["manager"], password="not the password at all")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()


def test_the_first_visitor_after_a_server_start_gets_the_router_too(page, tmp_path):
    # Streamlit runs a folder called pages/ beside app.py as an old-style pages folder
    # until some session has called st.navigation; no such folder exists, so even the
    # first visitor after a start goes through the router and gets its menu.
    server = start_server(tmp_path)
    try:
        accounts = add_staff_accounts(server)
        log_in(page, server, accounts["admin"])
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Logged in as Browser Admin (Administrator)")).to_be_visible()
        expect(sidebar.get_by_text("first_run")).to_have_count(0)
    finally:
        stop_server(server)
