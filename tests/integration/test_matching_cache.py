"""The table of available contacts that suggestions are ranked from is kept per process
(matching.available_contacts): read once while nothing it depends on changes, and after
every write that could change it, whichever process or replica made it, patched with the
contacts changed since (or read again when that is not knowable or too many)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from db.models import Applicant, Stage
from recruitment.accounts.privacy_rights import erase_applicant
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.access import Actor
from recruitment.core.pipeline import EXIT_REASONS
from recruitment.journey import self_service
from recruitment.journey.applicants import register_caller
from recruitment.placement import matching, placements
from tests.matching_factories import make_contact, make_service_user
from tests.stages import put_at_stage


@pytest.fixture(autouse=True)
def no_table_kept(engine):
    """No table kept from an earlier test on the same database (PostgreSQL's schema is
    the worker's, emptied between tests)."""
    matching._tables.pop(engine.url.render_as_string(hide_password=True), None)


@pytest.fixture
def contact_reads(engine) -> list[str]:
    """Every statement that read the table of available contacts (not one contact)."""
    reads: list[str] = []

    def listen(conn, cursor, statement, *args):
        if "applicant.birth_year" in statement and "applicant.stage IN" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    yield reads
    event.remove(engine, "before_cursor_execute", listen)


@pytest.fixture
def contact_patches(engine) -> list[set[int]]:
    """The applicants each patch of the table read again (by id, not the whole table)."""
    patches: list[set[int]] = []

    def listen(conn, cursor, statement, parameters, *args):
        if "applicant.birth_year" in statement and "applicant.id IN" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            patches.append({value for value in values if type(value) is int})

    event.listen(engine, "before_cursor_execute", listen)
    yield patches
    event.remove(engine, "before_cursor_execute", listen)


def _columns(table) -> dict[int, tuple]:
    """Everything the table holds of each contact, by id (NaN written out, so equal)."""
    columns = {
        contact: (
            table.rows[i],
            tuple(table.codes[kind][i] for kind in table.KINDS),
            tuple(int(table.masks[kind][i]) for kind in table.KINDS),
            repr(float(table.birth_year[i])),
            bool(table.licence[i]),
            int(table.load[i]),
            table.postcodes[i],
            table.areas[i],
            repr(float(table.lats[i])),
            repr(float(table.lons[i])),
            table.area_names[table.area_index[i]],
        )
        for i, contact in enumerate(table.ids.tolist())
    }
    assert len(columns) == len(table.rows)  # no contact twice
    return columns


@pytest.fixture
def as_a_full_read(engine, replica):
    """Assert that the table kept for the database is the one a full read gives now (read
    through a replica's engine, so the statement counters here do not see it)."""

    def check() -> None:
        with replica.begin() as s:
            fresh, _ = matching._read_available_contacts(s, matching._contacts_fingerprint(s))
        kept = matching._tables[engine.url.render_as_string(hide_password=True)].table
        assert _columns(kept) == _columns(fresh)

    return check


@pytest.fixture
def suggested(session_factory, coordinator):
    """The contacts suggested for a service user, by id, from a transaction of its own."""

    def view(service_user_id: int) -> dict[int, matching.Suggestion]:
        with session_factory.begin() as s:
            ranked = matching.suggest_contacts(
                session=s, actor=coordinator, service_user_id=service_user_id, limit=None
            )
        return {s.id: s for s in ranked}

    return view


def _kari_moves_to_tromso(session_factory, coordinator) -> None:
    """Staff register Kari again by phone: a new postcode (Tromsø) and a new interest."""
    with session_factory.begin() as s:
        register_caller(
            session=s,
            actor=coordinator,
            raw={
                "first_name": "Kari",
                "last_name": "Kontakt",
                "email": "kari.kontakt@example.no",
                "phone": "91234567",
                "postcode": "9008",
                "birth_year": 1970,
                "interests": ["fishing"],
                "consent": True,
            },
        )


def _assert_moved(suggestion) -> None:
    assert (suggestion.area, suggestion.shared_interests, suggestion.label) == (
        "Tromsø",
        ("fishing",),
        "Kari Kontakt",
    )


def test_a_second_view_with_nothing_changed_does_not_read_the_contacts_again(
    session_factory, coordinator, make_applicant, suggested, contact_reads
):
    user = make_service_user(session_factory)
    contacts = {make_contact(session_factory, make_applicant) for _ in range(3)}
    assert set(suggested(user)) == contacts
    assert set(suggested(user)) == contacts
    assert len(contact_reads) == 1


def test_after_the_warm_up_the_first_view_reads_no_contacts(
    session_factory, make_applicant, suggested, contact_reads
):
    user = make_service_user(session_factory)
    contact = make_contact(session_factory, make_applicant)
    with session_factory.begin() as s:
        matching.prepare_suggestions(session=s, actor=Actor.system("warm-up"))
    assert len(contact_reads) == 1
    assert set(suggested(user)) == {contact}
    assert len(contact_reads) == 1


def test_a_contact_proposed_to_one_service_user_is_left_out_for_them_only_without_a_new_read(
    session_factory, coordinator, make_applicant, suggested, contact_reads
):
    user, other = make_service_user(session_factory), make_service_user(session_factory)
    proposed, free = (make_contact(session_factory, make_applicant) for _ in range(2))
    assert set(suggested(user)) == {proposed, free}
    with session_factory.begin() as s:
        placements.propose_placement(
            session=s, actor=coordinator, service_user_id=user, applicant_id=proposed
        )
    assert set(suggested(user)) == {free}
    assert set(suggested(other)) == {proposed, free}
    assert len(contact_reads) == 1


def test_new_interests_and_area_typed_in_by_staff_show_on_the_next_view(
    session_factory, coordinator, make_applicant, suggested
):
    user = make_service_user(session_factory, interests=["fishing"])
    contact = make_contact(
        session_factory, make_applicant, email="kari.kontakt@example.no", interests=["games"]
    )
    before = suggested(user)[contact]
    assert (before.area, before.shared_interests) == ("Fredrikstad", ())
    _kari_moves_to_tromso(session_factory, coordinator)
    _assert_moved(suggested(user)[contact])


def test_starting_pausing_resuming_and_ending_a_placement_shows_in_the_load_at_once(
    session_factory, coordinator, make_applicant, suggested
):
    first, second = (
        make_service_user(session_factory, hours_per_month=8),
        make_service_user(session_factory),
    )
    contact = make_contact(session_factory, make_applicant)
    assert suggested(second)[contact].load_hours == 0

    def act(fn, **kwargs):
        with session_factory.begin() as s:
            return fn(session=s, actor=coordinator, **kwargs)

    placement_id = act(
        placements.place_contact,
        service_user_id=first,
        applicant_id=contact,
        hours_per_month=8,
        start=True,
    )
    assert suggested(second)[contact].load_hours == 8
    act(placements.pause_placement, placement_id=placement_id)
    assert suggested(second)[contact].load_hours == 0
    act(placements.resume_placement, placement_id=placement_id)
    assert suggested(second)[contact].load_hours == 8
    act(placements.end_placement, placement_id=placement_id, reason=placements.END_REASONS[0])
    assert suggested(second)[contact].load_hours == 0


def test_a_contact_who_withdraws_on_another_replica_is_gone_from_the_next_view(
    session_factory, coordinator, make_applicant, suggested, replica
):
    user = make_service_user(session_factory)
    leaving, staying = (make_contact(session_factory, make_applicant) for _ in range(2))
    assert set(suggested(user)) == {leaving, staying}
    with replica.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=leaving,
            to_stage=Stage.WITHDRAWN,
            reason_code=EXIT_REASONS[Stage.WITHDRAWN][0],
        )
    assert set(suggested(user)) == {staying}


