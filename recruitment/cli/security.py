"""Retention from the command line (for a nightly cron job) and audit-log reading."""

from __future__ import annotations

import click

from recruitment.accounts.retention import run_retention
from recruitment.cli.common import fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError
from recruitment.core.timefmt import iso, office_day


@click.group("retention")
def retention_group() -> None:
    """Anonymise people who left, once the retention period has passed."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Only list who is due; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Anonymise applicants who withdrew or were rejected, and closed service users,
    `retention_months` after their last event. Prints what it did (ids only)."""
    try:
        with sessions().begin() as session:
            plan = run_retention(session=session, actor=Actor.system("cli"), dry_run=dry_run)
    except VerveError as error:
        raise fail(error) from error
    verb = "would anonymise" if dry_run else "anonymised"
    click.echo(
        f"cut-off {iso(office_day(plan.cutoff))}: {verb} {len(plan.applicants)} applicant(s), "
        f"{len(plan.service_users)} service user(s)"
    )
    for row in plan.applicants:
        click.echo(
            f"  applicant {row['id']} ({row['stage']}, last event "
            f"{iso(office_day(row['last_event_at']))})"
        )
    for row in plan.service_users:
        click.echo(
            f"  service user {row['id']} (closed, last event "
            f"{iso(office_day(row['last_event_at']))})"
        )


COMMANDS = [retention_group]
