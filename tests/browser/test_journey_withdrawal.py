"""Journey 2 in Chromium: a coordinator withdraws an applicant who holds the last seat of
an info meeting. The seat is freed, the first on the waitlist moves up and is told, and
the calendar cancellation is queued: the database is checked after each step."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Applicant, InfoMeeting, OutboxMessage, Registration, StaffUser, StageEvent
from recruitment.core._moves import record_sign_up
from recruitment.core.i18n import t
from recruitment.journey import _booking
from tests.browser.conftest import log_in, screenshot, wait_for_app


def en(key: str, **params) -> str:
    return t(key, "en", **params)


def _full_meeting(server, coordinator_username: str, tag: str) -> tuple[int, int, int]:
    """A one-seat meeting next week: Kari has the seat (and is the coordinator's, with a
    call-back asked for, so she is on the start page), Per is first on the waitlist."""
    with server.sessions.begin() as session:
        me = session.scalar(select(StaffUser).where(StaffUser.username == coordinator_username))
        meeting = InfoMeeting(
            starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=7),
            mode="in_person",
            address=f"Helsehuset {tag}",
            capacity=1,
        )
        session.add(meeting)
        session.flush()
        people = []
        for first in ("Kari", "Per"):
            applicant = Applicant(
                first_name=first,
                last_name=f"Trekk{tag}",
                email=f"{first.lower()}.{tag}@example.no",
                phone="+4791234567",
                postcode="1606",
                coordinator_id=me.id,
                callback_requested=first == "Kari",
            )
            record_sign_up(session=session, applicant=applicant, by_id=None)
            _booking.book_meeting(session=session, applicant_id=applicant.id, meeting_id=meeting.id)
            people.append(applicant.id)
    return meeting.id, people[0], people[1]


def _registration(session, applicant_id: int) -> Registration:
    return session.scalars(
        select(Registration).where(Registration.applicant_id == applicant_id)
    ).one()


def _mail(session, applicant_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.applicant_id == applicant_id)
            .order_by(OutboxMessage.id)
        )
    )


def test_a_coordinator_withdraws_a_booked_applicant_and_the_waitlist_moves_up(
    page, live_server, staff_accounts
):
    tag = uuid.uuid4().hex[:8]
    meeting_id, kari, per = _full_meeting(live_server, staff_accounts["coordinator"], tag)
    with live_server.sessions() as session:
        assert _registration(session, kari).status == "registered"
        assert _registration(session, per).status == "waitlisted"
        assert [m.kind for m in _mail(session, kari)] == ["booking_confirmation"]

    log_in(page, live_server, staff_accounts["coordinator"])
    page.get_by_role("heading", name=en("casework.home_mine_needing_action")).wait_for()
    page.get_by_role("link", name=f"Kari Trekk{tag} · {en('stages.meeting_booked')}").click()
    wait_for_app(page)
    page.get_by_role("heading", name=f"Kari Trekk{tag}").wait_for()

    page.get_by_role("tab", name=en("casework.tab_actions")).click()
    # By hand only the exits are offered from a booked stage; withdrawn comes first.
    expect(page.get_by_role("combobox", name=en("casework.move_to"))).to_be_visible()
    page.get_by_role("combobox", name=en("casework.move_reason")).click()
    page.get_by_role("option", name=en("reasons.no_time"), exact=True).click()
    wait_for_app(page)
    screenshot(page, "journey2-withdraw-form")
    page.get_by_role("button", name=en("casework.move_submit")).click()
    wait_for_app(page)
    expect(page.get_by_text(en("casework.moved"))).to_be_visible()
    screenshot(page, "journey2-withdrawn")

    with live_server.sessions() as session:
        assert session.get(Applicant, kari).stage == "withdrawn"
        last = session.scalars(
            select(StageEvent).where(StageEvent.applicant_id == kari).order_by(StageEvent.id.desc())
        ).first()
        assert (last.from_stage, last.to_stage, last.reason_code) == (
            "meeting_booked",
            "withdrawn",
            "no_time",
        )
        # The seat is free and went to the first on the waitlist.
        assert _registration(session, kari).status == "cancelled"
        assert _registration(session, per).status == "registered"
        assert _booking.seats_taken(session, meeting_id) == 1
        # Kari's calendar entry is withdrawn; Per is told he has a seat now.
        cancelled = _mail(session, kari)[-1]
        assert cancelled.kind == "booking_cancelled" and "METHOD:CANCEL" in cancelled.ics
        moved_up = _mail(session, per)[-1]
        assert moved_up.kind == "waitlist_moved_up" and "METHOD:REQUEST" in moved_up.ics
        assert session.get(Applicant, per).stage == "meeting_booked"
    assert not [e for e in page.console_errors if not e.startswith("Failed to load resource")]