def test_a_newly_approved_contact_appears_on_the_next_view(
    session_factory, coordinator, make_applicant, suggested
):
    user = make_service_user(session_factory)
    old = make_contact(session_factory, make_applicant)
    assert set(suggested(user)) == {old}
    new = make_applicant()
    with session_factory.begin() as s:
        put_at_stage(s, new, Stage.APPROVED, by_id=coordinator.id)
    assert set(suggested(user)) == {old, new}


def test_an_erased_contact_is_gone_from_the_next_view(
    session_factory, admin, make_applicant, suggested
):
    user = make_service_user(session_factory)
    erased, kept = (make_contact(session_factory, make_applicant, stage="placed") for _ in range(2))
    assert set(suggested(user)) == {erased, kept}
    with session_factory.begin() as s:
        erase_applicant(session=s, actor=admin, applicant_id=erased)
    assert set(suggested(user)) == {kept}


def test_a_change_stamped_before_the_newest_but_committed_after_it_is_still_seen(
    session_factory, make_applicant, suggested
):
    # Two transactions at once: the first stamps its edit, the second stamps and commits
    # a later one, then the first commits. The newest stamp does not move; the edit shows.
    user = make_service_user(session_factory)
    slow, fast = (make_contact(session_factory, make_applicant) for _ in range(2))
    with session_factory.begin() as s:
        s.execute(update(Applicant).where(Applicant.id == fast).values(area="Sarpsborg"))
    assert suggested(user)[slow].area == "Fredrikstad"
    with session_factory.begin() as s:
        newest = s.scalar(select(Applicant.updated_at).where(Applicant.id == fast))
        s.execute(
            update(Applicant)
            .where(Applicant.id == slow)
            .values(area="Halden", updated_at=newest - timedelta(seconds=1))
        )
    assert suggested(user)[slow].area == "Halden"


