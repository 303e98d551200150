"""The checks after a recommended interview (declaration, references, politiattest (police
certificate), training, contract) and the approval they lead to."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from db.models import ApplicantCheck, CheckKind, Stage
from recruitment.core import timefmt
from recruitment.demo.life import Life, leave
from recruitment.demo.world import World

# Plain strings, looked up once: on Python 3.11 an enum member's `.value` is a Python-level
# property call, and `approve` would make a dozen of them for each applicant it sees.
_DECLARATION = CheckKind.DECLARATION.value
_REFERENCE_1 = CheckKind.REFERENCE_1.value
_REFERENCE_2 = CheckKind.REFERENCE_2.value
_POLICE_CERTIFICATE = CheckKind.POLICE_CERTIFICATE.value
_TRAINING = CheckKind.TRAINING.value
_CONTRACT = CheckKind.CONTRACT.value


def approve(world: World, life: Life, t: datetime, coord: int) -> datetime | None:
    """Record the checks from `t` on and approve the applicant; the time of approval, or
    None if they left during the checks or the checks are not done by today."""
    rng = world.rng
    start = timefmt.office_day(t)
    issued = start + timedelta(days=rng.randint(3, 25))
    seen = issued + timedelta(days=rng.randint(1, 10))
    dates = {
        _DECLARATION: start + timedelta(days=rng.randint(0, 10)),
        _REFERENCE_1: start + timedelta(days=rng.randint(2, 20)),
        _REFERENCE_2: start + timedelta(days=rng.randint(3, 30)),
        _POLICE_CERTIFICATE: seen,
        _TRAINING: start + timedelta(days=rng.randint(10, 45)),
        # Signed after the certificate was seen, well within its three months.
        _CONTRACT: seen + timedelta(days=rng.randint(1, 20)),
    }
    last = max(dates.values())
    # Decide the outcome first, so no check is recorded after someone has left.
    roll = rng.random()
    ending: tuple[str, date, str | None] | None = None
    if roll < 0.015:
        ending = ("rejected", seen, "police_certificate")
    elif roll < 0.035:
        ending = ("rejected", dates[_REFERENCE_2], "references")
    elif roll < 0.095:
        ending = ("withdrawn", start + timedelta(days=rng.randint(5, 40)), None)
    cutoff = min(world.today, ending[1] + timedelta(days=1)) if ending else world.today
    for kind, on in dates.items():
        if on >= cutoff or kind in life.checks:
            continue
        life.checks.add(kind)
        if kind == _POLICE_CERTIFICATE:
            _check(
                world,
                life.applicant_id,
                kind,
                on,
                coord,
                issued_on=issued,
                seen_on=seen,
                seen_by_id=coord,
            )
        else:
            _check(world, life.applicant_id, kind, on, coord)
    if ending is not None:
        leave(world, life, ending[0], world.local(ending[1], 16), coord, ending[2])
        return None
    if last >= world.today:
        return None
    return life.move(Stage.APPROVED.value, world.local(last, 16), coord)


def _check(world: World, applicant_id: int, kind: str, on: date, coord: int, **fields: Any) -> None:
    row = {
        "applicant_id": applicant_id,
        "kind": kind,
        "completed_on": on,
        "issued_on": None,
        "seen_on": None,
        "seen_by_id": None,
        "note": None,
        "recorded_by_id": coord,
        "recorded_at": world.local(on, 10) + timedelta(minutes=world.rng.randint(0, 300)),
    }
    row.update(fields)
    world.add(ApplicantCheck.__table__, row)
