"""Lists show what was just added, clicks never pass in silence, default dates fall on
working days (issue 15, defect 9)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import InfoMeeting
from recruitment.core.i18n import t
from recruitment.core.timefmt import working_day

from .conftest import page_route


def nb(key: str, **params) -> str:
    return t(key, "nb", **params)


def _open(app, actor, name: str, **query) -> AppTest:
    at = app(actor)
    at.run()
    for field, value in query.items():
        at.query_params[field] = value
    at.switch_page(page_route(name))
    return at.run()


def _cells(at: AppTest) -> list[str]:
    return [str(v) for frame in at.dataframe for c in frame.value.columns for v in frame.value[c]]


def test_a_new_meeting_is_in_the_list_above_the_message_that_it_was_created(
    app, coordinator, session_factory
):
    at = _open(app, coordinator, "meetings")
    assert not at.dataframe  # no meetings yet
    at.text_input(key="one_join_url").input("https://teams.example.no/møte")
    next(b for b in at.button if b.label == nb("meetings.save")).click().run()
    assert not at.exception, at.exception
    assert nb("meetings.created") in [s.value for s in at.success]
    with session_factory() as s:
        assert s.scalar(select(InfoMeeting.id)) is not None
    assert at.dataframe and len(at.dataframe[0].value) == 1


def test_a_new_staff_account_is_in_the_table_with_its_message(app, admin):
    at = _open(app, admin, "staff")
    at.text_input(key="staff_new_username").input("nils")
    at.text_input(key="staff_new_full_name").input("Nils Nilsen")
    at.text_input(key="staff_new_password").input("a long secret phrase")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Nils Nilsen" in _cells(at)
    assert "None" not in _cells(at)  # never logged in: an empty cell, not "None"


def test_cancelling_without_the_tick_says_why_nothing_happened(
    app, coordinator, make_meeting, session_factory
):
    meeting_id = make_meeting()
    at = _open(app, coordinator, "meeting", id=str(meeting_id))
    next(b for b in at.button if b.label == nb("meetings.cancel")).click().run()
    assert nb("meetings.cancel_confirm_needed") in [w.value for w in at.warning]
    with session_factory() as s:
        assert s.get(InfoMeeting, meeting_id).status == "planned"


def test_default_dates_for_planning_fall_on_working_days(app, coordinator):
    at = _open(app, coordinator, "meetings")
    assert at.date_input(key="one_date").value.weekday() < 5
    at = _open(app, coordinator, "combined_meeting")
    assert at.date_input(key="combined_date").value.weekday() < 5


def test_a_weekend_day_moves_to_the_monday_after():
    assert working_day(date(2026, 11, 28)) == date(2026, 11, 30)  # Saturday
    assert working_day(date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday
    assert working_day(date(2026, 12, 2)) == date(2026, 12, 2)  # Wednesday


def test_the_combined_meeting_form_is_not_sent_by_enter_and_offers_no_select_all(app, coordinator):
    at = _open(app, coordinator, "combined_meeting")
    form = next(f for f in at.get("form") if f.proto.form.form_id == "book_combined")
    assert form.proto.form.enter_to_submit is False
    assert at.multiselect(key="combined_applicants").proto.select_all == 0
