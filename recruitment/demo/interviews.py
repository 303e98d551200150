"""Interviews: scheduling one after an info meeting, calling it off now and then, and
recording its outcome and rubric scores."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from db.models import Interview, Stage
from recruitment.demo.life import Life, leave
from recruitment.demo.meetings import VENUES
from recruitment.demo.world import World

INTERVIEW_ROOMS: tuple[str, ...] = (
    "Helsehuset, samtalerom 1",
    "Helsehuset, samtalerom 3",
    "Servicekontoret, rom 204",
    "Frivilligsentralen, lille møterom",
)
_NOTES = (
    "Motivert og reflektert.",
    "Lite erfaring, men god holdning.",
    "Ønsker eldre brukere.",
    "Usikker på hvor mye tid hen har.",
)


def schedule_interview(
    world: World,
    coordinators: list[int],
    applicant_id: int,
    at: datetime,
    coord: int,
    meeting_id: int | None,
) -> dict[str, Any]:
    """An interview at `at` with `coord` (and now and then a second interviewer); in the
    meeting's own room when it is part of a combined meeting."""
    rng = world.rng
    second = rng.choice(coordinators) if rng.random() < 0.3 else None
    row = {
        "applicant_id": applicant_id,
        "scheduled_at": at,
        "place": rng.choice(INTERVIEW_ROOMS) if meeting_id is None else VENUES[0],
        "interviewer_id": coord,
        "second_interviewer_id": second if second != coord else None,
        "meeting_id": meeting_id,
        "outcome": None,
        "score_motivation": None,
        "score_reliability": None,
        "score_experience": None,
        "score_fit": None,
        "notes": None,
        "recorded_at": None,
        "recorded_by_id": None,
        "cancelled_at": None,
        "created_at": at,
    }
    world.add(Interview.__table__, row)
    return row


def interview_path(
    world: World, coordinators: list[int], life: Life, t: datetime, coord: int
) -> datetime | None:
    """From an attended meeting to a recorded interview; None if the story ends first."""
    rng = world.rng
    roll = rng.random()
    if roll < 0.12:
        leave(world, life, "withdrawn", t + timedelta(days=rng.uniform(1, 30)), coord)
        return None
    if roll < 0.16:
        return None  # waiting for a call: stuck in meeting_attended
    for attempt in range(2):
        scheduled = t + timedelta(days=rng.uniform(1, 7))
        if scheduled >= world.now:
            return None
        scheduled = life.move(Stage.INTERVIEW_SCHEDULED.value, scheduled, coord)
        day = (scheduled + timedelta(days=rng.randint(3, 21))).date()
        interview = schedule_interview(
            world,
            coordinators,
            life.applicant_id,
            world.local(day, rng.randint(9, 14)),
            coord,
            None,
        )
        interview["created_at"] = scheduled
        if attempt == 0 and rng.random() < 0.04:
            # Called off; back to waiting for a new time.
            cancel = scheduled + (interview["scheduled_at"] - scheduled) / 2
            if cancel >= world.now:
                return None
            interview["cancelled_at"] = cancel
            t = life.move(Stage.MEETING_ATTENDED.value, cancel, coord)
            continue
        if interview["scheduled_at"] >= world.now:
            return None
        if rng.random() < 0.05:
            when = interview["scheduled_at"] - timedelta(hours=rng.uniform(2, 48))
            if leave(world, life, "withdrawn", when, coord):
                interview["cancelled_at"] = life.at
            return None
        return record_interview(
            world, life, interview, interview["scheduled_at"] + timedelta(hours=2), coord
        )
    return None


def record_interview(
    world: World, life: Life, interview: dict[str, Any], at: datetime, coord: int
) -> datetime | None:
    """Record the outcome at `at`; the time the checks can start, or None if the story
    ends here (not suitable, on hold for good, or not yet)."""
    rng = world.rng
    if at >= world.now:
        return None
    roll = rng.random()
    outcome = "recommend" if roll < 0.72 else "on_hold" if roll < 0.82 else "not_suitable"
    centre = {"recommend": 4.1, "on_hold": 3.2, "not_suitable": 2.2}[outcome]
    scores = {
        f"score_{name}": min(5, max(1, round(rng.gauss(centre, 0.7))))
        for name in ("motivation", "reliability", "experience", "fit")
    }
    interview.update(outcome=outcome, recorded_at=at, recorded_by_id=coord, **scores)
    if rng.random() < 0.3:
        interview["notes"] = rng.choice(_NOTES)
    at = life.move(Stage.INTERVIEWED.value, at, coord)
    if outcome == "not_suitable":
        leave(
            world,
            life,
            "rejected",
            at + timedelta(days=rng.uniform(1, 7)),
            coord,
            "not_suitable_interview",
        )
        return None
    if outcome == "on_hold":
        if rng.random() < 0.5:
            return None
        at = at + timedelta(days=rng.uniform(20, 60))
        if at >= world.now:
            return None
    return at
