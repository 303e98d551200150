"""An index on `applicant.updated_at`, so "the newest change to any applicant" is one
index lookup at any size: the matching pages key their cached table of available
contacts on it (recruitment/placement/matching.py), and reading it by a scan of the
table took 40 ms at 100,000 applicants on every view.

Revision ID: 0210_applicant_updated_index
Revises: 0200_outbox_handover
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0210_applicant_updated_index"
down_revision: str | None = "0200_outbox_handover"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_applicant_updated_at", "applicant", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_applicant_updated_at", table_name="applicant")
