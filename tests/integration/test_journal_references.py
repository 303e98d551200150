"""A placement's journal entries name the contact and the case by reference: the names
are filled in when read, so erasing or anonymising one party leaves no name behind in
the other party's journal."""

from sqlalchemy import select

from db.models import JournalEntry
from recruitment.accounts.privacy_rights import erase_applicant
from recruitment.accounts.retention import _anonymise_service_user
from recruitment.casework.journal import list_entries
from recruitment.placement import placements, service_users
from tests.matching_factories import make_contact, make_service_user


def _placed(session_factory, make_applicant, coordinator):
    contact = make_contact(
        session_factory, make_applicant, first_name="Kari", last_name="Fjellstad"
    )
    user = make_service_user(session_factory, case_ref="SAK-9")
    with session_factory.begin() as s:
        placement_id = placements.propose_placement(
            session=s, actor=coordinator, service_user_id=user, applicant_id=contact
        )
        placements.start_placement(session=s, actor=coordinator, placement_id=placement_id)
    return contact, user


def _su_journal(session_factory, coordinator, user):
    with session_factory.begin() as s:
        return [
            entry["subject"]
            for entry in service_users.service_user_journal(
                session=s, actor=coordinator, service_user_id=user
            )
        ]


def test_both_journals_read_with_the_names_but_store_none(
    session_factory, session, make_applicant, coordinator
):
    contact, user = _placed(session_factory, make_applicant, coordinator)
    subjects = _su_journal(session_factory, coordinator, user)
    assert subjects[0].startswith("Oppdrag startet: Kari Fjellstad og SAK-9")
    assert subjects[1].startswith("Oppdrag foreslått: Kari Fjellstad og SAK-9")
    with session_factory.begin() as s:
        own = [
            e["subject"] for e in list_entries(session=s, actor=coordinator, applicant_id=contact)
        ]
    assert "Oppdrag startet: Kari Fjellstad og SAK-9, 8 t/mnd" in own
    stored = " ".join(session.scalars(select(JournalEntry.subject)).all())
    assert "Fjellstad" not in stored and "SAK-9" not in stored


def test_erasing_the_contact_leaves_no_name_in_the_service_users_journal(
    session_factory, session, make_applicant, coordinator, admin
):
    contact, user = _placed(session_factory, make_applicant, coordinator)
    with session_factory.begin() as s:
        erase_applicant(session=s, actor=admin, applicant_id=contact)

    subjects = _su_journal(session_factory, coordinator, user)
    assert subjects and all("Fjellstad" not in text for text in subjects)
    assert any("(anonymisert støttekontakt) og SAK-9" in text for text in subjects)
    rows = session.execute(select(JournalEntry.subject, JournalEntry.body)).all()
    assert all("Kari" not in f"{row.subject} {row.body}" for row in rows)


def test_anonymising_the_service_user_leaves_no_case_reference_in_the_contacts_journal(
    session_factory, session, make_applicant, coordinator
):
    contact, user = _placed(session_factory, make_applicant, coordinator)
    with session_factory.begin() as s:
        _anonymise_service_user(s, user)
    with session_factory.begin() as s:
        own = [
            e["subject"] for e in list_entries(session=s, actor=coordinator, applicant_id=contact)
        ]
    placement_entries = [text for text in own if text.startswith("Oppdrag")]
    assert placement_entries and all("SAK-9" not in text for text in placement_entries)
    assert all("(anonymisert sak)" in text for text in placement_entries)
