"""The life of one applicant through the pipeline: sign-up, then rounds of booking an
info meeting and going to it (or not), the interview, the checks and placements, and
now and then a return after withdrawing. Every step stops where its next event would lie
after today."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from db.models import Evaluation, MeetingMode, Stage
from recruitment.core.pipeline import REOPEN_REASON
from recruitment.demo.booking import book, keep_the_seat
from recruitment.demo.checks import approve
from recruitment.demo.interviews import interview_path, record_interview, schedule_interview
from recruitment.demo.life import Life, Next, Story, leave
from recruitment.demo.meetings import Calendar, Meeting
from recruitment.demo.people import Names, applicant_row, draw_person
from recruitment.demo.placements import place
from recruitment.demo.reminders import NO_SHOW_FACTOR, remind
from recruitment.demo.service_users import Demand
from recruitment.demo.world import World

_ATTENDANCE = {MeetingMode.DIGITAL.value: 0.84, MeetingMode.IN_PERSON.value: 0.76, "combined": 0.92}
# Digital meetings are rated a little lower and have more technical trouble, so the
# digital-versus-in-person page has a real (if modest) difference to show.
_RATING_WEIGHTS = {
    MeetingMode.DIGITAL.value: (3, 7, 20, 42, 28),
    MeetingMode.IN_PERSON.value: (2, 4, 12, 40, 42),
}
_TECH_PROBLEMS = {MeetingMode.DIGITAL.value: 0.14, MeetingMode.IN_PERSON.value: 0.02}
_GOT_INFO = {MeetingMode.DIGITAL.value: 0.88, MeetingMode.IN_PERSON.value: 0.94}
_COMMENTS = {
    MeetingMode.DIGITAL.value: (
        "Greit å slippe å reise.",
        "Lyden falt ut et par ganger.",
        "Fint møte, men vanskelig å stille spørsmål.",
        "Klar informasjon om hva oppdraget innebærer.",
        "Kunne gjerne vært litt kortere.",
    ),
    MeetingMode.IN_PERSON.value: (
        "Hyggelig å møte andre som vil bli støttekontakt.",
        "God tid til spørsmål.",
        "Vanskelig å finne parkering.",
        "Nyttig å høre erfaringer fra en som er støttekontakt i dag.",
        "Veldig godt informasjonsmøte.",
    ),
}


def sign_up(
    world: World,
    names: Names,
    coordinators: list[int],
    calendar: Calendar,
    demand: Demand,
    life: Life,
    created: datetime,
) -> dict[str, Any]:
    """A new applicant signing up at `created` and living their story; their row."""
    person = draw_person(world.rng, names, coordinators, created)
    phoned = person.source == "phone"
    life.move(Stage.SIGNED_UP.value, created, person.coordinator if phoned else None)
    if phoned:
        world.journal(
            life.applicant_id,
            created,
            "phone",
            "Ringte inn",
            "Registrerte interesse over telefon.",
            person.coordinator,
        )
    story = Story(life, person.coordinator, person.prefers_phone, phoned, created)
    live(world, coordinators, calendar, demand, story)
    return applicant_row(world.rng, life.applicant_id, person, created, life, story.assigned)


def live(
    world: World, coordinators: list[int], calendar: Calendar, demand: Demand, story: Story
) -> None:
    """Simulate one applicant from sign-up onwards, one booking round after another."""
    while _round(world, coordinators, calendar, demand, story) is Next.REBOOK:
        pass


def _round(
    world: World, coordinators: list[int], calendar: Calendar, demand: Demand, story: Story
) -> Next:
    """One booked meeting and everything that follows from it."""
    booking = book(world, calendar, story)
    if booking is None:
        return Next.STOP
    meeting, registration = booking
    after = keep_the_seat(world, story, meeting, registration)
    if after is not Next.ON:
        return after
    after = _attend(world, story, meeting, registration)
    if after is not Next.ON:
        return after
    return _after_the_meeting(world, coordinators, demand, story, meeting)


def _attend(world: World, story: Story, meeting: Meeting, registration: dict[str, Any]) -> Next:
    """The meeting itself: attended (and now and then evaluated), or missed."""
    rng = world.rng
    story.assigned = True
    mode_key = "combined" if meeting.kind == "combined" else meeting.mode
    reminded = remind(world, story.life.applicant_id, story.in_person_only, meeting, registration)
    misses = (1 - _ATTENDANCE[mode_key]) * NO_SHOW_FACTOR[reminded]
    if rng.random() < misses:
        return _no_show(world, story, meeting, registration)
    marked = meeting.ends_at + timedelta(minutes=rng.randint(5, 240))
    registration.update(status="attended", attended_marked_at=marked, updated_at=marked)
    story.t = story.life.move(Stage.MEETING_ATTENDED.value, meeting.ends_at, story.coord)
    if rng.random() < 0.55:
        _evaluate(world, story.life.applicant_id, meeting, story.t)
    return Next.ON


def _no_show(world: World, story: Story, meeting: Meeting, registration: dict[str, Any]) -> Next:
    """A missed meeting: rejected after the second, else a call, another booking, or silence."""
    rng = world.rng
    life = story.life
    registration.update(status="no_show", updated_at=meeting.ends_at)
    story.no_shows += 1
    story.t = t = meeting.ends_at
    if story.no_shows >= 2:
        leave(
            world,
            life,
            "rejected",
            t + timedelta(days=rng.uniform(2, 10)),
            story.coord,
            "no_show_repeated",
        )
        return Next.STOP
    roll = rng.random()
    if roll < 0.35:
        world.journal(
            life.applicant_id,
            t + timedelta(days=1),
            "phone",
            "Uteblivelse",
            "Ringte etter at søkeren uteble fra informasjonsmøtet.",
            story.coord,
        )
        leave(
            world,
            life,
            "withdrawn",
            t + timedelta(days=rng.uniform(3, 30)),
            story.coord,
            "no_response",
        )
        return Next.STOP
    if roll < 0.8:
        return Next.REBOOK  # books another meeting, still in meeting_booked
    return Next.STOP  # stuck in meeting_booked


def _evaluate(world: World, applicant_id: int, meeting: Meeting, ended: datetime) -> None:
    """The applicant's evaluation of the meeting, some hours or days after it."""
    rng = world.rng
    at = ended + timedelta(hours=rng.uniform(1, 72))
    if at >= world.now:
        return
    mode = meeting.mode
    world.add(
        Evaluation.__table__,
        {
            "applicant_id": applicant_id,
            "meeting_id": meeting.id,
            "rating": rng.choices((1, 2, 3, 4, 5), weights=_RATING_WEIGHTS[mode])[0],
            "got_information": rng.random() < _GOT_INFO[mode],
            "technical_problems": rng.random() < _TECH_PROBLEMS[mode],
            "comment": rng.choice(_COMMENTS[mode]) if rng.random() < 0.2 else None,
            "created_at": at,
        },
    )


