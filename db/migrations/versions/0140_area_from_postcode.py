"""Every applicant with a known postcode gets the area that follows from it (its
municipality), as sign-ups now do: before, only demo and imported applicants had one,
so the area filter and the "by area" views missed every real sign-up.

Revision ID: 0140_area_from_postcode
Revises: 0140_journal_ref
"""

import csv
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0140_area_from_postcode"
down_revision: str | None = "0140_journal_ref"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The postcode table the application reads (recruitment/core/places.py); read here as
#: a file so the migration does not import the application.
POSTCODES = Path(__file__).resolve().parents[3] / "recruitment" / "data" / "postcodes_no.csv"


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT DISTINCT postcode FROM applicant "
            "WHERE area IS NULL AND postcode IS NOT NULL AND anonymised_at IS NULL"
        )
    ).all()
    if not rows:
        return
    with POSTCODES.open(encoding="utf-8", newline="") as handle:
        municipality = {row["postcode"]: row["municipality"] for row in csv.DictReader(handle)}
    for (postcode,) in rows:
        area = municipality.get(postcode.strip())
        if area:
            bind.execute(
                sa.text(
                    "UPDATE applicant SET area = :area WHERE postcode = :postcode "
                    "AND area IS NULL AND anonymised_at IS NULL"
                ),
                {"area": area, "postcode": postcode},
            )


def downgrade() -> None:
    # Which areas were filled in here is not recorded; they stay (they are correct).
    pass
