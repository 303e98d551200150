"""AppTest per casework page, through the whole app (router and navigation included)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import Applicant, AuditEvent, JournalEntry, StageEvent
from tests.dashboard.conftest import logged_in, page_path, page_route


def _texts(at) -> str:
    parts = []
    for kind in ("markdown", "title", "subheader", "caption", "error", "success", "info", "text"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return " ".join(parts)


def _open(app, actor, page, lang="en", **params):
    at = app(actor, lang=lang)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page_route(page)).run()
    assert not at.exception, at.exception
    return at


# --- start page -------------------------------------------------------------------


def test_a_coordinator_sees_todays_meetings_queues_and_their_cases_needing_action(
    app, coordinator, make_applicant, make_meeting
):
    make_meeting(starts_at=datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0))
    make_applicant(
        first_name="Nina", last_name="Call", callback_requested=True, coordinator_id=coordinator.id
    )
    make_applicant()  # unassigned
    at = app(coordinator, lang="en").run()
    assert not at.exception
    text = _texts(at)
    assert "Today's information meetings" in text and "of 10 seats taken" in text
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Unassigned"] == "1"
        and metrics["Call-back requests"] == "1"
        and metrics["My open cases"] == "1"
    )
    assert any("Nina Call" in link.label for link in at.get("page_link"))


def test_a_manager_start_page_shows_no_personal_queues(app, manager, make_applicant):
    make_applicant(callback_requested=True)
    at = app(manager, lang="en").run()
    assert not at.exception
    assert {m.label for m in at.metric} == {"Stuck"}


def test_a_coordinators_start_page_says_why_each_of_mine_needs_action(
    app, coordinator, make_applicant
):
    from datetime import time

    from recruitment.core.timefmt import office_datetime, today

    mine = {"coordinator_id": coordinator.id}
    make_applicant(first_name="Kari", last_name="Ring", callback_requested=True, **mine)
    make_applicant(
        first_name="Ola",
        last_name="Venter",
        # Days on the office's calendar: at noon there, whatever the hour of the run.
        signed_up_at=office_datetime(today() - timedelta(days=40), time(12)),
        **mine,
    )
    at = app(coordinator, lang="en").run()
    assert not at.exception
    links = [link.proto.label for link in at.get("page_link")]
    assert "Kari Ring · Signed up · asked to be called" in links
    assert "Ola Venter · Signed up · 40 days in this stage" in links
    at = app(coordinator).run()  # bokmål
    links = [link.proto.label for link in at.get("page_link")]
    assert "Ola Venter · Registrert interesse · 40 dager i steget" in links


# --- pipeline -----------------------------------------------------------------------


def test_the_pipeline_shows_how_many_stand_in_each_stage(app, manager, make_applicant):
    make_applicant()
    make_applicant()
    at = _open(app, manager, "pipeline")
    assert at.title[0].value == "Pipeline"
    table = at.dataframe[0].value
    assert dict(zip(table["label"], table["count"], strict=True))["Signed up"] == "2"


def test_the_pipeline_writes_its_counts_as_the_language_does(app, manager, session_factory):
    from recruitment.demo.service import generate

    generate(session_factory, applicants=4000, seed=7)
    with session_factory() as s:
        withdrawn = s.scalar(select(func.count()).where(Applicant.stage == "withdrawn"))
    assert withdrawn >= 1000  # a count with thousands to group
    shown = {}
    for lang in ("nb", "en"):
        table = _open(app, manager, "pipeline", lang=lang).dataframe[0].value
        shown[lang] = dict(zip(table["label"], table["count"], strict=True))
    assert shown["nb"]["Trukket seg"] == f"{withdrawn // 1000}\xa0{withdrawn % 1000:03d}"
    assert shown["en"]["Withdrawn"] == f"{withdrawn:,}"


def test_selecting_a_bar_opens_the_list_filtered_to_that_stage(
    app, coordinator, make_applicant, session_factory
):
    from tests.stages import step_to

    booked = make_applicant(first_name="Bo", last_name="Booked")
    make_applicant(first_name="Siri", last_name="Signed")
    with session_factory.begin() as s:
        step_to(session=s, by_id=coordinator.id, applicant_id=booked, to_stage="meeting_booked")
    at = _open(app, coordinator, "pipeline")
    # What a click on the bar sends back: the selection of the point "stage".
    at.session_state["pipeline_chart"] = {"selection": {"stage": [{"stage": "meeting_booked"}]}}
    at.run()
    assert not at.exception
    assert at.title[0].value == "Applicants"
    assert list(at.dataframe[0].value["name"]) == ["Bo Booked"]


# --- applicant list ------------------------------------------------------------------


def test_the_list_filters_and_searches_by_widget(app, coordinator, make_applicant):
    make_applicant(first_name="Anne", last_name="Aas", area="Oslo")
    make_applicant(first_name="Bjørn", last_name="Berg", area="Fredrikstad", phone="+4798765432")
    at = _open(app, coordinator, "applicants")
    assert sorted(at.dataframe[0].value["name"]) == ["Anne Aas", "Bjørn Berg"]
    at.selectbox(key="applicants_area").select("Oslo").run()
    assert list(at.dataframe[0].value["name"]) == ["Anne Aas"]
    at.selectbox(key="applicants_area").select("").run()
    at.text_input(key="applicants_search").input("987 65").run()
    assert not at.exception
    assert list(at.dataframe[0].value["name"]) == ["Bjørn Berg"]
    assert "1 applicant · page 1 of 1" in _texts(at)


def test_the_list_pages_through_many_applicants(app, coordinator, make_applicant):
    for i in range(55):
        make_applicant(first_name="P", last_name=f"Person{i:02d}")
    at = _open(app, coordinator, "applicants")
    assert len(at.dataframe[0].value) == 50
    assert "55 applicants · page 1 of 2" in _texts(at)
    # Nobody assigned: said in words, not the table's "None".
    assert set(at.dataframe[0].value["coordinator"]) == {"Unassigned"}
    at.button(key="applicants_page_next").click().run()
    assert not at.exception
    assert list(at.dataframe[0].value["name"])[0] == "P Person50"
    assert "page 2 of 2" in _texts(at)


def test_filters_in_the_url_preset_the_list(app, coordinator, make_applicant):
    make_applicant(first_name="Cal", last_name="Back", callback_requested=True)
    make_applicant(first_name="No", last_name="Call")
    at = _open(app, coordinator, "applicants", callback="1")
    assert list(at.dataframe[0].value["name"]) == ["Cal Back"]
    assert at.checkbox(key="applicants_callback").value is True


def test_a_manager_sees_the_list_without_contact_details_or_export(app, manager, make_applicant):
    make_applicant(first_name="Anne", last_name="Aas")
    at = _open(app, manager, "applicants")
    assert "email" not in at.dataframe[0].value.columns
    assert not at.get("download_button")


# --- applicant page -------------------------------------------------------------------


def test_the_applicant_page_shows_profile_timeline_and_journal(
    app, coordinator, make_applicant, session_factory
):
    from recruitment.casework.journal import add_entry

    applicant = make_applicant(
        first_name="Tone",
        last_name="Timeline",
        phone="+4791234567",
        signed_up_at=datetime.now(UTC) - timedelta(days=2),
    )
    with session_factory.begin() as s:
        add_entry(
            session=s,
            actor=coordinator,
            applicant_id=applicant,
            channel="phone",
            body="Asked about <b>dates</b>",
        )
    at = _open(app, coordinator, "applicant", id=str(applicant))
    assert at.title[0].value == "Tone Timeline"
    text = _texts(at)
    # The number as people read and dial it, not as it is stored (+4791234567).
    assert "912 34 567" in text and "+4791234567" not in text
    assert "Signed up" in text and "Phone call" in text
    # User text is shown as typed, never as HTML.
    assert any(element.value == "Asked about <b>dates</b>" for element in at.text)


def test_a_coordinator_adds_a_journal_entry_from_the_page(
    app, coordinator, make_applicant, session
):
    # In bokmål, the default: AppTest formats the meetings panels' choices outside the
    # script run, where only the default language is known.
    applicant = make_applicant()
    at = _open(app, coordinator, "applicant", lang="nb", id=str(applicant))
    at.selectbox(key="journal_channel").select("phone")
    at.text_area(key="journal_body").input("Ringte om møtet")
    at.button(key="FormSubmitter:journal_add-Legg til i journalen").click().run()
    assert not at.exception
    assert "Lagt til i journalen." in _texts(at)
    entry = session.scalar(select(JournalEntry))
    assert (entry.channel, entry.body, entry.author_id) == (
        "phone",
        "Ringte om møtet",
        coordinator.id,
    )


def test_withdrawing_asks_for_a_reason_and_records_the_event(
    app, coordinator, make_applicant, session
):
    applicant = make_applicant()
    at = _open(app, coordinator, "applicant", lang="nb", id=str(applicant))
    at.selectbox(key="move_target").select("withdrawn").run()
    at.button(key="FormSubmitter:move_form-Flytt søkeren").click().run()
    assert not at.exception
    assert at.error, "a missing reason must be refused"
    assert session.scalar(select(Applicant.stage).where(Applicant.id == applicant)) == "signed_up"
    session.rollback()  # end the read: SQLite takes the write lock at BEGIN

    at.selectbox(key="move_reason").select("other")
    at.text_area(key="move_reason_text").input("Started full-time studies")
    at.button(key="FormSubmitter:move_form-Flytt søkeren").click().run()
    assert not at.exception
    session.expire_all()
    event = session.scalar(select(StageEvent).where(StageEvent.to_stage == "withdrawn"))
    assert (event.reason_code, event.reason_text, event.by_id) == (
        "other",
        "Started full-time studies",
        coordinator.id,
    )
    assert "Søkeren er flyttet." in _texts(at)


def test_an_unknown_applicant_id_says_so(app, coordinator):
    at = _open(app, coordinator, "applicant", id="999")
    assert at.error and "not" in at.error[0].value.lower()


# --- hand-over ------------------------------------------------------------------------


def test_hand_over_moves_the_cases_and_reports_it(
    app, coordinator, make_staff, make_applicant, session
):
    colleague = make_staff("coordinator", full_name="Per Pettersen")
    for _ in range(3):
        make_applicant(coordinator_id=coordinator.id)
    at = _open(app, coordinator, "handover")
    at.selectbox(key="handover_to").select(str(colleague.id))
    at.button(key="FormSubmitter:handover_form-Hand over the cases").click().run()
    assert not at.exception
    assert "3 cases were handed to Per Pettersen." in _texts(at)
    assert set(session.scalars(select(Applicant.coordinator_id))) == {colleague.id}
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "applicant.reassign")
        )
        == 3
    )


@pytest.mark.parametrize("page", ["handover", "import_applicants", "applicant"])
def test_pages_that_change_cases_refuse_a_manager_even_by_url(app_database, manager, page):
    # Navigation does not offer these pages to managers; each page checks again itself.
    at = AppTest.from_file(page_path(f"{page}.py"), default_timeout=30)
    at.query_params["lang"] = "en"
    logged_in(at, manager).run()
    assert not at.exception
    assert at.error and "do not have access" in at.error[0].value
    assert not at.button and not at.dataframe


# --- import ---------------------------------------------------------------------------


CSV = (
    b"Fornavn;Etternavn;E-post\n"
    b"Ola;Nordmann;ola@example.no\n"
    b"Kari;Hansen;kari@example.no\n"
    b"Ola;Igjen;OLA@example.no\n"
    b"Bad;Mail;not-an-address\n"
)


def test_import_previews_row_by_row_and_writes_only_on_confirm(app, coordinator, session):
    at = _open(app, coordinator, "import_applicants")
    # AppTest cannot drive a file uploader; the page keeps the upload as plain bytes here.
    at.session_state["import_source"] = {"name": "liste.csv", "data": CSV}
    at.run()
    assert at.selectbox(key="import_map_email").value == "E-post"
    at.button(key="FormSubmitter:import_mapping-Show preview").click().run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert list(preview["action"]) == ["Create", "Create", "Update", "Reject"]
    assert "same e-mail as row 2" in preview["why"].iloc[2]
    assert (
        "not valid" in preview["why"].iloc[3].lower() or "e-mail" in preview["why"].iloc[3].lower()
    )
    assert session.scalar(select(func.count(Applicant.id))) == 0
    session.rollback()  # end the read: SQLite takes the write lock at BEGIN

    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert "2 new, 1 updated, 1 rejected" in _texts(at)
    assert session.scalar(select(func.count(Applicant.id))) == 2


def test_import_refuses_a_mapping_without_email(app, coordinator, session):
    at = _open(app, coordinator, "import_applicants")
    at.session_state["import_source"] = {
        "name": "liste.csv",
        "data": b"Navn;Telefon\nOla Nordmann;91234567\n",
    }
    at.run()
    at.button(key="FormSubmitter:import_mapping-Show preview").click().run()
    assert not at.exception
    assert "Choose a column for: E-mail." in _texts(at)


def test_a_broken_file_gets_a_clear_message(app, coordinator):
    at = _open(app, coordinator, "import_applicants")
    at.session_state["import_source"] = {"name": "liste.xlsx", "data": b"PK\x03\x04broken"}
    at.run()
    assert not at.exception
    assert "could not be read" in at.error[0].value


def test_a_refused_journal_entry_says_why_with_its_limit_and_keeps_the_typed_text(
    app, coordinator, make_applicant, session
):
    applicant = make_applicant()
    at = _open(app, coordinator, "applicant", lang="nb", id=str(applicant))
    at.text_input(key="journal_subject").input("Viktig")
    at.text_area(key="journal_body").input("x" * 10_001)
    at.button(key="FormSubmitter:journal_add-Legg til i journalen").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Tekst: Teksten er for lang (høyst 10000 tegn)."]
    assert at.text_area(key="journal_body").value == "x" * 10_001
    assert at.text_input(key="journal_subject").value == "Viktig"
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def test_the_timeline_says_who_acted_and_shows_a_change_of_meeting(
    app, coordinator, make_applicant, make_meeting, session_factory
):
    """The applicant's own actions on My page are theirs, not the system's; moving the
    booking to another meeting is an entry of its own."""
    from recruitment.journey import self_service
    from recruitment.journey.applicants import _ensure_token

    applicant = make_applicant(first_name="Mia", last_name="Minside")
    first, second = make_meeting(), make_meeting()
    with session_factory.begin() as s:
        token = _ensure_token(s, s.get(Applicant, applicant))
    for meeting in (first, second):
        with session_factory.begin() as s:
            self_service.choose_my_meeting(session=s, token=token, meeting_id=meeting)
    with session_factory.begin() as s:
        self_service.withdraw_me(session=s, token=token)
    at = _open(app, coordinator, "applicant", id=str(applicant))
    lines = [str(element.value) for element in at.markdown]
    withdrawn = [line for line in lines if "→ Withdrawn" in line]
    assert withdrawn and all("The applicant (via My page)" in line for line in withdrawn), lines
    moved = [line for line in lines if "Moved from the meeting on" in line]
    assert len(moved) == 1 and "The applicant (via My page)" in moved[0], lines
    at_nb = _open(app, coordinator, "applicant", lang="nb", id=str(applicant))
    text = _texts(at_nb)
    assert "Søkeren (via Min side)" in text and "Flyttet fra møtet" in text
