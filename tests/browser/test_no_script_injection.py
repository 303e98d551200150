"""No script typed by a visitor or a colleague ever runs in the app.

Script, image-onerror and markdown-link payloads go into every free-text field of the
forms (through the browser) and into every free-text column the pages read (through the
database); then every page that can show them is opened as each role. No dialog may
open, no payload may set its marker, no console error may appear, and the payload
must be visible as plain text where the page shows it.

Extending it when a page lands is one line: a form in FORMS, a detail page in
DETAIL_PAGES (menu pages are found from dashboard/navigation.py automatically)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES
from db.models import (
    Applicant,
    ApplicantCheck,
    InfoMeeting,
    Interview,
    JournalEntry,
    OutboxMessage,
    ServiceUser,
    StaffUser,
    StageEvent,
)
from recruitment.accounts.staff import hash_password
from recruitment.core.access import Actor, allowed
from tests.browser.conftest import STAFF_PASSWORD, log_in, open_page, wait_for_app

pytestmark = pytest.mark.browser

SCRIPT = '<script>window.__xss="script";alert("xss-script")</script>'
IMAGE = "<img src=x onerror=\"window.__xss='img';alert('xss-img')\">"
LINK = '[click me](javascript:window.__xss="link";alert("xss-link"))'
AUTOLINK = '<javascript:alert("xss-autolink")> **bold?** $x^2$'
PAYLOADS = (SCRIPT, IMAGE, LINK, AUTOLINK)

# Accounts whose names are payloads: every staff page shows the name in the sidebar.
ACCOUNTS = {
    "admin": ("xss-admin", SCRIPT),
    "coordinator": ("xss-coordinator", IMAGE),
    "manager": ("xss-manager", LINK),
}

# Forms with free text: (role or None for the public, url path, {field label: payload},
# submit button). Add a line when a page with a form lands (signup, journal, meetings...).
FORMS: list[tuple[str | None, str, dict[str, str], str]] = [
    (
        "admin",
        "/staff",
        {
            "Full name": IMAGE,
            "Username": "xss-new",
            "E-mail": "xss@example.no",
            "First password": "a long secret phrase",
        },
        "Add a staff member",
    ),
    (
        "admin",
        "/settings",
        {"Office name": SCRIPT, "Office e-mail": IMAGE, "Office phone": LINK},
        "Save the settings",
    ),
]

# Detail pages, reached as staff reach them: by a link on another page, or (link None)
# by its address with the seeded row's id, as from a bookmark (the login is a cookie, so
# a fresh load keeps it): (role, detail path, page with the link, the link's name as a
# regular expression). Add a line when such a page lands.
DETAIL_PAGES: list[tuple[str, str, str, str | None]] = [
    # The coordinator's own case asking for a call-back is linked from the start page.
    ("coordinator", "/applicant", "/home", r"Interviewed"),
    # Meetings open by a click on their row in the list (a canvas): by address here.
    ("coordinator", "/meeting", "/meetings", None),
    ("admin", "/meeting", "/meetings", None),
    # By address too: the list also holds the service users other browser tests made.
    ("coordinator", "/service-user", "/service-users", None),
    ("admin", "/service-user", "/service-users", None),
]


#: What each detail page must show literally (the seeded row's payload).
SHOWS_AS_TEXT = {
    "/applicant": SCRIPT[:100],
    "/meeting": IMAGE[:300],
    "/service-user": SCRIPT[:64],
}


@pytest.fixture(scope="module")
def seeded(live_server) -> dict[str, int]:
    """Payloads in every free-text column the pages read, and the accounts above."""
    now = datetime.now(UTC).replace(microsecond=0)
    with live_server.sessions.begin() as s:
        for role, (username, name) in ACCOUNTS.items():
            s.add(
                StaffUser(
                    username=username,
                    role=role,
                    full_name=name,
                    password_hash=hash_password(STAFF_PASSWORD),
                )
            )
        applicant = Applicant(
            first_name=SCRIPT[:100],
            last_name=IMAGE[:100],
            email="xss.applicant@example.no",
            phone="+4790000000",
            area=LINK[:100],
            about=" ".join(PAYLOADS),
            source="website",
            consent_at=now,
            stage="interviewed",
            stage_changed_at=now - timedelta(days=40),
            callback_requested=True,
        )
        s.flush()
        applicant.coordinator_id = s.scalars(
            select(StaffUser.id).where(StaffUser.username == ACCOUNTS["coordinator"][0])
        ).one()
        s.add(applicant)
        s.flush()
        s.add(
            StageEvent(
                applicant_id=applicant.id,
                from_stage=None,
                to_stage="signed_up",
                at=now - timedelta(days=60),
                reason_text=SCRIPT,
            )
        )
        s.add(
            StageEvent(
                applicant_id=applicant.id,
                from_stage="signed_up",
                to_stage="interviewed",
                at=now - timedelta(days=40),
                reason_text=IMAGE,
            )
        )
        meeting = InfoMeeting(
            starts_at=now + timedelta(days=3),
            mode="in_person",
            address=IMAGE[:300],
            capacity=10,
            notes=SCRIPT,
        )
        s.add(meeting)
        s.flush()
        s.add(
            Interview(
                applicant_id=applicant.id,
                scheduled_at=now + timedelta(days=1),
                place=LINK,
                notes=" ".join(PAYLOADS),
            )
        )
        s.add(ApplicantCheck(applicant_id=applicant.id, kind="reference_1", note=SCRIPT))
        s.add(
            JournalEntry(
                applicant_id=applicant.id, channel="note", subject=IMAGE, body=" ".join(PAYLOADS)
            )
        )
        user = ServiceUser(
            case_ref=SCRIPT[:64],
            age_group="adult",
            area=IMAGE[:100],
            preferences={"note": LINK},
            waiting_since=date.today(),
        )
        s.add(user)
        s.flush()
        s.add(JournalEntry(service_user_id=user.id, channel="note", subject=LINK, body=SCRIPT))
        s.add(
            OutboxMessage(
                kind="confirmation",
                applicant_id=applicant.id,
                to_address="xss.applicant@example.no",
                subject=SCRIPT,
                body_text=IMAGE,
                message_id="<xss@verve.invalid>",
            )
        )
        return {"applicant": applicant.id, "meeting": meeting.id, "service_user": user.id}


def _watch(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # `<img src=x>` made into an element would fetch ".../x": record such requests.
    page.on(
        "request",
        lambda request: (
            request.url.rstrip("/").endswith("/x") and dialogs.append(f"fetched {request.url}")
        ),
    )
    return dialogs


def _images_settled(page) -> None:
    """Wait until every image has loaded or failed, and then one task more: an onerror
    handler runs in the task queued when its image fails, so after this it has run."""
    page.wait_for_function("() => Array.from(document.images).every((image) => image.complete)")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


def _assert_nothing_ran(page, dialogs: list[str], where: str) -> None:
    _images_settled(page)
    assert dialogs == [], f"{where}: a dialog opened: {dialogs}"
    assert page.evaluate("window.__xss === undefined"), (
        f"{where}: payload ran ({page.evaluate('window.__xss')})"
    )
    assert page.locator("script:text('xss-script')").count() == 0, (
        f"{where}: a script element from user text"
    )
    assert page.locator("img[onerror]").count() == 0, (
        f"{where}: an image with onerror from user text"
    )
    assert page.locator("a[href^='javascript:']").count() == 0, f"{where}: a javascript: link"
    # Streamlit's own probing of base paths (".../login/_stcore/health" 404s) and blocked
    # external fonts show as failed loads; those are not script errors.
    # Streamlit's notice for a URL it resolves only after the script runs is not one either.
    errors = [
        e
        for e in page.console_errors
        if not e.startswith("Failed to load resource") and "does not seem to exist" not in e
    ]
    assert errors == [], f"{where}: console errors {errors}"


def _log_in(page, server, role: str) -> None:
    """Log in and wait for the staff menu, the sign that the session holds the login
    (the password check and the reruns after it can take seconds on a busy machine)."""
    log_in(page, server, ACCOUNTS[role][0])
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").first.wait_for(
        state="visible", timeout=30_000
    )
    wait_for_app(page)


def _go(page, server, path: str, **query: str) -> None:
    """Open `path` inside the running session (a menu link keeps the login; a fresh
    page load would start a new, logged-out session); public pages load directly."""
    menu = "[data-testid='stSidebar'] [data-testid='stPageLink']"
    # Menu links are relative ("staff"); the default page's is empty.
    link = page.locator(f"{menu} a[href='{path.lstrip('/')}'], {menu} a[href$='{path}']")
    if not query and link.count():
        link.first.click()
        # The address changes once the server has started the new page's run; after
        # that, wait_for_app waits for the run (and any rerun it asks for) to end.
        page.wait_for_url(re.compile(rf"/{re.escape(path.lstrip('/'))}(\?|$)"))
        wait_for_app(page)
    else:
        open_page(page, server, path, lang="en", **query)


def _menu_pages(role: str) -> list[str]:
    actor = Actor(id=1, username=role, role=role)
    return [
        f"/{spec.url_path}"
        for spec in STAFF_PAGES
        if spec.permission is None or allowed(actor, spec.permission)
    ]


@pytest.mark.parametrize(
    "role, path, fields, submit", FORMS, ids=[f"{r or 'public'}{p}" for r, p, _, _ in FORMS]
)
def test_payloads_typed_into_forms_run_nowhere(
    page, live_server, seeded, role, path, fields, submit
):
    dialogs = _watch(page)
    if role:
        _log_in(page, live_server, role)
    _go(page, live_server, path)
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()  # forms folded into expanders
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=submit).click()
    # Saved or refused, the page says so: then the submitted values have been rendered.
    page.locator("[data-testid='stMain'] [data-testid='stAlert']").first.wait_for()
    wait_for_app(page)
    _assert_nothing_ran(page, dialogs, f"{path} after submitting")


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_no_page_runs_a_payload_for_any_role(page, live_server, seeded, role):
    dialogs = _watch(page)
    _log_in(page, live_server, role)
    # The staff member's own name, a payload, shows exactly as typed on the account page.
    _go(page, live_server, "/account")
    assert ACCOUNTS[role][1] in page.locator("[data-testid='stMain']").inner_text()
    for path in _menu_pages(role):
        _go(page, live_server, path)
        _assert_nothing_ran(page, dialogs, f"{role} {path}")
    for r, path, via, link in DETAIL_PAGES:
        if r != role:
            continue
        if link is None:
            # A fresh load keeps the login (a cookie): no need to log in again.
            key = path.strip("/").replace("-", "_")
            open_page(page, live_server, path, id=str(seeded[key]), lang="en")
        else:
            _log_in(page, live_server, role)  # lands on the start page, logged in
            if via != "/home":
                _go(page, live_server, via)
            page.get_by_role("link", name=re.compile(link)).first.click()
            page.wait_for_url(re.compile(rf"{re.escape(path)}(\?|$)"))
            wait_for_app(page)
        _assert_nothing_ran(page, dialogs, f"{role} {path}")
        # The detail page really showed the seeded row, its payload as plain text.
        main = page.locator("[data-testid='stMain']").inner_text()
        assert SHOWS_AS_TEXT[path] in main, f"{role} {path}: payload not shown as text"
    # Last: a public page loads afresh, which ends the staff session.
    for spec in PUBLIC_PAGES:
        _go(page, live_server, f"/{spec.url_path}")
        _assert_nothing_ran(page, dialogs, f"{role} /{spec.url_path}")


def test_the_public_pages_run_no_payload_for_a_visitor(page, live_server, seeded):
    dialogs = _watch(page)
    for spec in PUBLIC_PAGES:
        if spec.url_path == "login":
            continue  # a plain HTML form for visitors: the test below
        open_page(page, live_server, f"/{spec.url_path}", lang="en")
        _assert_nothing_ran(page, dialogs, f"visitor /{spec.url_path}")


def test_a_payload_typed_into_the_login_form_runs_nowhere(page, live_server, seeded):
    dialogs = _watch(page)
    page.goto(f"{live_server.url}/login?lang=en")
    page.wait_for_url("**/auth/login?**")
    page.get_by_label("Username", exact=True).fill(SCRIPT)
    page.get_by_label("Password", exact=True).fill("whatever it is")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_text("Wrong username or password.").wait_for()
    _assert_nothing_ran(page, dialogs, "/auth/login after submitting")
