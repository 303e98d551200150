"""The meetings pages and the interview/checks panels, driven through Streamlit's AppTest
on a real temporary database: plan a series, mark attendance, record an interview,
complete the checks, approve, and see each step as a stage event."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import (
    Applicant,
    ApplicantCheck,
    InfoMeeting,
    Interview,
    OutboxMessage,
    Registration,
    StageEvent,
)
from recruitment.core.i18n import t
from tests.stages import step_to

from .conftest import logged_in


def nb(key: str, **params) -> str:
    return t(key, "nb", **params)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def events(session, applicant_id: int) -> list[str]:
    return [
        e.to_stage
        for e in session.scalars(
            select(StageEvent)
            .where(StageEvent.applicant_id == applicant_id)
            .order_by(StageEvent.id)
        )
    ]


@pytest.fixture
def page(app):
    """The whole app, logged in, switched to one page (with query parameters)."""

    def open_page(actor, path: str, **query) -> AppTest:
        at = app(actor)
        at.run()
        at.switch_page(path)
        for name, value in query.items():
            at.query_params[name] = value
        return at.run()

    return open_page


@pytest.fixture
def booked(session_factory, make_applicant):
    def make(meeting_id: int, **fields) -> int:
        applicant_id = make_applicant(**fields)
        with session_factory.begin() as s:
            s.add(
                Registration(
                    applicant_id=applicant_id,
                    meeting_id=meeting_id,
                    status="registered",
                    ics_uid=f"{uuid.uuid4()}@t",
                )
            )
            step_to(session=s, applicant_id=applicant_id, to_stage="meeting_booked", by_id=None)
        return applicant_id

    return make


def test_a_coordinator_creates_a_monthly_series_from_the_meetings_page(
    page, coordinator, session_factory
):
    at = page(coordinator, "casework/meetings.py")
    assert not at.exception
    at.date_input(key="series_first_day").set_value(date.today() + timedelta(days=1))
    at.radio(key="series_rule").set_value("monthly")
    at.selectbox(key="series_weekday").set_value(1)
    at.selectbox(key="series_nth").set_value(1)
    at.number_input(key="series_count").set_value(6)
    at.radio(key="series_mode").set_value("in_person")
    at.text_input(key="series_address").input("Helsehuset, Storgata 1")
    button(at, nb("meetings.save_series")).click().run()
    assert not at.exception and not errors(at)
    assert nb("meetings.series_created", count=6) in [s.value for s in at.success]
    with session_factory() as s:
        rows = s.scalars(select(InfoMeeting).order_by(InfoMeeting.starts_at)).all()
        assert len(rows) == 6 and len({m.series_id for m in rows}) == 1
        assert all(
            m.address == "Helsehuset, Storgata 1" and m.host_id == coordinator.id for m in rows
        )
        assert {m.starts_at.astimezone().tzinfo is not None for m in rows} == {True}
    # The new meetings are listed under "upcoming".
    at.run()
    assert len(at.dataframe[0].value) == 6


def test_a_digital_meeting_without_a_link_is_refused_with_the_fields_message(
    page, coordinator, session_factory
):
    at = page(coordinator, "casework/meetings.py")
    at.radio(key="one_mode").set_value("digital")
    button(at, nb("meetings.save")).click().run()
    assert nb(
        "common.field_error",
        field=nb("meetings.join_url"),
        message=nb("meetings.error_join_url_required"),
    ) in errors(at)
    with session_factory() as s:
        assert s.scalars(select(InfoMeeting)).all() == []


def test_managers_see_the_meeting_list_but_no_forms(page, manager, make_meeting):
    make_meeting()
    at = page(manager, "casework/meetings.py")
    assert not at.exception
    assert len(at.dataframe) == 1
    assert not any(b.label == nb("meetings.save") for b in at.button)


def test_attendance_is_marked_for_everyone_in_one_table(
    page, coordinator, make_meeting, booked, session_factory
):
    meeting_id = make_meeting(
        starts_at=datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    )
    came, away = booked(meeting_id, first_name="Anne"), booked(meeting_id, first_name="Bjørn")
    at = page(coordinator, "casework/meeting.py", id=str(meeting_id))
    assert not at.exception, at.exception
    at.session_state["attendance_table"] = {
        "edited_rows": {0: {"attended": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    button(at, nb("meetings.save_attendance")).click().run()
    assert not at.exception and not errors(at)
    assert nb("meetings.attendance_saved", attended=1, no_show=1) in [s.value for s in at.success]
    with session_factory() as s:
        assert events(s, came)[-1] == "meeting_attended"
        assert s.get(Applicant, away).stage == "meeting_booked"
        statuses = {r.applicant_id: r.status for r in s.scalars(select(Registration))}
        assert statuses == {came: "attended", away: "no_show"}


def test_the_meeting_page_sends_a_reminder_and_resends_the_confirmation(
    page, coordinator, make_meeting, booked, session_factory
):
    meeting_id = make_meeting()
    booked(meeting_id)
    booked(meeting_id)
    at = page(coordinator, "casework/meeting.py", id=str(meeting_id))
    button(at, nb("meetings.send_reminder")).click().run()
    assert nb("meetings.reminder_queued", count=2) in [s.value for s in at.success]
    button(at, nb("meetings.resend")).click().run()
    assert nb("meetings.resent", count=2) in [s.value for s in at.success]
    with session_factory() as s:
        kinds = sorted(m.kind for m in s.scalars(select(OutboxMessage)))
        assert kinds == ["booking_confirmation"] * 2 + ["meeting_reminder"] * 2


def test_cancelling_from_the_meeting_page_needs_the_confirmation_tick(
    page, coordinator, make_meeting, booked, session_factory
):
    meeting_id = make_meeting()
    booked(meeting_id)
    at = page(coordinator, "casework/meeting.py", id=str(meeting_id))
    button(at, nb("meetings.cancel")).click().run()
    with session_factory() as s:
        assert s.get(InfoMeeting, meeting_id).status == "planned"
    at.checkbox(key="cancel_confirm").check()
    button(at, nb("meetings.cancel")).click().run()
    assert nb("meetings.cancelled", count=1) in [s.value for s in at.success]
    with session_factory() as s:
        assert s.get(InfoMeeting, meeting_id).status == "cancelled"


def test_an_unknown_meeting_id_says_so(page, coordinator):
    at = page(coordinator, "casework/meeting.py", id="999")
    assert nb("meetings.not_found") in errors(at)


# --- the panels the applicant page shows ------------------------------------------------------


def panels_script(applicant_id: int) -> None:
    from dashboard.action import show_flash
    from dashboard.casework.applicant_panels import checks_panel, interviews_panel

    show_flash()  # the panels' results show where the applicant page shows them
    interviews_panel(applicant_id)
    checks_panel(applicant_id)


@pytest.fixture
def panels(app_database):
    def open_panels(actor, applicant_id: int) -> AppTest:
        at = AppTest.from_function(panels_script, args=(applicant_id,), default_timeout=30)
        logged_in(at, actor)
        return at.run()

    return open_panels


def test_a_coordinator_schedules_and_records_an_interview_completes_the_checks_and_approves(
    panels, coordinator, make_applicant, session_factory
):
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        for stage in ("meeting_booked", "meeting_attended"):
            step_to(session=s, applicant_id=applicant_id, to_stage=stage, by_id=None)
    at = panels(coordinator, applicant_id)
    assert not at.exception, at.exception
    at.text_input(key="schedule_place").input("Rådhuset, rom 4")
    button(at, nb("interviews.schedule")).click().run()
    assert not errors(at), errors(at)
    assert nb("interviews.scheduled") in [s.value for s in at.success]

    at.radio(key="record_outcome").set_value("recommend")
    at.slider(key="record_score_motivation").set_value(5)
    at.text_area(key="record_notes").input("Rolig og trygg")
    button(at, nb("interviews.record")).click().run()
    assert not errors(at), errors(at)

    today = date.today()
    at.selectbox(key="check_kind").set_value("police_certificate").run()
    at.date_input(key="check_issued_on").set_value(today - timedelta(days=20))
    at.date_input(key="check_seen_on").set_value(today)
    button(at, nb("checks.save")).click().run()
    assert not errors(at), errors(at)
    for kind in ("reference_1", "reference_2", "declaration", "contract", "training"):
        at.selectbox(key="check_kind").set_value(kind).run()
        at.date_input(key="check_completed_on").set_value(today)
        button(at, nb("checks.save")).click().run()
        assert not errors(at), (kind, errors(at))
    assert nb("checks.all_done") in [c.value for c in at.caption]
    button(at, nb("checks.approve")).click().run()
    assert not errors(at), errors(at)
    assert nb("checks.approved") in [s.value for s in at.success]

    with session_factory() as s:
        assert events(s, applicant_id) == [
            "signed_up",
            "meeting_booked",
            "meeting_attended",
            "interview_scheduled",
            "interviewed",
            "approved",
        ]
        interview = s.scalars(select(Interview)).one()
        assert (
            interview.outcome,
            interview.score_motivation,
            interview.notes,
            interview.place,
        ) == ("recommend", 5, "Rolig og trygg", "Rådhuset, rom 4")


def test_the_checks_panel_refuses_a_contract_with_an_old_certificate(
    panels, coordinator, make_applicant, session_factory
):
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        for stage in ("meeting_booked", "meeting_attended", "interview_scheduled"):
            step_to(session=s, applicant_id=applicant_id, to_stage=stage, by_id=None)
    at = panels(coordinator, applicant_id)
    today = date.today()
    at.selectbox(key="check_kind").set_value("police_certificate").run()
    at.date_input(key="check_issued_on").set_value(today - timedelta(days=200))
    at.date_input(key="check_seen_on").set_value(today - timedelta(days=190))
    button(at, nb("checks.save")).click().run()
    at.selectbox(key="check_kind").set_value("contract").run()
    at.date_input(key="check_completed_on").set_value(today)
    button(at, nb("checks.save")).click().run()
    assert any(
        "3" in e and nb("checks.police_certificate").lower() in e.lower() for e in errors(at)
    ), errors(at)


def _in_order(at) -> list[str]:
    """Every element's text, top to bottom."""

    def walk(node):
        value = getattr(node, "value", None)
        if isinstance(value, str):
            yield value
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return list(walk(at.main))


