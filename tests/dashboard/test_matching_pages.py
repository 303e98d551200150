"""The matching screens driven as a coordinator would: register a service user, see the
suggestions with their reasons, choose one and start the placement."""

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Applicant, AuditEvent, Placement, ServiceUser
from recruitment.core.i18n import t
from tests.dashboard.conftest import logged_in, page_path
from tests.matching_factories import make_contact, make_service_user


def _texts(at) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [e.value for e in at.error]
        + [s.value for s in at.success]
        + [i.value for i in at.info]
        + [t.value for t in at.title]
    )


def open_page(app, actor, page, *, lang=None, **query):
    # Bokmål: AppTest formats selectbox values outside the script run, where the
    # page's translated labels fall back to the default language.
    at = app(actor, lang=lang).run()
    for key, value in query.items():
        at.query_params[key] = str(value)
    return at.switch_page(page).run()


def test_a_coordinator_registers_a_service_user_on_the_form(app, session, coordinator):
    at = open_page(app, coordinator, "placement/service_users.py")
    assert not at.exception
    at.text_input(key="su_case_ref").input("SAK-2026/042")
    at.selectbox(key="su_age_group").select("elderly")
    at.text_input(key="su_postcode").input("1606")
    at.multiselect(key="su_interests").select("fishing")
    at.number_input(key="su_hours").set_value(10)
    at.button(key="su_create").click().run()

    assert not at.exception, at.exception
    assert "Tjenestemottakeren er registrert." in _texts(at)
    user = session.scalar(select(ServiceUser))
    assert (user.case_ref, user.age_group, user.area, user.interests, user.hours_per_month) == (
        "SAK-2026/042",
        "elderly",
        "Fredrikstad",
        ["fishing"],
        10,
    )


def test_a_national_identity_number_as_case_reference_is_refused_on_the_form(
    app, session, coordinator
):
    at = open_page(app, coordinator, "placement/service_users.py")
    at.text_input(key="su_case_ref").input("01019012345")
    at.button(key="su_create").click().run()

    assert not at.exception
    assert "Ser ut som et fødselsnummer" in _texts(at)
    assert session.scalar(select(ServiceUser.id)) is None


