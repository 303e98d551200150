"""Journal entries about a placement refer to it instead of naming the contact and the
case: `journal_entry.placement_id`, and "{contact}"/"{case_ref}" in the stored subject,
filled in when read. Existing entries are rewritten the same way, so a contact who was
anonymised leaves no name in a service user's journal.

Revision ID: 0140_journal_ref
Revises: 0130_staff_sessions
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0140_journal_ref"
down_revision: str | None = "0130_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The placement entries as they were written (always in bokmål, the office language):
#: "Oppdrag foreslått: Kari Nordmann og SAK-9, 6 t/mnd".
SUBJECT = re.compile(
    r"^(?P<head>Oppdrag (?:foreslått|startet|satt på pause|gjenopptatt|avsluttet): )"
    r"(?P<contact>.+) og (?P<case_ref>.+?)(?P<tail>, \d+ t/mnd)?$"
)


def _rewrite(subject: str, by_contact: dict[str, int], by_case: dict[str, int]):
    """The subject with placeholders and the placement it names (None when the contact
    is no longer known, e.g. anonymised), or (None, None) if it is not a placement entry."""
    match = SUBJECT.match(subject or "")
    if match is None:
        return None, None
    placement_id = by_contact.get(match["contact"]) or by_case.get(match["case_ref"])
    return f"{match['head']}{{contact}} og {{case_ref}}{match['tail'] or ''}", placement_id


def upgrade() -> None:
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_journal_entry_placement_id_placement",
            "placement",
            ["placement_id"],
            ["id"],
            ondelete="SET NULL",
        )
    bind = op.get_bind()
    entries = bind.execute(
        sa.text(
            "SELECT id, subject, applicant_id, service_user_id FROM journal_entry "
            "WHERE channel = 'system' AND subject LIKE 'Oppdrag %'"
        )
    ).all()
    if not entries:
        return
    placements = bind.execute(
        sa.text(
            "SELECT p.id, p.applicant_id, p.service_user_id, a.first_name, a.last_name, "
            "s.case_ref FROM placement p JOIN applicant a ON a.id = p.applicant_id "
            "JOIN service_user s ON s.id = p.service_user_id"
        )
    ).all()
    for entry in entries:
        if entry.service_user_id is not None:
            mine = [p for p in placements if p.service_user_id == entry.service_user_id]
        else:
            mine = [p for p in placements if p.applicant_id == entry.applicant_id]
        # A service user's entry names the contact; a contact's entry names the case.
        if entry.service_user_id is not None:
            by_contact = {f"{p.first_name} {p.last_name}": p.id for p in mine}
            text, placement_id = _rewrite(entry.subject, by_contact, {})
        else:
            by_case = {p.case_ref: p.id for p in mine if p.case_ref}
            text, placement_id = _rewrite(entry.subject, {}, by_case)
        if text is None:
            continue
        bind.execute(
            sa.text("UPDATE journal_entry SET subject = :s, placement_id = :p WHERE id = :i"),
            {"s": text, "p": placement_id, "i": entry.id},
        )


def downgrade() -> None:
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_journal_entry_placement_id_placement", type_="foreignkey")
        batch_op.drop_column("placement_id")