def _interviewed(session_factory, make_applicant) -> int:
    applicant_id = make_applicant()
    with session_factory.begin() as s:
        for stage in ("meeting_booked", "meeting_attended", "interview_scheduled"):
            step_to(session=s, applicant_id=applicant_id, to_stage=stage, by_id=None)
    return applicant_id


def test_a_note_belongs_to_its_own_check_and_the_form_is_fresh_after_a_save(
    panels, coordinator, make_applicant, session_factory
):
    applicant_id = _interviewed(session_factory, make_applicant)
    at = panels(coordinator, applicant_id)
    at.selectbox(key="check_kind").set_value("reference_2").run()
    # Only the certificate asks for issue and seen dates.
    assert not [d for d in at.date_input if d.key in ("check_issued_on", "check_seen_on")]
    at.date_input(key="check_completed_on").set_value(date.today())
    at.text_input(key="check_note").input("Ringte tidligere leder")
    button(at, nb("checks.save")).click().run()
    assert not errors(at), errors(at)
    assert at.text_input(key="check_note").value == ""
    # The message stands under the checks heading, not at the top above the interview.
    texts = _in_order(at)
    assert texts.index(nb("checks.saved")) > texts.index(nb("checks.heading"))

    at.selectbox(key="check_kind").set_value("declaration").run()
    at.date_input(key="check_completed_on").set_value(date.today())
    button(at, nb("checks.save")).click().run()
    assert not errors(at), errors(at)
    with session_factory() as s:
        notes = dict(
            s.execute(
                select(ApplicantCheck.kind, ApplicantCheck.note).where(
                    ApplicantCheck.applicant_id == applicant_id
                )
            ).all()
        )
    assert notes == {"reference_2": "Ringte tidligere leder", "declaration": None}


