"""The call list page: tomorrow's caller without e-mail is listed; one click records
the outcome in the journal and takes them off today's list."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from db.models import JournalEntry, Registration
from recruitment.core.timefmt import office_datetime, today
from recruitment.journey.applicants import register_caller


def test_a_coordinator_records_a_call_with_one_click(
    app, coordinator, session_factory, make_meeting
):
    meeting_id = make_meeting(
        starts_at=office_datetime(today() + timedelta(days=1), time(18)),
        mode="in_person",
        address="Helsehuset",
        join_url=None,
    )
    with session_factory.begin() as s:
        register_caller(
            session=s,
            actor=coordinator,
            raw={
                "first_name": "Per",
                "last_name": "Olsen",
                "phone": "69 12 34 56",
                "postcode": "1606",
                "birth_year": 1948,
                "consent": True,
            },
            meeting_id=meeting_id,
        )
    at = app(coordinator, lang="en").run().switch_page("casework/call_list.py").run()
    assert not at.exception
    assert any("Per Olsen" in m.value for m in at.markdown)
    # The landline grouped as it is dialled, linked for a softphone.
    assert any("[69 12 34 56](tel:+4769123456)" in m.value for m in at.markdown)
    assert any("Helsehuset" in m.value for m in at.markdown)
    # The card is on the one person there is to call.
    assert at.selectbox(key="call_who").value is not None
    at.text_input(key=at.text_input[0].key).input("Kommer, trenger skyss")
    [button] = [b for b in at.button if b.label == "Reached"]
    button.click().run()
    assert not at.exception
    assert "The call with Per Olsen is in the journal." in [s.value for s in at.success]
    assert "Nobody else to call today." in [m.value for m in at.markdown]
    # The call made today is listed below, to check a click.
    assert any("Per Olsen · Reached · Meeting" in line.value for line in at.text)
    with session_factory() as s:
        [(subject, body)] = s.execute(
            select(JournalEntry.subject, JournalEntry.body).where(JournalEntry.channel == "phone")
        ).all()
        assert subject == "Ringt om møtet: nådd"  # the applicant's language
        assert body.endswith("\nKommer, trenger skyss")


def test_staff_change_the_channels_on_the_applicant_page(app, coordinator, make_applicant, session):
    from db.models import Applicant

    applicant_id = make_applicant(phone="+4791234567")
    # Bokmål: in English the checks panel's kind selector (not ours) loses its labels
    # on a rerun in AppTest.
    at = app(coordinator)
    at.query_params["id"] = str(applicant_id)
    at = at.run().switch_page("casework/applicant.py").run()
    assert not at.exception
    at.button_group(key=f"staff_channels_{applicant_id}").set_value(["sms", "call"])
    at.button(key=f"FormSubmitter:channels_{applicant_id}-Lagre").click().run()
    assert not at.exception
    applicant = session.get(Applicant, applicant_id)
    assert applicant.sms_consent_at and applicant.call_consent_at
    assert applicant.email_consent_at is None


def test_the_card_moves_on_to_the_next_person_and_another_can_be_chosen(
    app, coordinator, session_factory, make_meeting
):
    from db.models import CallOutcome

    meeting_id = make_meeting(
        starts_at=office_datetime(today() + timedelta(days=1), time(18)),
        mode="in_person",
        address="Helsehuset",
        join_url=None,
    )
    people = {}
    with session_factory.begin() as s:
        for first, phone in (
            ("Anna", "912 34 501"),
            ("Bodil", "912 34 502"),
            ("Cato", "912 34 503"),
            ("Dina", "912 34 504"),
        ):
            people[first] = register_caller(
                session=s,
                actor=coordinator,
                raw={
                    "first_name": first,
                    "last_name": "Ringesen",
                    "phone": phone,
                    "postcode": "1606",
                    "birth_year": 1948,
                    "consent": True,
                },
                meeting_id=meeting_id,
            ).applicant_id
    at = app(coordinator, lang="en").run().switch_page("casework/call_list.py").run()
    assert not at.exception
    # Everyone on the sheet, one card: the first on the list.
    sheet = " ".join(m.value for m in at.markdown)
    assert all(f"**{name} Ringesen**" in sheet for name in people)
    assert (
        at.selectbox(key="call_who")
        .format_func(at.selectbox(key="call_who").value)
        .startswith("Anna Ringesen")
    )
    at.text_input(key=at.text_input[0].key).input("Kommer")
    [reached] = [b for b in at.button if b.label == "Reached"]
    reached.click().run()
    assert not at.exception
    # Anna is off today's list; the card is Bodil's, with an empty note field.
    card = at.selectbox(key="call_who")
    assert card.format_func(card.value).startswith("Bodil Ringesen")
    assert at.text_input[0].value == ""
    assert not at.info  # this coordinator's own call: nothing to explain

    # The second click of a double click, arriving once the card has moved on, is on
    # Anna's button: it must not record "reached" for Bodil.
    reached.click().run()
    assert not at.exception
    with session_factory() as s:
        assert s.scalars(select(CallOutcome.applicant_id)).all() == [people["Anna"]]
    card = at.selectbox(key="call_who")

    # Cato called back first: chosen on the card, his call is recorded, not Bodil's.
    with session_factory() as s:
        cato = s.scalar(select(Registration.id).where(Registration.applicant_id == people["Cato"]))
    card.set_value(cato).run()
    [no_answer] = [b for b in at.button if b.label == "No answer"]
    no_answer.click().run()
    assert not at.exception
    with session_factory() as s:
        called = dict(s.execute(select(CallOutcome.applicant_id, CallOutcome.outcome)).all())
    assert called == {people["Anna"]: "reached", people["Cato"]: "no_answer"}
    card = at.selectbox(key="call_who")
    assert card.format_func(card.value).startswith("Bodil Ringesen")

    # A colleague on the same list records Bodil's call: this card says so as it moves on.
    from recruitment.casework.call_list import record_call_outcome

    with session_factory.begin() as s:
        bodil = s.scalar(
            select(Registration.id).where(Registration.applicant_id == people["Bodil"])
        )
        record_call_outcome(session=s, actor=coordinator, registration_id=bodil, outcome="reached")
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Bodil Ringesen is no longer on the list: someone else recorded the call, or the "
        "booking changed. The card now shows the next person."
    ]
    card = at.selectbox(key="call_who")
    assert card.format_func(card.value).startswith("Dina Ringesen")
    at.run()
    assert not at.info  # said once
