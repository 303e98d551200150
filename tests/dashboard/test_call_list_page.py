"""The call list page: tomorrow's caller without e-mail is listed; one click records
the outcome in the journal and takes them off today's list."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from db.models import JournalEntry
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
    assert any("Helsehuset" in line.value for line in at.text)
    [button] = [b for b in at.button if b.label == "Reached"]
    button.click().run()
    assert not at.exception
    assert "The call with Per Olsen is in the journal." in [s.value for s in at.success]
    assert "Nobody else to call today." in [m.value for m in at.markdown]
    # The call made today is listed below, to check a click.
    assert any("Per Olsen · Reached · Meeting" in line.value for line in at.text)
    with session_factory() as s:
        subjects = s.scalars(select(JournalEntry.subject).where(JournalEntry.channel == "phone"))
        assert list(subjects) == ["Ringt om møtet: nådd"]  # the applicant's language


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
