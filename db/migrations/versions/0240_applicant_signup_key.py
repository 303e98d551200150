"""applicant.signup_key: the public form's key for the submission that signed a person up,
so that the same submission run twice (a double click) is recognised as a repeat instead of
a second sign-up with a registered address, which mails the owner to confirm.

Revision ID: 0240_applicant_signup_key
Revises: 0230_outbox_sent_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0240_applicant_signup_key"
down_revision: str | None = "0230_outbox_sent_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite has had DROP COLUMN since 3.35): a batch
# operation would copy the applicant table on SQLite and lose its search triggers.


def upgrade() -> None:
    op.add_column("applicant", sa.Column("signup_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("applicant", "signup_key")
