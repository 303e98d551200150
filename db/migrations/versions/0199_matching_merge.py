"""No schema change: restores the id of a merge revision that main carried at commit
97a1f18 (it joined 0100_signup and 0100_security) and later dropped. A database created
at that commit records "0199_matching_merge" as its revision; without this file Alembic
cannot place it and the app would not start. Its schema is that of 0100_security, so it
sits right after it in the one chain.

Revision ID: 0199_matching_merge
Revises: 0100_security
"""

from collections.abc import Sequence

revision: str = "0199_matching_merge"
down_revision: str | Sequence[str] | None = "0100_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
