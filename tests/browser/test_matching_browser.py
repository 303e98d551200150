"""The service-user page in a real browser: the record and its suggestions render, and a
note with markup shows as typed, never as HTML. (Proposing and starting a placement
are driven in tests/dashboard/test_matching_pages.py.)"""

from tests.browser.conftest import click_table_row, log_in, screenshot, wait_for_app
from tests.matching_factories import make_contact, make_service_user


def _contact(sessions, **fields):
    from db.models import Applicant

    counter = fields.pop("n")
    with sessions.begin() as s:
        applicant = Applicant(
            first_name="Berit",
            last_name=f"Browser{counter}",
            email=f"berit{counter}@example.no",
            **fields,
        )
        s.add(applicant)
        s.flush()
        return applicant.id


def test_a_coordinator_sees_the_suggestions_and_a_note_is_never_run_as_html(
    page, live_server, staff_accounts
):
    sessions = live_server.sessions
    make_service_user(
        sessions,
        case_ref="SAK-BROWSER-1",
        interests=["fishing"],
        preferences={"note": "<b>Liker</b> <script>window.hacked=1</script> fisketurer"},
    )
    contact = _contact(sessions, n=1, postcode="1606", area="Fredrikstad", interests=["fishing"])
    make_contact(sessions, lambda **f: contact)  # approve with the police certificate seen

    log_in(page, live_server, staff_accounts["coordinator"])
    # A reload starts a new session, so go there through the app as a person would.
    page.get_by_role("link", name="Service users").click()
    wait_for_app(page)
    # The list opens a record by its row (the only one waiting here).
    click_table_row(page, 0)
    page.wait_for_url("**/service-user?id=*")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Service user SAK-BROWSER-1").is_visible()
    assert (
        page.get_by_test_id("stText")
        .get_by_text("<b>Liker</b> <script>window.hacked=1</script> fisketurer")
        .is_visible()
    )
    assert page.evaluate("() => window.hacked === undefined")
    assert page.get_by_text("Suggested support contacts").is_visible()
    screenshot(page, "matching-service-user-suggestions")

    # From the other side: the contact's ranked service users open by their row too.
    page.get_by_role("link", name="Matching").click()
    wait_for_app(page)
    assert page.get_by_text("Select a row to open the service user.").is_visible()
    page.wait_for_url("**/matching")
    click_table_row(page, 0)
    page.wait_for_url("**/service-user?id=*")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Service user SAK-BROWSER-1").is_visible()
