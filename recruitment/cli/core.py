"""Database and account commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from db import migrate
from db.session import database_url, make_engine
from recruitment.accounts.staff import add_staff_user
from recruitment.cli.common import engine, fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError
from recruitment.core.logs import masked_url


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    eng = engine()  # migrates on first use
    click.echo(f"database {masked_url(database_url())} at revision {migrate.current_revision(eng)}")


@db_group.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_downgrade(revision: str, yes: bool) -> None:
    """Take the schema back to REVISION (an id from `verve db history`, or `-- -1` for one
    step), e.g. before going back to an older version of Verve. Take a backup first."""
    url = database_url()
    eng = make_engine(url)  # not `engine()`: that would upgrade first
    if not yes:
        click.confirm(
            f"downgrade {masked_url(url)} from {migrate.current_revision(eng)} to {revision}?",
            abort=True,
        )
    try:
        migrate.downgrade(eng, revision)
    except Exception as error:  # noqa: BLE001 - Alembic's own message names the problem
        raise click.ClickException(f"downgrade failed: {error}") from error
    click.echo(f"database {masked_url(url)} at revision {migrate.current_revision(eng)}")


@db_group.command("history")
def db_history() -> None:
    """The revisions, newest first (the ids `verve db downgrade` accepts)."""
    from alembic.script import ScriptDirectory

    for script in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions():
        click.echo(f"{script.revision}  {(script.doc or '').splitlines()[0][:70]}")


@db_group.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(target: Path) -> None:
    """Copy the SQLite database to TARGET while the app runs (SQLite's online backup).
    For PostgreSQL use pg_dump (docs/operations.md)."""
    url = database_url()
    eng = make_engine(url)
    if eng.dialect.name != "sqlite":
        raise click.ClickException(
            "verve db backup copies SQLite databases; for PostgreSQL run "
            "pg_dump --format=custom (see docs/operations.md)"
        )
    if target.exists():
        raise click.ClickException(f"{target} exists already; choose a new file")
    migrate.backup_sqlite(eng, target)
    click.echo(f"backed up {masked_url(url)} to {target}")


@click.group("user")
def user_group() -> None:
    """Staff accounts."""


@user_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "coordinator", "manager"]),
    help="What the person may do.",
)
@click.option("--name", "full_name", default="", help="Full name shown in the app.")
@click.option("--email", default=None, help="Work e-mail address.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from one line of standard input."
)
def user_add(
    username: str, role: str, full_name: str, email: str | None, password_stdin: bool
) -> None:
    """Create a staff account; the password is asked for without echo."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with sessions().begin() as session:
            user = add_staff_user(
                session=session,
                actor=Actor.system("cli"),
                username=username,
                role=role,
                password=password,
                full_name=full_name,
                email=email,
            )
            click.echo(f"created {user.role} {user.username!r} (id {user.id}) in {database_url()}")
    except VerveError as error:
        raise fail(error) from error


COMMANDS = [db_group, user_group]
