"""applicant (stage, stage_changed_at, anonymised_at): an index the "stuck" filter and
the stage counts can answer from alone, without reading 100,000 rows of the table

Revision ID: 0110_casework
Revises: 0100_signup
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0110_casework"
# Chained after signup's revision, which this branch already contains.
down_revision: str | None = "0100_analytics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_applicant_stage_changed_live",
        "applicant",
        ["stage", "stage_changed_at", "anonymised_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_applicant_stage_changed_live", table_name="applicant")
