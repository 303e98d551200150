"""Changes waiting for the owner of an e-mail address to confirm them (a sign-up with a
registered address, a new address on My page): nothing is applied before that.

Revision ID: 0120_pending_change
Revises: 0111_from_at
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0120_pending_change"
down_revision: str | None = "0111_from_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sign_up', 'email_change')", name=op.f("ck_pending_change_kind")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_pending_change_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_change")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_pending_change_code_hash")),
    )
    op.create_index("ix_pending_change_applicant", "pending_change", ["applicant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_change_applicant", table_name="pending_change")
    op.drop_table("pending_change")
