"""Stage events remember when the previous stage began (from_at), so time in stage is
read from single rows instead of a window over every event.

Revision ID: 0111_from_at
Revises: 0110_casework
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0111_from_at"
down_revision: str | None = "0110_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_stage_event_at_stay", ["at", "from_stage", "from_at"], unique=False
        )
    # Existing events: the time of the applicant's previous event (ties broken by id,
    # as the pipeline orders them).
    op.execute(
        """
        UPDATE stage_event SET from_at = (
            SELECT MAX(previous.at) FROM stage_event AS previous
            WHERE previous.applicant_id = stage_event.applicant_id
              AND (previous.at < stage_event.at
                   OR (previous.at = stage_event.at AND previous.id < stage_event.id))
        )
        WHERE from_stage IS NOT NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_event_at_stay")
        batch_op.drop_column("from_at")
