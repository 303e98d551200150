"""Each part of the match score moves the ranking the way a coordinator would expect."""

from datetime import date

import pytest

from recruitment.placement.scoring import (
    WEIGHTS,
    Demand,
    Supply,
    distance_part,
    rank_contacts,
    rank_service_users,
)

YEAR = 2026
MAX = 40


def demand(**fields) -> Demand:
    values = dict(
        id=1,
        case_ref="SAK-1",
        age_group="youth",
        postcode="1606",
        area="Fredrikstad",
        interests=frozenset(),
        languages=frozenset(),
        availability=frozenset(),
        age_min=None,
        age_max=None,
        needs_licence=False,
        hours=8,
        waiting_since=date(2026, 1, 1),
    )
    values.update(fields)
    return Demand(**values)


def supply(id: int, **fields) -> Supply:
    values = dict(
        id=id,
        name=f"Contact {id}",
        postcode="1606",
        area="Fredrikstad",
        interests=frozenset(),
        languages=frozenset(),
        availability=frozenset(),
        target_groups=frozenset(),
        birth_year=1980,
        has_licence=False,
        load_hours=0,
    )
    values.update(fields)
    return Supply(**values)


def order(d: Demand, supplies: list[Supply]) -> list[int]:
    return [s.id for s in rank_contacts(d, supplies, max_hours=MAX, year=YEAR)]


def test_the_weights_add_up_to_a_hundred():
    assert sum(WEIGHTS.values()) == 100


def test_a_nearer_contact_ranks_above_a_farther_one():
    oslo, fredrikstad, bergen = (
        supply(1, postcode="0150", area="Oslo"),
        supply(2),
        supply(3, postcode="5003", area="Bergen"),
    )
    assert order(demand(), [bergen, oslo, fredrikstad]) == [2, 1, 3]


def test_without_coordinates_the_same_area_ranks_above_another_area():
    same = supply(1, postcode=None, area="fredrikstad")
    other = supply(2, postcode=None, area="Sarpsborg")
    assert order(demand(postcode=None), [other, same]) == [1, 2]


def test_distance_scores_full_marks_nearby_and_nothing_far_away():
    assert distance_part(1.0) == 1.0
    assert distance_part(500.0) == 0.0
    assert 0 < distance_part(20.0) < 1
    assert distance_part(None) == 0.5


def test_shared_interests_lift_a_contact():
    d = demand(interests=frozenset({"fishing", "music"}))
    none, one, both = (
        supply(1),
        supply(2, interests=frozenset({"music"})),
        supply(3, interests=frozenset({"music", "fishing"})),
    )
    ranked = rank_contacts(d, [none, one, both], max_hours=MAX, year=YEAR)
    assert [s.id for s in ranked] == [3, 2, 1]
    assert ranked[0].shared_interests == ("fishing", "music")
    assert ranked[0].parts["interests"] == WEIGHTS["interests"]


def test_a_shared_language_lifts_a_contact():
    d = demand(languages=frozenset({"ar"}))
    assert order(
        d, [supply(1, languages=frozenset({"no"})), supply(2, languages=frozenset({"no", "ar"}))]
    ) == [2, 1]


def test_matching_availability_lifts_a_contact():
    d = demand(availability=frozenset({"weekend"}))
    assert order(
        d,
        [
            supply(1, availability=frozenset({"weekday_daytime"})),
            supply(2, availability=frozenset({"weekend"})),
        ],
    ) == [2, 1]


def test_a_contact_inside_the_wished_age_range_ranks_above_one_outside():
    d = demand(age_min=20, age_max=30)
    old, young = supply(1, birth_year=YEAR - 60), supply(2, birth_year=YEAR - 25)
    ranked = rank_contacts(d, [old, young], max_hours=MAX, year=YEAR)
    assert [s.id for s in ranked] == [2, 1]
    assert ranked[1].parts["preferences"] == 0


def test_a_wished_for_driving_licence_lifts_a_contact_who_has_one():
    d = demand(needs_licence=True)
    assert order(d, [supply(1, has_licence=False), supply(2, has_licence=True)]) == [2, 1]


def test_a_contact_who_wants_this_age_group_ranks_above_one_who_wants_another():
    d = demand(age_group="elderly")
    assert order(
        d,
        [
            supply(1, target_groups=frozenset({"children"})),
            supply(2, target_groups=frozenset({"elderly"})),
        ],
    ) == [2, 1]


def test_a_contact_with_fewer_hours_placed_ranks_above_a_busier_one():
    assert order(demand(), [supply(1, load_hours=24), supply(2, load_hours=4)]) == [2, 1]


def test_a_contact_without_room_for_the_hours_is_left_out():
    assert order(demand(hours=10), [supply(1, load_hours=35), supply(2, load_hours=30)]) == [2]


