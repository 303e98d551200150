"""Scoring a support contact against a service user (pure: no database).

A suggestion's score (0–100) is the sum of weighted parts, each part a number in
[0, 1] times its weight in WEIGHTS; the parts travel with the suggestion so a
coordinator can see *why* it ranks where it does. A part with nothing to compare
(no interests given, no preference stated) is neutral (0.5) rather than zero, so
missing data neither rewards nor punishes.

Ranking scores in Python over precomputed sets and a numpy distance vector.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from itertools import compress
from typing import Any

import numpy as np

from recruitment.core.vocabulary import AVAILABILITY, INTERESTS, LANGUAGES, TARGET_GROUPS
from recruitment.placement import geography

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
AGE_GROUP_TARGETS: dict[str, str] = {
    "child": "children",
    "youth": "youth",
    "adult": "adults",
    "elderly": "elderly",
}

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


def score_pair(
    demand: Demand, supply: Supply, *, km: float | None, max_hours: int, year: int
) -> dict[str, float]:
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


def rank_contacts(
    demand: Demand, supplies: list[Supply], *, max_hours: int, year: int, limit: int | None = None
) -> list[Suggestion]:
    """Contacts ranked for one service user, best first; those without room for the
    service user's hours are left out."""
    return rank_table(
        demand, ContactTable.from_supplies(supplies), max_hours=max_hours, year=year, limit=limit
    )


# Every code of a vocabulary gets one bit, so set overlaps become integer ANDs.
_BITS: dict[str, dict[str, int]] = {
    name: {code: 1 << i for i, code in enumerate(codes)}
    for name, codes in (
        ("interests", INTERESTS),
        ("languages", LANGUAGES),
        ("availability", AVAILABILITY),
        ("target_groups", TARGET_GROUPS),
    )
}


@lru_cache(maxsize=65536)
def _mask(codes: tuple[str, ...], kind: str) -> int:
    """The bit mask of a list of codes; the same few combinations repeat across rows."""
    bits = _BITS[kind]
    return sum(bits.get(code, 0) for code in set(codes))


@lru_cache(maxsize=65536)
def _set_mask(codes: frozenset[str], kind: str) -> int:
    """The bit mask of a set of codes (service users' sets repeat as contacts' lists do)."""
    return _mask(tuple(sorted(codes)), kind)


@lru_cache(maxsize=65536)
def _parse_codes(raw: str) -> tuple[str, ...]:
    """A stored JSON list of vocabulary codes (or JSON null); most rows repeat a few
    combinations."""
    return tuple(json.loads(raw) or ())  # JSON null: none


