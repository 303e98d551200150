"""Matching support contacts and service users, and the supply-and-demand picture.

A suggestion's score (0–100) is the sum of weighted parts, each part a number in
[0, 1] times its weight in WEIGHTS; the parts travel with the suggestion so a
coordinator can see *why* it ranks where it does. A part with nothing to compare
(no interests given, no preference stated) is neutral (0.5) rather than zero, so
missing data neither rewards nor punishes.

Ranking reads every candidate with one query (only the columns scoring needs) and
scores in Python over precomputed sets and a numpy distance vector: no query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from db.models import Applicant, Placement, PlacementStatus, ServiceUser, ServiceUserStatus, Stage

from . import geography
from .access import Actor, require
from .errors import NotFound
from .settings import get_setting

#: Weight of each part in the score; they add up to 100.
WEIGHTS: dict[str, int] = {
    "distance": 30,
    "interests": 20,
    "languages": 10,
    "availability": 10,
    "preferences": 10,
    "target_group": 10,
    "load": 10,
}
PARTS: tuple[str, ...] = tuple(WEIGHTS)
NEUTRAL = 0.5
#: Within NEAR_KM a distance scores full marks; at FAR_KM and beyond it scores nothing.
NEAR_KM = 2.0
FAR_KM = 40.0
#: Without coordinates: the same area scores like a short trip, another like a long one.
SAME_AREA, OTHER_AREA = 0.7, 0.2
#: Years outside the wished-for contact age at which that preference scores zero.
AGE_TOLERANCE_YEARS = 10
#: The contact target group that serves each service-user age group.
AGE_GROUP_TARGETS: dict[str, str] = {"child": "children", "youth": "youth", "adult": "adults", "elderly": "elderly"}
#: Placements that hold a contact's hours.
HOLDING = (PlacementStatus.ACTIVE.value,)
#: Placements that mean the pair is already being matched.
OPEN = (PlacementStatus.PROPOSED.value, PlacementStatus.ACTIVE.value, PlacementStatus.PAUSED.value)
AVAILABLE_STAGES = (Stage.APPROVED.value, Stage.PLACED.value)


# --- the parts of a score (pure) ---------------------------------------------------


def distance_part(km: float | None, same_area: bool | None = None) -> float:
    """Closer is better: 1 within NEAR_KM, falling linearly to 0 at FAR_KM."""
    if km is None or km != km:  # unknown (None or NaN)
        if same_area is None:
            return NEUTRAL
        return SAME_AREA if same_area else OTHER_AREA
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM))


def overlap_part(wanted: frozenset[str] | set[str], offered: frozenset[str] | set[str]) -> float:
    """The share of what one side wants that the other offers (neutral if nothing wanted)."""
    if not wanted:
        return NEUTRAL
    return len(wanted & offered) / len(wanted)


def preference_part(
    *,
    age_min: int | None,
    age_max: int | None,
    needs_licence: bool,
    contact_age: int | None,
    contact_has_licence: bool,
) -> float:
    """How well the contact fits what the service user wished for (age range, licence)."""
    scores: list[float] = []
    if age_min is not None or age_max is not None:
        if contact_age is None:
            scores.append(NEUTRAL)
        else:
            below = (age_min - contact_age) if age_min is not None and contact_age < age_min else 0
            above = (contact_age - age_max) if age_max is not None and contact_age > age_max else 0
            scores.append(max(0.0, 1.0 - (below + above) / AGE_TOLERANCE_YEARS))
    if needs_licence:
        scores.append(1.0 if contact_has_licence else 0.0)
    return sum(scores) / len(scores) if scores else NEUTRAL


def target_group_part(age_group: str, contact_targets: frozenset[str] | set[str]) -> float:
    """Whether the contact wants to work with this service user's age group."""
    if not contact_targets:
        return NEUTRAL
    target = AGE_GROUP_TARGETS.get(age_group)
    return 1.0 if target in contact_targets else 0.0


def load_part(load_hours: int, max_hours: int) -> float:
    """A contact with fewer hours already placed is freer to take on more."""
    if max_hours <= 0:
        return 0.0
    return max(0.0, 1.0 - load_hours / max_hours)


# --- the two sides as scoring sees them --------------------------------------------


@dataclass(frozen=True, slots=True)
class Demand:
    """A service user's side of a match."""

    id: int
    case_ref: str | None
    age_group: str
    postcode: str | None
    area: str | None
    interests: frozenset[str]
    languages: frozenset[str]
    availability: frozenset[str]
    age_min: int | None
    age_max: int | None
    needs_licence: bool
    hours: int
    waiting_since: date | None = None


