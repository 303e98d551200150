"""Demo data and exports: `verve demo` and `verve export applicants`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from db.models import Stage
from recruitment.casework.exports import (
    FORMATS,
    applicant_export_rows,
    export_bytes,
    export_headings,
)
from recruitment.cli.common import fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError
from recruitment.core.timefmt import iso
from recruitment.demo.people import DEMO_PASSWORD
from recruitment.demo.service import DatabaseNotEmpty, generate


@click.command("demo")
@click.option(
    "--applicants",
    "-n",
    required=True,
    type=click.IntRange(min=1, max=1_000_000),
    metavar="N",
    help="How many fictional applicants to make (1 to 1 000 000).",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed gives the same data."
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (YYYY-MM-DD); default: today.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Delete the data already in the database first (staff accounts stay).",
)
def demo(applicants: int, seed: int, today, force: bool) -> None:
    """Fill an empty database with realistic, fictional demo data.

    Two years of applicants, info meetings (digital and in person, and three months
    ahead), registrations, interviews, checks, placements and journal entries.
    """
    started = time.perf_counter()
    try:
        summary = generate(
            sessions(),
            applicants=applicants,
            seed=seed,
            today=today.date() if today else None,
            force=force,
        )
    except DatabaseNotEmpty as error:
        raise click.ClickException(f"{fail(error).message} Use --force to replace it.") from error
    except VerveError as error:
        raise fail(error) from error
    elapsed = time.perf_counter() - started
    counts = ", ".join(
        f"{count} {name.replace('_', ' ')}" for name, count in summary.counts().items()
    )
    click.echo(f"demo data (seed {summary.seed}, today {iso(summary.today)}): {counts}")
    click.echo(f"done in {elapsed:.1f} s")
    click.echo(f"demo staff log in with their username and the password {DEMO_PASSWORD!r}")


@click.group("export")
def export_group() -> None:
    """Export data to a file (every export is recorded in the audit log)."""


@export_group.command("applicants")
@click.option(
    "--format",
    "file_format",
    required=True,
    type=click.Choice(FORMATS),
    help="csv (UTF-8, for any tool) or xlsx (Excel).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The file to write (replaced if it exists).",
)
@click.option(
    "--stage", type=click.Choice([s.value for s in Stage]), default=None, help="Only this stage."
)
@click.option(
    "--coordinator-id",
    type=click.IntRange(min=1),
    default=None,
    help="Only this coordinator's applicants.",
)
@click.option(
    "--lang",
    type=click.Choice(["nb", "en"]),
    default="nb",
    show_default=True,
    help="Headings and labels.",
)
def export_applicants(
    file_format: str, output: Path, stage: str | None, coordinator_id: int | None, lang: str
) -> None:
    """Write the applicant list to FILE as CSV or Excel."""
    try:
        # The file is written inside the transaction: if it cannot be written, the
        # audit event is rolled back with it, so the log never claims an export.
        with sessions().begin() as session:
            rows = applicant_export_rows(
                session=session,
                actor=Actor.system("cli"),
                stage=stage,
                coordinator_id=coordinator_id,
                lang=lang,
                file_format=file_format,
            )
            data = export_bytes(rows, file_format, export_headings(lang))
            try:
                output.write_bytes(data)
            except OSError as error:
                raise click.ClickException(
                    f"cannot write {output}: {error.strerror or error}"
                ) from error
    except VerveError as error:
        raise fail(error) from error
    click.echo(f"wrote {len(rows)} applicants to {output}")


COMMANDS = [demo, export_group]