def test_a_too_old_certificate_says_at_once_until_which_contract_date_it_was_usable(
    panels, coordinator, make_applicant, session_factory
):
    applicant_id = _interviewed(session_factory, make_applicant)
    at = panels(coordinator, applicant_id)
    at.selectbox(key="check_kind").set_value("police_certificate").run()
    at.date_input(key="check_issued_on").set_value(date(2024, 1, 1))
    at.date_input(key="check_seen_on").set_value(date(2024, 1, 2))
    button(at, nb("checks.save")).click().run()
    assert not errors(at), errors(at)
    assert [w.value for w in at.warning] == [nb("checks.police_too_old", until=date(2024, 4, 1))]
    assert "01.04.2024" in at.warning[0].value
    police_line = next(m.value for m in at.markdown if nb("checks.police_certificate") in m.value)
    assert police_line.startswith(":material/warning:")


def test_a_manager_sees_no_forms_in_the_panels(panels, manager, make_applicant):
    at = panels(manager, make_applicant())
    assert errors(at) == [nb("common.no_access")]


def test_the_combined_page_books_and_records_a_sitting_in_one_step(
    page, coordinator, make_applicant, session_factory
):
    applicant_id = make_applicant(first_name="Gunnar", prefers_phone=True)
    at = page(coordinator, "casework/combined_meeting.py")
    assert not at.exception, at.exception
    at.multiselect(key="combined_applicants").select(applicant_id)
    at.date_input(key="combined_date").set_value(date.today() + timedelta(days=1))
    at.text_input(key="combined_address").input("Helsehuset, rom 3")
    button(at, nb("combined.book")).click().run()
    assert not errors(at), errors(at)
    assert nb("combined.booked") in [s.value for s in at.success]
    # The sitting is recorded the day it is held; move it to earlier today.
    with session_factory.begin() as s:
        meeting = s.scalars(select(InfoMeeting)).one()
        meeting.starts_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    at.run()
    at.radio(key=f"sitting_{applicant_id}_outcome").set_value("recommend")
    button(at, nb("combined.save")).click().run()
    assert not errors(at), errors(at)
    with session_factory() as s:
        assert events(s, applicant_id) == [
            "signed_up",
            "meeting_booked",
            "meeting_attended",
            "interview_scheduled",
            "interviewed",
        ]
