"""A coordinator's casework in Chromium: from the start page to one applicant, a call
written in the journal, and user text shown as typed (never as HTML)."""

from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Applicant, JournalEntry, StaffUser
from recruitment.core._moves import record_sign_up
from tests.browser.conftest import log_in, screenshot, wait_for_app


def test_a_coordinator_opens_a_call_back_request_and_records_the_call(
    page, live_server, staff_accounts
):
    with live_server.sessions.begin() as session:
        me = session.scalar(
            select(StaffUser).where(StaffUser.username == staff_accounts["coordinator"])
        )
        applicant = Applicant(
            first_name="Bror <b>Browser</b>",
            last_name="Ås",
            email="bror.browser@example.no",
            phone="+4791111111",
            callback_requested=True,
            coordinator_id=me.id,
        )
        record_sign_up(session=session, applicant=applicant, by_id=None)
        applicant_id = applicant.id

    log_in(page, live_server, staff_accounts["coordinator"])
    # Waits (rather than a one-off look) so a busy machine does not fail the test.
    page.get_by_role("heading", name="My applicants needing action").wait_for()
    page.get_by_role("link", name="Bror <b>Browser</b> Ås · Signed up · asked to be called").click()
    wait_for_app(page)
    # The name is shown as typed: no bold element was made from it.
    page.get_by_role("heading", name="Bror <b>Browser</b> Ås").wait_for()
    assert page.locator("h1 b").count() == 0

    page.get_by_role("tab", name="Journal").click()
    # Without a text the entry is refused, and what was typed stays in the form.
    page.get_by_label("Subject").fill("Call back")
    page.get_by_role("button", name="Add to the journal").click()
    wait_for_app(page)
    page.get_by_text("Text: This field is required.").wait_for()
    assert page.get_by_label("Subject").input_value() == "Call back"
    page.get_by_label("Text").fill("Called back; wants the digital meeting in March.")
    page.get_by_role("button", name="Add to the journal").click()
    wait_for_app(page)
    page.get_by_text("Added to the journal.").wait_for()
    screenshot(page, "casework-journal-added")
    # Saved: an empty form for the next entry (the first; the entry's own is below it).
    # Waited for: the message is drawn above the form, so it can show a moment before the
    # same run's emptied fields reach the browser.
    expect(page.get_by_label("Subject").first).to_have_value("")
    expect(page.get_by_label("Text").first).to_have_value("")

    with live_server.sessions() as session:
        entry = session.scalar(
            select(JournalEntry).where(JournalEntry.applicant_id == applicant_id)
        )
    assert entry is not None and entry.body == "Called back; wants the digital meeting in March."
    # Static 404s (e.g. a favicon) are the shell's business; script errors are ours.
    assert not [e for e in page.console_errors if not e.startswith("Failed to load resource")]