def test_a_late_commit_is_seen_after_more_other_changes_than_the_newest_pairs_hold(
    session_factory, make_applicant, suggested, monkeypatch
):
    monkeypatch.setattr(matching, "RECENT_CHANGES", 2)
    user = make_service_user(session_factory)
    slow = make_contact(session_factory, make_applicant)
    others = [make_contact(session_factory, make_applicant) for _ in range(3)]
    assert suggested(user)[slow].area == "Fredrikstad"
    with session_factory.begin() as s:
        # Three changes newer than the slow one's stamp are committed before it.
        stamped = s.scalar(select(Applicant.updated_at).where(Applicant.id == others[0]))
        s.execute(
            update(Applicant)
            .where(Applicant.id == slow)
            .values(area="Halden", updated_at=stamped - timedelta(seconds=1))
        )
    assert suggested(user)[slow].area == "Halden"


# PostgreSQL only: SQLite's transactions take the write lock at BEGIN, so no write can
# fall between the fingerprint and the table there (and under CI a skip fails the run).
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_placement_paused_while_the_table_is_read_and_resumed_after_is_not_kept_paused(
    backend, session_factory, coordinator, make_applicant, suggested, replica, monkeypatch
):
    first = make_service_user(session_factory, hours_per_month=8)
    second = make_service_user(session_factory)
    contact = make_contact(session_factory, make_applicant)
    with session_factory.begin() as s:
        placement_id = placements.place_contact(
            session=s,
            actor=coordinator,
            service_user_id=first,
            applicant_id=contact,
            hours_per_month=8,
            start=True,
        )
    fingerprint = matching._contacts_fingerprint

    def then_paused_elsewhere(session):
        # Another replica pauses the placement between the fingerprint and the table.
        seen = fingerprint(session)
        with replica.begin() as s:
            placements.pause_placement(session=s, actor=coordinator, placement_id=placement_id)
        return seen

    monkeypatch.setattr(matching, "_contacts_fingerprint", then_paused_elsewhere)
    assert suggested(second)[contact].load_hours == 0
    monkeypatch.undo()
    with replica.begin() as s:
        placements.resume_placement(session=s, actor=coordinator, placement_id=placement_id)
    assert suggested(second)[contact].load_hours == 8


