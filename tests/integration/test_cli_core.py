import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy import select

from db.models import AuditEvent, StaffUser
from recruitment.cli import main


def _run(args, database_url, monkeypatch, input=None):
    monkeypatch.setenv("DATABASE_URL", database_url)
    from recruitment.cli import common

    common.engine.cache_clear()
    return CliRunner().invoke(main, args, input=input)


def test_user_add_reads_one_line_of_stdin_and_stores_an_argon2_hash(
    database_url, monkeypatch, session
):
    result = _run(
        ["user", "add", "Kari", "--role", "coordinator", "--name", "Kari K", "--password-stdin"],
        database_url,
        monkeypatch,
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser))
    assert (user.username, user.role, user.full_name) == ("kari", "coordinator", "Kari K")
    assert user.password_hash.startswith("$argon2id$")
    assert session.scalar(select(AuditEvent.action)) == "staff.created"


def test_user_add_refuses_a_short_password_with_a_clear_message(database_url, monkeypatch, session):
    result = _run(
        ["user", "add", "kari", "--role", "admin", "--password-stdin"],
        database_url,
        monkeypatch,
        input="short\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert session.scalar(select(StaffUser)) is None


def test_user_add_refuses_an_unknown_role_and_a_taken_username(database_url, monkeypatch):
    result = _run(
        ["user", "add", "kari", "--role", "boss", "--password-stdin"],
        database_url,
        monkeypatch,
        input="x\n",
    )
    assert result.exit_code == 2 and "boss" in result.output
    ok = ["user", "add", "kari", "--role", "manager", "--password-stdin"]
    assert _run(ok, database_url, monkeypatch, input="a long enough password\n").exit_code == 0
    again = _run(ok, database_url, monkeypatch, input="a long enough password\n")
    assert again.exit_code == 1 and "already taken" in again.output


def test_user_add_asks_twice_for_the_password_without_stdin_flag(
    database_url, monkeypatch, session
):
    result = _run(
        ["user", "add", "ada", "--role", "admin"],
        database_url,
        monkeypatch,
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(StaffUser.role)) == "admin"


def test_db_upgrade_reports_the_head_revision(database_url, monkeypatch):
    result = _run(["db", "upgrade"], database_url, monkeypatch)
    assert result.exit_code == 0 and "at revision" in result.output


def test_the_console_script_migrates_a_new_sqlite_file_and_explains_bad_commands(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "PATH": ""}
    verve = [sys.executable, "-m", "recruitment.cli"]
    upgraded = subprocess.run(
        [*verve, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "new.db").exists()
    unknown = subprocess.run(
        [*verve, "frobnicate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert unknown.returncode == 2 and "No such command" in unknown.stderr
    helped = subprocess.run([*verve, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "user" in helped.stdout
