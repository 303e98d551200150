from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import JournalEntry, utcnow
from recruitment.casework.journal import (
    EntryLocked,
    NotAuthor,
    _record_system_entry,
    add_entry,
    edit_entry,
    list_entries,
    timeline,
)
from recruitment.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests.stages import step_to


def test_a_coordinator_records_a_phone_call_with_who_and_when(
    session_factory, session, coordinator, make_applicant
):
    applicant = make_applicant()
    with session_factory.begin() as s:
        add_entry(
            session=s,
            actor=coordinator,
            applicant_id=applicant,
            channel="phone",
            body="Called, will come on Tuesday.",
        )
    [entry] = list_entries(session=session, actor=coordinator, applicant_id=applicant)
    assert (entry["channel"], entry["body"], entry["author"]) == (
        "phone",
        "Called, will come on Tuesday.",
        "Kari Koordinator",
    )
    assert entry["editable"] is True


def test_an_empty_note_or_an_unknown_channel_is_refused(session, coordinator, make_applicant):
    applicant = make_applicant()
    with pytest.raises(ValidationFailed) as error:
        add_entry(
            session=session, actor=coordinator, applicant_id=applicant, channel="fax", body="  "
        )
    assert error.value.fields == {
        "channel": "validation.unknown_choice",
        "body": "validation.required",
    }


def test_staff_cannot_write_system_entries_by_hand(session, coordinator, make_applicant):
    with pytest.raises(ValidationFailed):
        add_entry(
            session=session,
            actor=coordinator,
            applicant_id=make_applicant(),
            channel="system",
            body="x",
        )


def test_the_author_can_correct_an_entry_within_24_hours(
    session_factory, session, coordinator, make_applicant
):
    applicant = make_applicant()
    with session_factory.begin() as s:
        entry = add_entry(
            session=s, actor=coordinator, applicant_id=applicant, channel="note", body="Typo"
        )
    with session_factory.begin() as s:
        edit_entry(
            session=s,
            actor=coordinator,
            entry_id=entry,
            body="Fixed",
            now=utcnow() + timedelta(hours=23),
        )
    stored = session.get(JournalEntry, entry)
    assert stored.body == "Fixed" and stored.edited_at is not None


def test_an_entry_older_than_24_hours_cannot_be_changed(
    session_factory, session, coordinator, make_applicant
):
    applicant = make_applicant()
    with session_factory.begin() as s:
        entry = add_entry(
            session=s, actor=coordinator, applicant_id=applicant, channel="note", body="Original"
        )
    with pytest.raises(EntryLocked), session_factory.begin() as s:
        edit_entry(
            session=s,
            actor=coordinator,
            entry_id=entry,
            body="Changed",
            now=utcnow() + timedelta(hours=24, minutes=1),
        )
    assert session.get(JournalEntry, entry).body == "Original"
    [listed] = list_entries(
        session=session, actor=coordinator, applicant_id=applicant, now=utcnow() + timedelta(days=2)
    )
    assert listed["editable"] is False


def test_only_the_author_can_correct_an_entry(
    session_factory, coordinator, make_staff, make_applicant
):
    colleague = make_staff("coordinator")
    applicant = make_applicant()
    with session_factory.begin() as s:
        entry = add_entry(
            session=s, actor=coordinator, applicant_id=applicant, channel="note", body="Mine"
        )
    with pytest.raises(NotAuthor), session_factory.begin() as s:
        edit_entry(session=s, actor=colleague, entry_id=entry, body="Theirs")


def test_system_entries_can_never_be_edited(session_factory, coordinator, make_applicant):
    applicant = make_applicant()
    with session_factory.begin() as s:
        entry = _record_system_entry(
            session=s, applicant_id=applicant, body="Confirmation sent", by_id=coordinator.id
        )
    with pytest.raises(EntryLocked), session_factory.begin() as s:
        edit_entry(session=s, actor=coordinator, entry_id=entry, body="Nothing sent")


def test_the_journal_offers_no_way_to_delete():
    import recruitment.casework.journal as journal

    assert not [name for name in dir(journal) if "delete" in name or "remove" in name]


def test_a_manager_can_neither_read_nor_write_the_journal(session, manager, make_applicant):
    applicant = make_applicant()
    with pytest.raises(PermissionDenied):
        add_entry(session=session, actor=manager, applicant_id=applicant, channel="note", body="x")
    with pytest.raises(PermissionDenied):
        list_entries(session=session, actor=manager, applicant_id=applicant)
    assert session.scalar(select(func.count(JournalEntry.id))) == 0


def test_an_unknown_applicant_has_no_journal(session, coordinator):
    with pytest.raises(NotFound):
        add_entry(session=session, actor=coordinator, applicant_id=999, channel="note", body="x")


def test_the_timeline_merges_stage_events_and_entries_newest_first(
    session_factory, session, coordinator, make_applicant
):
    start = utcnow() - timedelta(days=3)
    applicant = make_applicant(signed_up_at=start)
    with session_factory.begin() as s:
        add_entry(
            session=s,
            actor=coordinator,
            applicant_id=applicant,
            channel="phone",
            body="Booked by phone",
            at=start + timedelta(days=1),
        )
        step_to(
            session=s,
            by_id=coordinator.id,
            applicant_id=applicant,
            to_stage="meeting_booked",
            at=start + timedelta(days=2),
        )
        # A message the mail side recorded when it sent the confirmation.
        s.add(
            JournalEntry(
                applicant_id=applicant,
                channel="email",
                subject="Bekreftelse",
                body="sent",
                created_at=start + timedelta(days=2, minutes=1),
            )
        )
    items = timeline(session=session, actor=coordinator, applicant_id=applicant)
    assert [(i["kind"], i.get("to_stage") or i.get("channel")) for i in items] == [
        ("journal", "email"),
        ("stage", "meeting_booked"),
        ("journal", "phone"),
        ("stage", "signed_up"),
    ]
