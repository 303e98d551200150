"""Join the signup and security heads, which this branch carries together (it merged
meetings, which carries signup, and security). No schema change. The lead may drop this
file when chaining the area revisions on main.

Revision ID: 0199_matching_merge
"""

from collections.abc import Sequence

revision: str = "0199_matching_merge"
down_revision: str | Sequence[str] | None = ("0100_signup", "0100_security")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
