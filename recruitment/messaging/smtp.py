"""SMTP for the outbox: the settings (environment or secrets file), the MIME message with
its calendar attachment, the connection, and what a failed send means.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.models import utcnow
from recruitment.core.errors import VerveError
from recruitment.messaging.mail import AUTOMATIC_KINDS

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


class SmtpSettingsIncomplete(VerveError):
    key = "mail.smtp_settings_incomplete"


# --- settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over. `security`: starttls, tls (implicit) or none."""

    host: str
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    reply_to: str | None = None
    timeout: float = 30.0
    # A CA bundle for a server whose certificate a private (e.g. municipal) CA signed.
    ca_file: str | None = None

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]


SMTP_ENV = {
    "host": "VERVE_SMTP_HOST",
    "port": "VERVE_SMTP_PORT",
    "security": "VERVE_SMTP_SECURITY",
    "user": "VERVE_SMTP_USER",
    "password": "VERVE_SMTP_PASSWORD",
    "sender": "VERVE_SMTP_SENDER",
    "reply_to": "VERVE_SMTP_REPLY_TO",
    "timeout": "VERVE_SMTP_TIMEOUT",
    "ca_file": "VERVE_SMTP_CA_FILE",
}
SECRETS_FILES = (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit" / "secrets.toml")


def _secrets_smtp(paths: tuple[Path, ...]) -> dict[str, Any]:
    for path in paths:
        if path.is_file():
            with path.open("rb") as handle:
                section = tomllib.load(handle).get("smtp", {})
            if section:
                return dict(section)
    return {}


def smtp_settings(
    environ: Mapping[str, str] | None = None, secrets_files: tuple[Path, ...] = SECRETS_FILES
) -> SmtpSettings | None:
    """The SMTP settings from VERVE_SMTP_* (each wins) or `[smtp]` in secrets.toml;
    None when no host is set, which means: keep messages queued."""
    environ = os.environ if environ is None else environ
    values = _secrets_smtp(secrets_files)
    for name, variable in SMTP_ENV.items():
        if environ.get(variable, "").strip():
            values[name] = environ[variable].strip()
    host = str(values.get("host") or "").strip()
    if not host:
        return None
    security = str(values.get("security") or "").lower() or (
        "tls" if str(values.get("port")) == "465" else "starttls"
    )
    if security not in {"starttls", "tls", "none"}:
        raise ValueError(f"smtp security must be starttls, tls or none, not {security!r}")
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    sender = str(values.get("sender") or "").strip()
    if not sender:
        raise SmtpSettingsIncomplete("no sender address for SMTP")
    return SmtpSettings(
        host=host,
        port=int(values.get("port") or default_port),
        security=security,
        user=(str(values["user"]) if values.get("user") else None),
        password=(str(values["password"]) if values.get("password") else None),
        sender=sender,
        reply_to=(str(values["reply_to"]) if values.get("reply_to") else None),
        timeout=float(values.get("timeout") or 30),
        ca_file=(str(values["ca_file"]) if values.get("ca_file") else None),
    )


# --- the message ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed row as plain values (the claim transaction is over when it is sent)."""

    id: int
    kind: str
    to_address: str
    language: str
    subject: str
    body_text: str
    body_html: str | None
    ics: str | None
    message_id: str
    attempts: int
    applicant_id: int | None
    reclaimed: bool
    channel: str = "email"


_METHOD = re.compile(r"^METHOD:([A-Za-z-]+)\s*$", re.MULTILINE)


_UNFOLD = re.compile(r"\r?\n[ \t]")
_EVENT_START = re.compile(r"^BEGIN:VEVENT\r?\n", re.M)
_ORGANIZER = re.compile(r"^ORGANIZER[;:]", re.M)


def ics_method(ics: str) -> str:
    """The iTIP method of a calendar object (REQUEST, CANCEL …); PUBLISH if it has none."""
    match = _METHOD.search(ics)
    return match.group(1).upper() if match else "PUBLISH"


def with_organizer(ics: str, address: str) -> str:
    """The calendar object with `address` as ORGANIZER of every event that has none (the
    office e-mail is unset): clients need an organizer to file a REQUEST or CANCEL. The
    line is inserted; everything else stays byte for byte."""
    if not address or _ORGANIZER.search(_UNFOLD.sub("", ics)):
        return ics
    return _EVENT_START.sub(lambda m: f"{m.group(0)}ORGANIZER:mailto:{address}\r\n", ics)


def build_message(
    message: Claimed, smtp: SmtpSettings, *, now: datetime | None = None
) -> EmailMessage:
    """The MIME message: text and HTML alternatives, and the .ics attached."""
    mime = EmailMessage()
    mime["From"] = smtp.sender
    mime["To"] = message.to_address
    if smtp.reply_to:
        mime["Reply-To"] = smtp.reply_to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now or utcnow())
    mime["Message-ID"] = message.message_id
    if message.kind in AUTOMATIC_KINDS:
        mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(message.body_text)
    if message.body_html:
        mime.add_alternative(message.body_html, subtype="html")
    if message.ics:
        method = ics_method(message.ics)
        mime.add_attachment(
            with_organizer(message.ics, smtp.sender_address),
            subtype="calendar",
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
            params={"method": method},
        )
    # Last: set_content and add_* move or drop Content-* headers set before them.
    mime["Content-Language"] = message.language
    return mime


def connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=smtp.ca_file)
    if smtp.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            connection.starttls(context=context)
    if smtp.user:
        connection.login(smtp.user, smtp.password or "")
    return connection


def classify(error: Exception) -> tuple[bool, bool, str]:
    """(permanent, connection_lost, text) for a failed send."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        text = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in error.recipients.items()
        )
        return all(500 <= code < 600 for code in codes), False, text
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # The office's credentials, not this message: retry, it may be fixed meanwhile.
        return False, True, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPConnectError):
        return False, True, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        return 500 <= code < 600, code == 421, f"{code} {_text(error.smtp_error)}"
    # Disconnected, refused, reset, timed out, TLS trouble: the server, not the message.
    return False, True, f"{type(error).__name__}: {error}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
