"""The journal: the case record of every call, e-mail and note about an applicant.

Entries are never deleted here (only retention removes them, with the applicant) and
can be corrected only by their author within 24 hours: after that they are the record.
Messages the system sends are written by the mail side with channel "email"/"system";
this module shows them alongside what staff wrote.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import (
    Applicant,
    InfoMeeting,
    JournalChannel,
    JournalEntry,
    MeetingChange,
    Placement,
    ServiceUser,
    StaffUser,
    StageEvent,
    utcnow,
)
from recruitment.core.access import NO_PERMISSION, Actor, requires
from recruitment.core.errors import NotFound, PermissionDenied, ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.validation import clean_text, collect

EDIT_WINDOW = timedelta(hours=24)
#: What staff write by hand; "system" is reserved for what the software itself records.
STAFF_CHANNELS: tuple[str, ...] = (
    JournalChannel.NOTE.value,
    JournalChannel.PHONE.value,
    JournalChannel.EMAIL.value,
    JournalChannel.SMS.value,
)
MAX_BODY = 10_000


class EntryLocked(VerveError):
    """The entry is older than the edit window, or was written by the system."""

    key = "casework.journal_locked"


class NotAuthor(PermissionDenied):
    key = "casework.journal_not_author"


def _live_applicant(session: Session, applicant_id: int) -> Applicant:
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return applicant


def _clean_entry(channel: str, subject: object, body: object) -> tuple[str | None, str]:
    values: dict[str, Any] = {}

    def check_channel() -> None:
        if channel not in STAFF_CHANNELS:
            raise ValidationFailed({"channel": "validation.unknown_choice"})

    collect(
        check_channel,
        lambda: values.__setitem__("subject", clean_text(subject, "subject", max_length=300)),
        lambda: values.__setitem__(
            "body", clean_text(body, "body", required=True, max_length=MAX_BODY)
        ),
    )
    return values["subject"], values["body"]


@requires("applicants.write")
def add_entry(
    *,
    session: Session,
    actor: Actor,
    applicant_id: int,
    channel: str,
    body: str,
    subject: str | None = None,
    at: datetime | None = None,
) -> int:
    """Record a note, call or e-mail about an applicant; returns the entry id."""
    _live_applicant(session, applicant_id)
    clean_subject, clean_body = _clean_entry(channel, subject, body)
    entry = JournalEntry(
        applicant_id=applicant_id,
        channel=channel,
        subject=clean_subject,
        body=clean_body,
        author_id=actor.id,
        created_at=at or utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry.id


def _record_system_entry(
    *,
    session: Session,
    applicant_id: int,
    body: str,
    subject: str | None = None,
    by_id: int | None = None,
) -> int:
    """A line the software writes itself (hand-over, import); for services that checked access."""
    entry = JournalEntry(
        applicant_id=applicant_id,
        channel=JournalChannel.SYSTEM.value,
        subject=subject,
        body=body,
        author_id=by_id,
    )
    session.add(entry)
    session.flush()
    return entry.id


@requires(NO_PERMISSION)
def can_edit(entry: JournalEntry, actor: Actor, now: datetime) -> bool:
    """Only the author, only their own hand-written entries, only within 24 hours."""
    return (
        entry.channel in STAFF_CHANNELS
        and entry.outbox_id is None
        and actor.id is not None
        and entry.author_id == actor.id
        and now - entry.created_at <= EDIT_WINDOW
    )


@requires("applicants.write")
def edit_entry(
    *,
    session: Session,
    actor: Actor,
    entry_id: int,
    body: str,
    subject: str | None = None,
    now: datetime | None = None,
) -> None:
    """Correct one's own entry within 24 hours of writing it; later it is the record."""
    now = now or utcnow()
    entry = session.get(JournalEntry, entry_id, with_for_update=True)
    if entry is None or entry.applicant_id is None:
        raise NotFound(f"journal entry {entry_id} not found")
    _live_applicant(session, entry.applicant_id)
    if (
        entry.channel not in STAFF_CHANNELS
        or entry.outbox_id is not None
        or now - entry.created_at > EDIT_WINDOW
    ):
        raise EntryLocked(f"journal entry {entry_id} can no longer be changed")
    if entry.author_id != actor.id:
        raise NotAuthor(f"{actor.username} did not write journal entry {entry_id}")
    entry.subject, entry.body = _clean_entry(entry.channel, subject, body)
    entry.edited_at = now
    session.flush()


#: Placeholders a placement entry's stored subject keeps instead of names.
CONTACT, CASE_REF = "{contact}", "{case_ref}"


