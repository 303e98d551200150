"""The personal page and the other pages of the applicant's journey, in AppTest."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Applicant, ConsentVersion, Evaluation, JournalEntry, Registration
from recruitment.journey import _booking
from recruitment.journey.applicants import _ensure_token
from tests.dashboard.conftest import logged_in, page_path


@pytest.fixture
def visitor(app, coordinator):
    def open_page(token: str | None, lang: str = "en"):
        at = app(lang=lang).run()
        if token is not None:
            at.query_params["token"] = token
        return at.switch_page("journey/self_service.py").run()

    return open_page


@pytest.fixture
def booked_applicant(session_factory, make_applicant, make_meeting, coordinator):
    def make(**meeting):
        applicant_id = make_applicant(coordinator_id=coordinator.id)
        meeting_id = make_meeting(**meeting)
        with session_factory.begin() as s:
            token = _ensure_token(s, s.get(Applicant, applicant_id))
            registration = _booking.book_meeting(
                session=s, applicant_id=applicant_id, meeting_id=meeting_id
            )
            return applicant_id, registration.id, token

    return make


def texts(at) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.success] + [e.value for e in at.info]
    parts += (
        [m.value for m in at.markdown]
        + [h.value for h in at.header]
        + [w.value for w in at.warning]
    )
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("token", [None, "", "not-a-real-token-but-long-enough-to-look-up"])
def test_an_unknown_link_gets_a_friendly_message_and_nothing_else(visitor, token):
    at = visitor(token)
    assert not at.exception
    assert "We could not find your link" in texts(at)
    # Nothing but the form that mails a new link to a registered address.
    assert [b.label for b in at.button] == ["Send me the link"]
    assert [w.label for w in at.text_input] == ["Email (required)"]


def test_an_expired_link_gets_the_same_message(visitor, booked_applicant, session_factory):
    applicant_id, _, token = booked_applicant()
    with session_factory.begin() as s:
        s.get(Applicant, applicant_id).token_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    at = visitor(token)
    assert "We could not find your link" in texts(at)
    assert "Ola" not in texts(at)


def test_the_page_shows_booking_stage_and_coordinator_in_plain_words(visitor, booked_applicant):
    _, _, token = booked_applicant(
        mode="in_person", join_url=None, address="Helsehuset, Storgata 1"
    )
    at = visitor(token)
    assert not at.exception
    shown = texts(at)
    assert "Hello, Ola!" in shown
    assert "You are signed up for an information meeting." in shown
    assert "Your contact person with us is Kari Koordinator." in shown
    assert "Helsehuset, Storgata 1" in shown.replace("\\", "")
    assert at.get("download_button")


def test_cancelling_asks_first_then_cancels_and_offers_other_meetings(
    visitor, booked_applicant, session, make_meeting
):
    _, registration_id, token = booked_applicant()
    at = visitor(token)
    at.button(key=f"self_service_cancel_{registration_id}").click().run()
    assert "Do you really want to cancel" in texts(at)
    at.button(key="self_service_yes_cancel").click().run()
    assert not at.exception
    assert "Your place is cancelled." in texts(at)
    assert session.get(Registration, registration_id).status == "cancelled"


def test_rebooking_from_the_page_moves_the_booking(
    visitor, booked_applicant, session, make_meeting
):
    _, registration_id, token = booked_applicant()
    later = make_meeting(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30))
    at = visitor(token)
    at.radio(key="self_service_meeting").set_value(later)
    at.button(key="FormSubmitter:self_service_choose-Book this meeting").click().run()
    assert not at.exception
    assert "Done." in texts(at)
    registration = session.get(Registration, registration_id)
    assert (registration.meeting_id, registration.ics_sequence) == (later, 1)


def test_contact_details_are_checked_and_saved(visitor, booked_applicant, session):
    applicant_id, _, token = booked_applicant()
    at = visitor(token)
    at.text_input(key="self_service_postcode").input("12")
    at.button(key="FormSubmitter:self_service_contact-Save").click().run()
    assert "The postcode must have four digits." in texts(at)
    at.text_input(key="self_service_postcode").input("0150")
    at.button(key="FormSubmitter:self_service_contact-Save").click().run()
    assert "Your contact details have been saved." in texts(at)
    assert session.get(Applicant, applicant_id).postcode == "0150"


def test_the_applicant_chooses_sms_on_my_page_and_a_landline_gets_a_clear_message(
    visitor, booked_applicant, session_factory, session
):
    applicant_id, _, token = booked_applicant()
    with session_factory.begin() as s:
        s.get(Applicant, applicant_id).phone = "+4769123456"  # a landline
    at = visitor(token)
    at.button_group(key="self_service_channels").set_value(["email", "sms"])
    at.button(key="FormSubmitter:self_service_channels-Save").click().run()
    assert not at.exception
    assert "landline" in texts(at)
    assert session.get(Applicant, applicant_id).sms_consent_at is None
    session.rollback()
    with session_factory.begin() as s:
        s.get(Applicant, applicant_id).phone = "+4791234567"
    at.button_group(key="self_service_channels").set_value(["sms"])
    at.button(key="FormSubmitter:self_service_channels-Save").click().run()
    assert "Your choice has been saved." in texts(at)
    applicant = session.get(Applicant, applicant_id)
    assert applicant.sms_consent_at is not None and applicant.email_consent_at is None


def test_withdrawing_needs_a_tick_and_then_leaves_the_pipeline(visitor, booked_applicant, session):
    applicant_id, _, token = booked_applicant()
    at = visitor(token)
    at.button(key="FormSubmitter:self_service_withdraw-Withdraw").click().run()
    assert "Tick the box to confirm." in texts(at)
    at.checkbox(key="self_service_withdraw_confirm").check()
    at.button(key="FormSubmitter:self_service_withdraw-Withdraw").click().run()
    assert not at.exception
    assert session.get(Applicant, applicant_id).stage == "withdrawn"


def test_an_attendee_evaluates_a_held_meeting_once(
    visitor, booked_applicant, session_factory, session
):
    applicant_id, registration_id, token = booked_applicant()
    with session_factory.begin() as s:
        registration = s.get(Registration, registration_id)
        registration.status = "attended"
        registration.meeting.status = "held"
        meeting_id = registration.meeting_id
    at = visitor(token)
    at.radio(key=f"self_service_rating_{meeting_id}").set_value(4)
    at.radio(key=f"self_service_got_information_{meeting_id}").set_value(True)
    at.radio(key=f"self_service_technical_{meeting_id}").set_value(False)
    at.text_area(key=f"self_service_comment_{meeting_id}").input("<script>alert(1)</script>")
    at.button(
        key=f"FormSubmitter:self_service_evaluation_{meeting_id}-Send my answer"
    ).click().run()
    assert not at.exception
    assert "Thank you for your answer!" in texts(at)
    evaluation = session.scalars(select(Evaluation)).one()
    assert (evaluation.rating, evaluation.got_information, evaluation.technical_problems) == (
        4,
        True,
        False,
    )
    assert not [f for f in at.get("form") if "evaluation" in str(getattr(f, "id", ""))]


def test_the_privacy_page_shows_the_current_version_and_records_it(app, coordinator, session):
    at = app(lang="en").run().switch_page("journey/privacy.py").run()
    assert not at.exception
    assert "The municipality stores the details" in at.text[0].value
    assert session.scalar(select(ConsentVersion.version)) == "2026-11"


def test_a_coordinator_registers_someone_who_phoned(app, coordinator, session, make_meeting):
    meeting_id = make_meeting()
    at = app(coordinator, lang="en").run().switch_page("journey/phone_signup.py").run()
    assert not at.exception
    for field, value in {
        "first_name": "Per",
        "last_name": "Hansen",
        "email": "per@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": "1950",
    }.items():
        at.text_input(key=f"phone_signup_{field}").input(value)
    at.selectbox(key="phone_signup_meeting").set_value(meeting_id)
    at.checkbox(key="phone_signup_consent").check()
    at.button(key="FormSubmitter:phone_signup-Register").click().run()
    assert not at.exception
    assert "Per Hansen has been registered." in texts(at)
    applicant = session.scalars(select(Applicant)).one()
    assert (applicant.source, applicant.stage) == ("phone", "meeting_booked")
    # An empty form for the next caller.
    assert at.text_input(key="phone_signup_first_name").value == ""
    assert at.selectbox(key="phone_signup_meeting").value == 0
    assert not at.checkbox(key="phone_signup_consent").value


def test_a_caller_without_email_is_registered_and_what_they_get_instead_is_journalled(
    app, coordinator, session, make_meeting
):
    meeting_id = make_meeting()
    at = app(coordinator, lang="en").run().switch_page("journey/phone_signup.py").run()
    for field, value in {
        "first_name": "Per",
        "last_name": "Hansen",
        "phone": "69 12 34 56",
        "postcode": "1606",
        "birth_year": "1944",
    }.items():
        at.text_input(key=f"phone_signup_{field}").input(value)
    at.radio(key="phone_signup_instead").set_value("letter")
    at.selectbox(key="phone_signup_meeting").set_value(meeting_id)
    at.checkbox(key="phone_signup_consent").check()
    at.button(key="FormSubmitter:phone_signup-Register").click().run()
    assert not at.exception
    assert "Per Hansen has been registered." in texts(at)
    applicant = session.scalars(select(Applicant)).one()
    assert applicant.email is None and applicant.call_consent_at is not None
    notes = session.scalars(select(JournalEntry.subject)).all()
    assert "No e-mail: gets a letter by post" in notes  # in the language it was taken in


def test_a_manager_cannot_open_the_phone_sign_up_even_by_its_address(app_database, manager):
    # The menu does not offer it to managers; the page itself refuses too.
    at = logged_in(AppTest.from_file(page_path("phone_signup.py"), default_timeout=30), manager)
    at.query_params["lang"] = "en"
    at.run()
    assert "You do not have access to this page." in [e.value for e in at.error]


def test_a_confirmation_link_shows_the_change_and_applies_it_only_on_the_click(
    app, coordinator, session_factory, session, make_applicant
):
    import re

    from db.models import OutboxMessage
    from recruitment.journey.applicants import sign_up

    applicant_id = make_applicant(email="vera@example.no", first_name="Vera")
    with session_factory.begin() as s:
        sign_up(
            session=s,
            raw={
                "first_name": "Veronika",
                "last_name": "Berg",
                "email": "vera@example.no",
                "phone": "91234567",
                "postcode": "0150",
                "birth_year": 1970,
                "consent": True,
            },
            meeting_id=None,
            callback=True,
        )
    body = session.scalars(select(OutboxMessage.body_text)).one()
    session.rollback()
    code = re.search(r"confirm=([A-Za-z0-9_-]+)", body).group(1)
    at = app(lang="en").run()
    at.query_params["confirm"] = code
    at = at.switch_page("journey/self_service.py").run()
    assert not at.exception
    assert "First name: Veronika" in [t.value for t in at.text]
    assert session.get(Applicant, applicant_id).first_name == "Vera"  # not yet
    session.rollback()
    at.button(key="self_service_confirm").click().run()
    assert not at.exception
    assert "Your changes have been saved." in texts(at)
    assert "Veronika" in texts(at)  # My page, opened with the personal link
    assert session.get(Applicant, applicant_id).first_name == "Veronika"


def test_asking_for_a_new_link_answers_the_same_for_any_address(visitor, make_applicant, session):
    from db.models import OutboxMessage

    make_applicant(email="vera@example.no")
    for email in ("vera@example.no", "nobody@example.no"):
        at = visitor("")
        at.text_input(key="self_service_link_email").input(email)
        at.button[0].click().run()
        assert not at.exception
        assert "If the address is registered with us" in texts(at)
    assert session.scalars(select(OutboxMessage.to_address)).all() == ["vera@example.no"]
