"""`verve serve`: the app (Streamlit's ASGI application with Verve's routes and
middleware, `dashboard.server:app`) under uvicorn."""

from __future__ import annotations

import logging

import click

from db import migrate
from db.session import database_url
from recruitment.cli.common import engine
from recruitment.core.logs import configure, masked_url

log = logging.getLogger("verve.serve")


@click.command("serve")
@click.option(
    "--host",
    envvar="VERVE_HOST",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (VERVE_HOST); 0.0.0.0 for every interface, e.g. in a container.",
)
@click.option("--port", envvar="VERVE_PORT", default=8501, show_default=True, type=int)
@click.option(
    "--trusted-proxies",
    envvar="VERVE_TRUSTED_PROXIES",
    default="",
    help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed (VERVE_TRUSTED_PROXIES); empty: none.",
)
def serve(host: str, port: int, trusted_proxies: str) -> None:
    """Serve Verve: migrate the database, then answer on http://HOST:PORT."""
    import uvicorn

    configure()
    eng = engine()  # migrated to head before the first page
    log.info(
        "database %s at revision %s", masked_url(database_url()), migrate.current_revision(eng)
    )
    log.info("serving on http://%s:%s", host, port)
    uvicorn.run(
        # Named, not imported: the command line sits below the UI in the layers.
        "dashboard.server:app",
        host=host,
        port=port,
        proxy_headers=bool(trusted_proxies.strip()),
        forwarded_allow_ips=trusted_proxies.strip() or None,
        server_header=False,
        access_log=False,  # dashboard/web/middleware.py writes one without query strings
        log_config=None,
        timeout_graceful_shutdown=5,
    )


COMMANDS = [serve]
