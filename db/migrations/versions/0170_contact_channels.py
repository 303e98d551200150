"""Reaching people where they are: contact channels with consent per channel on the
applicant, an SMS opt-out, the outbox's channel (e-mail or SMS) and the call list's
outcomes.

Revision ID: 0170_contact_channels
Revises: 0160_forecast_scenario
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0170_contact_channels"
down_revision: str | None = "0160_forecast_scenario"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ("reached", "left_message", "no_answer", "wrong_number")


def upgrade() -> None:
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        for channel in ("email", "sms", "call"):
            batch_op.add_column(
                sa.Column(f"{channel}_consent_at", sa.DateTime(timezone=True), nullable=True)
            )
        batch_op.add_column(sa.Column("sms_opted_out_at", sa.DateTime(timezone=True)))
    # Everyone with an address so far was reached by e-mail, on the consent they gave;
    # those who asked to be phoned chose the call.
    op.execute(
        "UPDATE applicant SET email_consent_at = COALESCE(consent_at, created_at) "
        "WHERE email IS NOT NULL"
    )
    op.execute(
        "UPDATE applicant SET call_consent_at = COALESCE(consent_at, created_at) "
        "WHERE prefers_phone OR email IS NULL"
    )
    _rebuild_outbox(status=("queued", "sending", "sent", "failed", "withdrawn"), channel=True)
    op.create_table(
        "call_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("journal_entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ({})".format(", ".join(f"'{o}'" for o in OUTCOMES)),
            name=op.f("ck_call_outcome_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_call_outcome_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_call_outcome_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["info_meeting.id"],
            name=op.f("fk_call_outcome_meeting_id_info_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_call_outcome_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_call_outcome_journal_entry_id_journal_entry"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_outcome")),
    )
    op.create_index("ix_call_outcome_registration_at", "call_outcome", ["registration_id", "at"])
    op.create_index("ix_call_outcome_applicant_at", "call_outcome", ["applicant_id", "at"])


def _rebuild_outbox(*, status: tuple[str, ...], channel: bool) -> None:
    """Change the outbox's CHECK constraints (and its channel column). SQLite rebuilds
    the table for that, and dropping the old one would set every journal entry's
    `outbox_id` to NULL (ON DELETE SET NULL): those links are kept aside and restored."""
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
        if channel:
            batch_op.add_column(
                sa.Column("channel", sa.String(8), nullable=False, server_default="email")
            )
            batch_op.create_check_constraint("channel", "channel IN ('email', 'sms')")
        else:
            batch_op.drop_constraint("channel", type_="check")
            batch_op.drop_column("channel")
    if sqlite:
        op.execute(
            "UPDATE journal_entry SET outbox_id = (SELECT k.outbox_id FROM keep_outbox_links k "
            "WHERE k.id = journal_entry.id) WHERE id IN (SELECT id FROM keep_outbox_links)"
        )
        op.execute("DROP TABLE keep_outbox_links")
        op.execute("DROP INDEX IF EXISTS tmp_journal_outbox")


def downgrade() -> None:
    op.drop_index("ix_call_outcome_applicant_at", table_name="call_outcome")
    op.drop_index("ix_call_outcome_registration_at", table_name="call_outcome")
    op.drop_table("call_outcome")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'withdrawn'")
    op.execute("DELETE FROM outbox_message WHERE channel = 'sms'")
    _rebuild_outbox(status=("queued", "sending", "sent", "failed"), channel=False)
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): rebuilding `applicant` would
    # cascade-delete every row that refers to it.
    for column in ("sms_opted_out_at", "call_consent_at", "sms_consent_at", "email_consent_at"):
        op.drop_column("applicant", column)
