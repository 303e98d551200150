"""The public form on a phone (375 px wide): meeting choices apart from each other, a
refused submit brings the first error into view, and keyboard focus is easy to see
(WCAG 2.4.7). Issue 15, defect 11."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.models import InfoMeeting
from recruitment.core.i18n import t
from tests.browser.conftest import open_page, screenshot, wait_for_app


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def many_meetings(live_server, staff_accounts) -> None:
    start = datetime.now(UTC).replace(hour=16, minute=0, second=0, microsecond=0)
    with live_server.sessions.begin() as session:
        for day in range(8):
            for mode in ("digital", "in_person"):
                session.add(
                    InfoMeeting(
                        starts_at=start + timedelta(days=20 + day),
                        mode=mode,
                        join_url="https://teams.example.com/m" if mode == "digital" else None,
                        address="Helsehuset, Storgata 1, Fredrikstad"
                        if mode == "in_person"
                        else None,
                        capacity=25,
                    )
                )


def test_meeting_choices_on_a_phone_keep_apart(phone, live_server, many_meetings):
    open_page(phone, live_server, "/", lang="nb")
    boxes = phone.locator('[data-testid="stRadio"] [role="radiogroup"] label').evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })"
    )
    assert len(boxes) >= 16
    gaps = [below[0] - above[1] for above, below in zip(boxes, boxes[1:], strict=False)]
    assert min(gaps) >= 8, gaps  # at least half a line between two choices
    screenshot(phone, "phone-375-meeting-choices")


def test_a_refused_submit_on_a_phone_shows_the_first_error(phone, live_server, many_meetings):
    open_page(phone, live_server, "/", lang="nb")
    phone.get_by_role("button", name=t("signup.submit", "nb")).click()
    wait_for_app(phone)
    phone.wait_for_timeout(500)
    first = phone.locator('[data-testid="stAlertContentError"]').first
    first.wait_for(state="visible")
    in_view = first.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert in_view
    screenshot(phone, "phone-375-first-error")


def test_keyboard_focus_is_clearly_visible(page, live_server, many_meetings):
    open_page(page, live_server, "/", lang="nb")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    )
    assert outline[0] != "none" and outline[1] >= 2, outline