def codes_of(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return _parse_codes(value)
    return tuple(value)


class ContactTable:
    """Candidate contacts as columns: numpy arrays and bit masks, so one service user is
    scored against thousands of contacts without a Python loop per part."""

    KINDS = ("interests", "languages", "availability", "target_groups")

    def __init__(self, rows: list[tuple]) -> None:
        # rows: (id, name, postcode, area, interests, languages, availability,
        #        target_groups, birth_year, has_licence, load_hours)
        self.rows = rows
        n = len(rows)
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        self.codes = {kind: [r[4 + i] for r in rows] for i, kind in enumerate(self.KINDS)}
        self.masks = {
            kind: np.fromiter((_mask(c, kind) for c in self.codes[kind]), dtype=np.int64, count=n)
            for kind in self.KINDS
        }
        self.birth_year = np.fromiter(
            (np.nan if r[8] is None else r[8] for r in rows), dtype=float, count=n
        )
        self.licence = np.fromiter((bool(r[9]) for r in rows), dtype=bool, count=n)
        self.load = np.fromiter((int(r[10] or 0) for r in rows), dtype=np.int64, count=n)
        self.postcodes = [r[2] for r in rows]
        self.areas = [(r[3] or "").strip().lower() for r in rows]
        # Worked out once per table, not per service user: the table may be kept and
        # ranked from many times (matching._available_contacts).
        self.lats, self.lons = geography.coordinates(self.postcodes)
        names, self.area_index = np.unique(np.array(self.areas, dtype=object), return_inverse=True)
        self.area_names: list[str] = list(names)

    def patched(
        self, rows: list[tuple], gone: Collection[int], loads: dict[int, int] | None = None
    ) -> ContactTable:
        """A new table: this one with `rows` put in (each replacing the row of its id, or
        added), the contacts in `gone` left out and, given `loads`, every contact's load
        from it (absent: 0). Milliseconds, where building the whole table again takes
        0.2-0.3 s at 34,000 contacts. This table is not changed: other threads may be
        ranking from it."""
        out = ContactTable(rows)  # the new rows' columns, worked out as for a whole table
        left = {row[0] for row in rows}.union(gone)
        keep = ~np.isin(self.ids, np.fromiter(left, dtype=np.int64, count=len(left)))
        kept = keep.tolist()

        def listed(old: list, new: list) -> list:
            return list(compress(old, kept)) + new

        def joined(old: np.ndarray, new: np.ndarray) -> np.ndarray:
            return np.concatenate([old[keep], new.astype(old.dtype)])

        out.rows = listed(self.rows, out.rows)
        out.ids = joined(self.ids, out.ids)
        out.codes = {kind: listed(self.codes[kind], out.codes[kind]) for kind in self.KINDS}
        out.masks = {kind: joined(self.masks[kind], out.masks[kind]) for kind in self.KINDS}
        out.birth_year = joined(self.birth_year, out.birth_year)
        out.licence = joined(self.licence, out.licence)
        out.load = joined(self.load, out.load)
        out.postcodes = listed(self.postcodes, out.postcodes)
        out.lats, out.lons = joined(self.lats, out.lats), joined(self.lons, out.lons)
        # New areas go after the known ones (ranking looks names up by index, in any order).
        names = list(self.area_names)
        number = {name: i for i, name in enumerate(names)}
        for area in out.areas:
            if area not in number:
                number[area] = len(names)
                names.append(area)
        added = np.fromiter((number[area] for area in out.areas), dtype=np.intp)
        out.area_index = joined(self.area_index, added)
        out.area_names = names
        out.areas = listed(self.areas, out.areas)
        if loads is not None:
            load = np.fromiter(
                (loads.get(i, 0) for i in out.ids.tolist()), dtype=np.int64, count=len(out.ids)
            )
            for i in np.flatnonzero(load != out.load).tolist():
                out.rows[i] = (*out.rows[i][:10], int(load[i]))
            out.load = load
        return out

    @classmethod
    def from_supplies(cls, supplies: list[Supply]) -> ContactTable:
        return cls(
            [
                (
                    s.id,
                    s.name,
                    s.postcode,
                    s.area,
                    tuple(s.interests),
                    tuple(s.languages),
                    tuple(s.availability),
                    tuple(s.target_groups),
                    s.birth_year,
                    s.has_licence,
                    s.load_hours,
                )
                for s in supplies
            ]
        )

    def supply(self, i: int) -> Supply:
        r = self.rows[i]
        return Supply(
            id=r[0],
            name=r[1],
            postcode=r[2],
            area=r[3],
            interests=frozenset(r[4]),
            languages=frozenset(r[5]),
            availability=frozenset(r[6]),
            target_groups=frozenset(r[7]),
            birth_year=r[8],
            has_licence=bool(r[9]),
            load_hours=int(r[10] or 0),
        )


def _distance_scores(
    km: np.ndarray, area: str | None, area_names: list[str], area_index: np.ndarray
) -> np.ndarray:
    """distance_part for every row of a table at once: by kilometres where both places
    are known, else by comparing `area` with each row's (lowered) area, as score_pair does."""
    if area:
        area = area.strip().lower()
        by_name = np.array(
            [(SAME_AREA if a == area else OTHER_AREA) if a else NEUTRAL for a in area_names]
        )
        fallback = by_name[area_index] if len(km) else np.zeros(0)
    else:
        fallback = np.full(len(km), NEUTRAL)
    with np.errstate(invalid="ignore"):
        near = np.clip(1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM), 0.0, 1.0)
    return np.where(np.isnan(km), fallback, near)


