"""The applicant's journey in a real browser: sign up for a digital and an in-person
meeting, the confirmation, the personal page (cancel, rebook), bad input, and axe."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Applicant, InfoMeeting, Registration
from recruitment.core.i18n import t
from recruitment.core.timefmt import format_when
from tests.browser.conftest import axe_violations, open_page, screenshot, wait_for_app

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def meetings(live_server, staff_accounts) -> dict[str, int]:
    """A digital, a second digital and an in-person meeting in the coming weeks."""
    base = datetime.now(UTC).replace(hour=16, minute=0, second=0, microsecond=0) + timedelta(
        days=10
    )
    made = {}
    with live_server.sessions.begin() as session:
        for name, days, mode in (
            ("digital", 0, "digital"),
            ("later", 7, "digital"),
            ("in_person", 3, "in_person"),
        ):
            meeting = InfoMeeting(
                starts_at=base + timedelta(days=days),
                mode=mode,
                join_url="https://teams.example.com/meet/verve" if mode == "digital" else None,
                address="Helsehuset, Storgata 1, Fredrikstad" if mode == "in_person" else None,
                capacity=500,
            )
            session.add(meeting)
            session.flush()
            made[name] = meeting.id
    return made


def meeting_option(live_server, meeting_id: int, lang: str) -> str:
    with live_server.sessions() as session:
        meeting = session.get(InfoMeeting, meeting_id)
        return f"{format_when(meeting.starts_at, lang)} – {t(f'booking.mode_{meeting.mode}', lang)}"


def required(field: str, lang: str) -> str:
    return f"{t(f'signup.{field}', lang)} {t('common.required_mark', lang)}"


def fill_form(
    page, live_server, *, lang: str, meeting_id: int | None, email: str, **changes
) -> None:
    if meeting_id is not None:
        page.get_by_text(meeting_option(live_server, meeting_id, lang)).click()
    values = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": email,
        "phone": "912 34 567",
        "postcode": "1606",
        "birth_year": "1958",
    }
    values.update(changes)
    for field, value in values.items():
        page.get_by_label(required(field, lang), exact=True).fill(value)
    page.get_by_role(
        "checkbox",
        name=re.compile(
            t("signup.consent_short", lang) + "|" + ("I agree" if lang == "en" else "Jeg godtar")
        ),
    ).check(force=True)


def submit(page, lang: str) -> None:
    page.get_by_role("button", name=t("signup.submit", lang)).click()
    page.wait_for_timeout(300)
    wait_for_app(page)


def unique_email() -> str:
    return f"browser{next(_numbers)}-{datetime.now().timestamp():.0f}@example.no"


def open_my_page_from_the_mail(page, live_server, email: str, lang: str = "en") -> None:
    """What the applicant does next: open the personal link from the message (the
    thank-you page shows none, so it cannot tell a registered address from a new one)."""
    from db.models import OutboxMessage

    with live_server.sessions() as session:
        applicant = session.scalars(select(Applicant).where(Applicant.email == email)).one()
        body = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.applicant_id == applicant.id)
        ).first()
    token = re.search(r"token=([A-Za-z0-9_-]+)", body).group(1)
    open_page(page, live_server, "/my-page", token=token, lang=lang)


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_sign_up_for_a_digital_meeting_then_cancel_and_rebook_from_my_page(
    page, live_server, meetings
):
    open_page(page, live_server, "/", lang="en")
    email = unique_email()
    fill_form(page, live_server, lang="en", meeting_id=meetings["digital"], email=email)
    submit(page, "en")

    expect(page.get_by_role("heading", name="Thank you for signing up!")).to_be_visible()
    expect(page.get_by_text("We have sent you a message.")).to_be_visible()

    open_my_page_from_the_mail(page, live_server, email)
    expect(page.get_by_role("heading", name="Hello, Kari!")).to_be_visible()
    expect(page.get_by_text("You are signed up for an information meeting.")).to_be_visible()
    # A seat: the real join link is shown, not "link sent by e-mail".
    expect(page.get_by_text("https://teams.example.com/meet/verve")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download calendar invitation (.ics)").click()
    ics = open(download.value.path(), encoding="utf-8").read()
    assert "BEGIN:VCALENDAR" in ics and "TZID:Europe/Oslo" in ics and "METHOD:REQUEST" in ics

    def my_registrations():
        with live_server.sessions() as session:
            applicant = session.scalars(select(Applicant).where(Applicant.email == email)).one()
            return session.scalars(
                select(Registration).where(Registration.applicant_id == applicant.id)
            ).all()

    [booked] = my_registrations()

    # Rebook: the same booking moves, and the calendar entry is updated (same UID).
    page.get_by_text(meeting_option(live_server, meetings["later"], "en")).click()
    page.get_by_role("button", name="Book this meeting").click()
    done = page.get_by_text("Done. We have sent you an e-mail")
    done.wait_for()
    wait_for_app(page)
    expect(done).to_be_visible()
    [moved] = my_registrations()
    assert (moved.id, moved.ics_uid, moved.meeting_id, moved.ics_sequence) == (
        booked.id,
        booked.ics_uid,
        meetings["later"],
        1,
    )

    # Cancel, after being asked.
    page.get_by_role("button", name="Cancel my place").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, cancel").click()
    wait_for_app(page)
    expect(page.get_by_text("Your place is cancelled.")).to_be_visible()
    [cancelled] = my_registrations()
    assert (cancelled.status, cancelled.ics_sequence) == ("cancelled", 2)


def test_sign_up_for_an_in_person_meeting_in_bokmal_shows_the_address(page, live_server, meetings):
    open_page(page, live_server, "/")
    email = unique_email()
    fill_form(
        page,
        live_server,
        lang="nb",
        meeting_id=meetings["in_person"],
        email=email,
        first_name="Per",
    )
    submit(page, "nb")
    expect(page.get_by_role("heading", name="Takk for påmeldingen!")).to_be_visible()
    open_my_page_from_the_mail(page, live_server, email, lang="nb")
    expect(page.get_by_text("Helsehuset, Storgata 1, Fredrikstad").first).to_be_visible()
    expect(page.get_by_text("Fysisk møte").first).to_be_visible()


def test_invalid_input_shows_the_errors_next_to_the_fields_and_saves_nothing(
    page, live_server, meetings
):
    open_page(page, live_server, "/", lang="en")
    email = "not-an-address"
    fill_form(
        page,
        live_server,
        lang="en",
        meeting_id=meetings["digital"],
        email=email,
        postcode="16",
        birth_year="2020",
    )
    submit(page, "en")
    expect(
        page.get_by_text("Enter a valid e-mail address, for example name@example.com.")
    ).to_be_visible()
    expect(page.get_by_text("The postcode must have four digits.")).to_be_visible()
    expect(page.get_by_text("You must be at least 18 to become a support contact.")).to_be_visible()
    # What was typed is still there.
    assert page.get_by_label(required("email", "en"), exact=True).input_value() == email
    with live_server.sessions() as session:
        assert session.scalars(select(Applicant).where(Applicant.email == email)).first() is None
    screenshot(page, "signup-errors-en")


def test_script_in_a_name_is_shown_as_text_on_my_page(page, live_server, meetings):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, live_server, "/", lang="en")
    email = unique_email()
    fill_form(
        page,
        live_server,
        lang="en",
        meeting_id=meetings["digital"],
        email=email,
        first_name="<img src=x onerror=alert(1)>",
    )
    submit(page, "en")
    open_my_page_from_the_mail(page, live_server, email)
    expect(page.get_by_text("Hello, <img src=x onerror=alert(1)>!")).to_be_visible()
    assert dialogs == []


def test_an_unknown_link_shows_a_friendly_message(page, live_server, staff_accounts):
    open_page(page, live_server, "/my-page", token="x" * 43, lang="en")
    expect(page.get_by_text("We could not find your link.")).to_be_visible()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_sign_up_page_has_no_serious_accessibility_violations_and_is_captured(
    page, live_server, meetings, lang
):
    open_page(page, live_server, "/", lang=lang)
    screenshot(page, f"signup-{lang}")
    assert_accessible(page, f"sign-up ({lang})")


def test_the_confirmation_and_my_page_have_no_serious_accessibility_violations(
    page, live_server, meetings
):
    open_page(page, live_server, "/", lang="en")
    email = unique_email()
    fill_form(page, live_server, lang="en", meeting_id=meetings["digital"], email=email)
    submit(page, "en")
    screenshot(page, "confirmation-en")
    assert_accessible(page, "confirmation")
    open_my_page_from_the_mail(page, live_server, email)
    screenshot(page, "my-page-en")
    assert_accessible(page, "self-service")


def test_a_double_click_on_send_signs_up_once(page, live_server, meetings):
    from sqlalchemy import func

    from db.models import OutboxMessage

    open_page(page, live_server, "/", lang="en")
    email = unique_email()
    fill_form(page, live_server, lang="en", meeting_id=meetings["digital"], email=email)
    page.get_by_role("button", name=t("signup.submit", "en")).dblclick()
    thanks = page.get_by_role("heading", name="Thank you for signing up!")
    thanks.wait_for()
    wait_for_app(page)
    expect(thanks).to_be_visible()
    with live_server.sessions() as session:
        applicants = session.scalars(select(Applicant).where(Applicant.email == email)).all()
        assert len(applicants) == 1
        messages = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.applicant_id == applicants[0].id)
        )
        assert messages == 1


def test_the_personal_link_swaps_its_token_for_a_cookie_and_a_clean_address(
    page, live_server, meetings
):
    from db.models import OutboxMessage
    from recruitment.core.links import fill_public_url

    email = unique_email()
    open_page(page, live_server, "/", lang="en")
    fill_form(page, live_server, lang="en", meeting_id=meetings["digital"], email=email)
    submit(page, "en")
    # The personal link as the mail worker writes it into the message (the thank-you
    # page shows none), under this server's address.
    with live_server.sessions() as session:
        applicant = session.scalars(select(Applicant).where(Applicant.email == email)).one()
        body = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.applicant_id == applicant.id)
        ).first()
    link = re.search(r"\S+/my-page\?\S*token=\S+", fill_public_url(live_server.url, body))
    assert link and link.group(0).startswith(live_server.url)
    # As from an e-mail: a fresh page load of the personal link.
    page.goto(link.group(0))
    wait_for_app(page)
    assert "token" not in page.url
    expect(page.get_by_text("Hello,").first).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "verve_self_service")
    assert cookie["httpOnly"]
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Hello,").first).to_be_visible()
    assert "token=" not in live_server.log.read_text()
