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
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from db.models import Applicant, Placement, ServiceUser, ServiceUserStatus, StageEvent
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.settings import get_setting
from recruitment.placement.matching import AVAILABLE_STAGES, HOLDING
from recruitment.placement.scoring import AGE_GROUP_TARGETS, codes_of

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
    free = np.array([c.free_hours for c in contacts], dtype=float)
    left = free.copy()
    # Contacts by (area, target group), and by target group alone for users without an
    # area: each user then looks only at their own bucket.
    buckets: dict[tuple[str, str], list[int]] = {}
    for i, contact in enumerate(contacts):
        for target in contact.targets:
            buckets.setdefault((contact.area, target), []).append(i)
            if contact.area:  # someone without an area is open to every area
                buckets.setdefault(("", target), []).append(i)
    index = {key: np.array(ids, dtype=np.int64) for key, ids in buckets.items()}
    nobody = np.zeros(0, dtype=np.int64)
    ordered = sorted(range(len(waiting)), key=lambda i: waiting[i].waiting_since)
    suitable_counts = [0] * len(waiting)
    placed = [False] * len(waiting)
    fewest_hours: dict[tuple[str, str], int] = {}
    for i in ordered:
        user = waiting[i]
        key = (user.area, user.target_group)
        fewest_hours[key] = min(fewest_hours.get(key, user.hours), user.hours)
        ids = index.get(key, nobody)
        if not len(ids):
            continue
        suitable_counts[i] = int((free[ids] >= user.hours).sum())
        # Today's contacts take the longest-waiting first: the one with most hours left.
        best = int(np.argmax(left[ids]))
        if left[ids[best]] >= user.hours:
            left[ids[best]] -= user.hours
            placed[i] = True
    # A contact suits someone in a segment when they suit its user needing fewest hours.
    suitable_in_segment = {
        key: int((free[index.get(key, nobody)] >= hours).sum())
        for key, hours in fewest_hours.items()
    }
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
                "suitable_contacts": suitable_in_segment[key],
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
    # Two flat reads joined here: a correlated sum per contact cost a second at 100,000.
    load = dict(
        session.execute(
            select(Placement.applicant_id, func.sum(Placement.hours_per_month))
            .where(Placement.status.in_(HOLDING))
            .group_by(Placement.applicant_id)
        ).all()
    )
    rows = session.execute(
        # As stored text: PostgreSQL's driver would parse every json cell itself.
        select(Applicant.id, Applicant.area, cast(Applicant.target_groups, String)).where(
            Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None)
        )
    ).all()
    # Contacts are values: the many with the same area, groups and free hours share one
    # (building 34,000 frozen records was a third of the page at 100,000 applicants).
    made: dict[tuple, Contact] = {}
    contacts = []
    for i, area, targets in rows:
        key = (area, targets, load.get(i))
        contact = made.get(key)
        if contact is None:
            contact = made[key] = Contact(
                area or "", frozenset(codes_of(targets)), max_hours - int(load.get(i) or 0)
            )
        contacts.append(contact)
    return contacts


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
def demand_gap(
    *, session: Session, actor: Actor, today: date | None = None, area: str | None = None
) -> DemandGap:
    """Every waiting service user's count of suitable available contacts, and the gap per
    segment (area and target group); only those waiting in `area` when one is given.
    Aggregates only: no names or case numbers."""
    waiting = _waiting(session)
    if area is not None:
        waiting = [w for w in waiting if w.area == area]
    return gap_of(_contacts(session), waiting, today or timefmt.today())


@requires("analytics.read")
def contact_profiles(
    *, session: Session, actor: Actor, since: date, until: date
) -> list[tuple[str, frozenset[str]]]:
    """Area and target groups of the contacts approved between `since` and `until`: what
    new contacts have looked like, for the share that suits a segment."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    # Counted per (area, groups) in SQL: a few hundred rows instead of one per contact.
    targets = cast(Applicant.target_groups, String)
    rows = session.execute(
        select(Applicant.area, targets, func.count())
        .join(StageEvent, StageEvent.applicant_id == Applicant.id)
        .where(
            StageEvent.to_stage == "approved",
            StageEvent.from_stage == "interviewed",
            StageEvent.at >= start,
            StageEvent.at < end,
        )
        .group_by(Applicant.area, targets)
    ).all()
    profiles: list[tuple[str, frozenset[str]]] = []
    for area, codes, n in rows:
        profiles += [(area or "", frozenset(codes_of(codes)))] * n
    return profiles
