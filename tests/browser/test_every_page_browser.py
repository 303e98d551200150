"""What only the browser shows, on every page a role can open, in bokmål: no English that
Streamlit's front end writes by itself (the skip link, "Choose an option", heading
anchors, placeholders), and no raw codes. Journey 3: a manager reads every analytics page
in bokmål, with a screenshot of each in artifacts/.

The server-side part of the same check (every page x role x language through the app
shell) is tests/dashboard/test_every_page.py, which keeps the list of Streamlit's
defaults; this file adds what the front end alone renders."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.navigation import staff_pages_for
from recruitment.core.access import Actor
from recruitment.core.i18n import t
from tests.browser.conftest import (
    add_staff_accounts,
    log_in,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)
from tests.dashboard.test_every_page import SNAKE_CODES, STREAMLIT_DEFAULTS

# One worker runs the module: its demo server (a demo database and `verve serve`) is
# built once, not once on every worker that takes one of its tests.
pytestmark = pytest.mark.xdist_group("every_page_browser")

#: What the front end writes in English, in text or in attributes a screen reader reads.
CLIENT_SIDE_ENGLISH = (
    *STREAMLIT_DEFAULTS,
    "Select...",
    "Clear all",
    "Open",
    "Close",
    "Fullscreen",
    "Choose date",
    "Copy Vega-Lite spec",
    "Collapse sidebar",
)
#: English starts of labels Streamlit builds from a field's own label.
ENGLISH_PREFIXES = ("Help for ", "day, ", "month, ", "year, ")

COLLECT = """() => {
    const found = [];
    const main = document.querySelector('[data-testid="stApp"]') || document.body;
    found.push(['text', main.innerText]);
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
        for (const name of ['placeholder', 'aria-label', 'title']) {
            const value = el.getAttribute(name);
            if (value) found.push([name, value]);
        }
    }
    for (const el of document.querySelectorAll('a[href^="#"]')) {
        found.push(['anchor', el.getAttribute('href') + ' ' + (el.innerText || '')]);
    }
    return found;
}"""


def english_and_codes(page, *, settle_s: float = 3.0) -> list[str]:
    """Streamlit's English and raw codes the person can see or hear on this page.

    The frame script translates what the front end adds on the next animation frame, and a
    chart adds its toolbar only once drawn: what is still English after `settle_s` is a
    finding, not what is English for one frame."""
    import time

    deadline = time.monotonic() + settle_s
    while True:
        problems = _english_and_codes_now(page)
        if not problems or time.monotonic() >= deadline:
            return problems
        page.wait_for_timeout(250)


def _english_and_codes_now(page) -> list[str]:
    problems = []
    for where, text in page.evaluate(COLLECT):
        for phrase in CLIENT_SIDE_ENGLISH:
            if where == "text" and phrase in ("Open", "Close"):
                continue  # ordinary words in text; only refused as a control's name
            if phrase in text if where == "text" else text.strip() == phrase:
                problems.append(f"{where}: {phrase!r}")
        if where != "text" and text.startswith(ENGLISH_PREFIXES):
            problems.append(f"{where}: {text!r}")
        if where == "anchor" and "#" in text and not text.startswith("#stMain"):
            problems.append(f"heading anchor link {text!r}")
        words = set(re.findall(r"[a-z_]+", text))
        problems += [f"{where}: raw code {code!r}" for code in sorted(words & SNAKE_CODES)]
    return sorted(set(problems))


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    from recruitment.demo import service as demo

    server = start_server(tmp_path_factory.mktemp("every_page_browser"))
    try:
        demo.generate(server.sessions, applicants=200, seed=1)
        accounts = add_staff_accounts(server)
        yield server, accounts
    finally:
        stop_server(server)


def switch_to_bokmal(page) -> None:
    """Choose bokmål with the sidebar's language switch (a fresh page load would start a
    new, logged-out session)."""
    sidebar = page.get_by_test_id("stSidebar")
    switch = sidebar.get_by_test_id("stSelectbox").filter(has_text="Language")
    for attempt in range(3):
        wait_for_app(page)
        switch.locator("input").click()
        try:
            page.get_by_role("option", name="Norsk (bokmål)").click(timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wait_for_app(page)
    expect(sidebar.get_by_role("button", name="Logg ut")).to_be_visible()


def open_from_menu(page, title: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).first.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


@pytest.mark.parametrize("role", ["coordinator", "manager", "admin"])
def test_no_page_speaks_streamlits_english_in_bokmal(page, demo_server, role):
    server, accounts = demo_server
    log_in(page, server, accounts[role])
    switch_to_bokmal(page)
    found = {}
    for spec in staff_pages_for(Actor(0, role, role)):
        if spec.hidden:
            continue
        open_from_menu(page, t(spec.title_key, "nb"))
        problems = english_and_codes(page)
        if problems:
            found[spec.url_path] = problems
            screenshot(page, f"english-{role}-{spec.url_path}")
    assert not found, found


ANALYTICS = ("funnel", "digital-vs-in-person", "trends", "time-in-stage", "evaluations")


def test_journey_3_a_manager_reads_every_analytics_page_in_bokmal(page, demo_server):
    server, accounts = demo_server
    log_in(page, server, accounts["manager"])
    switch_to_bokmal(page)
    pages = {spec.url_path: spec for spec in staff_pages_for(Actor(0, "manager", "manager"))}
    for url_path in (*ANALYTICS, "supply-demand"):
        spec = pages[url_path]
        open_from_menu(page, t(spec.title_key, "nb"))
        expect(page.get_by_role("heading", name=t(spec.title_key, "nb")).first).to_be_visible()
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        if url_path in ANALYTICS:
            # Under load a chart can take a while to draw.
            charts.first.locator("canvas, svg").first.wait_for(state="visible", timeout=60_000)
        assert not english_and_codes(page), (url_path, english_and_codes(page))
        # Legends and axes drawn as SVG text: no raw code among them either.
        chart_text = " ".join(
            charts.locator("svg text").evaluate_all("els => els.map(e => e.textContent || '')")
        )
        assert not set(re.findall(r"[a-z_]+", chart_text)) & SNAKE_CODES, chart_text
        assert "January" not in chart_text and "December" not in chart_text
        path = screenshot(page, f"journey3-manager-nb-{url_path}")
        assert path.stat().st_size > 10_000
