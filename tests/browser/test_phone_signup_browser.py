"""A coordinator registers two callers in a row in Chromium: after each, the form is
empty for the next one (what the browser shows, not only what the server holds)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Applicant
from tests.browser.conftest import fill, log_in, screenshot, wait_for_app


def test_the_phone_sign_up_form_is_empty_for_the_next_caller(page, live_server, staff_accounts):
    tag = uuid.uuid4().hex[:8]
    log_in(page, live_server, staff_accounts["coordinator"])
    # By the menu: a fresh page load would not keep the logged-in session.
    page.get_by_role("link", name=re.compile(r"^(Phone sign-up|phone_signup)$")).first.click()
    page.wait_for_url("**/phone-signup*")
    wait_for_app(page)
    first_name = page.get_by_label("First name (required)")
    # Refused (no consent): everything typed stays.
    fill(first_name, "Per")
    fill(page.get_by_label("Last name (required)"), f"Hansen{tag}")
    fill(page.get_by_label("Email", exact=True), f"per.{tag}@example.no")
    fill(page.get_by_label("Phone (required)"), "91234567")
    fill(page.get_by_label("Postcode (required)"), "1606")
    fill(page.get_by_label("Birth year (required)"), "1950")
    page.get_by_role("button", name="Register").click()
    wait_for_app(page)
    expect(page.get_by_label("Birth year (required)")).to_have_value("1950")
    expect(first_name).to_have_value("Per")

    page.get_by_text("The person agreed to us storing their details").click()
    page.get_by_role("button", name="Register").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Per Hansen{tag} has been registered.")).to_be_visible()
    screenshot(page, "phone-signup-registered")
    expect(first_name).to_have_value("")
    expect(page.get_by_label("Email", exact=True)).to_have_value("")
    expect(page.get_by_role("checkbox")).not_to_be_checked()
    with live_server.sessions() as session:
        saved = session.scalars(select(Applicant).where(Applicant.last_name == f"Hansen{tag}"))
        assert [(a.first_name, a.source) for a in saved] == [("Per", "phone")]
