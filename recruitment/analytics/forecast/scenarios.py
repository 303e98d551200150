"""Forecast scenarios saved by name: the levers changed, to compare with the baseline.
Saving a name again replaces its levers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ForecastScenario
from recruitment.analytics.forecast.model import Levers
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.core.validation import clean_text

MAX_NAME = 100
#: Each lever's allowed range (inclusive); shares are between 0 and 1.
RANGES: dict[str, tuple[float, float]] = {
    "signups_per_month": (0, 100_000),
    "meetings_per_month": (0.1, 1_000),
    "digital_share": (0, 1),
    "no_show_rate": (0, 0.95),
    "conversion_after_interview": (0, 1),
}


def check_levers(levers: Levers) -> Levers:
    """The levers, or ValidationFailed naming the first one out of range."""
    for name, value in levers.changed().items():
        low, high = RANGES[name]
        if not low <= float(value) <= high:
            raise ValidationFailed({name: "forecast.error_out_of_range"}, low=low, high=high)
    return levers


@requires("analytics.read")
def save_scenario(*, session: Session, actor: Actor, name: str, levers: Levers) -> int:
    """Save (or replace) the scenario `name` with the changed levers; its id."""
    name = clean_text(name, "name", required=True, max_length=MAX_NAME)
    if not levers.changed():
        raise ValidationFailed({"levers": "forecast.error_nothing_changed"})
    check_levers(levers)
    scenario = session.scalar(select(ForecastScenario).where(ForecastScenario.name == name))
    if scenario is None:
        scenario = ForecastScenario(name=name)
        session.add(scenario)
    scenario.levers = {k: float(v) for k, v in levers.changed().items()}
    scenario.saved_by_id = actor.id
    session.flush()
    return scenario.id


@requires("analytics.read")
def list_scenarios(*, session: Session, actor: Actor) -> list[dict]:
    """Saved scenarios, newest first: `name`, `levers` (changed only), `saved_at`."""
    rows = session.scalars(
        select(ForecastScenario).order_by(
            ForecastScenario.saved_at.desc(), ForecastScenario.id.desc()
        )
    )
    return [{"name": s.name, "levers": dict(s.levers), "saved_at": s.saved_at} for s in rows]


@requires("analytics.read")
def scenario_levers(*, session: Session, actor: Actor, name: str) -> Levers:
    """The levers of the saved scenario `name` (NotFound if there is none)."""
    scenario = session.scalar(select(ForecastScenario).where(ForecastScenario.name == name))
    if scenario is None:
        raise NotFound(f"scenario {name!r}")
    known = {k: v for k, v in scenario.levers.items() if k in RANGES}
    return Levers(**known)


@requires("analytics.read")
def delete_scenario(*, session: Session, actor: Actor, name: str) -> None:
    """Forget the saved scenario `name` (NotFound if there is none)."""
    scenario = session.scalar(select(ForecastScenario).where(ForecastScenario.name == name))
    if scenario is None:
        raise NotFound(f"scenario {name!r}")
    session.delete(scenario)