def rendered_subjects(session: Session, entries: list[JournalEntry]) -> dict[int, str | None]:
    """Each entry's subject as people read it: a placement entry's "{contact}" and
    "{case_ref}" become the contact's name and the case reference as they are now, or a
    neutral word once either was anonymised. Keyed by entry id."""
    placement_ids = {e.placement_id for e in entries if e.placement_id is not None}
    applicant_ids = {e.applicant_id for e in entries if e.applicant_id is not None}
    user_ids = {e.service_user_id for e in entries if e.service_user_id is not None}
    placements = {
        row.id: row
        for row in session.execute(
            select(Placement.id, Placement.applicant_id, Placement.service_user_id).where(
                Placement.id.in_(placement_ids)
            )
        )
    }
    applicant_ids |= {row.applicant_id for row in placements.values()}
    user_ids |= {row.service_user_id for row in placements.values()}
    contacts = {
        row.id: f"{row.first_name} {row.last_name}"
        for row in session.execute(
            select(Applicant.id, Applicant.first_name, Applicant.last_name).where(
                Applicant.id.in_(applicant_ids), Applicant.anonymised_at.is_(None)
            )
        )
    }
    cases = dict(
        session.execute(
            select(ServiceUser.id, ServiceUser.case_ref).where(
                ServiceUser.id.in_(user_ids), ServiceUser.anonymised_at.is_(None)
            )
        ).all()
    )
    out: dict[int, str | None] = {}
    for entry in entries:
        subject = entry.subject
        if subject and (CONTACT in subject or CASE_REF in subject):
            placement = placements.get(entry.placement_id)
            contact_id = placement.applicant_id if placement else entry.applicant_id
            user_id = placement.service_user_id if placement else entry.service_user_id
            case_ref = cases.get(user_id) or (f"#{user_id}" if user_id in cases else None)
            subject = subject.replace(
                CONTACT, contacts.get(contact_id) or t("casework.journal_contact_gone")
            ).replace(CASE_REF, case_ref or t("casework.journal_case_gone"))
        out[entry.id] = subject
    return out


@requires("applicants.read")
def list_entries(
    *, session: Session, actor: Actor, applicant_id: int, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The applicant's journal, newest first, each with who wrote it and whether `actor` may edit
    it."""
    _live_applicant(session, applicant_id)
    now = now or utcnow()
    author = aliased(StaffUser)
    rows = session.execute(
        select(JournalEntry, author.full_name)
        .outerjoin(author, author.id == JournalEntry.author_id)
        .where(JournalEntry.applicant_id == applicant_id)
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    ).all()
    subjects = rendered_subjects(session, [entry for entry, _ in rows])
    return [
        {
            "id": entry.id,
            "at": entry.created_at,
            "channel": entry.channel,
            "subject": subjects[entry.id],
            "body": entry.body,
            "author": author_name,
            "edited_at": entry.edited_at,
            "editable": can_edit(entry, actor, now),
        }
        for entry, author_name in rows
    ]


@requires("applicants.read")
def timeline(*, session: Session, actor: Actor, applicant_id: int) -> list[dict[str, Any]]:
    """Stage events and journal entries merged by time, newest first.

    Each item: kind ("stage" | "meeting_change" | "journal"), at, who (a staff member's
    name), actor_kind (`ActorKind`: staff, my_page, sign_up_form, system; None on old
    rows that did not say), and for stages from/to/reason, for a meeting change the
    old and new meeting's start, for journal entries channel/subject/body."""
    _live_applicant(session, applicant_id)
    who = aliased(StaffUser)
    events = session.execute(
        select(StageEvent, who.full_name)
        .outerjoin(who, who.id == StageEvent.by_id)
        .where(StageEvent.applicant_id == applicant_id)
    ).all()
    items: list[dict[str, Any]] = [
        {
            "kind": "stage",
            "at": event.at,
            "id": event.id,
            "who": name,
            "actor_kind": event.actor_kind,
            "from_stage": event.from_stage,
            "to_stage": event.to_stage,
            "reason_code": event.reason_code,
            "reason_text": event.reason_text,
        }
        for event, name in events
    ]
    old_meeting, new_meeting = aliased(InfoMeeting), aliased(InfoMeeting)
    changes = session.execute(
        select(MeetingChange, who.full_name, old_meeting.starts_at, new_meeting.starts_at)
        .outerjoin(who, who.id == MeetingChange.by_id)
        .outerjoin(old_meeting, old_meeting.id == MeetingChange.from_meeting_id)
        .outerjoin(new_meeting, new_meeting.id == MeetingChange.to_meeting_id)
        .where(MeetingChange.applicant_id == applicant_id)
    ).all()
    items += [
        {
            "kind": "meeting_change",
            "at": change.at,
            "id": change.id,
            "who": name,
            "actor_kind": change.actor_kind,
            "from_meeting_at": from_at,
            "to_meeting_at": to_at,
        }
        for change, name, from_at, to_at in changes
    ]
    items += [
        {
            "kind": "journal",
            "who": entry["author"],
            "actor_kind": "staff" if entry["author"] else None,
            **entry,
        }
        for entry in list_entries(session=session, actor=actor, applicant_id=applicant_id)
    ]
    order = {"stage": 0, "meeting_change": 1, "journal": 2}
    items.sort(key=lambda item: (item["at"], order[item["kind"]], item["id"]), reverse=True)
    return items
