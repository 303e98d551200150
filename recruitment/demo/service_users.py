"""The demand side: service users waiting for a støttekontakt (support contact), free
again when a placement ends, and more still waiting than there are people to place."""

from __future__ import annotations

import bisect
import math
from datetime import date, timedelta
from typing import Any

from db.models import ServiceUser, ServiceUserStatus
from recruitment.core import vocabulary
from recruitment.demo.people import POSTCODES
from recruitment.demo.world import World


class Demand:
    """The service users made so far, which of them are free again, and the case numbers
    given out per year."""

    __slots__ = ("world", "free", "case_numbers")

    def __init__(self, world: World) -> None:
        self.world = world
        #: (free since, id) of service users whose placement ended, earliest first.
        self.free: list[tuple[date, int]] = []
        self.case_numbers: dict[int, int] = {}

    def row(self, service_user_id: int) -> dict[str, Any]:
        """The row of the service user with this id."""
        return self.world.rows[ServiceUser.__table__][service_user_id - 1]

    def service_user_for(self, start_day: date, coord: int) -> int:
        """A service user free at `start_day`: someone whose last placement ended, or new."""
        world = self.world
        free = self.free
        if free and free[0][0] < start_day and world.rng.random() < 0.6:
            _, service_user_id = free.pop(0)
            return service_user_id
        since = max(
            start_day - timedelta(days=world.rng.randint(10, 240)),
            (world.start - timedelta(days=365)).date(),
        )
        return self.refer(since, coord, ServiceUserStatus.WAITING.value)

    def release(self, service_user_id: int, end_day: date) -> None:
        """After a placement ends: the case closes, or the service user waits again."""
        world = self.world
        if world.rng.random() < 0.3:
            row = self.row(service_user_id)
            row["status"] = ServiceUserStatus.CLOSED.value
            row["closed_at"] = world.local(end_day, 15)
            return
        bisect.insort(self.free, (end_day, service_user_id))

    def add_still_waiting(self, applicants: int, coordinators: list[int]) -> None:
        """People still waiting: demand outstrips supply in every real office."""
        world = self.world
        rng = world.rng
        for _ in range(max(5, math.ceil(applicants * 0.05))):
            since = (world.now - timedelta(days=rng.randint(1, 400))).date()
            self.refer(since, rng.choice(coordinators), ServiceUserStatus.WAITING.value)

    def refer(self, waiting_since: date, coord: int, status: str) -> int:
        """A new service user, referred to the office on `waiting_since`; returns the id."""
        world = self.world
        rng = world.rng
        year = waiting_since.year
        self.case_numbers[year] = self.case_numbers.get(year, 0) + 1
        postcode, area = rng.choice(POSTCODES)
        created = world.local(waiting_since, 11)
        row = {
            "case_ref": f"SU-{year}-{self.case_numbers[year]:04d}",
            "age_group": rng.choices(vocabulary.AGE_GROUPS, weights=(25, 30, 30, 15))[0],
            "postcode": postcode,
            "area": area,
            "interests": rng.sample(vocabulary.INTERESTS, rng.randint(1, 3)),
            "languages": ["no"]
            if rng.random() < 0.9
            else ["no", rng.choice(vocabulary.LANGUAGES[1:])],
            "preferences": {"driving_licence": rng.random() < 0.2},
            "hours_per_month": rng.choice((4, 6, 8, 8, 10, 12, 16, 20)),
            "waiting_since": waiting_since,
            "status": status,
            "coordinator_id": coord,
            "created_at": created,
            "closed_at": None,
            "anonymised_at": None,
        }
        service_user_id = world.add(ServiceUser.__table__, row)
        if rng.random() < 0.5:
            world.journal(
                None,
                created,
                "phone",
                "Ny henvisning",
                "Henvist fra saksbehandler.",
                coord,
                service_user_id=service_user_id,
            )
        return service_user_id
