"""Two years of the office, in memory: the staff, the calendar, every applicant's life
and the service users still waiting, as rows per table."""

from __future__ import annotations

import random
from datetime import date

from db.models import Applicant, StageEvent
from recruitment.demo.journey import sign_up
from recruitment.demo.life import Life
from recruitment.demo.meetings import plan_meetings
from recruitment.demo.people import Names, hire_staff, sign_up_times
from recruitment.demo.service_users import Demand
from recruitment.demo.world import Rows, World


def simulate(
    rng: random.Random, today: date, applicants: int, *, base_staff_id: int, taken: set[str]
) -> Rows:
    """Every row of a demo office with `applicants` applicants whose history ends as `today`
    begins; staff ids start at `base_staff_id` and avoid the usernames in `taken`."""
    # The order of these steps is the order of the draws from `rng`: keep it.
    world = World.begin(rng, today)
    names = Names.draw(rng)
    staff = hire_staff(world, base_staff_id, taken)
    calendar = plan_meetings(world, applicants, staff)
    demand = Demand(world)
    event_id = 1
    for applicant_id, created in enumerate(sign_up_times(world, applicants), start=1):
        life = Life(applicant_id, event_id)
        row = sign_up(world, names, staff.coordinators, calendar, demand, life, created)
        world.rows[Applicant.__table__].append(row)
        world.rows[StageEvent.__table__].extend(life.events)
        event_id = life.next_event_id
    demand.add_still_waiting(applicants, staff.coordinators)
    return world.rows