def test_the_list_shows_waiting_service_users(app, session_factory, coordinator):
    make_service_user(session_factory, case_ref="SAK-LIST-1")
    at = open_page(app, coordinator, "placement/service_users.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert "SAK-LIST-1" in table["case_ref"].tolist()
    # No coordinator: an empty cell, not "None".
    assert table["coordinator"].tolist() == [""]


def test_a_long_list_writes_its_page_count_as_numbers_are_written(
    app, session_factory, coordinator, monkeypatch
):
    """ "page 1 of 1,001", not "1 of 1001" (a register of 100,000 has 2,000 pages)."""
    from datetime import date

    from recruitment.placement import service_users

    with session_factory.begin() as s:
        s.add_all(
            ServiceUser(
                case_ref=f"SAK-MANY-{n:04}",
                age_group="youth",
                hours_per_month=8,
                waiting_since=date(2025, 1, 1),
                status="waiting",
            )
            for n in range(1001)
        )
    monkeypatch.setattr(service_users, "LIST_PAGE_SIZE", 1)
    at = open_page(app, coordinator, "placement/service_users.py", lang="en")
    assert not at.exception, at.exception
    assert "1,001 service users · page 1 of 1,001" in [c.value for c in at.caption]
    assert len(at.dataframe[0].value) == 1


def test_the_list_pages_through_many_and_a_search_starts_again_on_page_one(
    app, session_factory, coordinator
):
    from datetime import date, timedelta

    first = date(2025, 1, 1)
    for n in range(53):
        make_service_user(
            session_factory, case_ref=f"SAK-PAGE-{n:02}", waiting_since=first + timedelta(days=n)
        )
    at = open_page(app, coordinator, "placement/service_users.py")
    shown = at.dataframe[0].value["case_ref"].tolist()
    # Longest waiting first, 50 to a page.
    assert shown == [f"SAK-PAGE-{n:02}" for n in range(50)]
    assert "53 tjenestemottakere · side 1 av 2" in [c.value for c in at.caption]

    at.button(key="su_page_next").click().run()
    assert at.dataframe[0].value["case_ref"].tolist() == [
        "SAK-PAGE-50",
        "SAK-PAGE-51",
        "SAK-PAGE-52",
    ]
    assert at.button(key="su_page_next").disabled

    at.text_input(key="su_search").input("page-07").run()
    assert not at.exception
    assert at.dataframe[0].value["case_ref"].tolist() == ["SAK-PAGE-07"]
    assert "1 tjenestemottaker · side 1 av 1" in [c.value for c in at.caption]


def test_choosing_a_suggestion_starts_the_placement(
    app, session, session_factory, coordinator, make_applicant
):
    user = make_service_user(
        session_factory, interests=["fishing"], age_group="elderly", hours_per_month=6
    )
    fisher = make_contact(
        session_factory,
        make_applicant,
        first_name="Per",
        interests=["fishing"],
        target_groups=["elderly"],
    )
    make_contact(session_factory, make_applicant, first_name="Liv", postcode="9008", area="Tromsø")

    at = open_page(app, coordinator, "placement/service_user.py", id=user)
    assert not at.exception, at.exception
    suggestions = at.dataframe[0].value
    assert suggestions["label"].tolist()[0].startswith("Per ")
    # The why: full marks for shared interests, written the bokmål way.
    assert suggestions["interests"].tolist()[0] == "20,0"

    at.selectbox(key="choose_contact").select(fisher)
    at.checkbox(key="choose_start").check()
    at.button(key="choose_submit").click().run()

    assert not at.exception, at.exception
    assert "Oppdraget er startet." in _texts(at)
    placement = session.scalar(select(Placement))
    assert (placement.applicant_id, placement.status, placement.hours_per_month) == (
        fisher,
        "active",
        6,
    )
    assert session.get(Applicant, fisher).stage == "placed"
    assert session.get(ServiceUser, user).status == "placed"
    # The record was opened once, however often the page reran: one audit row.
    assert session.scalars(select(AuditEvent.action)).all().count("service_user.viewed") == 1


def test_reruns_are_not_new_views_but_opening_the_record_again_is(
    app, session, session_factory, coordinator
):
    user = make_service_user(session_factory)
    at = open_page(app, coordinator, "placement/service_user.py", id=user)
    at.run()
    at.run()
    assert not at.exception
    views = select(AuditEvent.id).where(AuditEvent.action == "service_user.viewed")
    assert len(session.scalars(views).all()) == 1
    session.rollback()
    at.switch_page("placement/service_users.py").run()
    at.query_params["id"] = str(user)
    at.switch_page("placement/service_user.py").run()
    assert not at.exception
    assert len(session.scalars(views).all()) == 2


def test_a_proposed_placement_is_started_from_the_record_and_the_certificate_rule_shows(
    app, session, session_factory, coordinator, make_applicant
):
    user = make_service_user(session_factory)
    contact = make_contact(session_factory, make_applicant, police_certificate=False)
    at = open_page(app, coordinator, "placement/service_user.py", id=user)
    at.selectbox(key="choose_contact").select(contact)
    at.button(key="choose_submit").click().run()
    assert "Oppdraget er foreslått." in _texts(at)
    placement_id = session.scalar(select(Placement.id))
    session.rollback()  # on SQLite every transaction holds the write lock

    at.button(key=f"start_{placement_id}").click().run()
    assert not at.exception
    assert "Politiattesten må være sett" in _texts(at)
    session.rollback()
    assert session.get(Placement, placement_id).status == "proposed"


def test_a_manager_cannot_open_service_users_but_sees_supply_and_demand(
    app, session_factory, manager
):
    make_service_user(session_factory, area="Fredrikstad")
    at = open_page(app, manager, "analytics/supply_demand.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "Tilbud og behov"
    assert at.metric[0].value == "1"

    # The page is not in a manager's navigation, and opened directly it refuses too.
    direct = logged_in(AppTest.from_file(page_path("service_user.py"), default_timeout=30), manager)
    direct.query_params["id"] = "1"
    direct.run()
    assert not direct.exception
    assert [e.value for e in direct.error] == [t("common.no_access")]
    assert not direct.dataframe


def test_the_matching_page_ranks_service_users_for_a_contact(
    app, session_factory, coordinator, make_applicant
):
    contact = make_contact(session_factory, make_applicant, interests=["music"])
    make_service_user(session_factory, case_ref="SAK-MUSIC", interests=["music"])
    make_service_user(session_factory, case_ref="SAK-SPORT", interests=["sports"])
    at = open_page(app, coordinator, "placement/matching.py", applicant=contact)
    assert not at.exception, at.exception
    assert at.dataframe[0].value["label"].tolist() == ["SAK-MUSIC", "SAK-SPORT"]


def test_a_coordinator_edits_and_then_closes_a_service_user(
    app, session, session_factory, coordinator
):
    user = make_service_user(session_factory, hours_per_month=8)
    at = open_page(app, coordinator, "placement/service_user.py", id=user)
    at.number_input(key="edit_hours").set_value(12)
    at.text_input(key="edit_postcode").set_value("0150")
    at.text_input(key="edit_area").set_value("")
    at.button(key="edit_save").click().run()
    assert not at.exception, at.exception
    assert "Lagret" in _texts(at) or at.success
    saved = session.get(ServiceUser, user)
    assert (saved.hours_per_month, saved.postcode, saved.area) == (12, "0150", "Oslo")
    session.rollback()

    at.selectbox(key="close_reason").select("no_longer_needed")
    at.button(key="close_button").click().run()
    assert not at.exception
    assert "Saken er avsluttet." in _texts(at)
    assert session.get(ServiceUser, user).status == "closed"


def test_the_matching_page_finds_the_contact_by_name(
    app, session_factory, coordinator, make_applicant
):
    """Tens of thousands can be approved: the page offers a search, not all of them."""
    kari = make_contact(session_factory, make_applicant, first_name="Kari", last_name="Lund")
    per = make_contact(session_factory, make_applicant, first_name="Per", last_name="Åsen")
    make_applicant(first_name="Pernille", last_name="Venter")  # signed up, not approved
    at = open_page(app, coordinator, "placement/matching.py")
    assert set(at.selectbox(key="match_contact").options) == {"Kari Lund", "Per Åsen"}
    at.text_input(key="match_contact_search").input("per ase").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="match_contact").options == ["Per Åsen"]
    at.text_input(key="match_contact_search").input("nobody").run()
    assert [i.value for i in at.info] == [t("matching.no_contacts_found")]
    assert kari and per
