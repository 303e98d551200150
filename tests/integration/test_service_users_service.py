"""Service users: created, edited, closed and imported with minimal data; every view audited."""

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from db.models import AuditEvent, JournalEntry, ServiceUser
from recruitment.core.errors import PermissionDenied, ValidationFailed
from recruitment.placement import service_users
from recruitment.placement.service_users import ImportRefused, ServiceUserHasPlacements
from tests.matching_factories import make_contact


def create(session_factory, actor, **fields):
    values = {
        "case_ref": "SAK-2026/001",
        "age_group": "youth",
        "postcode": "1606",
        "interests": ["music"],
        "hours_per_month": 8,
    }
    values.update(fields)
    with session_factory.begin() as s:
        return service_users.create_service_user(session=s, actor=actor, **values)


def test_a_coordinator_registers_a_service_user_who_then_waits(
    session_factory, session, coordinator
):
    new_id = create(
        session_factory,
        coordinator,
        preferred_gender="female",
        contact_age_min=20,
        contact_age_max=35,
        note="Liker å gå tur",
    )
    user = session.get(ServiceUser, new_id)
    assert user.status == "waiting"
    assert user.area == "Fredrikstad"  # from the postcode
    assert user.preferences["gender"] == "female"
    assert user.preferences["contact_age_min"] == 20
    assert user.coordinator_id == coordinator.id
    assert user.waiting_since == date.today()
    assert session.scalar(
        select(JournalEntry.subject).where(JournalEntry.service_user_id == new_id)
    )


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(
    session_factory, session, coordinator
):
    with pytest.raises(ValidationFailed) as error:
        create(
            session_factory,
            coordinator,
            case_ref="01019012345",
            age_group="baby",
            postcode="12",
            hours_per_month=0,
            contact_age_min=40,
            contact_age_max=30,
        )
    assert error.value.fields == {
        "case_ref": "service_users.error_national_id",
        "age_group": "validation.unknown_choice",
        "postcode": "validation.postcode_invalid",
        "hours_per_month": "service_users.error_hours",
    }
    assert session.scalar(select(ServiceUser.id)) is None


def test_a_case_reference_is_used_once(session_factory, coordinator):
    create(session_factory, coordinator)
    with pytest.raises(ValidationFailed) as error:
        create(session_factory, coordinator, case_ref="sak-2026/001")
    assert error.value.fields == {"case_ref": "service_users.error_case_ref_taken"}
    # Whatever the case, on SQLite too (whose own lower() knows only A-Z).
    create(session_factory, coordinator, case_ref="ÅS-17")
    with pytest.raises(ValidationFailed):
        create(session_factory, coordinator, case_ref="ås-17")


def test_editing_changes_the_details(session_factory, session, coordinator):
    new_id = create(session_factory, coordinator)
    with session_factory.begin() as s:
        service_users.update_service_user(
            session=s,
            actor=coordinator,
            service_user_id=new_id,
            case_ref="SAK-2026/001",
            age_group="adult",
            postcode="0150",
            languages=["ar"],
            hours_per_month=12,
        )
    user = session.get(ServiceUser, new_id)
    assert (user.age_group, user.area, user.languages, user.hours_per_month) == (
        "adult",
        "Oslo",
        ["ar"],
        12,
    )


def test_viewing_a_record_is_audited(session_factory, session, coordinator):
    new_id = create(session_factory, coordinator)
    with session_factory.begin() as s:
        record = service_users.view_service_user(
            session=s, actor=coordinator, service_user_id=new_id
        )
    assert record.case_ref == "SAK-2026/001"
    event = session.scalars(select(AuditEvent)).one()
    assert (event.action, event.target_type, event.target_id, event.actor_id) == (
        "service_user.viewed",
        "service_user",
        new_id,
        coordinator.id,
    )


