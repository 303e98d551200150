"""The call list in Chromium, as a coordinator uses it: someone who phoned in without an
e-mail address is booked for tomorrow's meeting; the coordinator opens "Ringeliste"
from the sidebar, sees the number and the meeting, records "no answer"; the next day
the person is listed again with that call, and "reached" takes them off. The journal
and `call_outcome` are checked in the database after each click; screenshots in
bokmål and English go to artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import (
    Applicant,
    CallOutcome,
    InfoMeeting,
    JournalEntry,
    MeetingMode,
    Registration,
    StaffUser,
)
from recruitment.accounts.staff import actor_for
from recruitment.core.i18n import t
from recruitment.core.timefmt import office_zone, today
from recruitment.journey.applicants import register_caller
from tests.browser.conftest import (
    add_staff_accounts,
    fill,
    log_in,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)
from tests.browser.test_every_page_browser import english_and_codes


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of its own, so the list holds only this test's people."""
    server = start_server(tmp_path_factory.mktemp("call_list"))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def staff_accounts(live_server):
    return add_staff_accounts(live_server)


def open_call_list(page, lang: str) -> None:
    """Through the sidebar, as a coordinator would (not a typed address)."""
    name = t("call_list.nav_title", lang)
    for attempt in range(2):
        wait_for_app(page)
        page.get_by_role("link", name=name, exact=True).first.click()
        try:
            page.wait_for_url("**/call-list*", timeout=5_000)
            break
        except Exception:
            if attempt:
                raise
    wait_for_app(page)
    expect(page.get_by_role("heading", name=t("call_list.title", lang))).to_be_visible()


def card(page):
    """The bordered box of the call being made (the first on the list, unless chosen)."""
    return page.locator(".st-key-call_card")


def outcomes(server, applicant_id: int) -> list[tuple[str, str, str, str]]:
    """(outcome, journal channel, journal subject, journal body) of each call, oldest first."""
    with server.sessions() as session:
        rows = session.execute(
            select(
                CallOutcome.outcome, JournalEntry.channel, JournalEntry.subject, JournalEntry.body
            )
            .join(JournalEntry, JournalEntry.id == CallOutcome.journal_entry_id)
            .where(CallOutcome.applicant_id == applicant_id)
            .order_by(CallOutcome.id)
        ).all()
    return [tuple(r) for r in rows]


def test_a_phone_sign_up_without_e_mail_is_called_from_the_list_and_the_outcome_is_journalled(
    browser, live_server, staff_accounts
):
    tag = uuid.uuid4().hex[:6]
    with live_server.sessions.begin() as session:
        coordinator = actor_for(
            session.scalars(
                select(StaffUser).where(StaffUser.username == staff_accounts["coordinator"])
            ).one()
        )
        zone = office_zone(session)
        tomorrow = today(None, zone) + timedelta(days=1)
        meeting = InfoMeeting(
            starts_at=datetime.combine(tomorrow, time(18, 0), tzinfo=zone),
            mode=MeetingMode.IN_PERSON.value,
            address=f"Helsehuset rom {tag}",
            capacity=20,
        )
        session.add(meeting)
        session.flush()
        result = register_caller(
            session=session,
            actor=coordinator,
            raw={
                "first_name": "Gunnar",
                "last_name": f"Ring{tag}",
                "phone": "912 34 568",
                "postcode": "1606",
                "birth_year": 1950,
                "consent": True,
                "channels": ["call"],
                "instead_of_email": "call",
            },
            meeting_id=meeting.id,
        )
        gunnar = result.applicant_id
        assert session.get(Applicant, gunnar).email is None
        session.scalars(  # booked on the meeting: one seat
            select(Registration.id).where(Registration.applicant_id == gunnar)
        ).one()
    name = f"Gunnar Ring{tag}"

    # Today (the day before the meeting), in English: no answer.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        log_in(page, live_server, staff_accounts["coordinator"], lang="en")
        open_call_list(page, "en")
        person = card(page)
        expect(person).to_contain_text(name)
        # The number as one dials it, and a link that does.
        expect(person.get_by_role("link", name="912 34 568")).to_have_attribute(
            "href", "tel:+4791234568"
        )
        expect(person).to_contain_text("at 18:00")
        expect(person).to_contain_text(f"Helsehuset rom {tag}")
        expect(page.get_by_role("heading", name=re.compile("Meetings tomorrow"))).to_be_visible()
        screenshot(page, "call-list-en")
        person.get_by_role("button", name=t("call_list.outcome_no_answer", "en")).click()
        wait_for_app(page)
        expect(page.get_by_text(t("call_list.recorded", "en", name=name))).to_be_visible()
        expect(card(page)).to_have_count(0)  # off the list for today
        expect(page.get_by_text(re.compile(f"{name} · No answer"))).to_be_visible()
        expect(page.get_by_text(t("call_list.all_done", "en"))).to_be_visible()
        screenshot(page, "call-list-en-after-no-answer")
    finally:
        context.close()
    [first] = outcomes(live_server, gunnar)
    assert first[:3] == ("no_answer", "phone", t("call_list.journal_no_answer", "nb"))

    # The next day: the no answer was yesterday, so Gunnar is on the list again.
    with live_server.sessions.begin() as session:
        for call in session.scalars(select(CallOutcome).where(CallOutcome.applicant_id == gunnar)):
            call.at -= timedelta(days=1)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        log_in(page, live_server, staff_accounts["coordinator"], lang="nb")
        open_call_list(page, "nb")
        person = card(page)
        expect(person).to_contain_text("912 34 568")
        expect(person).to_contain_text("kl. 18.00")
        # Yesterday's call is shown with it.
        expect(person).to_contain_text(t("call_list.outcome_no_answer", "nb"))
        fill(person.get_by_label(t("call_list.note", "nb")), "Kommer, trenger skyss")
        # Streamlit's hint under the field being typed in is in bokmål too.
        expect(person.get_by_text("Trykk Enter for å bruke")).to_be_visible()
        assert english_and_codes(page) == []
        screenshot(page, "call-list-nb-next-day")
        person.get_by_role("button", name=t("call_list.outcome_reached", "nb")).click()
        wait_for_app(page)
        expect(page.get_by_text(t("call_list.recorded", "nb", name=name))).to_be_visible()
        screenshot(page, "call-list-nb-after-reached")
    finally:
        context.close()
    calls = outcomes(live_server, gunnar)
    assert [c[:3] for c in calls] == [
        ("no_answer", "phone", t("call_list.journal_no_answer", "nb")),
        ("reached", "phone", t("call_list.journal_reached", "nb")),
    ]
    assert calls[1][3].endswith("\nKommer, trenger skyss")
    with live_server.sessions() as session:
        from recruitment.casework.call_list import call_list

        assert gunnar not in {r.applicant_id for r in call_list(session=session, actor=coordinator)}
