"""The public sign-up page, driven as a visitor would (AppTest on a temporary database)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import Applicant, OutboxMessage, Registration


@pytest.fixture
def page(app, coordinator):
    """The app as a visitor sees it at the root (a staff account exists, so no set-up)."""

    def make(lang="en") -> AppTest:
        return app(lang=lang).run()

    return make


def fill(at: AppTest, **changes) -> AppTest:
    values = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "912 34 567",
        "postcode": "1606",
        "birth_year": "1958",
    }
    values.update(changes)
    for field, value in values.items():
        at.text_input(key=f"signup_{field}").input(value)
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [e.value for e in at.success] + [e.value for e in at.info]
    parts += [m.value for m in at.markdown] + [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def test_the_page_offers_upcoming_meetings_with_seats_left_and_the_phone_option(
    page, make_meeting, make_applicant, session_factory
):
    make_meeting(capacity=3, starts_at=datetime(2030, 12, 3, 17, 0, tzinfo=UTC))
    make_meeting(
        mode="in_person",
        join_url=None,
        address="Helsehuset, Storgata 1",
        capacity=1,
        starts_at=datetime(2030, 12, 10, 11, 0, tzinfo=UTC),
    )
    at = page()
    assert not at.exception
    radio = at.radio(key="signup_meeting")
    assert (
        radio.options[0]
        == "Tuesday 3 December 2030 at 18:00 – Online meeting – Link sent by e-mail – 3 seats left"
    )
    assert (
        radio.options[1] == r"Tuesday 10 December 2030 at 12:00 – In-person meeting – "
        r"Helsehuset, Storgata 1 – 1 seat left"
    )
    assert radio.options[-1] == "I'd rather be phoned / I can't join digital meetings"
    labels = [w.label for w in at.text_input]
    assert labels == [
        "First name (required)",
        "Last name (required)",
        "Email (required)",
        "Phone (required)",
        "Postcode (required)",
        "Birth year (required)",
    ]
    assert [w.label for w in at.multiselect] == [
        "Languages",
        "Interests",
        "Availability",
        "Which groups you would like to help",
    ]
    assert at.selectbox(key="signup_source").label == "How did you hear about us"


def test_the_page_is_in_bokmal_by_default(page, make_meeting):
    make_meeting(starts_at=datetime(2030, 12, 3, 17, 0, tzinfo=UTC))
    at = page(lang=None)
    assert at.title[0].value == "Bli støttekontakt"
    assert at.radio(key="signup_meeting").options[0] == (
        "tirsdag 3. desember 2030 kl. 18.00 – Digitalt møte – Lenken sendes på e-post – 10 ledige "
        "plasser"
    )
    assert at.text_input(key="signup_first_name").label == "Fornavn (må fylles ut)"


def test_a_complete_sign_up_books_the_meeting_and_shows_the_thank_you(page, make_meeting, session):
    meeting_id = make_meeting()
    at = page()
    fill(at)
    at.radio(key="signup_meeting").set_value(meeting_id)
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Thank you for signing up!"
    assert "We have sent you a message" in texts(at)
    assert count(session, Registration) == 1
    assert session.scalars(select(OutboxMessage.kind)).all() == ["booking_confirmation"]


def test_every_bad_field_gets_its_message_and_nothing_is_saved_and_nothing_typed_is_lost(
    page, make_meeting, session
):
    make_meeting()
    at = page()
    fill(at, email="not-an-email", postcode="160", birth_year="2015", first_name="   ")
    at.button[0].click().run()
    assert not at.exception
    shown = texts(at)
    for message in [
        "This field is required.",
        "Enter a valid e-mail address",
        "The postcode must have four digits.",
        "You must be at least 18",
        "Choose a meeting",
        "You must consent",
    ]:
        assert message in shown
    assert at.text_input(key="signup_email").value == "not-an-email"
    assert at.text_input(key="signup_last_name").value == "Nordmann"
    assert count(session, Applicant) == 0


def test_asking_to_be_phoned_signs_up_without_a_meeting(page, session):
    at = page()
    fill(at)
    at.radio(key="signup_meeting").set_value("phone")
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception
    assert "One of us will phone you" in texts(at) or "ringer deg" in texts(at)
    applicant = session.scalars(select(Applicant)).one()
    assert applicant.callback_requested and applicant.stage == "signed_up"


def test_a_meeting_that_filled_up_while_the_form_was_open_is_reoffered_and_nothing_is_lost(
    page, make_meeting, make_applicant, session_factory, session
):
    meeting_id = make_meeting(capacity=1)
    at = page()
    fill(at)
    at.radio(key="signup_meeting").set_value(meeting_id)
    at.checkbox(key="signup_consent").check()
    # Someone else takes the last seat while Kari is typing.
    from recruitment.journey._booking import book_meeting

    with session_factory.begin() as s:
        book_meeting(session=s, applicant_id=make_applicant(), meeting_id=meeting_id)
    at.button[0].click().run()
    assert not at.exception
    assert "The meeting filled up" in texts(at)
    assert count(session, Applicant) == 1  # only the other person
    assert at.text_input(key="signup_first_name").value == "Kari"
    # Choosing it again, now shown as full, puts Kari on the waitlist.
    at.radio(key="signup_meeting").set_value(meeting_id)
    at.button[0].click().run()
    assert "We have sent you a message" in texts(at)
    assert session.scalars(select(Registration.status)).all()[-1] == "waitlisted"


def test_script_and_markdown_in_names_are_shown_as_text(page, make_meeting, session):
    at = page()
    fill(at, first_name="<script>alert(1)</script>", last_name="**Bold** [x](javascript:alert(1))")
    at.radio(key="signup_meeting").set_value("phone")
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception
    applicant = session.scalars(select(Applicant)).one()
    assert applicant.first_name == "<script>alert(1)</script>"


def test_a_meeting_cancelled_while_the_form_was_open_asks_for_a_new_choice_and_saves_nothing(
    page, make_meeting, session_factory, session
):
    from db.models import InfoMeeting

    meeting_id = make_meeting()
    other_id = make_meeting(starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=12))
    at = page()
    fill(at)
    at.radio(key="signup_meeting").set_value(meeting_id)
    at.checkbox(key="signup_consent").check()
    with session_factory.begin() as s:
        s.get(InfoMeeting, meeting_id).status = "cancelled"
    at.button[0].click().run()
    assert not at.exception
    shown = texts(at)
    assert "no longer available" in shown or "Choose a meeting" in shown
    assert count(session, Applicant) == 0
    assert at.text_input(key="signup_email").value == "kari@example.no"
    assert (
        len(at.radio(key="signup_meeting").options) == 2
    )  # the other meeting and the phone option
    at.radio(key="signup_meeting").set_value(other_id)
    at.button[0].click().run()
    assert at.title[0].value == "Thank you for signing up!"


def test_sending_the_same_form_twice_keeps_one_applicant_and_one_message(
    page, make_meeting, session
):
    meeting_id = make_meeting()
    at = page()
    fill(at)
    at.radio(key="signup_meeting").set_value(meeting_id)
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    # The second click of a double click arrives with the same form once more.
    at.session_state["signup_done"] = None
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert count(session, Applicant) == 1
    assert count(session, OutboxMessage) == 1


def test_a_ten_thousand_character_name_gets_the_too_long_message_with_its_limit(page, session):
    at = page()
    fill(at, first_name="x" * 10_000)
    at.radio(key="signup_meeting").set_value("phone")
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception
    assert "The text is too long (at most 100 characters)." in texts(at)
    assert count(session, Applicant) == 0


def test_an_international_e_mail_and_phone_are_accepted(page, session):
    at = page()
    fill(at, email="Åse@Bærum.no", phone="+46 70 123 45 67")
    at.radio(key="signup_meeting").set_value("phone")
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception
    applicant = session.scalars(select(Applicant)).one()
    assert (applicant.email, applicant.phone) == ("åse@bærum.no", "+46701234567")


def page_as_shown(at: AppTest) -> list[tuple[str, str]]:
    """Every element of the page with its text, in order."""
    out = []
    for node in at.main:
        for element in getattr(node, "children", {}).values() or [node]:
            out.append((type(element).__name__, str(getattr(element, "value", ""))))
    return out


def test_a_registered_address_gets_the_same_page_as_a_new_one_and_changes_nothing(
    page, make_meeting, make_applicant, session
):
    meeting_id = make_meeting()
    owner_id = make_applicant(email="owner@example.no", first_name="Vera")
    shown = {}
    for email in ("owner@example.no", "newcomer@example.no"):
        at = page()
        fill(at, email=email, first_name="Mallory", phone="99999999")
        at.radio(key="signup_meeting").set_value(meeting_id)
        at.checkbox(key="signup_consent").check()
        at.button[0].click().run()
        assert not at.exception
        shown[email] = (page_as_shown(at), dict(at.query_params))
    assert shown["owner@example.no"] == shown["newcomer@example.no"]
    assert "We have sent you a message" in str(shown["owner@example.no"])
    owner = session.get(Applicant, owner_id)
    assert (owner.first_name, owner.phone, owner.stage) == ("Vera", "+4790000001", "signed_up")
    kinds = session.execute(select(OutboxMessage.to_address, OutboxMessage.kind)).all()
    assert sorted(kinds) == [
        ("newcomer@example.no", "booking_confirmation"),
        ("owner@example.no", "confirm_sign_up"),
    ]


def test_an_unknown_postcode_an_old_birth_year_and_invisible_names_say_what_is_wrong(page, session):
    at = page()
    fill(at, postcode="0000", birth_year="1800", first_name="\u200b\u200b")
    at.radio(key="signup_meeting").set_value("phone")
    at.checkbox(key="signup_consent").check()
    at.button[0].click().run()
    assert not at.exception
    shown = texts(at)
    assert "We cannot find this postcode." in shown
    assert "The year of birth is too long ago" in shown
    assert "This field is required." in shown
    assert "{" not in shown
    # What was typed stays, to be corrected.
    assert at.text_input(key="signup_postcode").value == "0000"
    assert at.text_input(key="signup_birth_year").value == "1800"
    assert count(session, Applicant) == 0