def _overlap(wanted: int, masks: np.ndarray) -> np.ndarray | float:
    if not wanted:
        return NEUTRAL
    return np.bitwise_count(masks & wanted) / wanted.bit_count()


def score_table(
    demand: Demand, table: ContactTable, *, km: np.ndarray, max_hours: int, year: int
) -> np.ndarray:
    """The score of every contact in `table` at once; the same sums as score_pair."""
    n = len(table.rows)
    distance = _distance_scores(km, demand.area, table.area_names, table.area_index)
    # preferences: the mean of the wishes stated
    wishes = []
    if demand.age_min is not None or demand.age_max is not None:
        age = year - table.birth_year
        below = np.maximum(demand.age_min - age, 0) if demand.age_min is not None else 0.0
        above = np.maximum(age - demand.age_max, 0) if demand.age_max is not None else 0.0
        fit = np.clip(1.0 - (below + above) / AGE_TOLERANCE_YEARS, 0.0, 1.0)
        wishes.append(np.where(np.isnan(age), NEUTRAL, fit))
    if demand.needs_licence:
        wishes.append(table.licence.astype(float))
    preferences = sum(wishes) / len(wishes) if wishes else NEUTRAL
    target_bit = _BITS["target_groups"].get(AGE_GROUP_TARGETS.get(demand.age_group, ""), 0)
    targets = table.masks["target_groups"]
    target = np.where(targets == 0, NEUTRAL, ((targets & target_bit) != 0).astype(float))
    load = np.clip(1.0 - table.load / max_hours, 0.0, 1.0) if max_hours > 0 else np.zeros(n)
    parts = {
        "distance": distance,
        "interests": _overlap(_mask(demand.interests, "interests"), table.masks["interests"]),
        "languages": _overlap(_mask(demand.languages, "languages"), table.masks["languages"]),
        "availability": _overlap(
            _mask(demand.availability, "availability"), table.masks["availability"]
        ),
        "preferences": preferences,
        "target_group": target,
        "load": load,
    }
    total = np.zeros(n)
    for part, values in parts.items():
        total = total + WEIGHTS[part] * values
    return total


