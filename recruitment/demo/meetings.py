"""The office's calendar of info meetings: two years held and three months planned, and
finding one to book the way the sign-up page offers them."""

from __future__ import annotations

import bisect
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.models import InfoMeeting, MeetingStatus
from recruitment.demo.people import Staff
from recruitment.demo.world import HISTORY_DAYS, World

PLANNED_DAYS = 91

VENUES: tuple[str, ...] = (
    "Helsehuset, møterom 2, Fredrikstad",
    "Frivilligsentralen, Sarpsborg",
    "Rådhuset, kantina, Halden",
    "Kulturhuset, sal B, Moss",
)


@dataclass(slots=True)
class Meeting:
    """What the simulation needs to know of an info meeting, with its seats taken."""

    id: int
    starts_at: datetime
    ends_at: datetime
    mode: str
    kind: str
    capacity: int
    cancelled_at: datetime | None
    booked: int = 0


class Calendar:
    """The meetings of each booking key ("digital", "in_person", "combined") by start."""

    __slots__ = ("by_kind",)

    def __init__(self, meetings: list[Meeting]) -> None:
        self.by_kind: dict[str, tuple[list[datetime], list[Meeting]]] = {}
        for key in ("digital", "in_person", "combined"):
            chosen = sorted(
                (
                    m
                    for m in meetings
                    if (m.kind == "combined") == (key == "combined")
                    and (key == "combined" or m.mode == key)
                ),
                key=lambda m: m.starts_at,
            )
            self.by_kind[key] = ([m.starts_at for m in chosen], chosen)

    def find(self, rng: random.Random, key: str, after: datetime, seen: set[int]) -> Meeting | None:
        """A meeting of `key` open for booking at `after`, from the next three weeks. Like
        the sign-up page, which shows seats left, people mostly pick one with room."""
        starts, meetings = self.by_kind[key]
        first = bisect.bisect_left(starts, after + timedelta(days=1))
        last = max(bisect.bisect_left(starts, after + timedelta(days=22)), first + 1)
        last = min(last, len(meetings))
        if first >= last:
            return None
        choice = None
        for _try in range(4):
            m = meetings[first + int(rng.random() * (last - first))]
            if m.id in seen or (m.cancelled_at is not None and m.cancelled_at <= after):
                continue
            choice = m
            if m.booked < m.capacity:
                return m
        if key == "combined" or rng.random() < 0.6:
            return None if key == "combined" else _first_free(meetings, first, after, seen)
        return choice  # a full one: onto its waitlist


def _first_free(
    meetings: list[Meeting], first: int, after: datetime, seen: set[int]
) -> Meeting | None:
    for m in meetings[first : first + 200]:
        if m.id in seen or (m.cancelled_at is not None and m.cancelled_at <= after):
            continue
        if m.booked < m.capacity:
            return m
    return None


def plan_meetings(world: World, applicants: int, staff: Staff) -> Calendar:
    """Meetings spread evenly over the history and the planned months, enough that
    a little over half the seats are taken on average (so some fill up and get waitlists)."""
    rng = world.rng
    n_past = max(24, round(applicants * 0.8 / 12))
    per_day = n_past / HISTORY_DAYS
    n_future = max(4, round(per_day * PLANNED_DAYS))
    total = n_past + n_future
    span = HISTORY_DAYS + PLANNED_DAYS
    meetings: list[Meeting] = []
    series = {mode: str(uuid.UUID(int=rng.getrandbits(128))) for mode in ("digital", "in_person")}
    for i in range(total):
        day = (world.start + timedelta(days=span * (i + rng.random()) / total)).date()
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        roll = rng.random()
        if roll < 0.52:
            mode, kind, capacity, duration = "digital", "standard", rng.choice((25, 30, 40)), 60
            starts = world.local(day, rng.choice((12, 18, 19)))
        elif roll < 0.88:
            mode, kind, capacity, duration = "in_person", "standard", rng.choice((20, 25, 30)), 90
            starts = world.local(day, rng.choice((17, 18)))
        else:
            mode, kind, capacity, duration = "in_person", "combined", 2, 120
            starts = world.local(day, rng.choice((10, 13)))
        ends = starts + timedelta(minutes=duration)
        past = starts < world.now
        cancelled = rng.random() < (0.04 if past else 0.02) and kind == "standard"
        cancelled_at = starts - timedelta(days=rng.randint(1, 5)) if cancelled else None
        if cancelled_at is not None and cancelled_at >= world.now:
            cancelled_at = None
        status = (
            MeetingStatus.CANCELLED.value
            if cancelled_at is not None
            else MeetingStatus.HELD.value
            if past
            else MeetingStatus.PLANNED.value
        )
        host = rng.choice(staff.coordinators)
        if not past and host == staff.away_id:
            host = staff.coordinators[0]
        meeting_id = world.add(
            InfoMeeting.__table__,
            {
                "starts_at": starts,
                "duration_minutes": duration,
                "mode": mode,
                "kind": kind,
                "join_url": (
                    f"https://teams.example.com/l/meetup-join/{rng.getrandbits(64):016x}"
                    if mode == "digital"
                    else None
                ),
                "address": None if mode == "digital" else rng.choice(VENUES),
                "capacity": capacity,
                "language": "en" if mode == "digital" and rng.random() < 0.05 else "nb",
                "host_id": host,
                "status": status,
                "series_id": series[mode] if kind == "standard" else None,
                "notes": None,
                "created_at": min(starts - timedelta(days=rng.randint(20, 60)), world.now),
                "held_at": ends if status == MeetingStatus.HELD.value else None,
                "cancelled_at": cancelled_at,
                "reminder_sent_at": (
                    starts - timedelta(days=2) if status == MeetingStatus.HELD.value else None
                ),
            },
        )
        meetings.append(Meeting(meeting_id, starts, ends, mode, kind, capacity, cancelled_at))
    return Calendar(meetings)
