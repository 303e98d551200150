"""`verve funnel`: the funnel numbers the Funnel page shows, on the command line."""

from __future__ import annotations

import json

import click

from recruitment.analytics.funnel import Filters, funnel_summary
from recruitment.cli.common import fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError


@click.command("funnel")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First sign-up day (YYYY-MM-DD, UTC).",
)
@click.option(
    "--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last sign-up day (YYYY-MM-DD, UTC)."
)
@click.option(
    "--mode",
    type=click.Choice(["digital", "in_person"]),
    help="Only applicants whose info meeting had this mode.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def funnel_command(since, until, mode, as_json) -> None:
    """How many applicants reached each stage (by sign-up date), computed in SQL from the stage
    events."""
    filters = Filters(
        since=since.date() if since else None, until=until.date() if until else None, mode=mode
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise click.BadParameter("--since must not be after --until", param_hint="--since")
    try:
        with sessions().begin() as session:
            summary = funnel_summary(session=session, actor=Actor.system("cli"), filters=filters)
    except VerveError as error:
        raise fail(error) from error
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    for stage in summary["stages"]:
        step = "" if stage["step_conversion"] is None else f"{stage['step_conversion']:.1%}"
        click.echo(f"{stage['stage']:<22}{stage['reached']:>9}  {step:>7}")


COMMANDS = [funnel_command]
