"""The demand gap, in one place: which available support contacts suit each waiting
service user, which segments (area and target group) have none, and how many of the
waiting today's contacts could take. The Supply and demand page shows it; the forecast's
demand part (`recruitment.analytics.forecast.needs`) starts from it.

A contact *suits* a waiting service user when
- they live in the same area (a service user without an area is open to every area),
- they told us they want to support that target group (the user's age group), and
- their free hours (the limit per contact less the hours of their active placements)
  cover the hours the service user needs per month.

The gap assigns contacts greedily, the longest-waiting service user first, each to the
suitable contact with the most free hours; what is left unassigned is the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Applicant, ServiceUser, ServiceUserStatus, StageEvent
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.settings import get_setting
from recruitment.placement.matching import AVAILABLE_STAGES, _load_column
from recruitment.placement.scoring import AGE_GROUP_TARGETS

#: Columns of `DemandGap.waiting`: one row per waiting service user (no identity).
WAITING_COLUMNS = [
    "area",
    "age_group",
    "target_group",
    "hours_per_month",
    "days_waiting",
    "suitable",
]
#: Columns of `DemandGap.segments`: waiting, distinct suitable contacts, how many today's
#: contacts could take (`placeable`) and the rest (`gap`).
SEGMENT_COLUMNS = ["area", "target_group", "waiting", "suitable_contacts", "placeable", "gap"]


@dataclass(frozen=True, slots=True)
class Contact:
    area: str
    targets: frozenset[str]
    free_hours: int


@dataclass(frozen=True, slots=True)
class Waiting:
    area: str
    age_group: str
    hours: int
    waiting_since: date

    @property
    def target_group(self) -> str:
        return AGE_GROUP_TARGETS.get(self.age_group, self.age_group)


def suits(contact: Contact, user: Waiting) -> bool:
    """The one rule: same area (or none asked), the target group, enough free hours."""
    return (
        (not user.area or contact.area == user.area)
        and user.target_group in contact.targets
        and contact.free_hours >= user.hours
    )


def segment_share(profiles: list[tuple[str, frozenset[str]]], area: str, target: str) -> float:
    """Share of contact profiles (area, target groups) that would suit segment (area,
    target) — used for new contacts, who have all their hours free."""
    if not profiles:
        return 0.0
    hits = sum(1 for a, targets in profiles if (not area or a == area) and target in targets)
    return hits / len(profiles)


@dataclass(frozen=True, slots=True)
class DemandGap:
    waiting: pd.DataFrame
    segments: pd.DataFrame

    @property
    def segments_without_contacts(self) -> pd.DataFrame:
        """Where to recruit: segments whose waiting have no suitable contact at all."""
        return self.segments[self.segments["suitable_contacts"] == 0].reset_index(drop=True)


def gap_of(contacts: list[Contact], waiting: list[Waiting], today: date) -> DemandGap:
    """The demand gap of `waiting` against `contacts` (pure; see the module's rule)."""
    areas = np.array([c.area for c in contacts], dtype=object)
    free = np.array([c.free_hours for c in contacts], dtype=float)
    by_target = {
        target: np.array([target in c.targets for c in contacts], dtype=bool)
        for target in {w.target_group for w in waiting}
    }
    if not contacts:
        by_target = {target: np.zeros(0, dtype=bool) for target in by_target}
    ordered = sorted(range(len(waiting)), key=lambda i: waiting[i].waiting_since)
    suitable_counts = [0] * len(waiting)
    placed = [False] * len(waiting)
    suitable_sets: dict[tuple[str, str], np.ndarray] = {}
    left = free.copy()
    for i in ordered:
        user = waiting[i]
        mask = by_target[user.target_group] & (free >= user.hours)
        if user.area:
            mask = mask & (areas == user.area)
        suitable_counts[i] = int(mask.sum())
        key = (user.area, user.target_group)
        suitable_sets[key] = suitable_sets.get(key, np.zeros(len(contacts), dtype=bool)) | mask
        # Today's contacts take the longest-waiting first, with the hours still free.
        now = mask & (left >= user.hours)
        if now.any():
            best = int(np.argmax(np.where(now, left, -1)))
            left[best] -= user.hours
            placed[i] = True
    waiting_frame = pd.DataFrame(
        [
            {
                "area": w.area,
                "age_group": w.age_group,
                "target_group": w.target_group,
                "hours_per_month": w.hours,
                "days_waiting": (today - w.waiting_since).days,
                "suitable": suitable_counts[i],
            }
            for i, w in enumerate(waiting)
        ],
        columns=WAITING_COLUMNS,
    )
    if len(waiting_frame):
        waiting_frame = waiting_frame.sort_values(
            ["suitable", "days_waiting"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)
    rows: dict[tuple[str, str], dict] = {}
    for i, w in enumerate(waiting):
        key = (w.area, w.target_group)
        row = rows.setdefault(
            key,
            {"area": w.area, "target_group": w.target_group, "waiting": 0, "placeable": 0},
        )
        row["waiting"] += 1
        row["placeable"] += int(placed[i])
    segments = pd.DataFrame(
        [
            {
                **row,
                "suitable_contacts": int(suitable_sets[key].sum()),
                "gap": row["waiting"] - row["placeable"],
            }
            for key, row in rows.items()
        ],
        columns=SEGMENT_COLUMNS,
    )
    if len(segments):
        segments = segments.sort_values(
            ["gap", "waiting", "area", "target_group"], ascending=[False, False, True, True]
        ).reset_index(drop=True)
    return DemandGap(waiting=waiting_frame, segments=segments)


def _contacts(session: Session) -> list[Contact]:
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    rows = session.execute(
        select(Applicant.area, Applicant.target_groups, _load_column()).where(
            Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None)
        )
    ).all()
    return [
        Contact(area or "", frozenset(targets or ()), max_hours - int(load or 0))
        for area, targets, load in rows
    ]


def _waiting(session: Session) -> list[Waiting]:
    rows = session.execute(
        select(
            ServiceUser.area,
            ServiceUser.age_group,
            ServiceUser.hours_per_month,
            ServiceUser.waiting_since,
        ).where(
            ServiceUser.status == ServiceUserStatus.WAITING.value,
            ServiceUser.anonymised_at.is_(None),
        )
    ).all()
    return [Waiting(a or "", g, int(h or 0), since) for a, g, h, since in rows]


@requires("analytics.read")
def demand_gap(*, session: Session, actor: Actor, today: date | None = None) -> DemandGap:
    """Every waiting service user's count of suitable available contacts, and the gap per
    segment (area and target group). Aggregates only: no names or case numbers."""
    return gap_of(_contacts(session), _waiting(session), today or timefmt.today())


@requires("analytics.read")
def contact_profiles(
    *, session: Session, actor: Actor, since: date, until: date
) -> list[tuple[str, frozenset[str]]]:
    """Area and target groups of the contacts approved between `since` and `until`: what
    new contacts have looked like, for the share that suits a segment."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    rows = session.execute(
        select(Applicant.area, Applicant.target_groups)
        .join(StageEvent, StageEvent.applicant_id == Applicant.id)
        .where(
            StageEvent.to_stage == "approved",
            StageEvent.from_stage == "interviewed",
            StageEvent.at >= start,
            StageEvent.at < end,
        )
    ).all()
    return [(area or "", frozenset(targets or ())) for area, targets in rows]
