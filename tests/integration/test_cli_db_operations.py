"""`verve db backup`, `verve db downgrade` and `verve db history`, and masked URLs."""

import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db import migrate
from db.models import StaffUser
from db.session import make_engine
from recruitment.accounts.staff import hash_password
from recruitment.cli import main


def _run(args, database_url, monkeypatch, input=None):
    monkeypatch.setenv("DATABASE_URL", database_url)
    from recruitment.cli import common

    common.engine.cache_clear()
    return CliRunner().invoke(main, args, input=input)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_backup_of_a_live_sqlite_database_holds_what_is_still_in_the_write_ahead_log(
    database_url, monkeypatch, session, tmp_path
):
    # The session keeps a connection open: the WAL is not checkpointed into the file.
    session.add(StaffUser(username="kari", role="admin", password_hash=hash_password("x" * 12)))
    session.commit()
    session.scalar(select(StaffUser.id))
    target = tmp_path / "copy" / "backup.db"
    result = _run(["db", "backup", str(target)], database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT username FROM staff_user").fetchall() == [("kari",)]
    copy.close()
    assert migrate.current_revision(make_engine(f"sqlite:///{target}")) == migrate.head_revision()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_backup_never_overwrites_a_file(database_url, monkeypatch, tmp_path):
    target = tmp_path / "there.db"
    target.write_text("keep me")
    result = _run(["db", "backup", str(target)], database_url, monkeypatch)
    assert result.exit_code != 0
    assert target.read_text() == "keep me"


def test_downgrade_takes_the_schema_back_one_step_and_upgrade_brings_it_again(
    database_url, monkeypatch
):
    result = _run(["db", "downgrade", "--yes", "--", "-1"], database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    engine = make_engine(database_url)
    assert migrate.current_revision(engine) != migrate.head_revision()
    result = _run(["db", "upgrade"], database_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_history_lists_the_restored_revision(database_url, monkeypatch):
    result = _run(["db", "history"], database_url, monkeypatch)
    assert result.exit_code == 0
    assert "0199_matching_merge" in result.output


def test_a_database_that_cannot_be_opened_is_named_without_its_password(monkeypatch):
    url = "postgresql+psycopg://verve:s3cret-pw@127.0.0.1:1/verve"
    result = _run(["db", "upgrade"], url, monkeypatch)
    assert result.exit_code != 0
    assert "s3cret-pw" not in result.output
    assert "***" in result.output
