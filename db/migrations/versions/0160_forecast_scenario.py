"""Forecast scenarios saved by name (the levers a manager changed).

Revision ID: 0160_forecast_scenario
Revises: 0150_applicant_search
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0160_forecast_scenario"
down_revision: str | None = "0150_applicant_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("levers", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["staff_user.id"],
            name=op.f("fk_forecast_scenario_saved_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_scenario")),
        sa.UniqueConstraint("name", name=op.f("uq_forecast_scenario_name")),
    )


def downgrade() -> None:
    op.drop_table("forecast_scenario")
