"""Matching against the database: who may appear, one query for every candidate, and the
supply-and-demand picture."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, update

from db.models import Applicant
from recruitment.core.errors import NotFound, PermissionDenied
from recruitment.placement import matching, placements, scoring
from tests.matching_factories import make_contact, make_service_user


@pytest.fixture
def read(session_factory):
    """Run a read service in its own short transaction."""

    def run(fn, actor, **kwargs):
        with session_factory.begin() as s:
            return fn(session=s, actor=actor, **kwargs)

    return run


def test_suggestions_rank_the_better_fitting_contact_first_and_explain_why(
    session_factory, coordinator, make_applicant, read
):
    user = make_service_user(session_factory, interests=["fishing"], age_group="elderly")
    near_fisher = make_contact(
        session_factory, make_applicant, interests=["fishing"], target_groups=["elderly"]
    )
    far_other = make_contact(
        session_factory, make_applicant, postcode="9008", area="Tromsø", interests=["games"]
    )
    ranked = read(matching.suggest_contacts, coordinator, service_user_id=user)
    assert [s.id for s in ranked] == [near_fisher, far_other]
    best = ranked[0]
    assert best.parts["interests"] == scoring.WEIGHTS["interests"]
    assert best.parts["target_group"] == scoring.WEIGHTS["target_group"]
    assert best.distance_km == 0 and ranked[1].distance_km > 1000
    assert best.label.startswith("Ola Nordmann")


def test_contacts_not_yet_approved_who_left_or_were_anonymised_never_appear(
    session_factory, coordinator, make_applicant, read
):
    user = make_service_user(session_factory)
    approved = make_contact(session_factory, make_applicant)
    placed = make_contact(session_factory, make_applicant, stage="placed")
    make_applicant()  # still signed up
    make_contact(session_factory, make_applicant, stage="withdrawn")
    gone = make_contact(session_factory, make_applicant)
    with session_factory.begin() as s:
        s.execute(
            update(Applicant).where(Applicant.id == gone).values(anonymised_at=datetime.now(UTC))
        )
    assert {s.id for s in read(matching.suggest_contacts, coordinator, service_user_id=user)} == {
        approved,
        placed,
    }


def test_a_contact_already_proposed_to_this_service_user_is_not_suggested_again(
    session_factory, coordinator, make_applicant, read
):
    user = make_service_user(session_factory)
    contact = make_contact(session_factory, make_applicant)
    read(placements.propose_placement, coordinator, service_user_id=user, applicant_id=contact)
    assert read(matching.suggest_contacts, coordinator, service_user_id=user) == []


def test_a_contact_at_the_hour_limit_is_not_suggested(
    session_factory, coordinator, make_applicant, read
):
    busy = make_contact(session_factory, make_applicant)
    read(
        placements.place_contact,
        coordinator,
        service_user_id=make_service_user(session_factory, hours_per_month=36),
        applicant_id=busy,
        start=True,
    )
    free = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory, hours_per_month=8)
    assert [s.id for s in read(matching.suggest_contacts, coordinator, service_user_id=user)] == [
        free
    ]


def test_a_closed_or_anonymised_service_user_never_appears_in_suggestions(
    session_factory, coordinator, make_applicant, read
):
    contact = make_contact(session_factory, make_applicant)
    waiting = make_service_user(session_factory)
    closed = make_service_user(session_factory, status="closed", closed_at=datetime.now(UTC))
    anonymised = make_service_user(session_factory, case_ref=None, anonymised_at=datetime.now(UTC))
    placed_one = make_service_user(session_factory, status="placed")
    ranked = read(matching.suggest_service_users, coordinator, applicant_id=contact)
    assert [s.id for s in ranked] == [waiting]
    assert (
        closed not in {s.id for s in ranked}
        and anonymised not in {s.id for s in ranked}
        and placed_one not in {s.id for s in ranked}
    )
    # Nor does a closed service user get suggestions of their own; an anonymised one is gone.
    assert read(matching.suggest_contacts, coordinator, service_user_id=closed) == []
    with pytest.raises(NotFound):
        read(matching.suggest_contacts, coordinator, service_user_id=anonymised)


def test_a_contact_sees_the_service_users_ranked_as_their_records_say_with_every_wish(
    session_factory, coordinator, make_applicant, read
):
    """The waiting service users' wishes are taken out of their stored preferences in SQL
    (no note is read): the ranking must be the one their records give, one by one."""
    from sqlalchemy import select

    from db.models import ServiceUser

    contact = make_contact(
        session_factory,
        make_applicant,
        birth_year=date.today().year - 25,
        driving_licence=True,
        interests=["music"],
        availability=["weekend"],
    )
    wishes = [
        {"contact_age_min": 20, "contact_age_max": 30, "driving_licence": True},
        {"contact_age_min": 40, "availability": ["weekday"], "note": "Liker <b>fisk</b>"},
        {"driving_licence": True, "availability": ["weekend"], "gender": "female"},
        {"contact_age_max": None, "availability": None},
        {},
    ]
    for n, prefs in enumerate(wishes):
        make_service_user(
            session_factory,
            preferences=prefs,
            interests=["music"] if n % 2 else [],
            languages=None if n == 3 else ["no"],
            postcode=None if n == 4 else "1606",
            waiting_since=date(2026, 1, 1) + timedelta(days=n),
        )
    ranked = read(matching.suggest_service_users, coordinator, applicant_id=contact)
    with session_factory() as s:
        users = s.scalars(select(ServiceUser)).all()
        row = s.execute(select(*matching._contact_columns()).where(Applicant.id == contact)).one()
        demands = [matching._demand(user) for user in users]
    expected = scoring.rank_service_users(
        scoring.ContactTable([matching._table_row(row)]).supply(0),
        demands,
        max_hours=40,
        year=date.today().year,
        today=date.today(),
    )
    assert [(s.id, s.parts, s.extra) for s in ranked] == [
        (s.id, s.parts, s.extra) for s in expected
    ]
    # The first wished for exactly this contact: age and licence in full.
    by_id = {s.id: s for s in ranked}
    first = next(d.id for d in demands if d.age_min == 20)
    assert by_id[first].parts["preferences"] == scoring.WEIGHTS["preferences"]


def test_closing_a_service_user_takes_them_out_of_a_contacts_suggestions(
    session_factory, coordinator, make_applicant, read
):
    from recruitment.placement import service_users

    contact = make_contact(session_factory, make_applicant)
    user = make_service_user(session_factory)
    assert [
        s.id for s in read(matching.suggest_service_users, coordinator, applicant_id=contact)
    ] == [user]
    read(service_users.close_service_user, coordinator, service_user_id=user, reason="declined")
    assert read(matching.suggest_service_users, coordinator, applicant_id=contact) == []


def test_candidates_are_read_with_one_query_however_many_there_are(
    session_factory, engine, coordinator, make_applicant
):
    user = make_service_user(session_factory)
    for _ in range(3):
        make_contact(session_factory, make_applicant)

    def count_queries() -> int:
        statements: list[str] = []

        def listen(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        # The whole table each time: after a change, the kept one is patched with the
        # contacts changed since instead (tests/integration/test_matching_cache.py).
        matching._tables.pop(engine.url.render_as_string(hide_password=True), None)
        event.listen(engine, "before_cursor_execute", listen)
        try:
            with session_factory.begin() as s:
                matching.suggest_contacts(session=s, actor=coordinator, service_user_id=user)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    few = count_queries()
    for _ in range(12):
        make_contact(session_factory, make_applicant)
    # service user, setting, fingerprint (3), candidates, pairs (+ nothing per row)
    assert count_queries() == few <= 7


def test_a_manager_cannot_see_suggestions_but_sees_supply_and_demand(
    session_factory, manager, coordinator, make_applicant, read
):
    user = make_service_user(session_factory)
    with pytest.raises(PermissionDenied):
        read(matching.suggest_contacts, manager, service_user_id=user)
    with pytest.raises(PermissionDenied):
        read(
            matching.suggest_service_users,
            manager,
            applicant_id=make_contact(session_factory, make_applicant),
        )
    assert read(matching.supply_and_demand, manager).waiting == 1


def test_supply_and_demand_counts_waiting_users_against_contacts_with_room(
    session_factory, coordinator, make_applicant, read
):
    today = date(2026, 6, 1)
    make_service_user(
        session_factory,
        area="Fredrikstad",
        age_group="elderly",
        waiting_since=today - timedelta(days=100),
    )
    make_service_user(
        session_factory,
        area="Fredrikstad",
        age_group="child",
        waiting_since=today - timedelta(days=20),
    )
    make_service_user(
        session_factory, area="Oslo", age_group="elderly", waiting_since=today - timedelta(days=60)
    )
    make_service_user(session_factory, area="Oslo", status="closed")
    make_contact(
        session_factory, make_applicant, area="Fredrikstad", target_groups=["elderly", "adults"]
    )
    make_contact(session_factory, make_applicant, area="Sarpsborg", target_groups=["children"])
    full = make_contact(
        session_factory, make_applicant, area="Sarpsborg", target_groups=["children"]
    )
    read(
        placements.place_contact,
        coordinator,
        service_user_id=make_service_user(session_factory, hours_per_month=40, area="Halden"),
        applicant_id=full,
        start=True,
    )

    picture = read(matching.supply_and_demand, coordinator, today=today)
    assert picture.waiting == 3 and picture.available == 2
    assert picture.average_days_waiting == pytest.approx(60)
    by_area = picture.by_area.set_index("area")
    assert by_area.loc["Fredrikstad"].tolist() == [2, 1]
    assert by_area.loc["Oslo"].tolist() == [1, 0]
    assert by_area.loc["Sarpsborg"].tolist() == [0, 1]
    by_group = picture.by_target_group.set_index("target_group")
    assert by_group.loc["elderly"].tolist() == [2, 1]
    assert by_group.loc["children"].tolist() == [1, 1]
    assert picture.longest_waits["days_waiting"].tolist() == [100, 60, 20]
    assert "case_ref" not in picture.longest_waits.columns


def test_contact_choices_are_a_search_with_a_limit_and_keep_the_chosen_one(
    session, session_factory, coordinator, make_applicant
):
    from recruitment.placement.matching import contact_choices
    from tests.matching_factories import make_contact

    ids = [
        make_contact(session_factory, make_applicant, first_name=f"Ola{n}", last_name="Berg")
        for n in range(4)
    ]
    oyvind = make_contact(session_factory, make_applicant, first_name="Øyvind", last_name="Lie")
    assert contact_choices(session=session, actor=coordinator, search="oyv") == {
        oyvind: "Øyvind Lie"
    }
    found = contact_choices(session=session, actor=coordinator, search="berg", limit=2)
    assert list(found) == ids[:2]
    newest = contact_choices(session=session, actor=coordinator, limit=2)
    assert len(newest) == 2
    kept = contact_choices(session=session, actor=coordinator, limit=2, include=ids[0])
    assert ids[0] in kept and len(kept) == 3 - (ids[0] in newest)


def test_without_a_search_the_newest_approved_or_placed_contacts_come_first(
    session, session_factory, coordinator, make_applicant
):
    stages = ["approved", "placed", "placed", "approved", "approved"]
    ids = [make_contact(session_factory, make_applicant, stage=stage) for stage in stages]
    gone = make_contact(session_factory, make_applicant)
    moved = datetime(2026, 1, 1, tzinfo=UTC)
    with session_factory.begin() as s:
        for day, applicant_id in zip([3, 5, 1, 4, 2], ids, strict=True):
            s.execute(
                update(Applicant)
                .where(Applicant.id == applicant_id)
                .values(stage_changed_at=moved + timedelta(days=day))
            )
        s.execute(
            update(Applicant)
            .where(Applicant.id == gone)
            .values(stage_changed_at=moved + timedelta(days=9), anonymised_at=moved)
        )
    newest = matching.contact_choices(session=session, actor=coordinator, limit=4)
    assert list(newest) == [ids[1], ids[3], ids[0], ids[4]]
