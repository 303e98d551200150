"""applicant (coordinator_id, stage, anonymised_at) in place of (coordinator_id, stage):
the case workers' open-case counts (handover, applicant page), the unassigned queue and
"my open cases" on the start page are then answered from the index alone. Reading the
table for `anonymised_at` cost 0.13-0.2 s (SQLite) and 0.08 s (PostgreSQL) on every view
of those pages at 100,000 applicants. The old index is a prefix of the new one, so every
query that used it can use this one.

Revision ID: 0220_coordinator_live_index
Revises: 0210_applicant_updated_index
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0220_coordinator_live_index"
down_revision: str | None = "0210_applicant_updated_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_applicant_coordinator_stage_live",
        "applicant",
        ["coordinator_id", "stage", "anonymised_at"],
        unique=False,
    )
    op.drop_index("ix_applicant_coordinator_stage", table_name="applicant")


def downgrade() -> None:
    op.create_index(
        "ix_applicant_coordinator_stage", "applicant", ["coordinator_id", "stage"], unique=False
    )
    op.drop_index("ix_applicant_coordinator_stage_live", table_name="applicant")
