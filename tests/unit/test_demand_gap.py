"""The demand gap's rule and arithmetic (pure, no database)."""

from __future__ import annotations

from datetime import date

from recruitment.placement.demand import Contact, Waiting, gap_of, segment_share, suits

TODAY = date(2026, 3, 1)


def test_a_contact_suits_when_area_target_group_and_hours_all_fit():
    user = Waiting("Nord", "youth", 8, date(2026, 1, 1))
    assert suits(Contact("Nord", frozenset({"youth"}), 10), user)
    assert not suits(Contact("Sør", frozenset({"youth"}), 10), user)
    assert not suits(Contact("Nord", frozenset({"adults"}), 10), user)
    assert not suits(Contact("Nord", frozenset({"youth"}), 6), user)
    # A service user without an area is open to every area.
    assert suits(Contact("Sør", frozenset({"youth"}), 10), Waiting("", "youth", 8, TODAY))


def test_each_waiting_user_gets_the_count_of_suitable_contacts_and_empty_segments_are_listed():
    contacts = [
        Contact("Nord", frozenset({"youth"}), 20),
        Contact("Nord", frozenset({"youth", "adults"}), 8),
        Contact("Sør", frozenset({"elderly"}), 20),
    ]
    waiting = [
        Waiting("Nord", "youth", 8, date(2025, 12, 1)),
        Waiting("Nord", "youth", 8, date(2026, 1, 1)),
        Waiting("Nord", "youth", 8, date(2026, 2, 1)),
        Waiting("Nord", "youth", 8, date(2026, 2, 2)),
        Waiting("Sør", "child", 4, date(2026, 1, 1)),
    ]
    gap = gap_of(contacts, waiting, TODAY)
    nord = gap.segments.set_index(["area", "target_group"]).loc[("Nord", "youth")]
    assert (nord.waiting, nord.suitable_contacts) == (4, 2)
    # 20 free hours take two of 8, 8 free hours one: three placeable, one left over.
    assert (nord.placeable, nord.gap) == (3, 1)
    empty = gap.segments_without_contacts
    assert list(zip(empty.area, empty.target_group, strict=True)) == [("Sør", "children")]
    counts = sorted(gap.waiting["suitable"])
    assert counts == [0, 2, 2, 2, 2]
    # The users without a suitable contact come first on the page.
    assert gap.waiting.iloc[0]["target_group"] == "children"


def test_no_contacts_at_all_leaves_everyone_in_the_gap():
    gap = gap_of([], [Waiting("Nord", "adult", 8, TODAY)], TODAY)
    assert gap.segments.iloc[0]["gap"] == 1
    assert gap.waiting.iloc[0]["suitable"] == 0


def test_the_share_of_new_contacts_that_suit_a_segment():
    profiles = [
        ("Nord", frozenset({"youth"})),
        ("Sør", frozenset({"youth"})),
        ("Nord", frozenset()),
    ]
    assert segment_share(profiles, "Nord", "youth") == 1 / 3
    assert segment_share(profiles, "", "youth") == 2 / 3
    assert segment_share([], "Nord", "youth") == 0.0
