"""Nobody takes over an applicant with only an e-mail address: the public sign-up with a
registered address changes nothing until the address's owner confirms from their mailbox;
a new address on My page is confirmed from that address; links can be asked for anew."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from db.models import Applicant, OutboxMessage, PendingChange, Registration
from recruitment.core.errors import ValidationFailed
from recruitment.core.links import fill_public_url
from recruitment.journey import _booking, self_service
from recruitment.journey.applicants import _ensure_token, register_caller, sign_up

ATTACKER = {
    "first_name": "Mallory",
    "last_name": "Evil",
    "phone": "99999999",
    "postcode": "0150",
    "birth_year": 1970,
    "consent": True,
}


def mails(session) -> list:
    """The queued messages as plain rows (the session lets go of SQLite's lock)."""
    query = select(OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.body_text)
    found = session.execute(query.order_by(OutboxMessage.id)).all()
    session.rollback()
    return found


def link_param(body: str, name: str) -> str:
    # Queued links carry a mark for the public address, put in when sent.
    for url in re.findall(r"https?://\S+", fill_public_url("https://verve.example", body)):
        values = parse_qs(urlparse(url).query).get(name)
        if values:
            return values[0]
    raise AssertionError(f"no link with {name} in {body!r}")


@pytest.fixture
def victim(make_applicant, session_factory):
    applicant_id = make_applicant(email="victim@example.no", first_name="Vera")
    with session_factory.begin() as s:
        token = _ensure_token(s, s.get(Applicant, applicant_id))
    return applicant_id, token


def snapshot(session, applicant_id) -> tuple:
    a = session.get(Applicant, applicant_id)
    row = (a.first_name, a.last_name, a.phone, a.postcode, a.birth_year, a.stage, a.token)
    session.rollback()
    return row


def test_a_sign_up_with_a_registered_address_changes_nothing_and_mails_the_owner(
    session_factory, session, victim, make_meeting
):
    applicant_id, token = victim
    meeting_id = make_meeting()
    before = snapshot(session, applicant_id)
    with session_factory.begin() as s:
        result = sign_up(
            session=s,
            raw={**ATTACKER, "email": "Victim@Example.no"},
            meeting_id=meeting_id,
            lang="en",
        )
    assert result.pending and result.token == "" and result.registration_id is None
    assert snapshot(session, applicant_id) == before
    assert session.scalar(select(func.count()).select_from(Registration)) == 0
    [mail] = mails(session)
    assert (mail.kind, mail.to_address) == ("confirm_sign_up", "victim@example.no")
    assert link_param(mail.body_text, "token") == token
    assert "Mallory" not in mail.body_text  # the mail does not echo the stranger's text
    # Confirming from the mailbox applies what was typed, meeting included.
    code = link_param(mail.body_text, "confirm")
    with session_factory() as s:
        shown = self_service.change_to_confirm(session=s, code=code)
    assert (shown.kind, shown.first_name, shown.phone) == ("sign_up", "Mallory", "+4799999999")
    with session_factory.begin() as s:
        assert self_service.confirm_change(session=s, code=code) == token
    a = session.get(Applicant, applicant_id)
    assert (a.first_name, a.phone, a.postcode, a.stage) == (
        "Mallory",
        "+4799999999",
        "0150",
        "meeting_booked",
    )
    assert session.scalar(select(func.count()).select_from(PendingChange)) == 0
    session.rollback()
    # The link works once.
    with pytest.raises(self_service.UnknownConfirmation), session_factory.begin() as s:
        self_service.confirm_change(session=s, code=code)


def test_a_new_address_and_a_registered_one_get_the_same_answer_shape(
    session_factory, session, victim, make_meeting, make_applicant
):
    meeting_id = make_meeting(capacity=1)
    make_meeting_full = make_meeting(capacity=1)
    with session_factory.begin() as s:
        _booking.book_meeting(
            session=s, applicant_id=make_applicant(), meeting_id=make_meeting_full
        )
    session.rollback()
    for email in ("victim@example.no", "stranger@example.no"):
        # A full meeting chosen from a stale list is refused alike for both.
        with pytest.raises(Exception) as caught, session_factory.begin() as s:
            sign_up(
                session=s,
                raw={**ATTACKER, "email": email},
                meeting_id=make_meeting_full,
                allow_waitlist=False,
            )
        assert type(caught.value).__name__ == "MeetingFull"
        with session_factory.begin() as s:
            sign_up(session=s, raw={**ATTACKER, "email": email}, meeting_id=meeting_id)
    # Each address got exactly one message (besides the other person's booking).
    assert sorted(m.to_address for m in mails(session)[1:]) == [
        "stranger@example.no",
        "victim@example.no",
    ]


def test_an_expired_confirmation_applies_nothing(session_factory, session, victim):
    applicant_id, _ = victim
    with session_factory.begin() as s:
        sign_up(
            session=s,
            raw={**ATTACKER, "email": "victim@example.no"},
            meeting_id=None,
            callback=True,
        )
    code = link_param(mails(session)[0].body_text, "confirm")
    with session_factory.begin() as s:
        change = s.scalars(select(PendingChange)).one()
        change.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(self_service.UnknownConfirmation), session_factory.begin() as s:
        self_service.confirm_change(session=s, code=code)
    assert snapshot(session, applicant_id)[0] == "Vera"


@pytest.mark.parametrize("code", ["", "x", "a\x00" * 20, "\u200b" * 43, "a" * 10_000])
def test_a_malformed_confirmation_code_is_unknown(session_factory, code):
    with pytest.raises(self_service.UnknownConfirmation), session_factory() as s:
        self_service.change_to_confirm(session=s, code=code)


@pytest.mark.parametrize("token", ["a\x00" * 20, "\u202e" + "a" * 42, "a" * 10_000, "\u200b"])
def test_a_malformed_token_is_an_unknown_link(session_factory, token):
    with pytest.raises(self_service.UnknownLink), session_factory() as s:
        self_service.my_page(session=s, token=token)


def test_a_new_address_on_my_page_is_confirmed_from_that_address(session_factory, session, victim):
    applicant_id, token = victim
    raw = {
        "first_name": "Vera",
        "last_name": "Berg",
        "email": "new@example.no",
        "phone": "91234567",
        "postcode": "1606",
    }
    with session_factory.begin() as s:
        assert self_service.update_my_contact(session=s, token=token, raw=raw, lang="en")
    a = session.get(Applicant, applicant_id)
    assert (a.last_name, a.email) == ("Berg", "victim@example.no")  # the rest is saved
    session.rollback()
    [mail] = mails(session)
    assert (mail.kind, mail.to_address) == ("confirm_email", "new@example.no")
    with session_factory.begin() as s:
        self_service.confirm_change(session=s, code=link_param(mail.body_text, "confirm"))
    assert session.get(Applicant, applicant_id).email == "new@example.no"
    session.rollback()


def test_a_taken_address_is_refused_only_to_whoever_confirms_from_it(
    session_factory, session, victim, make_applicant
):
    applicant_id, token = victim
    make_applicant(email="taken@example.no")
    raw = {
        "first_name": "Vera",
        "last_name": "Berg",
        "email": "taken@example.no",
        "phone": "91234567",
        "postcode": "1606",
    }
    with session_factory.begin() as s:
        assert self_service.update_my_contact(session=s, token=token, raw=raw)
    code = link_param(mails(session)[0].body_text, "confirm")
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        self_service.confirm_change(session=s, code=code)
    assert caught.value.fields == {"email": "self_service.email_in_use"}
    assert session.get(Applicant, applicant_id).email == "victim@example.no"


def test_a_new_link_can_be_asked_for_and_revokes_the_old_one(session_factory, session, victim):
    applicant_id, token = victim
    with session_factory.begin() as s:
        self_service.request_link(session=s, email="nobody@example.no")
        self_service.request_link(session=s, email=" VICTIM@example.no ")
    [mail] = mails(session)
    assert (mail.kind, mail.to_address) == ("personal_link", "victim@example.no")
    new_token = link_param(mail.body_text, "token")
    assert new_token != token
    with pytest.raises(self_service.UnknownLink), session_factory() as s:
        self_service.my_page(session=s, token=token)
    with session_factory() as s:
        assert self_service.my_page(session=s, token=new_token).first_name == "Vera"


def test_staff_phone_sign_up_still_updates_a_registered_person(
    session_factory, session, victim, coordinator
):
    applicant_id, _ = victim
    with session_factory.begin() as s:
        result = register_caller(
            session=s, actor=coordinator, raw={**ATTACKER, "email": "victim@example.no"}
        )
    assert not result.pending and result.applicant_id == applicant_id
    assert snapshot(session, applicant_id)[0] == "Mallory"


def test_a_stranger_cannot_flood_a_mailbox_or_keep_revoking_a_link(
    session_factory, session, victim
):
    """Anyone may ask for a link for any address: one mail per ten minutes and five a
    day, and a refused request answers as any other (nothing revealed, nothing changed)."""
    applicant_id, _ = victim
    start = datetime.now(UTC)
    with session_factory.begin() as s:
        self_service.request_link(session=s, email="victim@example.no", now=start)
    first = snapshot(session, applicant_id)[-1]
    with session_factory.begin() as s:
        self_service.request_link(
            session=s, email="victim@example.no", now=start + timedelta(minutes=9)
        )
    assert len(mails(session)) == 1
    assert snapshot(session, applicant_id)[-1] == first, "a refused request revoked the link"
    # After the gap a new one goes, up to five a day (the mails were all queued `start`,
    # so the later requests are placed after the gap by their own clock).
    for minutes in (11, 22, 33, 44, 55):
        with session_factory.begin() as s:
            self_service.request_link(
                session=s, email="victim@example.no", now=start + timedelta(minutes=minutes)
            )
    assert len(mails(session)) == 5
    with session_factory.begin() as s:
        self_service.request_link(
            session=s, email="victim@example.no", now=start + timedelta(days=1, minutes=1)
        )
    assert len(mails(session)) == 6


def test_the_same_submission_run_twice_signs_up_once_and_mails_once(
    session_factory, session, make_meeting
):
    # A double click on Send can make Streamlit run one submission twice, the second after
    # the first has saved; the form's key for the submission tells the repeat apart.
    meeting_id = make_meeting()
    person = {**ATTACKER, "first_name": "Siri", "email": "siri@example.no"}
    results = []
    for _ in range(2):
        with session_factory.begin() as s:
            results.append(
                sign_up(session=s, raw=person, meeting_id=meeting_id, lang="en", submission="k-1")
            )
    first, second = results
    assert first.created and not first.repeated
    assert second.repeated and not second.pending and second.applicant_id == first.applicant_id
    assert session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert session.scalar(select(func.count()).select_from(Registration)) == 1
    assert session.get(Applicant, first.applicant_id).signup_key == "k-1"
    assert [mail.kind for mail in mails(session)] == ["booking_confirmation"]


def test_another_submission_with_a_registered_address_still_asks_its_owner(
    session_factory, session, make_meeting
):
    # The key recognises only its own submission: a stranger's form (another key, or none)
    # with the same address is the case the owner must confirm.
    meeting_id = make_meeting()
    person = {**ATTACKER, "first_name": "Siri", "email": "siri@example.no"}
    for key in ("k-1", "k-2", None):
        with session_factory.begin() as s:
            result = sign_up(
                session=s, raw=person, meeting_id=meeting_id, lang="en", submission=key
            )
    assert result.pending and not result.repeated
    assert [mail.kind for mail in mails(session)] == [
        "booking_confirmation",
        "confirm_sign_up",
        "confirm_sign_up",
    ]