def test_views_at_once_in_many_threads_read_the_table_once_and_agree(
    session_factory, make_applicant, suggested, contact_reads
):
    user = make_service_user(session_factory)
    contacts = {make_contact(session_factory, make_applicant) for _ in range(5)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        seen = list(pool.map(lambda _: suggested(user), range(12)))
    assert all(set(each) == contacts for each in seen)
    assert all(each == seen[0] for each in seen)
    assert len(contact_reads) == 1


def _stamp(session_factory, ids, hours_ago: int) -> None:
    """Stamp applicants `ids` as last changed `hours_ago` (nothing has changed since)."""
    with session_factory.begin() as s:
        s.execute(
            update(Applicant)
            .where(Applicant.id.in_(ids))
            .values(updated_at=datetime.now(UTC) - timedelta(hours=hours_ago))
        )


def test_an_edit_of_one_contact_reads_that_contact_again_and_not_the_table(
    session_factory,
    coordinator,
    make_applicant,
    suggested,
    contact_reads,
    contact_patches,
    as_a_full_read,
):
    user = make_service_user(session_factory, interests=["fishing"])
    others = {make_contact(session_factory, make_applicant) for _ in range(3)}
    edited = make_contact(session_factory, make_applicant, email="kari.kontakt@example.no")
    # Long unchanged; the newest change (always read again, as a late commit may share
    # its time) is the edited contact's.
    _stamp(session_factory, others, hours_ago=2)
    _stamp(session_factory, [edited], hours_ago=1)
    assert set(suggested(user)) == {edited, *others}
    _kari_moves_to_tromso(session_factory, coordinator)
    _assert_moved(suggested(user)[edited])
    assert [patch & {edited, *others} for patch in contact_patches] == [{edited}]
    assert len(contact_reads) == 1
    as_a_full_read()


def test_each_kind_of_change_patches_the_table_into_the_one_a_full_read_gives(
    session_factory,
    coordinator,
    admin,
    make_applicant,
    suggested,
    replica,
    contact_reads,
    contact_patches,
    as_a_full_read,
):
    user = make_service_user(session_factory, hours_per_month=4)
    other = make_service_user(session_factory, hours_per_month=8)
    placed, leaving, erased, slow = (
        make_contact(session_factory, make_applicant) for _ in range(4)
    )
    assert set(suggested(user)) == {placed, leaving, erased, slow}

    def act(fn, **kwargs):
        with session_factory.begin() as s:
            return fn(session=s, actor=coordinator, **kwargs)

    def approved() -> int:
        new = make_applicant(postcode="5003", area="Bergen")
        with session_factory.begin() as s:
            put_at_stage(s, new, Stage.APPROVED, by_id=coordinator.id)
        return new

    def withdrawn_elsewhere() -> None:
        with replica.begin() as s:
            advance_stage(
                session=s,
                actor=coordinator,
                applicant_id=leaving,
                to_stage=Stage.WITHDRAWN,
                reason_code=EXIT_REASONS[Stage.WITHDRAWN][0],
            )

    def erasure() -> None:
        with session_factory.begin() as s:
            erase_applicant(session=s, actor=admin, applicant_id=erased)

    def late_commit() -> None:
        with session_factory.begin() as s:
            newest = s.scalar(select(Applicant.updated_at).order_by(Applicant.updated_at.desc()))
            s.execute(
                update(Applicant)
                .where(Applicant.id == slow)
                .values(area="Halden", updated_at=newest - timedelta(seconds=1))
            )

    placement = act(
        placements.place_contact,
        service_user_id=other,
        applicant_id=placed,
        hours_per_month=8,
        start=True,
    )
    assert suggested(user)[placed].load_hours == 8
    as_a_full_read()
    act(placements.pause_placement, placement_id=placement)
    assert suggested(user)[placed].load_hours == 0
    as_a_full_read()
    act(placements.resume_placement, placement_id=placement)
    assert suggested(user)[placed].load_hours == 8
    as_a_full_read()
    withdrawn_elsewhere()
    assert leaving not in suggested(user)
    as_a_full_read()
    new = approved()
    assert suggested(user)[new].area == "Bergen"
    as_a_full_read()
    signed_up = make_applicant()
    assert signed_up not in suggested(user)
    as_a_full_read()
    erasure()
    assert erased not in suggested(user)
    as_a_full_read()
    late_commit()
    assert suggested(user)[slow].area == "Halden"
    as_a_full_read()
    act(placements.end_placement, placement_id=placement, reason=placements.END_REASONS[0])
    assert suggested(user)[placed].load_hours == 0
    as_a_full_read()
    assert len(contact_reads) == 1
    assert len(contact_patches) == 9


def test_a_change_to_placements_alone_patches_the_loads_without_reading_contacts(
    session_factory,
    coordinator,
    make_applicant,
    suggested,
    contact_reads,
    contact_patches,
    as_a_full_read,
):
    user = make_service_user(session_factory)
    other = make_service_user(session_factory, hours_per_month=8)
    contact = make_contact(session_factory, make_applicant)
    with session_factory.begin() as s:
        placement = placements.place_contact(
            session=s,
            actor=coordinator,
            service_user_id=other,
            applicant_id=contact,
            hours_per_month=8,
            start=True,
        )
    _stamp(session_factory, [contact], hours_ago=2)
    _stamp(session_factory, [make_applicant()], hours_ago=1)  # the newest change
    assert suggested(user)[contact].load_hours == 8
    with session_factory.begin() as s:
        placements.pause_placement(session=s, actor=coordinator, placement_id=placement)
    assert suggested(user)[contact].load_hours == 0
    assert [contact in patch for patch in contact_patches] == [False]
    assert len(contact_reads) == 1
    as_a_full_read()


def test_more_changes_than_a_patch_is_worth_read_the_table_whole(
    session_factory,
    make_applicant,
    suggested,
    contact_reads,
    contact_patches,
    as_a_full_read,
    monkeypatch,
):
    monkeypatch.setattr(matching, "PATCH_LIMIT", 2)
    user = make_service_user(session_factory)
    contacts = [make_contact(session_factory, make_applicant) for _ in range(3)]
    _stamp(session_factory, contacts, hours_ago=2)
    suggested(user)
    with session_factory.begin() as s:
        s.execute(update(Applicant).where(Applicant.id.in_(contacts)).values(area="Halden"))
    assert {each.area for each in suggested(user).values()} == {"Halden"}
    assert contact_patches == []
    assert len(contact_reads) == 2
    as_a_full_read()


def test_a_new_personal_link_changes_no_stamp_and_costs_the_next_view_nothing(
    session_factory,
    coordinator,
    make_applicant,
    suggested,
    contact_reads,
    contact_patches,
):
    # Anyone who knows the address may ask for a link: the record itself is unchanged.
    user = make_service_user(session_factory)
    contact = make_contact(session_factory, make_applicant, email="kari@example.no")
    assert set(suggested(user)) == {contact}

    def stamp_and_token() -> tuple:
        with session_factory.begin() as s:
            return s.execute(
                select(Applicant.updated_at, Applicant.token).where(Applicant.id == contact)
            ).one()

    before = stamp_and_token()
    with session_factory.begin() as s:
        self_service.request_link(session=s, email="kari@example.no")
    after = stamp_and_token()
    assert after.token != before.token and after.updated_at == before.updated_at
    assert set(suggested(user)) == {contact}
    assert (len(contact_reads), contact_patches) == (1, [])
    # An edit of the record with it is still a change.
    with session_factory.begin() as s:
        applicant = s.get(Applicant, contact)
        applicant.token, applicant.area = None, "Halden"
    assert stamp_and_token().updated_at > before.updated_at
    assert suggested(user)[contact].area == "Halden"
