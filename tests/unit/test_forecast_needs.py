"""From the demand gap to sign-ups and info meetings: the arithmetic the page shows."""

from __future__ import annotations

import math
from datetime import date

import pytest

from recruitment.analytics.forecast.model import ANY, Estimates, Pool
from recruitment.analytics.forecast.needs import Chances, chances, segment_needs
from recruitment.placement.demand import Contact, Waiting, gap_of

MONTHS = [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]


def test_the_needs_follow_the_arithmetic_shown_on_the_page():
    # Nord youth: three waiting, nobody suits; Sør adults: one waiting, one contact suits.
    gap = gap_of(
        [Contact("Sør", frozenset({"adults"}), 20)],
        [Waiting("Nord", "youth", 8, date(2026, 6, 1)) for _ in range(3)]
        + [Waiting("Sør", "adult", 8, date(2026, 6, 1))],
        date(2026, 12, 1),
    )
    profiles = [("Nord", frozenset({"youth"}))] + [("Sør", frozenset({"adults"}))] * 9
    needs = segment_needs(
        gap,
        months=MONTHS,
        expected_approvals=[10.0, 10.0, 10.0],
        by_month=1,
        profiles=profiles,
        chance=Chances(approval=0.2, meeting=0.5, days_to_approval=40),
        seats=20,
        attendance=0.8,
    )
    assert needs["area"].tolist() == ["Nord"]  # Sør has no gap
    row = needs.iloc[0]
    assert row["gap"] == 3
    assert row["by"] == date(2027, 2, 28)
    assert row["approvals_expected"] == 20.0
    assert row["share_suiting"] == pytest.approx(0.1)
    assert row["expected_suitable"] == pytest.approx(2.0)
    assert row["still_needed"] == pytest.approx(1.0)
    assert row["signups_needed"] == math.ceil(1.0 / (0.2 * 0.1)) == 50
    assert row["meetings_needed"] == math.ceil(50 * 0.5 / (20 * 0.8)) == 2
    assert row["sign_up_by"] == date(2027, 1, 19)


def test_a_segment_no_recent_contact_suited_gets_no_number():
    gap = gap_of([], [Waiting("Vest", "child", 8, date(2026, 6, 1))], date(2026, 12, 1))
    needs = segment_needs(
        gap,
        months=MONTHS,
        expected_approvals=[5.0, 5.0, 5.0],
        by_month=2,
        profiles=[("Nord", frozenset({"youth"}))],
        chance=Chances(approval=0.2, meeting=0.5, days_to_approval=40),
        seats=20,
        attendance=0.8,
    )
    assert needs.iloc[0]["signups_needed"] is None
    assert needs.iloc[0]["meetings_needed"] is None


def test_the_chances_of_a_sign_up_multiply_the_steps_and_mix_the_modes():
    pools = {("signed_up", ANY): Pool.of({1: 9}, {1: 1})}
    for stage in ("meeting_booked", "meeting_attended", "interview_scheduled", "interviewed"):
        pools[(stage, "digital")] = Pool.of({2: 1}, {})
        pools[(stage, "in_person")] = Pool.of({2: 1}, {2: 1})
    estimates = Estimates(pools=pools, digital_share=0.25, signups_per_month=0)
    got = chances(estimates)
    assert got.approval == pytest.approx(0.9 * (0.25 * 1 + 0.75 * 0.5**4))
    assert got.meeting == pytest.approx(0.9 * (0.25 * 1 + 0.75 * 0.5))
    assert got.days_to_approval == 1 + 8