@dataclass(frozen=True, slots=True)
class Supply:
    """A support contact's side of a match."""

    id: int
    name: str
    postcode: str | None
    area: str | None
    interests: frozenset[str]
    languages: frozenset[str]
    availability: frozenset[str]
    target_groups: frozenset[str]
    birth_year: int | None
    has_licence: bool
    load_hours: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ranked candidate: who, the score, and the points each part gave (the why)."""

    id: int
    label: str
    score: float
    parts: dict[str, float]
    distance_km: float | None
    shared_interests: tuple[str, ...]
    shared_languages: tuple[str, ...]
    load_hours: int
    hours: int
    area: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        """The suggestion as one flat row (id, label, score, each part's points, ...)."""
        row: dict[str, Any] = {"id": self.id, "label": self.label, "score": round(self.score, 1)}
        row.update({part: round(points, 1) for part, points in self.parts.items()})
        row.update(
            distance_km=None if self.distance_km is None else round(self.distance_km, 1),
            shared_interests=", ".join(self.shared_interests),
            shared_languages=", ".join(self.shared_languages),
            load_hours=self.load_hours,
            hours=self.hours,
            area=self.area,
        )
        return row


def score_pair(demand: Demand, supply: Supply, *, km: float | None, max_hours: int, year: int) -> dict[str, float]:
    """The weighted points of each part for one pair (sum them for the score)."""
    same_area = None
    if demand.area and supply.area:
        same_area = demand.area.strip().lower() == supply.area.strip().lower()
    raw = {
        "distance": distance_part(km, same_area),
        "interests": overlap_part(demand.interests, supply.interests),
        "languages": overlap_part(demand.languages, supply.languages),
        "availability": overlap_part(demand.availability, supply.availability),
        "preferences": preference_part(
            age_min=demand.age_min,
            age_max=demand.age_max,
            needs_licence=demand.needs_licence,
            contact_age=(year - supply.birth_year) if supply.birth_year else None,
            contact_has_licence=supply.has_licence,
        ),
        "target_group": target_group_part(demand.age_group, supply.target_groups),
        "load": load_part(supply.load_hours, max_hours),
    }
    return {part: WEIGHTS[part] * value for part, value in raw.items()}


def rank_contacts(demand: Demand, supplies: list[Supply], *, max_hours: int, year: int, limit: int | None = None) -> list[Suggestion]:
    """Contacts ranked for one service user, best first; those without room for the
    service user's hours are left out."""
    fitting = [s for s in supplies if s.load_hours + demand.hours <= max_hours]
    kms = _distances(demand.postcode, [s.postcode for s in fitting])
    out = []
    for supply, km in zip(fitting, kms, strict=True):
        km = None if np.isnan(km) else float(km)
        parts = score_pair(demand, supply, km=km, max_hours=max_hours, year=year)
        out.append(
            Suggestion(
                id=supply.id,
                label=supply.name,
                score=sum(parts.values()),
                parts=parts,
                distance_km=km,
                shared_interests=tuple(sorted(demand.interests & supply.interests)),
                shared_languages=tuple(sorted(demand.languages & supply.languages)),
                load_hours=supply.load_hours,
                hours=demand.hours,
                area=supply.area,
            )
        )
    out.sort(key=lambda s: (-s.score, s.distance_km if s.distance_km is not None else 1e9, s.id))
    return out[:limit] if limit else out


def rank_service_users(supply: Supply, demands: list[Demand], *, max_hours: int, year: int, today: date, limit: int | None = None) -> list[Suggestion]:
    """Waiting service users ranked for one contact, best first; the longest wait breaks ties.
    Those whose hours would take the contact over the limit are left out."""
    fitting = [d for d in demands if supply.load_hours + d.hours <= max_hours]
    kms = _distances(supply.postcode, [d.postcode for d in fitting])
    out = []
    for demand, km in zip(fitting, kms, strict=True):
        km = None if np.isnan(km) else float(km)
        parts = score_pair(demand, supply, km=km, max_hours=max_hours, year=year)
        out.append(
            Suggestion(
                id=demand.id,
                label=demand.case_ref or f"#{demand.id}",
                score=sum(parts.values()),
                parts=parts,
                distance_km=km,
                shared_interests=tuple(sorted(demand.interests & supply.interests)),
                shared_languages=tuple(sorted(demand.languages & supply.languages)),
                load_hours=supply.load_hours,
                hours=demand.hours,
                area=demand.area,
                extra={"days_waiting": (today - demand.waiting_since).days if demand.waiting_since else None},
            )
        )
    out.sort(key=lambda s: (-s.score, -(s.extra.get("days_waiting") or 0), s.id))
    return out[:limit] if limit else out


def _distances(origin: str | None, postcodes: list[str | None]) -> np.ndarray:
    place = geography.lookup(origin)
    if place is None:
        return np.full(len(postcodes), np.nan)
    lats, lons = geography.coordinates(postcodes)
    return geography.distances_km(place.lat, place.lon, lats, lons)


# --- reading the candidates (one query each) -----------------------------------------


def _load_subquery():
    """Hours each contact holds in active placements."""
    return (
        select(Placement.applicant_id, func.sum(Placement.hours_per_month).label("hours"))
        .where(Placement.status.in_(HOLDING))
        .group_by(Placement.applicant_id)
        .subquery()
    )


def _demand(user: ServiceUser) -> Demand:
    prefs = user.preferences or {}
    return Demand(
        id=user.id,
        case_ref=user.case_ref,
        age_group=user.age_group,
        postcode=user.postcode,
        area=user.area,
        interests=frozenset(user.interests or ()),
        languages=frozenset(user.languages or ()),
        availability=frozenset(prefs.get("availability") or ()),
        age_min=prefs.get("contact_age_min"),
        age_max=prefs.get("contact_age_max"),
        needs_licence=bool(prefs.get("driving_licence")),
        hours=user.hours_per_month,
        waiting_since=user.waiting_since,
    )


def _supply_from_row(row) -> Supply:
    return Supply(
        id=row.id,
        name=f"{row.first_name} {row.last_name}",
        postcode=row.postcode,
        area=row.area,
        interests=frozenset(row.interests or ()),
        languages=frozenset(row.languages or ()),
        availability=frozenset(row.availability or ()),
        target_groups=frozenset(row.target_groups or ()),
        birth_year=row.birth_year,
        has_licence=bool(row.driving_licence),
        load_hours=int(row.load or 0),
    )


def available_contacts(session: Session, *, exclude_pairs_with: int | None = None) -> list[Supply]:
    """Approved or placed, not anonymised contacts with their current load, in one query;
    contacts already proposed to or placed with `exclude_pairs_with` are left out."""
    load = _load_subquery()
    query = (
        select(
            Applicant.id,
            Applicant.first_name,
            Applicant.last_name,
            Applicant.postcode,
            Applicant.area,
            Applicant.interests,
            Applicant.languages,
            Applicant.availability,
            Applicant.target_groups,
            Applicant.birth_year,
            Applicant.driving_licence,
            func.coalesce(load.c.hours, 0).label("load"),
        )
        .outerjoin(load, load.c.applicant_id == Applicant.id)
        .where(Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None))
    )
    if exclude_pairs_with is not None:
        query = query.where(
            ~exists().where(
                and_(
                    Placement.applicant_id == Applicant.id,
                    Placement.service_user_id == exclude_pairs_with,
                    Placement.status.in_(OPEN),
                )
            )
        )
    return [_supply_from_row(row) for row in session.execute(query)]


