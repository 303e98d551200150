"""Log lines for operators: one line per event, UTC ISO 8601 time with its offset, plain
text or JSON (`VERVE_LOG_FORMAT=json`). Callers never put personal data, tokens or
passwords in a message; database URLs are written with `masked_url`."""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

from sqlalchemy.engine import make_url


def masked_url(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: say nothing about it
        return "<database URL>"


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
_SECRET_PARAM = re.compile(r"(?i)\b(token|password|passwd|pwd|csrf)=([^&\s\"']+)")
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]+:)[^@\s]+@")


def redact(text: str) -> str:
    """A log message with e-mail addresses, token or password parameters and URL
    passwords replaced: a last guard, in case a library's message carries one (an SMTP
    server's "550 <kari@example.no> rejected")."""
    text = _EMAIL.sub("<e-mail>", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=<hidden>", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}***@", text)


class _Formatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        message = redact(message)
        if self.as_json:
            return json.dumps(
                {
                    "time": when,
                    "level": record.levelname,
                    "logger": record.name,
                    "message": message,
                },
                ensure_ascii=False,
            )
        return f"{when} {record.levelname} {record.name}: {message}".replace("\n", "\n    ")


def configure(level: str | None = None) -> None:
    """Send every logger (Verve's, uvicorn's, Streamlit's) through one formatter."""
    as_json = os.environ.get("VERVE_LOG_FORMAT", "").strip().lower() == "json"
    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter(as_json))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or os.environ.get("VERVE_LOG_LEVEL", "INFO").upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "streamlit"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # The SQL engine logs parameters (personal data) at INFO: keep it at warnings.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
