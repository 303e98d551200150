"""Verve as one ASGI application (`verve serve` runs it under uvicorn): Streamlit's pages
from dashboard/app.py, plus the login form, the health checks, Verve's own assets, and the
middleware for security headers, page language and the access log."""

from __future__ import annotations

import logging
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from dashboard import navigation
from dashboard.web import health, login_form
from dashboard.web.middleware import VerveMiddleware

HERE = Path(__file__).resolve().parent
log = logging.getLogger("verve.app")


def on_script_error(error: Exception) -> bool:
    """Log the error with an id and show only that id: no traceback, no third-party
    buttons. A database that cannot be reached gets its own short message."""
    from sqlalchemy.exc import OperationalError

    from dashboard.i18n import t

    error_id = uuid.uuid4().hex[:10]
    if isinstance(error, OperationalError):
        log.error("error %s: database unavailable (%s)", error_id, type(error).__name__)
        st.error(t("common.database_down", error_id=error_id), icon=":material/cloud_off:")
        return True
    log.error("error %s: %s", error_id, type(error).__name__, exc_info=error)
    st.error(t("common.script_error", error_id=error_id), icon=":material/error:")
    return True


@asynccontextmanager
async def lifespan(_app):
    """At server start, before the first visitor: import and prepare what the pages need
    (dashboard/warmup.py), so nobody's first visit pays for it, and keep the analytics
    pages' default views ready for as long as the server runs."""
    from dashboard import warmup

    warmup.prepare_in_background(server=True)
    yield None


def build() -> st.App:
    staff_paths = frozenset(spec.url_path for spec in navigation.STAFF_PAGES)
    return st.App(
        HERE / "app.py",
        routes=[
            *health.ROUTES,
            *login_form.ROUTES,
            Mount("/assets", StaticFiles(directory=HERE / "static"), name="assets"),
        ],
        middleware=[
            Middleware(
                VerveMiddleware,
                staff_paths=staff_paths,
                home_path=navigation.STAFF_PAGES[0].url_path,
                public_home_path=navigation.PUBLIC_PAGES[0].url_path,
            )
        ],
        on_script_error=on_script_error,
        lifespan=lifespan,
    )


def _quiet_uvicorn_access_log() -> None:
    """Streamlit gives uvicorn's access logger a handler when it is imported; that log
    writes query strings (self-service tokens). The middleware writes Verve's own."""
    access = logging.getLogger("uvicorn.access")
    access.handlers[:] = []
    access.propagate = False
    access.disabled = True


def _streamlit_logs_through_verve() -> None:
    """Streamlit gives each logger it makes (its own, uvicorn's, websockets') a handler in
    its own format and stops it propagating. Served by `verve serve`, they propagate to
    the root logger instead, so every line has Verve's format (UTC ISO 8601 with offset,
    optional JSON) and redaction (recruitment/core/logs.py). Streamlit sets a logger up
    in `setup_formatter`, for each new logger and again whenever its config is read, so
    that is the one place taken over."""
    from streamlit import logger as streamlit_logger

    def through_verve(logger: logging.Logger) -> None:
        handler = getattr(logger, "streamlit_console_handler", None)
        if handler is not None:
            logger.removeHandler(handler)
            del logger.streamlit_console_handler
        logger.propagate = True

    streamlit_logger.setup_formatter = through_verve
    for logger in list(streamlit_logger._loggers.values()):
        through_verve(logger)


_quiet_uvicorn_access_log()
_streamlit_logs_through_verve()
app = build()
