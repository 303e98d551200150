"""Journey 1 in Chromium, a coordinator's day: plan a meeting; three sign-ups (two on the
public page, one taken by phone); the meeting is held and attendance marked; an
interview; the checks, where a too-old politiattest is flagged and the contract refused
while a valid one is accepted; approval; and the placement started. The database is
checked after each step; screenshots go to artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import (
    Applicant,
    ApplicantCheck,
    InfoMeeting,
    Interview,
    JournalEntry,
    Placement,
    Registration,
    ServiceUser,
    StaffUser,
    StageEvent,
)
from recruitment.accounts.staff import actor_for
from recruitment.casework.call_list import call_list
from recruitment.core.i18n import t
from recruitment.core.timefmt import office_zone
from recruitment.core.timefmt import today as office_today
from tests.browser.conftest import (
    add_staff_accounts,
    click_table_row,
    fill,
    log_in,
    open_page,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of the journey's own: other browser tests plan meetings and sign people
    up on the shared one, and the journey's day must hold only its own."""
    server = start_server(tmp_path_factory.mktemp("journey1"))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def staff_accounts(live_server):
    return add_staff_accounts(live_server)


def en(key: str, **params) -> str:
    return t(key, "en", **params)


def go_to(page, name: str, url_pattern: str) -> None:
    """Follow a sidebar link (a fresh page load would not keep the logged-in session)."""
    for attempt in range(2):
        wait_for_app(page)
        page.get_by_role("link", name=name, exact=True).first.click()
        try:
            page.wait_for_url(url_pattern, timeout=5_000)
            break
        except Exception:
            if attempt:
                raise
    wait_for_app(page)


def choose(page, label: str, option: str | re.Pattern, *, typed: str | None = None) -> None:
    """Pick an option of a Streamlit select box (typing first narrows a long list)."""
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label).filter(visible=True).first
    wanted = page.get_by_role("option", name=option).first
    for attempt in range(3):
        box.click()
        if typed:
            box.fill(typed)
        try:
            wanted.wait_for(timeout=4_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wanted.click()
    wait_for_app(page)


def set_date(page, label: str, value: date) -> None:
    """Type a date into a date field's day, month and year segments."""
    field = page.get_by_label(label, exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(value.strftime("%d%m%Y"))
    page.keyboard.press("Tab")


def stages(session, applicant_id: int) -> list[str]:
    return [
        e.to_stage
        for e in session.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id)
        )
    ]


