"""analytics: covering index on stage_event for the funnel and time-in-stage reads

Revision ID: 0100_analytics
Revises: 0199_matching_merge
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0100_analytics"
down_revision: str | None = "0199_matching_merge"  # see 0199_matching_merge.py
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_event_applicant_timeline",
            ["applicant_id", "at", "id", "to_stage"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_event_applicant_timeline")