def _after_the_meeting(
    world: World, coordinators: list[int], demand: Demand, story: Story, meeting: Meeting
) -> Next:
    """The interview, the checks and placements; Next.REBOOK for someone who comes back."""
    life, coord = story.life, story.coord
    if meeting.kind == "combined":
        # Info meeting and interview in the same sitting: 3, 4 and 5 in one action.
        t = life.move(Stage.INTERVIEW_SCHEDULED.value, story.t + timedelta(minutes=1), coord)
        interview = schedule_interview(
            world, coordinators, life.applicant_id, meeting.starts_at, coord, meeting.id
        )
        ready = record_interview(world, life, interview, t + timedelta(minutes=1), coord)
    else:
        ready = interview_path(world, coordinators, life, story.t, coord)
    if ready is None:
        return Next.STOP
    approved = approve(world, life, ready, coord)
    if approved is not None:
        place(world, demand, life, approved, coord)
    return _come_back(world, story)


def _come_back(world: World, story: Story) -> Next:
    """Now and then, someone who withdrew after the interview signs up again (once)."""
    life = story.life
    if story.reopened or life.stage != Stage.WITHDRAWN.value:
        return Next.STOP
    if world.rng.random() < 0.04 and life.at is not None:
        back = life.at + timedelta(days=world.rng.uniform(60, 200))
        if back >= world.now:
            return Next.STOP
        story.reopened = True
        story.t = life.move(Stage.SIGNED_UP.value, back, story.coord, REOPEN_REASON, None)
        story.seen.clear()
        story.no_shows = 0
        return Next.REBOOK
    return Next.STOP