def test_a_manager_can_neither_read_nor_write_a_service_user(
    session_factory, session, coordinator, manager
):
    new_id = create(session_factory, coordinator)
    with session_factory.begin() as s:
        with pytest.raises(PermissionDenied):
            service_users.view_service_user(session=s, actor=manager, service_user_id=new_id)
        with pytest.raises(PermissionDenied):
            service_users.create_service_user(
                session=s, actor=manager, case_ref="X-1", age_group="adult"
            )
        with pytest.raises(PermissionDenied):
            service_users.close_service_user(
                session=s, actor=manager, service_user_id=new_id, reason="moved"
            )
        with pytest.raises(PermissionDenied):
            service_users.service_user_list(session=s, actor=manager)
    assert session.scalar(select(AuditEvent.id)) is None


def test_closing_withdraws_open_proposals_but_not_running_placements(
    session_factory, session, coordinator, make_applicant
):
    from recruitment.placement import placements

    new_id = create(session_factory, coordinator)
    contact = make_contact(session_factory, make_applicant)
    other = make_contact(session_factory, make_applicant)
    with session_factory.begin() as s:
        running = placements.place_contact(
            session=s, actor=coordinator, service_user_id=new_id, applicant_id=contact, start=True
        )
        placements.propose_placement(
            session=s, actor=coordinator, service_user_id=new_id, applicant_id=other
        )
    with session_factory.begin() as s, pytest.raises(ServiceUserHasPlacements):
        service_users.close_service_user(
            session=s, actor=coordinator, service_user_id=new_id, reason="moved"
        )
    with session_factory.begin() as s:
        placements.end_placement(
            session=s, actor=coordinator, placement_id=running, reason="completed"
        )
        service_users.close_service_user(
            session=s, actor=coordinator, service_user_id=new_id, reason="moved"
        )
    session.expire_all()
    assert session.get(ServiceUser, new_id).status == "closed"
    frame, total = service_users.service_user_list(
        session=session, actor=coordinator, status="closed"
    )
    assert (list(frame["id"]), total) == ([new_id], 1)


def test_the_list_comes_a_page_at_a_time_longest_waiting_first(
    session_factory, session, coordinator
):
    start = date(2026, 1, 1)
    ids = [
        create(
            session_factory,
            coordinator,
            case_ref=f"SAK-{n:03}",
            waiting_since=start + timedelta(days=n),
        )
        for n in range(7)
    ]
    pages = [
        service_users.service_user_list(session=session, actor=coordinator, page=n, page_size=3)
        for n in (1, 2, 3)
    ]
    assert [list(frame["id"]) for frame, _ in pages] == [ids[0:3], ids[3:6], ids[6:7]]
    assert {total for _, total in pages} == {7}
    # A page past the end (the list shrank since the button was drawn) shows the last one.
    frame, total = service_users.service_user_list(
        session=session, actor=coordinator, page=9, page_size=3
    )
    assert (list(frame["id"]), total) == (ids[6:7], 7)


def test_the_list_search_matches_case_reference_or_area_word_by_word(
    session_factory, session, coordinator
):
    tromso = create(session_factory, coordinator, case_ref="SAK-2026/001", postcode="9008")
    fredrikstad = create(session_factory, coordinator, case_ref="SAK-2026/002", postcode="1606")
    literal = create(session_factory, coordinator, case_ref="RUND_100", postcode="1606")
    capital = create(session_factory, coordinator, case_ref="ÅS-17", postcode="1606")

    def found(search: str) -> list[int]:
        frame, total = service_users.service_user_list(
            session=session, actor=coordinator, search=search
        )
        assert total == len(frame)
        return sorted(frame["id"])

    assert found("sak-2026") == sorted([tromso, fredrikstad])
    assert found("tromsø") == found("TROMS") == found("TROMSØ") == [tromso]
    assert found("ås-17") == found("ÅS") == [capital]
    assert found("2026 fredrik") == [fredrikstad]
    # % and _ are searched for as typed, not as wildcards.
    assert found("_") == [literal]
    assert found("%") == []
    assert found("nothing-like-this") == []


def _csv(text: str) -> pd.DataFrame:
    return service_users.read_table(text.encode("utf-8"), "users.csv")


MAPPING = {
    "case_ref": "Sak",
    "age_group": "Alder",
    "postcode": "Postnr",
    "interests": "Interesser",
    "hours_per_month": "Timer",
}


