"""The waiting service users that the matching page ranks for a contact are kept per
process (matching._waiting_service_users): read once while no waiting row changes, and
read again after any write that could change them, from whichever process or replica,
because every write sets `service_user.updated_at` (migration 0260)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from db.models import ServiceUser
from recruitment.core.access import Actor
from recruitment.placement import matching, placements, service_users
from tests.matching_factories import make_contact, make_service_user


@pytest.fixture(autouse=True)
def no_table_kept(engine):
    matching._waiting.pop(engine.url.render_as_string(hide_password=True), None)


@pytest.fixture
def waiting_reads(engine) -> list[str]:
    """Every statement that read the waiting service users' table (not the fingerprint)."""
    reads: list[str] = []

    def listen(conn, cursor, statement, *args):
        if "service_user.waiting_since" in statement and "service_user.case_ref" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    yield reads
    event.remove(engine, "before_cursor_execute", listen)


@pytest.fixture
def contact(session_factory, make_applicant) -> int:
    return make_contact(session_factory, make_applicant, interests=["music"])


@pytest.fixture
def suggested(session_factory, coordinator, contact):
    """The service users suggested for the contact, by id, from a transaction of its own."""

    def view(applicant_id: int = contact) -> dict[int, matching.Suggestion]:
        with session_factory.begin() as s:
            ranked = matching.suggest_service_users(
                session=s, actor=coordinator, applicant_id=applicant_id, limit=None
            )
        return {s.id: s for s in ranked}

    return view


def _edit(session_factory, actor, user_id: int, **fields) -> None:
    values = {
        "case_ref": None,
        "age_group": "youth",
        "postcode": "1606",
        "interests": [],
        "hours_per_month": 8,
    }
    with session_factory.begin() as s:
        values["case_ref"] = s.get(ServiceUser, user_id).case_ref
        service_users.update_service_user(
            session=s, actor=actor, service_user_id=user_id, **(values | fields)
        )


def test_a_second_view_with_nothing_changed_does_not_read_the_waiting_list_again(
    session_factory, suggested, waiting_reads
):
    users = {make_service_user(session_factory) for _ in range(3)}
    assert set(suggested()) == users
    assert set(suggested()) == users
    assert len(waiting_reads) == 1


def test_after_the_warm_up_the_first_view_reads_no_waiting_list(
    session_factory, suggested, waiting_reads
):
    user = make_service_user(session_factory)
    with session_factory.begin() as s:
        matching.prepare_suggestions(session=s, actor=Actor.system("warm-up"))
    assert len(waiting_reads) == 1
    assert set(suggested()) == {user}
    assert len(waiting_reads) == 1


def test_an_edit_in_place_on_another_replica_shows_on_the_next_view(
    session_factory, replica, coordinator, suggested, waiting_reads
):
    user = make_service_user(session_factory, interests=["football"], case_ref="SAK-EDIT-1")
    before = suggested()[user]
    assert (before.shared_interests, before.label, before.hours) == ((), "SAK-EDIT-1", 8)
    _edit(replica, coordinator, user, interests=["music"], hours_per_month=12)
    after = suggested()[user]
    assert (after.shared_interests, after.label, after.hours) == (("music",), "SAK-EDIT-1", 12)
    assert len(waiting_reads) == 2


def test_an_edit_through_an_update_statement_shows_on_the_next_view(session_factory, suggested):
    # Core's UPDATE sets updated_at too (the column's onupdate), as bench/forecast.py does.
    user = make_service_user(session_factory, area="Fredrikstad")
    assert suggested()[user].area == "Fredrikstad"
    with session_factory.begin() as s:
        s.execute(update(ServiceUser).where(ServiceUser.id == user).values(area="Halden"))
    assert suggested()[user].area == "Halden"


def test_a_change_stamped_earlier_but_committed_later_is_still_seen(session_factory, suggested):
    first, second = make_service_user(session_factory), make_service_user(session_factory)
    assert suggested()[first].area == "Fredrikstad"
    with session_factory.begin() as s:
        oldest = s.scalar(select(ServiceUser.updated_at).where(ServiceUser.id == second))
        s.execute(
            update(ServiceUser)
            .where(ServiceUser.id == first)
            .values(area="Halden", updated_at=oldest - timedelta(days=1))
        )
    assert suggested()[first].area == "Halden"


def test_a_new_closed_or_proposed_service_user_shows_at_once(
    session_factory, coordinator, suggested, contact, make_applicant, waiting_reads
):
    kept, closed, proposed = (make_service_user(session_factory) for _ in range(3))
    other_contact = make_contact(session_factory, make_applicant)
    assert set(suggested()) == {kept, closed, proposed}
    with session_factory.begin() as s:
        service_users.close_service_user(
            session=s, actor=coordinator, service_user_id=closed, reason="moved"
        )
    assert set(suggested()) == {kept, proposed}
    with session_factory.begin() as s:
        placements.propose_placement(
            session=s, actor=coordinator, service_user_id=proposed, applicant_id=contact
        )
    # Left out for the contact it was proposed to, and for them only, from the same table.
    reads = len(waiting_reads)
    assert set(suggested()) == {kept}
    assert set(suggested(other_contact)) == {kept, proposed}
    assert len(waiting_reads) == reads
    new = make_service_user(session_factory)
    assert set(suggested()) == {kept, new}


def test_views_at_once_in_many_threads_read_the_list_once_and_agree(
    session_factory, suggested, waiting_reads
):
    users = {make_service_user(session_factory) for _ in range(5)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        seen = list(pool.map(lambda _: suggested(), range(12)))
    assert all(set(each) == users for each in seen)
    assert len(waiting_reads) == 1


def test_every_write_sets_the_time_of_change(session_factory, coordinator):
    user = make_service_user(session_factory)
    with session_factory() as s:
        created = s.scalar(select(ServiceUser.updated_at).where(ServiceUser.id == user))
    assert created is not None
    _edit(session_factory, coordinator, user, hours_per_month=10)
    with session_factory() as s:
        edited = s.scalar(select(ServiceUser.updated_at).where(ServiceUser.id == user))
    assert edited > created