def rank_table(
    demand: Demand,
    table: ContactTable,
    *,
    max_hours: int,
    year: int,
    limit: int | None = None,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """Contacts ranked for one service user from a ContactTable, leaving out the ids in
    `exclude`; the parts (the why) are worked out with score_pair for the suggestions
    returned only."""
    place = geography.lookup(demand.postcode)
    if place is None:
        km = np.full(len(table.rows), np.nan)
    else:
        km = geography.distances_km(place.lat, place.lon, table.lats, table.lons)
    scores = score_table(demand, table, km=km, max_hours=max_hours, year=year)
    fits = table.load + demand.hours <= max_hours
    if exclude:
        fits &= ~np.isin(table.ids, np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
    candidates = np.flatnonzero(fits)
    # Best score first; nearer, then lower id, break ties.
    order = np.lexsort(
        (
            table.ids[candidates],
            np.nan_to_num(km[candidates], nan=1e9),
            -np.round(scores[candidates], 9),
        )
    )
    chosen = candidates[order[:limit] if limit else order]
    out = []
    for i in chosen:
        supply = table.supply(int(i))
        distance = None if np.isnan(km[i]) else float(km[i])
        parts = score_pair(demand, supply, km=distance, max_hours=max_hours, year=year)
        out.append(
            Suggestion(
                id=supply.id,
                label=supply.name,
                score=sum(parts.values()),
                parts=parts,
                distance_km=distance,
                shared_interests=tuple(sorted(demand.interests & supply.interests)),
                shared_languages=tuple(sorted(demand.languages & supply.languages)),
                load_hours=supply.load_hours,
                hours=demand.hours,
                area=supply.area,
            )
        )
    return out


@lru_cache(maxsize=65536)
def _codes_mask(value: str | tuple | frozenset | None, kind: str) -> int:
    """The bit mask of a list of codes, stored (JSON text) or read; combinations repeat."""
    return _mask(codes_of(value), kind)


def _indexed(values, name) -> tuple[list, np.ndarray]:
    """The distinct values' names (`name` of each) and every value's index among them."""
    index: dict = {}
    positions = np.fromiter(
        (index.setdefault(value, len(index)) for value in values), dtype=np.intp, count=len(values)
    )
    return [name(value) for value in index], positions


#: A Demand's fields in order: the columns of a ServiceUserTable's rows.
DEMAND_FIELDS = tuple(f.name for f in fields(Demand))


def _numbers(values, n: int) -> np.ndarray:
    return np.fromiter((np.nan if v is None else v for v in values), dtype=float, count=n)


class ServiceUserTable:
    """Waiting service users as columns, so one contact is scored against thousands of
    them without a Python loop per person (the mirror of ContactTable). Kept per process
    while the waiting rows are unchanged (recruitment/placement/matching.py), and never
    changed once built; it holds case references and postcodes, so an erasure replaces
    it. A Demand is made only for the rows returned."""

    def __init__(self, rows: list[tuple]) -> None:
        # rows: a Demand's fields in order; the three lists of codes as stored JSON text
        # or as codes (the caches see only those: never a note or a case reference).
        self.rows = rows
        n = len(rows)
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(DEMAND_FIELDS)
        self.ids = np.fromiter(columns[0], dtype=np.int64, count=n)
        self.postcodes: list[str | None] = list(columns[3])
        self.masks = {
            kind: np.fromiter(
                (_codes_mask(value, kind) for value in columns[5 + i]), dtype=np.int64, count=n
            )
            for i, kind in enumerate(("interests", "languages", "availability"))
        }
        self.age_min = _numbers(columns[8], n)
        self.age_max = _numbers(columns[9], n)
        self.licence = np.fromiter((bool(v) for v in columns[10]), dtype=bool, count=n)
        self.hours = np.fromiter(columns[11], dtype=np.int64, count=n)
        # Day numbers (date.toordinal, -1: not known): numpy's own dates parse each value.
        self.waiting_since = np.fromiter(
            (-1 if day is None else day.toordinal() for day in columns[12]),
            dtype=np.int64,
            count=n,
        )
        # Areas and age groups by index into their distinct values, for scoring per value.
        self.area_names, self.area_index = _indexed(columns[4], lambda a: (a or "").strip().lower())
        self.age_group_names, self.age_group_index = _indexed(columns[2], lambda group: group)

    @classmethod
    def from_demands(cls, demands: list[Demand]) -> ServiceUserTable:
        return cls([tuple(getattr(d, name) for name in DEMAND_FIELDS) for d in demands])

    def demand(self, i: int) -> Demand:
        r = self.rows[i]
        return Demand(
            *r[:5],
            *(frozenset(codes_of(value)) for value in r[5:8]),
            *r[8:10],
            bool(r[10]),
            *r[11:],
        )


def score_service_users(
    supply: Supply, table: ServiceUserTable, *, km: np.ndarray, max_hours: int, year: int
) -> np.ndarray:
    """The score of `supply` for every service user in `table` at once; the same sums as
    score_pair."""
    n = len(table.rows)
    distance = _distance_scores(km, supply.area, table.area_names, table.area_index)

    def overlap(kind: str, offered: frozenset[str]) -> np.ndarray:
        masks = table.masks[kind]
        counts = np.bitwise_count(masks).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.bitwise_count(masks & _set_mask(offered, kind)) / counts
        return np.where(masks == 0, NEUTRAL, shares)

    # preferences: the mean of the wishes each service user stated
    has_age = ~(np.isnan(table.age_min) & np.isnan(table.age_max))
    if supply.birth_year:
        age = year - supply.birth_year
        below = np.nan_to_num(np.maximum(table.age_min - age, 0), nan=0.0)
        above = np.nan_to_num(np.maximum(age - table.age_max, 0), nan=0.0)
        age_fit = np.maximum(0.0, 1.0 - (below + above) / AGE_TOLERANCE_YEARS)
    else:
        age_fit = np.full(n, NEUTRAL)
    wishes = has_age.astype(float) + table.licence
    stated = np.where(has_age, age_fit, 0.0) + np.where(
        table.licence, float(supply.has_licence), 0.0
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        preferences = np.where(wishes > 0, stated / wishes, NEUTRAL)
    if supply.target_groups:
        fits = np.array(
            [
                float(AGE_GROUP_TARGETS.get(group) in supply.target_groups)
                for group in table.age_group_names
            ]
        )
        target = fits[table.age_group_index] if n else np.zeros(0)
    else:
        target = np.full(n, NEUTRAL)
    parts = {
        "distance": distance,
        "interests": overlap("interests", supply.interests),
        "languages": overlap("languages", supply.languages),
        "availability": overlap("availability", supply.availability),
        "preferences": preferences,
        "target_group": target,
        "load": load_part(supply.load_hours, max_hours),
    }
    total = np.zeros(n)
    for part, values in parts.items():
        total = total + WEIGHTS[part] * values
    return total


def rank_service_users(
    supply: Supply,
    demands: list[Demand],
    *,
    max_hours: int,
    year: int,
    today: date,
    limit: int | None = None,
) -> list[Suggestion]:
    """Waiting service users ranked for one contact, best first (rank_service_user_table)."""
    return rank_service_user_table(
        supply,
        ServiceUserTable.from_demands(demands),
        max_hours=max_hours,
        year=year,
        today=today,
        limit=limit,
    )


def rank_service_user_table(
    supply: Supply,
    table: ServiceUserTable,
    *,
    max_hours: int,
    year: int,
    today: date,
    limit: int | None = None,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """Waiting service users ranked for one contact, best first; the longest wait breaks ties.
    Those whose hours would take the contact over the limit are left out, and those in
    `exclude` (already proposed to or placed with the contact). Scored at once
    (score_service_users); the parts (the why) are worked out for the suggestions
    returned only."""
    km = _distances(supply.postcode, table.postcodes)
    scores = score_service_users(supply, table, km=km, max_hours=max_hours, year=year)
    known = table.waiting_since >= 0
    days = np.where(known, today.toordinal() - table.waiting_since, 0)
    fits = supply.load_hours + table.hours <= max_hours
    if exclude:
        fits &= ~np.isin(table.ids, np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
    candidates = np.flatnonzero(fits)
    order = np.lexsort((table.ids[candidates], -days[candidates], -np.round(scores[candidates], 9)))
    out = []
    for i in candidates[order[:limit] if limit else order]:
        demand = table.demand(int(i))
        distance = None if np.isnan(km[i]) else float(km[i])
        parts = score_pair(demand, supply, km=distance, max_hours=max_hours, year=year)
        out.append(
            Suggestion(
                id=demand.id,
                label=demand.case_ref or f"#{demand.id}",
                score=sum(parts.values()),
                parts=parts,
                distance_km=distance,
                shared_interests=tuple(sorted(demand.interests & supply.interests)),
                shared_languages=tuple(sorted(demand.languages & supply.languages)),
                load_hours=supply.load_hours,
                hours=demand.hours,
                area=demand.area,
                extra={"days_waiting": int(days[i]) if known[i] else None},
            )
        )
    return out


def _distances(origin: str | None, postcodes: list[str | None]) -> np.ndarray:
    place = geography.lookup(origin)
    if place is None:
        return np.full(len(postcodes), np.nan)
    lats, lons = geography.coordinates(postcodes)
    return geography.distances_km(place.lat, place.lon, lats, lons)