def waiting_service_users(session: Session, *, exclude_pairs_with: int | None = None) -> list[Demand]:
    """Waiting, not anonymised service users, in one query; those already proposed to or
    placed with contact `exclude_pairs_with` are left out."""
    query = select(ServiceUser).where(
        ServiceUser.status == ServiceUserStatus.WAITING.value, ServiceUser.anonymised_at.is_(None)
    )
    if exclude_pairs_with is not None:
        query = query.where(
            ~exists().where(
                and_(
                    Placement.service_user_id == ServiceUser.id,
                    Placement.applicant_id == exclude_pairs_with,
                    Placement.status.in_(OPEN),
                )
            )
        )
    return [_demand(user) for user in session.scalars(query)]


# --- services ---------------------------------------------------------------------------


def suggest_contacts(*, session: Session, actor: Actor, service_user_id: int, limit: int | None = 20, year: int | None = None) -> list[Suggestion]:
    """Approved, available contacts ranked for one service user (empty once closed)."""
    require(actor, "service_users.read")
    user = session.get(ServiceUser, service_user_id)
    if user is None or user.anonymised_at is not None:
        raise NotFound(f"service user {service_user_id} not found")
    if user.status == ServiceUserStatus.CLOSED.value:
        return []
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    supplies = available_contacts(session, exclude_pairs_with=user.id)
    return rank_contacts(_demand(user), supplies, max_hours=max_hours, year=year or date.today().year, limit=limit)


