"""An index on outbox_message (status, sent_at): the outbox page counts the messages sent
in the last seven days on every view, and without it read every message ever sent
(100,000 and more in a large register: 45 ms on SQLite, 23 ms on PostgreSQL).

Revision ID: 0230_outbox_sent_index
Revises: 0220_coordinator_live_index
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0230_outbox_sent_index"
down_revision: str | None = "0220_coordinator_live_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_message_sent", "outbox_message", ["status", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_sent", table_name="outbox_message")
