"""Bring a database to the newest schema with Alembic, from code (CLI and app start)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"

# Alembic runs a migration through module-level proxies (`alembic.context`, `alembic.op`)
# that one run sets and the next replaces: two runs at once in one process, even on two
# different databases, take each other's connection and fail ("table alembic_version
# already exists", KeyError 'script'). The app's first page run and its warm-up thread
# can both open a database, so every run here takes this lock.
_one_at_a_time = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind `engine` to `revision` (the newest by default)."""
    config = alembic_config()
    with _one_at_a_time, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (an id, or "-1" for one step)."""
    config = alembic_config()
    with _one_at_a_time, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def backup_sqlite(engine: Engine, target: Path) -> None:
    """A consistent copy of a live SQLite database through SQLite's online backup API
    (a plain file copy can miss what is still in the write-ahead log)."""
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    destination = sqlite3.connect(target)
    try:
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            source.backup(destination)
    finally:
        destination.close()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