def suggest_service_users(*, session: Session, actor: Actor, applicant_id: int, limit: int | None = 20, today: date | None = None) -> list[Suggestion]:
    """Waiting service users ranked for one approved or placed contact."""
    require(actor, "service_users.read")
    today = today or date.today()
    load = _load_subquery()
    row = session.execute(
        select(
            Applicant.id,
            Applicant.first_name,
            Applicant.last_name,
            Applicant.postcode,
            Applicant.area,
            Applicant.interests,
            Applicant.languages,
            Applicant.availability,
            Applicant.target_groups,
            Applicant.birth_year,
            Applicant.driving_licence,
            Applicant.stage,
            Applicant.anonymised_at,
            func.coalesce(load.c.hours, 0).label("load"),
        )
        .outerjoin(load, load.c.applicant_id == Applicant.id)
        .where(Applicant.id == applicant_id)
    ).one_or_none()
    if row is None or row.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    if row.stage not in AVAILABLE_STAGES:
        return []
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    demands = waiting_service_users(session, exclude_pairs_with=applicant_id)
    return rank_service_users(_supply_from_row(row), demands, max_hours=max_hours, year=today.year, today=today, limit=limit)


def contact_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    """Approved or placed contacts by id, for picking one on the matching page."""
    require(actor, "service_users.read")
    rows = session.execute(
        select(Applicant.id, Applicant.first_name, Applicant.last_name)
        .where(Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None))
        .order_by(Applicant.last_name, Applicant.first_name)
    )
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}


# --- supply and demand (aggregates only) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SupplyDemand:
    """The supply-and-demand picture. Frames: by_area (area, waiting, available),
    by_target_group (target_group, waiting, available), longest_waits (area,
    age_group, hours_per_month, days_waiting); plus the waiting count and averages."""

    by_area: pd.DataFrame
    by_target_group: pd.DataFrame
    longest_waits: pd.DataFrame
    waiting: int
    available: int
    average_days_waiting: float | None


def supply_and_demand(*, session: Session, actor: Actor, today: date | None = None, longest: int = 10) -> SupplyDemand:
    """Waiting service users against contacts with room for more, by area and target group."""
    require(actor, "analytics.read")
    today = today or date.today()
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    load = _load_subquery()
    area = func.coalesce(ServiceUser.area, "")
    waiting_by_area = dict(
        session.execute(
            select(area, func.count())
            .where(ServiceUser.status == ServiceUserStatus.WAITING.value, ServiceUser.anonymised_at.is_(None))
            .group_by(area)
        ).all()
    )
    waiting_by_group = dict(
        session.execute(
            select(ServiceUser.age_group, func.count())
            .where(ServiceUser.status == ServiceUserStatus.WAITING.value, ServiceUser.anonymised_at.is_(None))
            .group_by(ServiceUser.age_group)
        ).all()
    )
    # A contact is available while they have room below the hour limit.
    contacts = session.execute(
        select(Applicant.area, Applicant.target_groups)
        .outerjoin(load, load.c.applicant_id == Applicant.id)
        .where(
            Applicant.stage.in_(AVAILABLE_STAGES),
            Applicant.anonymised_at.is_(None),
            func.coalesce(load.c.hours, 0) < max_hours,
        )
    ).all()
    available_by_area: dict[str, int] = {}
    available_by_target: dict[str, int] = {}
    for contact_area, targets in contacts:
        key = contact_area or ""
        available_by_area[key] = available_by_area.get(key, 0) + 1
        for target in targets or ():
            available_by_target[target] = available_by_target.get(target, 0) + 1
    areas = sorted(set(waiting_by_area) | set(available_by_area), key=lambda a: (a == "", a))
    by_area = pd.DataFrame(
        {
            "area": areas,
            "waiting": [waiting_by_area.get(a, 0) for a in areas],
            "available": [available_by_area.get(a, 0) for a in areas],
        }
    )
    groups = list(AGE_GROUP_TARGETS)
    by_target_group = pd.DataFrame(
        {
            "target_group": [AGE_GROUP_TARGETS[g] for g in groups],
            "waiting": [waiting_by_group.get(g, 0) for g in groups],
            "available": [available_by_target.get(AGE_GROUP_TARGETS[g], 0) for g in groups],
        }
    )
    waits = session.execute(
        select(ServiceUser.area, ServiceUser.age_group, ServiceUser.hours_per_month, ServiceUser.waiting_since)
        .where(ServiceUser.status == ServiceUserStatus.WAITING.value, ServiceUser.anonymised_at.is_(None))
        .order_by(ServiceUser.waiting_since, ServiceUser.id)
    ).all()
    days = [(today - w.waiting_since).days for w in waits]
    longest_waits = pd.DataFrame(
        [
            {"area": w.area or "", "age_group": w.age_group, "hours_per_month": w.hours_per_month, "days_waiting": d}
            for w, d in zip(waits[:longest], days[:longest], strict=True)
        ],
        columns=["area", "age_group", "hours_per_month", "days_waiting"],
    )
    return SupplyDemand(
        by_area=by_area,
        by_target_group=by_target_group,
        longest_waits=longest_waits,
        waiting=len(waits),
        available=len(contacts),
        average_days_waiting=(sum(days) / len(days)) if days else None,
    )
