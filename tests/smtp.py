"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port.

The root conftest lists this module in `pytest_plugins`, so every test can ask for
the `smtp_server` fixture. It records every message it accepts, parsed, and can refuse
recipients with 550, answer 451, or be stopped and started again on the same port.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from recruitment.messaging.smtp import SmtpSettings

SENDER = "Støttekontakttjenesten <stottekontakt@kommune.example>"
SENDER_ADDRESS = "stottekontakt@kommune.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()  # recipients answered with 550
        self.temporary_failure = False  # answer DATA with 451
        self.delay = 0.0  # seconds each DATA takes, to slow a worker down
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.temporary_failure:
            return "451 4.3.0 try again later"
        message = BytesParser(policy=policy.default).parsebytes(
            envelope.original_content or envelope.content
        )
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class Login:
    """An aiosmtpd authenticator that accepts one user name and password."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


class SmtpServer:
    """The running server, what it received, and the settings to reach it.

    `security`: none, starttls (STARTTLS required) or tls (implicit TLS); the TLS modes
    need `certificate` = (cert file, key file). `login` = (user, password) demands AUTH.
    """

    def __init__(
        self,
        *,
        security: str = "none",
        certificate: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller: Controller | None = None
        self.security = security
        self.certificate = certificate
        self.login = login

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            security=self.security,
            user=self.login[0] if self.login else None,
            password=self.login[1] if self.login else None,
            sender=SENDER,
            reply_to="svar@kommune.example",
            timeout=5,
            ca_file=str(self.certificate[0]) if self.certificate else None,
        )

    def _tls_context(self) -> ssl.SSLContext:
        assert self.certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, self.certificate))
        return context

    def env(self) -> dict[str, str]:
        """The same settings as VERVE_SMTP_* variables, for a worker subprocess."""
        return {
            "VERVE_SMTP_HOST": "127.0.0.1",
            "VERVE_SMTP_PORT": str(self.port),
            "VERVE_SMTP_SECURITY": "none",
            "VERVE_SMTP_SENDER": SENDER,
            "VERVE_SMTP_TIMEOUT": "5",
        }

    def start(self) -> None:
        options: dict = {}
        if self.security == "starttls":
            options.update(tls_context=self._tls_context(), require_starttls=True)
        elif self.security == "tls":
            # aiosmtpd does not count implicit TLS as TLS for AUTH; the link is encrypted.
            options.update(ssl_context=self._tls_context(), auth_require_tls=False)
        if self.login:
            # PLAIN only: smtplib falls back to LOGIN after a refusal, and aiosmtpd's
            # LOGIN and smtplib's initial response wait on each other until a timeout.
            options.update(
                authenticator=Login(*self.login),
                auth_required=True,
                auth_exclude_mechanism=["LOGIN"],
            )
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)

    def wait_for(self, count: int, timeout: float = 30.0, *, unique: bool = False) -> int:
        """Wait until at least `count` messages (distinct Message-IDs if `unique`) arrived."""
        deadline = time.monotonic() + timeout
        while True:
            seen = len(self.message_ids()) if unique else len(self.messages)
            if seen >= count or time.monotonic() > deadline:
                return seen
            time.sleep(0.05)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file), made by openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def make_smtp_server():
    """Start servers with TLS or login as a test needs; all are stopped afterwards."""
    servers: list[SmtpServer] = []

    def make(**options) -> SmtpServer:
        server = SmtpServer(**options)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def subject(message: EmailMessage) -> str:
    """The Subject as a mail client shows it. When Python folds a long subject whole
    onto the next line, its parser keeps the folding space: `Subject:\\r\\n Reminder…`
    unfolds to the same header as `Subject: Reminder…`, so the space is not part of it."""
    return str(message["Subject"]).lstrip()
