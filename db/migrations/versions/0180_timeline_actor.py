"""The timeline says who acted: `stage_event.actor_kind` (staff, the applicant through
My page or the sign-up form, or the system), backfilled from what the existing rows
say, and `meeting_change` for a booking moved to another meeting.

Revision ID: 0180_timeline_actor
Revises: 0170_contact_channels
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0180_timeline_actor"
down_revision: str | None = "0170_contact_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'staff', 'my_page', 'sign_up_form', 'system'"


def upgrade() -> None:
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_kind", sa.String(16), nullable=True))
        batch_op.create_check_constraint(
            "actor_kind", f"actor_kind IS NULL OR actor_kind IN ({KINDS})"
        )
    # What the existing rows tell: a staff member is named; the personal link wrote its
    # own reasons; a first event with nobody named came from the public form (demo and
    # imported people have a staff member or a source other than the website); a
    # cancelled meeting or interview stepping someone back was the system's doing only
    # when nobody is named. Everything else stays unknown (NULL).
    op.execute("UPDATE stage_event SET actor_kind = 'staff' WHERE by_id IS NOT NULL")
    op.execute(
        "UPDATE stage_event SET actor_kind = 'my_page' WHERE by_id IS NULL AND reason_text IN "
        "('withdrew from the personal link', 'booked again from the personal link')"
    )
    op.execute(
        "UPDATE stage_event SET actor_kind = 'sign_up_form' WHERE by_id IS NULL "
        "AND actor_kind IS NULL AND (from_stage IS NULL OR reason_text = 'signed up again "
        "(website)') AND applicant_id IN (SELECT id FROM applicant WHERE source = 'website')"
    )
    op.create_table(
        "meeting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("from_meeting_id", sa.Integer(), nullable=True),
        sa.Column("to_meeting_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.CheckConstraint(f"actor_kind IN ({KINDS})", name=op.f("ck_meeting_change_actor_kind")),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_meeting_change_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_meeting_id"],
            ["info_meeting.id"],
            name=op.f("fk_meeting_change_from_meeting_id_info_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_meeting_id"],
            ["info_meeting.id"],
            name=op.f("fk_meeting_change_to_meeting_id_info_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_meeting_change_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_change")),
    )
    op.create_index("ix_meeting_change_applicant_at", "meeting_change", ["applicant_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_meeting_change_applicant_at", table_name="meeting_change")
    op.drop_table("meeting_change")
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_constraint("actor_kind", type_="check")
        batch_op.drop_column("actor_kind")
