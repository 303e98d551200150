"""Full-text search on applicants' names, e-mail and phone: a folded `search_text` column,
indexed by an FTS5 table on SQLite and a GIN index on PostgreSQL (see db/search.py).

No PostgreSQL extension is needed: the folded words are cast to `tsvector` as they are.
On SQLite, triggers keep the FTS5 table in step with the column. A later migration that
rebuilds `applicant` in batch mode (SQLite) drops those triggers and must make them again
(`create_sqlite_index` below).

Revision ID: 0150_applicant_search
Revises: 0140_area_from_postcode
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.search import FTS_TABLE, PG_INDEX, search_text

revision: str = "0150_applicant_search"
down_revision: str | None = "0140_area_from_postcode"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def create_sqlite_index() -> None:
    # External content: the words live once, in applicant.search_text. `remove_diacritics 0`
    # because the text is folded already (the same folding PostgreSQL sees); prefix
    # indexes keep one- to three-letter searches fast.
    op.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, "
        "content='applicant', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')"
    )
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON applicant BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON applicant BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    )
    op.execute(
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF search_text "
        f"ON applicant BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def upgrade() -> None:
    op.add_column(
        "applicant", sa.Column("search_text", sa.Text(), server_default="", nullable=False)
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, first_name, last_name, email, phone FROM applicant")
    ).all()
    update = sa.text("UPDATE applicant SET search_text = :text WHERE id = :id")
    for start in range(0, len(rows), _BATCH):
        connection.execute(
            update,
            [
                {"id": row.id, "text": search_text(row[1], row[2], row[3], row[4])}
                for row in rows[start : start + _BATCH]
            ],
        )
    if connection.dialect.name == "sqlite":
        create_sqlite_index()
    elif connection.dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON applicant "
            "USING gin ((search_text::tsvector))"
        )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    # In place (SQLite 3.35+): a batch rebuild would drop `applicant`, and with it (by
    # the foreign keys' cascade) every row that points to an applicant.
    op.execute("ALTER TABLE applicant DROP COLUMN search_text")
