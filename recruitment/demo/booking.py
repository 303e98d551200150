"""Booking an info meeting: choosing one, the registration, and what happens to the seat
before the meeting (a waitlist that never clears, or a cancellation by either side)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from db.models import Registration, RegistrationStatus, Stage
from recruitment.demo.life import Next, Story, leave
from recruitment.demo.meetings import Calendar, Meeting
from recruitment.demo.world import World

# Plain strings, looked up once: on Python 3.11 an enum member's `.value` is a Python-level
# property call, and booking is the hottest step of the simulation.
_SIGNED_UP = Stage.SIGNED_UP.value
_MEETING_BOOKED = Stage.MEETING_BOOKED.value
_REGISTERED = RegistrationStatus.REGISTERED.value
_WAITLISTED = RegistrationStatus.WAITLISTED.value


def book(world: World, calendar: Calendar, story: Story) -> tuple[Meeting, dict[str, Any]] | None:
    """Book a meeting after `story.t`; the meeting and the registration, or None if the
    applicant never books (or not by today)."""
    rng = world.rng
    life = story.life
    if life.stage == _SIGNED_UP and rng.random() < 0.12:
        if rng.random() < 0.5:
            leave(
                world,
                life,
                "withdrawn",
                story.t + timedelta(days=rng.uniform(5, 60)),
                story.coord if story.assigned else None,
                rng.choice(("no_response", "changed_mind", "no_time")),
            )
        return None
    booked_at = story.t + timedelta(hours=rng.expovariate(1 / 40))
    if booked_at >= world.now:
        return None
    key = (
        "combined"
        if story.in_person_only and rng.random() < 0.4
        else ("in_person" if story.in_person_only or rng.random() < 0.42 else "digital")
    )
    meeting = calendar.find(rng, key, booked_at, story.seen)
    if meeting is None and key != "in_person":
        meeting = calendar.find(rng, "in_person", booked_at, story.seen)
    if meeting is None:
        return None
    story.seen.add(meeting.id)
    by = story.coord if key == "combined" else None
    if life.stage == _SIGNED_UP:
        booked_at = life.move(_MEETING_BOOKED, booked_at, by)
    if key == "combined":
        story.assigned = True
    status = _REGISTERED
    if meeting.booked >= meeting.capacity:
        status = _WAITLISTED
    if status == _REGISTERED:
        meeting.booked += 1
    registration = {
        "applicant_id": life.applicant_id,
        "meeting_id": meeting.id,
        "status": status,
        "ics_uid": "",
        "ics_sequence": 0,
        "created_at": booked_at,
        "updated_at": booked_at,
        "queued_at": booked_at,
        "cancelled_at": None,
        "attended_marked_at": None,
    }
    reg_id = world.add(Registration.__table__, registration)
    registration["ics_uid"] = f"verve-demo-registration-{reg_id}@verve.example"
    if rng.random() < 0.5:
        world.journal(
            life.applicant_id,
            booked_at,
            "email",
            "Bekreftelse på påmelding",
            "Bekreftelse med kalenderinvitasjon sendt.",
            None,
        )
    return meeting, registration


def keep_the_seat(
    world: World, story: Story, meeting: Meeting, registration: dict[str, Any]
) -> Next:
    """Until the meeting starts: Next.ON if the applicant is there with a seat when it does."""
    rng = world.rng
    life = story.life
    past = meeting.starts_at < world.now
    if registration["status"] == _WAITLISTED:
        if not past:
            return Next.STOP
        story.t = meeting.starts_at  # the meeting passed without a seat; book another
        return Next.REBOOK
    # The office cancelled the meeting: everyone is moved back and may rebook.
    if meeting.cancelled_at is not None:
        registration.update(
            status="cancelled",
            cancelled_at=meeting.cancelled_at,
            updated_at=meeting.cancelled_at,
            ics_sequence=1,
        )
        story.t = life.move(_SIGNED_UP, meeting.cancelled_at, None)
        return Next.REBOOK
    # The applicant cancelled themselves (or rebooked, which starts the same way).
    if rng.random() < 0.06:
        booked_at = registration["created_at"]
        cancel_at = booked_at + (meeting.starts_at - booked_at) * rng.uniform(0.2, 0.9)
        if cancel_at < world.now:
            meeting.booked -= 1
            registration.update(
                status="cancelled",
                cancelled_at=cancel_at,
                updated_at=cancel_at,
                ics_sequence=1,
            )
            story.t = life.move(_SIGNED_UP, cancel_at, None)
            if rng.random() < 0.5:
                return Next.REBOOK
            leave(
                world,
                life,
                "withdrawn",
                story.t + timedelta(days=rng.uniform(1, 20)),
                None,
                rng.choice(("no_time", "changed_mind")),
            )
            return Next.STOP
    return Next.ON if past else Next.STOP