def test_every_suggestion_carries_the_points_of_each_part_which_add_up_to_its_score():
    d = demand(interests=frozenset({"music"}), languages=frozenset({"no"}))
    (s,) = rank_contacts(
        d,
        [supply(1, interests=frozenset({"music"}), languages=frozenset({"no"}))],
        max_hours=MAX,
        year=YEAR,
    )
    assert set(s.parts) == set(WEIGHTS)
    assert s.score == pytest.approx(sum(s.parts.values()))
    assert all(0 <= s.parts[p] <= WEIGHTS[p] for p in WEIGHTS)
    assert s.as_row()["distance_km"] == 0.0


def test_for_a_contact_the_better_fitting_service_user_ranks_first_and_a_longer_wait_breaks_ties():
    contact = supply(9, interests=frozenset({"music"}))
    fits = demand(id=1, interests=frozenset({"music"}), waiting_since=date(2026, 5, 1))
    other = demand(id=2, interests=frozenset({"sports"}), waiting_since=date(2025, 1, 1))
    waited_longer = demand(id=3, interests=frozenset({"music"}), waiting_since=date(2026, 1, 1))
    ranked = rank_service_users(
        contact, [fits, other, waited_longer], max_hours=MAX, year=YEAR, today=date(2026, 6, 1)
    )
    assert [s.id for s in ranked] == [3, 1, 2]
    assert ranked[0].extra["days_waiting"] == 151


def test_the_vectorised_scores_equal_the_sum_of_the_explained_parts():
    import random

    import numpy as np

    from recruitment.core.vocabulary import AVAILABILITY, INTERESTS, LANGUAGES, TARGET_GROUPS
    from recruitment.placement.scoring import ContactTable, _distances, score_pair, score_table

    rng = random.Random(1)
    postcodes = ["0150", "1606", "5003", "9008", None, "9999"]
    supplies = [
        supply(
            i,
            postcode=rng.choice(postcodes),
            area=rng.choice(["Fredrikstad", "Oslo", None]),
            interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 4))),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 2))),
            availability=frozenset(rng.sample(AVAILABILITY, rng.randint(0, 3))),
            target_groups=frozenset(rng.sample(TARGET_GROUPS, rng.randint(0, 3))),
            birth_year=rng.choice([None, 1950, 1990, 2001]),
            has_licence=rng.random() < 0.5,
            load_hours=rng.choice([0, 8, 20]),
        )
        for i in range(200)
    ]
    for d in (
        demand(),
        demand(
            postcode=None,
            interests=frozenset({"music", "fishing"}),
            languages=frozenset({"ar"}),
            age_min=25,
            needs_licence=True,
        ),
        demand(age_group="elderly", availability=frozenset({"weekend"}), age_max=40, age_min=20),
    ):
        table = ContactTable.from_supplies(supplies)
        km = _distances(d.postcode, table.postcodes)
        vector = score_table(d, table, km=km, max_hours=MAX, year=YEAR)
        single = [
            sum(
                score_pair(
                    d, s, km=None if np.isnan(k) else float(k), max_hours=MAX, year=YEAR
                ).values()
            )
            for s, k in zip(supplies, km, strict=True)
        ]
        assert vector == pytest.approx(single)


def test_the_vectorised_scores_of_service_users_equal_the_sum_of_the_explained_parts():
    import random

    import numpy as np

    from recruitment.core.vocabulary import (
        AGE_GROUPS,
        AVAILABILITY,
        INTERESTS,
        LANGUAGES,
        TARGET_GROUPS,
    )
    from recruitment.placement.scoring import (
        ServiceUserTable,
        _distances,
        score_pair,
        score_service_users,
    )

    rng = random.Random(2)
    postcodes = ["0150", "1606", "5003", "9008", None, "9999"]
    demands = [
        demand(
            id=i,
            age_group=rng.choice(AGE_GROUPS),
            postcode=rng.choice(postcodes),
            area=rng.choice(["Fredrikstad", " oslo ", "Oslo", None]),
            interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 4))),
            languages=frozenset(rng.sample(LANGUAGES, rng.randint(0, 2))),
            availability=frozenset(rng.sample(AVAILABILITY, rng.randint(0, 3))),
            age_min=rng.choice([None, 20, 30]),
            age_max=rng.choice([None, 40, 70]),
            needs_licence=rng.random() < 0.3,
        )
        for i in range(300)
    ]
    for s in (
        supply(1),
        supply(2, postcode=None, area="Oslo", birth_year=None, has_licence=True, load_hours=20),
        supply(
            3,
            postcode="9008",
            area=None,
            interests=frozenset({"music", "fishing"}),
            languages=frozenset({"ar", "no"}),
            availability=frozenset({"weekend"}),
            target_groups=frozenset(rng.sample(TARGET_GROUPS, 2)),
            birth_year=2001,
        ),
    ):
        km = _distances(s.postcode, [d.postcode for d in demands])
        table = ServiceUserTable.from_demands(demands)
        vector = score_service_users(s, table, km=km, max_hours=MAX, year=YEAR)
        single = [
            sum(
                score_pair(
                    d, s, km=None if np.isnan(k) else float(k), max_hours=MAX, year=YEAR
                ).values()
            )
            for d, k in zip(demands, km, strict=True)
        ]
        assert vector == pytest.approx(single)


