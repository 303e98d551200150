"""The Funnel page in a real browser: a manager opens it and sees the chart."""

from datetime import UTC, datetime

from db.models import Applicant
from recruitment.core._moves import record_sign_up
from tests.browser.conftest import log_in, screenshot, wait_for_app
from tests.integration.analytics_dataset import build_known_dataset


def _fill(server) -> None:
    counter = iter(range(1, 1000))

    def make_applicant(**fields) -> int:
        n = next(counter)
        at = fields.pop("signed_up_at")
        values = {
            "first_name": "Ola",
            "last_name": f"Funnel{n}",
            "email": f"funnel{n}@example.no",
            "area": "Fredrikstad",
        }
        with server.sessions.begin() as s:
            applicant = Applicant(**values | fields, consent_at=datetime.now(UTC))
            record_sign_up(session=s, applicant=applicant, by_id=None, at=at)
            return applicant.id

    build_known_dataset(server.sessions, make_applicant)


def test_a_manager_opens_the_funnel_page_and_sees_the_chart(page, live_server, staff_accounts):
    _fill(live_server)
    log_in(page, live_server, staff_accounts["manager"])
    # A fresh page load would start a new (logged-out) session: use the menu.
    page.get_by_role("link", name="Funnel").first.click()
    wait_for_app(page)
    # Waited for, not looked at once: on a loaded machine (the suite's first browser
    # test, 3 workers) the page was still switching when the check ran.
    page.get_by_role("heading", name="Funnel").first.wait_for(state="visible")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(state="visible")
    chart.locator("canvas, svg").first.wait_for(state="visible")
    page.get_by_text("6 signed up, 1 was placed (17%).").wait_for(state="visible")
    path = screenshot(page, "analytics-funnel-manager")
    assert path.stat().st_size > 10_000
