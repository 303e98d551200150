"""`verve forecast`: the numbers the Forecast page shows, on the command line."""

from __future__ import annotations

import json

import click

from recruitment.analytics.forecast.model import Levers
from recruitment.analytics.forecast.report import (
    MAX_MONTHS,
    RUNS,
    WINDOW_CHOICES,
    WINDOW_MONTHS,
    forecast_report,
)
from recruitment.analytics.forecast.scenarios import scenario_levers
from recruitment.cli.common import fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError

SHARE = click.FloatRange(0, 1)
POSITIVE = click.FloatRange(0, min_open=False)


@click.command("forecast")
@click.option(
    "--months",
    type=click.IntRange(1, MAX_MONTHS),
    default=6,
    show_default=True,
    help="How many whole months ahead.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same numbers.")
@click.option(
    "--runs",
    type=click.IntRange(100, 100_000),
    default=RUNS,
    show_default=True,
    help="Monte Carlo runs.",
)
@click.option("--area", help="Only applicants and service users in this area.")
@click.option("--source", help="Only applicants who came through this source (e.g. website).")
@click.option(
    "--window",
    type=click.Choice([str(m) for m in WINDOW_CHOICES]),
    default=str(WINDOW_MONTHS),
    show_default=True,
    help="Months of past stays and meetings the estimates come from.",
)
@click.option("--scenario", help="Use the levers of a scenario saved on the Forecast page.")
@click.option("--signups-per-month", type=POSITIVE, help="Lever: new sign-ups per month.")
@click.option(
    "--meetings-per-month",
    type=click.FloatRange(0, min_open=True),
    help="Lever: info meetings per month.",
)
@click.option("--digital-share", type=SHARE, help="Lever: share of bookings at digital meetings.")
@click.option("--no-show-rate", type=SHARE, help="Lever: share of booked people who do not come.")
@click.option(
    "--conversion-after-interview", type=SHARE, help="Lever: share approved after the interview."
)
@click.option("--no-backtest", is_flag=True, help="Skip the backtest (faster).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def forecast_command(
    months,
    seed,
    runs,
    area,
    source,
    window,
    scenario,
    signups_per_month,
    meetings_per_month,
    digital_share,
    no_show_rate,
    conversion_after_interview,
    no_backtest,
    as_json,
) -> None:
    """Approvals and placements per coming month (median and 80 % interval), from today's
    pipeline and the past year's stays; with --json, everything the Forecast page shows."""
    actor = Actor.system("cli")
    try:
        with sessions().begin() as session:
            levers = (
                scenario_levers(session=session, actor=actor, name=scenario)
                if scenario
                else Levers()
            )
            given = {
                "signups_per_month": signups_per_month,
                "meetings_per_month": meetings_per_month,
                "digital_share": digital_share,
                "no_show_rate": no_show_rate,
                "conversion_after_interview": conversion_after_interview,
            }
            levers = Levers(
                **{**levers.changed(), **{k: v for k, v in given.items() if v is not None}}
            )
            report = forecast_report(
                session=session,
                actor=actor,
                months=months,
                seed=seed,
                runs=runs,
                levers=levers,
                with_backtest=not no_backtest,
                area=area,
                source=source,
                window_months=int(window),
            )
    except VerveError as error:
        raise fail(error) from error
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    shown = report["scenario"] or report["baseline"]
    click.echo(f"{'month':<9}{'approvals':>22}{'placements':>22}")
    for a, p in zip(shown["approvals"], shown["placements"], strict=True):
        click.echo(
            f"{a['month']:<9}{a['p50']:>8.0f} ({a['p10']:.0f}–{a['p90']:.0f})".ljust(31)
            + f"{p['p50']:>8.0f} ({p['p10']:.0f}–{p['p90']:.0f})"
        )
    if report["coverage"] is not None:
        click.echo(f"backtest: {report['coverage']:.0%} of past months inside the 80 % interval")


COMMANDS = [forecast_command]
