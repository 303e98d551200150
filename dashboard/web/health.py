"""Health checks for a load balancer or monitoring: `/healthz` says the process answers,
`/readyz` that the database is reachable and at the newest migration."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from dashboard.web.database import sessions
from db import migrate

log = logging.getLogger("verve.health")


async def healthz(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def _database_state() -> str | None:
    """None when ready, else a short reason (never the URL or the driver's message)."""
    try:
        engine = sessions().kw["bind"]
        if not migrate.is_up_to_date(engine):
            return "database not at the newest migration"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        log.warning("readiness: database unreachable (%s)", type(error).__name__)
        return "database unreachable"
    return None


async def readyz(_request: Request) -> PlainTextResponse:
    problem = await run_in_threadpool(_database_state)
    if problem:
        return PlainTextResponse(problem, status_code=503)
    return PlainTextResponse("ready")


ROUTES = [Route("/healthz", healthz), Route("/readyz", readyz)]
