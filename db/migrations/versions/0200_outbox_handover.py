"""SMS never sent twice: the outbox records when a worker hands an SMS to the gateway
(`handed_over_at`), and a new status `uncertain` holds an SMS whose worker died after
that moment, for staff to decide (send again, or mark as sent) instead of a repeat.

Revision ID: 0200_outbox_handover
Revises: 0190_outbox_public_url_mark
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0200_outbox_handover"
down_revision: str | None = "0190_outbox_public_url_mark"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("queued", "sending", "sent", "failed", "withdrawn")
AFTER = (*BEFORE, "uncertain")


def _rebuild(status: tuple[str, ...], *, add: bool) -> None:
    """Change the status CHECK (and the column). SQLite rebuilds the table for that, and
    dropping the old one would set every journal entry's `outbox_id` to NULL (ON DELETE
    SET NULL): those links are kept aside and restored (as 0170 does)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            # Keyed by id: the UPDATE below looks each entry up (without a key, every
            # entry scanned the whole table: hours for 100,000 entries).
            "CREATE TEMPORARY TABLE keep_outbox_links (id INTEGER PRIMARY KEY, outbox_id INTEGER)"
        )
        op.execute(
            "INSERT INTO keep_outbox_links (id, outbox_id) "
            "SELECT id, outbox_id FROM journal_entry WHERE outbox_id IS NOT NULL"
        )
        # Dropping the old table sets each row's links to NULL one outbox row at a time;
        # without an index on the link that is a scan of the journal per row (hours at
        # 100,000 messages). A temporary one makes it a lookup.
        op.execute("CREATE INDEX IF NOT EXISTS tmp_journal_outbox ON journal_entry (outbox_id)")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint(
            "status", "status IN ({})".format(", ".join(f"'{s}'" for s in status))
        )
        if add:
            batch_op.add_column(
                sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True)
            )
        else:
            batch_op.drop_column("handed_over_at")
    if sqlite:
        op.execute(
            "UPDATE journal_entry SET outbox_id = (SELECT k.outbox_id FROM keep_outbox_links k "
            "WHERE k.id = journal_entry.id) WHERE id IN (SELECT id FROM keep_outbox_links)"
        )
        op.execute("DROP TABLE keep_outbox_links")
        op.execute("DROP INDEX IF EXISTS tmp_journal_outbox")


def upgrade() -> None:
    _rebuild(AFTER, add=True)


def downgrade() -> None:
    # Without the status, an SMS nobody has decided on counts as failed: it stays
    # visible and can be retried by hand, and is never sent again by itself.
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'uncertain'")
    _rebuild(BEFORE, add=False)