def test_a_patched_table_ranks_as_the_table_built_from_its_rows_would():
    from recruitment.placement.scoring import ContactTable, rank_table

    before = [
        supply(1, area="Fredrikstad", interests=frozenset({"music"})),
        supply(2, postcode="0150", area="Oslo", load_hours=8),
        supply(3, postcode=None, area="Halden"),
    ]
    after = [
        supply(1, area="Fredrikstad", interests=frozenset({"music"}), load_hours=20),
        supply(3, postcode=None, area="Tromsø", languages=frozenset({"ar"})),  # a new area
        supply(4, postcode="9008", area="Tromsø", has_licence=True, load_hours=8),
    ]
    changed = ContactTable.from_supplies([after[1], after[2]])
    patched = ContactTable.from_supplies(before).patched(
        changed.rows, gone={2}, loads={1: 20, 4: 8}
    )
    whole = ContactTable.from_supplies(after)
    rows = {patched.supply(i).id: patched.supply(i) for i in range(len(patched.rows))}
    assert rows == {whole.supply(i).id: whole.supply(i) for i in range(3)}
    for wish in (demand(), demand(postcode=None, area="Tromsø", languages=frozenset({"ar"}))):
        ranked = rank_table(wish, patched, max_hours=MAX, year=YEAR)
        assert ranked == rank_table(wish, whole, max_hours=MAX, year=YEAR)
        assert [s.id for s in ranked] == [
            s.id for s in rank_contacts(wish, after, max_hours=MAX, year=YEAR)
        ]


def test_a_table_of_stored_rows_ranks_as_the_service_users_themselves_would():
    # ServiceUserTable takes the rows as the database holds them (JSON text, a missing
    # date or preferences) and must rank exactly as the service users built one by one.
    import json

    from recruitment.placement.scoring import ServiceUserTable, rank_service_user_table

    people = [
        demand(id=1, interests=frozenset({"music"}), area=" Oslo ", waiting_since=None),
        demand(id=2, languages=frozenset({"ar"}), age_min=20, age_max=30, needs_licence=True),
        demand(id=3, age_group="elderly", availability=frozenset({"weekend"}), postcode=None),
        demand(id=4, hours=30, waiting_since=date(2025, 3, 1)),  # over the contact's room
        demand(id=5, area=None, postcode="9999", waiting_since=date(2025, 3, 1)),
    ]

    def stored(d: Demand) -> tuple:
        # As matching reads them: the lists as JSON text (or NULL), the wishes taken out
        # of the stored preferences (NULL where not stated).
        return (
            d.id,
            d.case_ref,
            d.age_group,
            d.postcode,
            d.area,
            json.dumps(sorted(d.interests)),
            None if not d.languages else json.dumps(sorted(d.languages)),
            json.dumps(sorted(d.availability)) if d.id != 5 else None,
            d.age_min,
            d.age_max,
            d.needs_licence if d.id != 5 else None,
            d.hours,
            d.waiting_since,
        )

    table = ServiceUserTable([stored(d) for d in people])
    assert [table.demand(i) for i in range(len(people))] == people
    contact = supply(
        9,
        area="oslo",
        interests=frozenset({"music"}),
        target_groups=frozenset({"elderly"}),
        birth_year=2001,
        has_licence=True,
        load_hours=MAX - 20,
    )
    rows = [
        s.as_row() | s.extra
        for s in rank_service_user_table(
            contact, table, max_hours=MAX, year=YEAR, today=date(2026, 6, 1)
        )
    ]
    expected = [
        s.as_row() | s.extra
        for s in rank_service_users(
            contact, people, max_hours=MAX, year=YEAR, today=date(2026, 6, 1)
        )
    ]
    assert rows == expected
    assert sorted(row["id"] for row in rows) == [1, 2, 3, 5]  # 4's 30 hours do not fit
    assert {row["id"]: row["days_waiting"] for row in rows} == {1: None, 2: 151, 3: 151, 5: 457}
    # Each suggestion's score is score_pair's, one by one: the vectorised order agrees.
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
