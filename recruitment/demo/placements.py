"""Placements: an approved støttekontakt (support contact) matched with a service user,
up to three in a row as earlier ones end, or leaving while waiting for one."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.models import Placement, PlacementStatus, ServiceUserStatus, Stage
from recruitment.core import timefmt
from recruitment.demo.life import Life, leave
from recruitment.demo.service_users import Demand
from recruitment.demo.world import World

_PLACEMENT_END = ("service_user_moved", "needs_changed", "contact_stopped", "other")


def place(world: World, demand: Demand, life: Life, t: datetime, coord: int) -> None:
    """Place someone approved at `t`, again after a placement ends; stops at the first
    placement still running, or when the next one would start after today."""
    rng = world.rng
    for _round in range(3):
        if rng.random() > 0.78:
            if rng.random() < 0.25:
                leave(
                    world,
                    life,
                    "withdrawn",
                    t + timedelta(days=rng.uniform(30, 200)),
                    coord,
                    rng.choice(("found_other_work", "no_time", "moved")),
                )
            return
        start_day = timefmt.office_day(t + timedelta(days=rng.uniform(5, 60)))
        if start_day >= world.today:
            return
        service_user_id = demand.service_user_for(start_day, coord)
        hours = rng.choice((4, 6, 8, 8, 10, 12, 16, 20))
        at = life.move(Stage.PLACED.value, world.local(start_day, 9), coord)
        placement = {
            "applicant_id": life.applicant_id,
            "service_user_id": service_user_id,
            "status": PlacementStatus.ACTIVE.value,
            "start_date": start_day,
            "end_date": None,
            "hours_per_month": hours,
            "end_reason": None,
            "end_reason_text": None,
            "created_at": t + (at - t) / 2,
            "created_by_id": coord,
        }
        world.add(Placement.__table__, placement)
        world.journal(life.applicant_id, at, "note", "Oppstart", "Oppdrag startet.", coord)
        if rng.random() < 0.35:
            end_day = start_day + timedelta(days=rng.randint(60, 400))
            if end_day < world.today:
                reason = rng.choice(_PLACEMENT_END)
                placement.update(
                    status=PlacementStatus.ENDED.value,
                    end_date=end_day,
                    end_reason=reason,
                    end_reason_text="Avsluttet etter avtale." if reason == "other" else None,
                )
                t = life.move(Stage.APPROVED.value, world.local(end_day, 15), coord)
                demand.release(service_user_id, end_day)
                continue
        demand.row(service_user_id)["status"] = ServiceUserStatus.PLACED.value
        return