def public_sign_up(browser, server, *, option_text: str, first: str, last: str, email: str):
    """An applicant on the public page, in their own browser."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_page(page, server, "/", lang="en")
        page.get_by_text(option_text).first.click()
        values = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": "912 34 567",
            "postcode": "1606",
            "birth_year": "1961",
        }
        for field, value in values.items():
            page.get_by_label(
                f"{en(f'signup.{field}')} {en('common.required_mark')}", exact=True
            ).fill(value)
        page.get_by_role(
            "checkbox", name=re.compile(en("signup.consent_short") + "|I agree")
        ).check(force=True)
        page.get_by_role("button", name=en("signup.submit")).click()
        thanks = page.get_by_role("heading", name="Thank you for signing up!")
        thanks.wait_for()
        wait_for_app(page)
        expect(thanks).to_be_visible()
        screenshot(page, f"journey1-signed-up-{first}")
    finally:
        context.close()


def test_a_coordinators_day_from_planning_a_meeting_to_a_placement(
    page, browser, live_server, staff_accounts
):
    tag = uuid.uuid4().hex[:8]
    address = f"Helsehuset rom {tag}"
    log_in(page, live_server, staff_accounts["coordinator"])

    # 1. Plan an in-person meeting.
    go_to(page, "Information meetings", "**/meetings*")
    # The radio choice, not a cell of a meeting another test planned in the listing.
    page.get_by_test_id("stRadio").get_by_text(
        en("meetings.mode_in_person"), exact=True
    ).first.click()
    fill(page.get_by_label(en("meetings.address"), exact=True).first, address)
    page.get_by_role("button", name=en("meetings.save")).first.click()
    wait_for_app(page)
    expect(page.get_by_text(en("meetings.created"))).to_be_visible()
    screenshot(page, "journey1-meeting-planned")
    with live_server.sessions() as session:
        meeting = session.scalars(select(InfoMeeting).where(InfoMeeting.address == address)).one()
        meeting_id = meeting.id
        assert (meeting.mode, meeting.status, meeting.capacity) == ("in_person", "planned", 20)

    # 2. Three sign-ups: two on the public page, one taken by phone.
    option_text = address
    for first in ("Anne", "Bjørn"):
        public_sign_up(
            page.context.browser,
            live_server,
            option_text=option_text,
            first=first,
            last=f"Dag{tag}",
            email=f"{first.lower().replace('ø', 'o')}.{tag}@example.no",
        )
    go_to(page, "Phone sign-up", "**/phone-signup*")
    fill(page.get_by_label("First name (required)"), "Gunnar")
    fill(page.get_by_label("Last name (required)"), f"Dag{tag}")
    # No e-mail: the page is for people without a PC (a call is the default instead).
    fill(page.get_by_label("Phone (required)"), "91234568")
    fill(page.get_by_label("Postcode (required)"), "1606")
    fill(page.get_by_label("Birth year (required)"), "1950")
    choose(page, en("signup.meeting"), re.compile(re.escape(tag)), typed=tag)
    page.get_by_text(en("phone_signup.consent")).click()
    page.get_by_role("button", name=en("phone_signup.submit")).click()
    wait_for_app(page)
    expect(page.get_by_text(f"Gunnar Dag{tag} has been registered.")).to_be_visible()
    screenshot(page, "journey1-phone-sign-up")
    with live_server.sessions() as session:
        people = {
            a.first_name: a
            for a in session.scalars(select(Applicant).where(Applicant.last_name == f"Dag{tag}"))
        }
        assert sorted(people) == ["Anne", "Bjørn", "Gunnar"]
        assert {a.source for a in people.values()} == {"website", "phone"}
        assert all(a.area == "Fredrikstad" for a in people.values())
        seats = session.scalars(select(Registration).where(Registration.meeting_id == meeting_id))
        assert sorted((r.applicant_id, r.status) for r in seats) == sorted(
            (a.id, "registered") for a in people.values()
        )
        assert all(a.stage == "meeting_booked" for a in people.values())
        gunnar = people["Gunnar"].id
        # Gunnar has no e-mail: he is phoned the day before his meeting (on the call
        # list of today when the meeting is tomorrow), and his journal says so.
        assert people["Gunnar"].email is None
        assert people["Gunnar"].call_consent_at is not None
        coordinator = actor_for(
            session.scalars(
                select(StaffUser).where(StaffUser.username == staff_accounts["coordinator"])
            ).one()
        )
        meeting_day = office_today(meeting.starts_at, office_zone(session))
        listed = call_list(session=session, actor=coordinator, day=meeting_day - timedelta(days=1))
        assert [(r.applicant_id, r.why) for r in listed if r.meeting_id == meeting_id] == [
            (gunnar, "chose_call")
        ]
        if meeting_day == office_today(None, office_zone(session)) + timedelta(days=1):
            listed_today = call_list(session=session, actor=coordinator)
            assert gunnar in {r.applicant_id for r in listed_today}
        notes = session.scalars(
            select(JournalEntry).where(JournalEntry.applicant_id == gunnar)
        ).all()
        assert t("phone_signup.journal_call", people["Gunnar"].language) in {
            note.subject for note in notes
        }

    # 3. The meeting is held (time passes: it began an hour ago) and attendance is marked.
    held_at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    with live_server.sessions.begin() as session:
        session.get(InfoMeeting, meeting_id).starts_at = held_at
    go_to(page, "Information meetings", "**/meetings*")
    # Held today: it stays among today's and upcoming meetings until the day is over.
    # A meeting opens by selecting its row (the journey has a server of its own, so its
    # meeting is the first row of the upcoming ones).
    expect(page.get_by_text(en("meetings.open_hint")).first).to_be_visible()
    listing = page.get_by_test_id("stDataFrame").first
    top = listing.bounding_box()
    page.mouse.click(top["x"] + 17, top["y"] + 36 + 35 * 0.5)
    page.wait_for_url(f"**/meeting?id={meeting_id}*")
    wait_for_app(page)
    expect(page.get_by_text(address).first).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    row_height, header_height = 35, 36
    for row in range(3):
        page.mouse.click(box["x"] + 69, box["y"] + header_height + row_height * (row + 0.5))
        page.wait_for_timeout(300)
    page.get_by_role("button", name=en("meetings.save_attendance")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("meetings.attendance_saved", attended=3, no_show=0))).to_be_visible()
    screenshot(page, "journey1-attendance")
    with live_server.sessions() as session:
        seats = session.scalars(select(Registration).where(Registration.meeting_id == meeting_id))
        assert {r.status for r in seats} == {"attended"}
        assert session.get(Applicant, gunnar).stage == "meeting_attended"

    # 4. Gunnar's interview.
    choose(page, en("meetings.open_applicant"), re.compile("Gunnar"), typed="Gunnar")
    page.get_by_role("link", name=en("meetings.open_applicant")).click()
    page.wait_for_url(f"**/applicant?id={gunnar}*")
    wait_for_app(page)
    page.get_by_role("tab", name=en("casework.tab_checks")).click()
    fill(page.get_by_label(en("interviews.place"), exact=True), "Rådhuset, rom 4")
    page.get_by_role("button", name=en("interviews.schedule")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("interviews.scheduled"))).to_be_visible()
    page.get_by_text(en("interviews.outcome_recommend"), exact=True).click()
    page.get_by_role("button", name=en("interviews.record")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("interviews.recorded"))).to_be_visible()
    screenshot(page, "journey1-interview")
    with live_server.sessions() as session:
        assert session.get(Applicant, gunnar).stage == "interviewed"
        interview = session.scalars(select(Interview).where(Interview.applicant_id == gunnar)).one()
        assert (interview.outcome, interview.place) == ("recommend", "Rådhuset, rom 4")

    # 5. Checks: a politiattest from 1 January 2024 is flagged at once, and the contract
    # is refused against it; a new one is accepted, and then everything else.
    today = date.today()

    def record_check(kind: str, **dates: date) -> None:
        choose(page, en("checks.kind"), en(f"checks.{kind}"), typed=en(f"checks.{kind}"))
        for label, value in dates.items():
            set_date(page, en(f"checks.{label}"), value)
        page.get_by_role("button", name=en("checks.save")).click()
        wait_for_app(page)

    record_check("police_certificate", issued_on=date(2024, 1, 1), seen_on=date(2024, 1, 2))
    expect(page.get_by_text(en("checks.police_too_old", until=date(2024, 4, 1)))).to_be_visible()
    screenshot(page, "journey1-old-certificate")
    record_check("contract", completed_on=today)
    expect(
        page.get_by_text(re.compile("more than 3 months before the contract date"))
    ).to_be_visible()
    with live_server.sessions() as session:
        kinds = session.scalars(
            select(ApplicantCheck.kind).where(ApplicantCheck.applicant_id == gunnar)
        ).all()
        assert kinds == ["police_certificate"]
    record_check(
        "police_certificate",
        issued_on=today - timedelta(days=10),
        seen_on=today - timedelta(days=2),
    )
    usable_until = today - timedelta(days=10) + relativedelta(months=3)
    expect(page.get_by_text(en("checks.police_usable_until", until=usable_until))).to_be_visible()
    for kind in ("reference_1", "reference_2", "declaration", "contract", "training"):
        record_check(kind, completed_on=today)
        expect(page.get_by_text(en("checks.saved"))).to_be_visible()
    screenshot(page, "journey1-checks-done")
    with live_server.sessions() as session:
        police = session.scalars(
            select(ApplicantCheck).where(
                ApplicantCheck.applicant_id == gunnar, ApplicantCheck.kind == "police_certificate"
            )
        ).one()
        assert police.issued_on == today - timedelta(days=10)
        assert session.get(Applicant, gunnar).stage == "interviewed"

    # 6. Approval.
    page.get_by_role("button", name=en("checks.approve")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("checks.approved"))).to_be_visible()
    with live_server.sessions() as session:
        assert session.get(Applicant, gunnar).stage == "approved"

    # 7. The placement starts, from a waiting service user's record.
    with live_server.sessions.begin() as session:
        user = ServiceUser(
            case_ref=f"SAK-{tag}",
            age_group="elderly",
            postcode="1606",
            area="Fredrikstad",
            hours_per_month=6,
            waiting_since=today - timedelta(days=30),
            status="waiting",
            interests=[],
            languages=[],
            preferences={},
        )
        session.add(user)
        session.flush()
        user_id = user.id
    go_to(page, "Service users", "**/service-users*")
    # The list comes a page at a time, longest waiting first: search, then pick the row.
    search = page.get_by_role("textbox", name=en("service_users.search"))
    search.fill(f"SAK-{tag}")
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(en("service_users.count", count=1, page=1, pages=1))).to_be_visible()
    click_table_row(page, 0)
    page.wait_for_url(f"**/service-user?id={user_id}*")
    wait_for_app(page)
    choose(page, en("matching.choose"), re.compile(f"Gunnar Dag{tag}"), typed="Gunnar")
    page.get_by_text(en("matching.start_now")).click()
    page.get_by_role("button", name=en("matching.propose")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("placements.started")).first).to_be_visible()
    screenshot(page, "journey1-placed")
    with live_server.sessions() as session:
        placement = session.scalars(select(Placement).where(Placement.applicant_id == gunnar)).one()
        assert (placement.service_user_id, placement.status) == (user_id, "active")
        assert session.get(Applicant, gunnar).stage == "placed"
        assert stages(session, gunnar) == [
            "signed_up",
            "meeting_booked",
            "meeting_attended",
            "interview_scheduled",
            "interviewed",
            "approved",
            "placed",
        ]
