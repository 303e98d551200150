"""Database and account commands."""

from __future__ import annotations

import sys

import click

from db import migrate
from db.session import database_url
from recruitment.accounts.staff import add_staff_user
from recruitment.cli.common import engine, fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    eng = engine()  # migrates on first use
    click.echo(
        f"database {eng.url.render_as_string(hide_password=True)} at revision "
        f"{migrate.current_revision(eng)}"
    )


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
