"""The `verve` command. Each area's commands live in their own module here and are
attached to the main group below; every command frames its own transaction."""

from __future__ import annotations

import click

from recruitment.cli import core, demo, forecast, funnel, outbox, security, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="verve")
def main() -> None:
    """Verve: recruitment of støttekontakter (support contacts), from sign-up to placement.

    The database is DATABASE_URL (default: the SQLite file verve.db in VERVE_DATA_DIR).
    """


for module in (core, demo, forecast, funnel, outbox, security, serve):
    for command in module.COMMANDS:
        main.add_command(command)
