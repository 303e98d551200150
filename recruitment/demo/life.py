"""One applicant's life: the stage history it leaves behind, leaving the pipeline, and
where the story stands between the steps of `journey.live`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from db.models import Stage
from recruitment.core.pipeline import EXIT_REASONS, is_allowed
from recruitment.demo.world import World, weighted

# Every allowed (from, to) pair, worked out once from the pipeline's own rule.
_ALLOWED = frozenset((a.value, b.value) for a in Stage for b in Stage if is_allowed(a, b))

_WITHDRAW_WEIGHTS = {
    "no_time": 30,
    "found_other_work": 18,
    "changed_mind": 18,
    "no_response": 16,
    "moved": 7,
    "health": 6,
    "other": 5,
}
_OTHER_TEXT = ("Skal ut og reise et år.", "Ønsker heller å være besøksvenn.", "Oppgir ingen grunn.")


class Life:
    """One applicant's stage history, kept valid and strictly increasing in time."""

    __slots__ = ("applicant_id", "stage", "at", "events", "next_event_id", "checks")

    def __init__(self, applicant_id: int, next_event_id: int) -> None:
        self.applicant_id = applicant_id
        self.stage: str | None = None
        self.at: datetime | None = None
        self.events: list[dict[str, Any]] = []
        self.next_event_id = next_event_id
        # Check kinds already recorded: someone who comes back keeps their old checks.
        self.checks: set[str] = set()

    def move(
        self,
        to: str,
        at: datetime,
        by: int | None,
        reason: str | None = None,
        text: str | None = None,
    ) -> datetime:
        """Record a stage event to `to` at `at` (or a minute after the last one, if that
        is later) and return its time."""
        if self.stage is None:
            assert to == Stage.SIGNED_UP.value
        elif (self.stage, to) not in _ALLOWED:
            raise AssertionError(f"demo made an illegal move {self.stage} -> {to}")
        at = at.replace(microsecond=0)
        if self.at is not None and at <= self.at:
            at = self.at + timedelta(minutes=1)
        self.events.append(
            {
                "id": self.next_event_id,
                "applicant_id": self.applicant_id,
                "from_stage": self.stage,
                "to_stage": to,
                "at": at,
                "from_at": self.at,
                "by_id": by,
                "reason_code": reason,
                "reason_text": text,
            }
        )
        self.next_event_id += 1
        self.stage, self.at = to, at
        return at


def leave(
    world: World, life: Life, stage: str, at: datetime, by: int | None, reason: str | None = None
) -> bool:
    """Leave the pipeline at `at` if that is in the past; True when it happened."""
    if at >= world.now:
        return False
    if reason is None:
        reason = weighted(world.rng, _WITHDRAW_WEIGHTS)
    text = world.rng.choice(_OTHER_TEXT) if reason == "other" else None
    assert reason in EXIT_REASONS[Stage(stage)]
    when = life.move(stage, at, by, reason, text)
    if by is not None:
        world.journal(
            life.applicant_id,
            when,
            "phone" if stage == "withdrawn" else "note",
            "Avsluttet" if stage == "withdrawn" else "Avslag",
            f"Grunn: {reason}.",
            by,
        )
    return True


class Next(enum.Enum):
    """Where an applicant's story goes after a step."""

    ON = enum.auto()  # on to the next step of this round
    REBOOK = enum.auto()  # back to booking a meeting, from `Story.t`
    STOP = enum.auto()  # the story ends here (for good, or because its next step is after today)


@dataclass(slots=True)
class Story:
    """Where one applicant's story stands between the steps of `journey.live`."""

    life: Life
    #: The coordinator who takes the case.
    coord: int
    #: Prefers the phone, so books meetings in person.
    in_person_only: bool
    #: Whether a coordinator has taken the case yet.
    assigned: bool
    #: The time the story has reached.
    t: datetime
    #: Meetings booked so far, so nobody books the same one twice.
    seen: set[int] = field(default_factory=set)
    no_shows: int = 0
    #: Came back once after withdrawing; nobody comes back twice.
    reopened: bool = False
