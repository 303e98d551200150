"""service_user.updated_at, and an index for the waiting list's fingerprint:

The matching page ranked every waiting service user for a contact from a fresh read of
them all on each view (5,050 at 100,000 applicants: 20-30 ms of reading and parsing,
about a third of the page's server time). The table is now kept per process while the
waiting rows are unchanged (recruitment/placement/matching.py), which needs an edit in
place to show: the time of the row's last write. Rows from before this revision take
the time of their last known change (erasure, closing or creation).

Revision ID: 0260_service_user_updated_at
Revises: 0250_stuck_consent_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0260_service_user_updated_at"
down_revision: str | None = "0250_stuck_consent_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases, as in 0240: nullable, since SQLite adds a NOT NULL
# column only with a constant default.


def upgrade() -> None:
    op.add_column(
        "service_user", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE service_user SET updated_at = COALESCE(anonymised_at, closed_at, created_at)"
    )
    op.create_index(
        "ix_service_user_waiting_changed",
        "service_user",
        ["status", "anonymised_at", "updated_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_service_user_waiting_changed", table_name="service_user")
    op.drop_column("service_user", "updated_at")