def test_an_import_creates_every_row(session_factory, session, coordinator):
    frame = _csv(
        "Sak;Alder;Postnr;Interesser;Timer\nA-1;child;1606;music, fishing;6\nA-2;elderly;150;;10\n"
    )
    with session_factory.begin() as s:
        ids = service_users.import_service_users(
            session=s, actor=coordinator, frame=frame, mapping=MAPPING
        )
    rows = {
        u.case_ref: u for u in session.scalars(select(ServiceUser).where(ServiceUser.id.in_(ids)))
    }
    assert rows["A-1"].interests == ["music", "fishing"]
    assert rows["A-2"].postcode == "0150" and rows["A-2"].area == "Oslo"


def test_an_import_with_one_bad_row_saves_nothing_and_names_the_row(
    session_factory, session, coordinator
):
    frame = _csv(
        "Sak,Alder,Postnr,Interesser,Timer\nA-1,child,1606,music,6\n01019012345,adult,1606,,8\nA-1,youth,1606,,8\n"
    )
    with session_factory.begin() as s:
        preview = service_users.preview_import(
            session=s, actor=coordinator, frame=frame, mapping=MAPPING
        )
    assert [(row.number, row.errors) for row in preview] == [
        (2, {}),
        (3, {"case_ref": "service_users.error_national_id"}),
        (4, {"case_ref": "service_users.error_case_ref_taken"}),
    ]
    with session_factory.begin() as s, pytest.raises(ImportRefused):
        service_users.import_service_users(
            session=s, actor=coordinator, frame=frame, mapping=MAPPING
        )
    assert session.scalar(select(ServiceUser.id)) is None


def test_an_excel_file_imports_like_a_csv(session_factory, session, coordinator, tmp_path):
    path = tmp_path / "users.xlsx"
    pd.DataFrame(
        {"Sak": ["X-9"], "Alder": ["adult"], "Postnr": [1606], "Interesser": [""], "Timer": [12]}
    ).to_excel(path, index=False)
    frame = service_users.read_table(path.read_bytes(), "users.xlsx")
    with session_factory.begin() as s:
        (new_id,) = service_users.import_service_users(
            session=s, actor=coordinator, frame=frame, mapping=MAPPING
        )
    user = session.get(ServiceUser, new_id)
    assert (user.postcode, user.hours_per_month) == ("1606", 12)


def test_an_import_needs_the_case_reference_and_age_group_mapped(session_factory, coordinator):
    frame = _csv("Sak,Alder\nA,child\n")
    with session_factory.begin() as s, pytest.raises(ValidationFailed) as error:
        service_users.preview_import(
            session=s, actor=coordinator, frame=frame, mapping={"case_ref": "Sak"}
        )
    assert error.value.fields == {"age_group": "service_users.error_mapping_required"}


def test_a_future_waiting_date_is_refused(session_factory, coordinator):
    with pytest.raises(ValidationFailed) as error:
        create(session_factory, coordinator, waiting_since=date.today() + timedelta(days=3))
    assert error.value.fields == {"waiting_since": "service_users.error_future"}


def test_a_record_is_audited_once_per_opening_not_on_every_rerun(
    session_factory, session, coordinator, make_staff
):
    new_id = create(session_factory, coordinator)
    colleague = make_staff("coordinator")
    views = [
        (coordinator, "opening-1"),
        (coordinator, "opening-1"),  # the page reran: a widget changed
        (coordinator, "opening-1"),
        (colleague, "opening-9"),
        (coordinator, "opening-2"),  # opened again later
        (coordinator, None),  # a caller without openings: every call is a view
    ]
    for actor, opening in views:
        with session_factory.begin() as s:
            service_users.view_service_user(
                session=s, actor=actor, service_user_id=new_id, opening=opening
            )
    rows = session.execute(
        select(AuditEvent.actor_id, AuditEvent.detail).order_by(AuditEvent.id)
    ).all()
    assert [(row.actor_id, row.detail.get("opening")) for row in rows] == [
        (coordinator.id, "opening-1"),
        (colleague.id, "opening-9"),
        (coordinator.id, "opening-2"),
        (coordinator.id, None),
    ]
