"""From the demand gap to sign-ups and info meetings: "to place everyone waiting in
segment S by the end of month D you need about N more sign-ups, that is M info meetings
of K seats at today's attendance" — with every number of the arithmetic kept, so the
page can show it.

For a segment with `gap` service users that today's contacts cannot take:
  expected = share suiting S × approvals expected by D (from the forecast)
  still    = gap − expected (at least 0)
  sign-ups = still ÷ (chance a sign-up is approved × share suiting S), rounded up
  meetings = sign-ups × chance a sign-up comes to a meeting ÷ (seats × attendance), up
and they must sign up about `days_to_approval` days before D ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from recruitment.analytics.forecast.model import BOOKED, MODES, STAGES, Estimates
from recruitment.placement.demand import DemandGap, segment_share

#: Columns of `segment_needs` (one row per segment with a gap).
COLUMNS = [
    "area",
    "target_group",
    "waiting",
    "gap",
    "by",
    "approvals_expected",
    "share_suiting",
    "expected_suitable",
    "still_needed",
    "signup_to_approval",
    "signups_needed",
    "signup_to_meeting",
    "seats",
    "attendance",
    "meetings_needed",
    "sign_up_by",
]


@dataclass(frozen=True, slots=True)
class Chances:
    """What one new sign-up becomes: approved, at a meeting; and how long it takes."""

    approval: float
    meeting: float
    days_to_approval: int


def chances(estimates: Estimates) -> Chances:
    """From the pools: the chance a new sign-up is approved (both meeting modes, mixed by
    the digital share), comes to a meeting, and the median days to approval added up."""
    first = estimates.pool(STAGES[0], "any")
    start = first.conversion or 0.0
    approval = meeting = 0.0
    days = [first.median_days or 0.0]
    shares = {"digital": estimates.digital_share, "in_person": 1 - estimates.digital_share}
    for mode in MODES:
        pools = [estimates.pool(STAGES[k], mode) for k in range(BOOKED, STAGES.index("approved"))]
        path = math.prod(p.conversion or 0.0 for p in pools)
        approval += shares[mode] * path
        meeting += shares[mode] * (pools[0].conversion or 0.0)
        days.append(shares[mode] * sum(p.median_days or 0.0 for p in pools))
    return Chances(start * approval, start * meeting, round(sum(days)))


def segment_needs(
    gap: DemandGap,
    *,
    months: list[date],
    expected_approvals: list[float],
    by_month: int,
    profiles: list[tuple[str, frozenset[str]]],
    chance: Chances,
    seats: int,
    attendance: float,
) -> pd.DataFrame:
    """Per segment with a gap: the arithmetic from the gap to sign-ups and meetings, for
    placing everyone waiting by the end of month `by_month` (an index into `months`)."""
    by_end = (months[by_month] + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    approvals = float(sum(expected_approvals[: by_month + 1]))
    rows = []
    for segment in gap.segments.itertuples(index=False):
        if segment.gap <= 0:
            continue
        share = segment_share(profiles, segment.area, segment.target_group)
        expected = share * approvals
        still = max(0.0, segment.gap - expected)
        per_signup = chance.approval * share
        signups = math.ceil(still / per_signup) if per_signup > 0 else None
        per_meeting = seats * attendance
        meetings = (
            math.ceil(signups * chance.meeting / per_meeting)
            if signups is not None and per_meeting > 0
            else None
        )
        rows.append(
            {
                "area": segment.area,
                "target_group": segment.target_group,
                "waiting": int(segment.waiting),
                "gap": int(segment.gap),
                "by": by_end,
                "approvals_expected": approvals,
                "share_suiting": share,
                "expected_suitable": expected,
                "still_needed": still,
                "signup_to_approval": chance.approval,
                "signups_needed": 0 if still == 0 else signups,
                "signup_to_meeting": chance.meeting,
                "seats": seats,
                "attendance": attendance,
                "meetings_needed": 0 if still == 0 else meetings,
                "sign_up_by": by_end - timedelta(days=chance.days_to_approval),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
