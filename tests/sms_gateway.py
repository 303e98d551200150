"""A local SMS gateway for tests: an HTTP server on 127.0.0.1 that speaks the shape of
LINK Mobility's SMS REST API (`POST /sms/send`, HTTP Basic, JSON) and records every
request it accepts, like `tests.smtp` does for mail.

It can answer with an HTTP error (`fail_with`: status code, for the next `fail_times`
requests), be slowed down (`delay`), and checks the credentials. `hold(k)` makes it
keep the k-th accepted request (recorded: the gateway has it) without answering until
`release()`, so a test can kill the worker exactly while the gateway holds an SMS.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from recruitment.messaging.sms_gateway import LinkMobilityGateway, SmsSettings
from tests.smtp import free_port

USER, PASSWORD, SENDER = "verve", "s3cret", "Kommunen"


class SmsGatewayServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[dict] = []  # accepted bodies, in order
        self.refused: list[tuple[int, dict]] = []
        self.fail_with: int | None = None
        self.fail_times = 0
        self.delay = 0.0
        self.hold_at: int | None = None
        self.holding = threading.Event()  # the held request has arrived
        self.released = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.path != "/sms/send":
                    return self._answer(404, {"description": "no such endpoint"})
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"description": "Unauthorized"})
                if server.delay:
                    time.sleep(server.delay)
                with server.lock:
                    if server.fail_with and server.fail_times > 0:
                        server.fail_times -= 1
                        server.refused.append((server.fail_with, body))
                        code = server.fail_with
                        return self._answer(code, {"resultCode": 106, "description": "failure"})
                    server.requests.append(body)
                    held = len(server.requests) == server.hold_at
                if held:
                    server.holding.set()
                    server.released.wait(60)
                with suppress(OSError):  # the worker may have died meanwhile
                    self._answer(
                        202,
                        {
                            "messageId": str(uuid.uuid4()),
                            "resultCode": 1005,
                            "description": "Queued",
                        },
                    )

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def settings(self) -> SmsSettings:
        return SmsSettings(url=self.url, user=USER, password=PASSWORD, sender=SENDER, timeout=5)

    @property
    def provider(self) -> LinkMobilityGateway:
        return LinkMobilityGateway(self.settings)

    def env(self) -> dict[str, str]:
        return {
            "VERVE_SMS_URL": self.url,
            "VERVE_SMS_USER": USER,
            "VERVE_SMS_PASSWORD": PASSWORD,
            "VERVE_SMS_SENDER": SENDER,
        }

    def references(self) -> Counter:
        """How many times each outbox reference (refId) was accepted."""
        with self.lock:
            return Counter(r["refId"] for r in self.requests)

    def wait_for(self, count: int, timeout: float = 30, *, unique: bool = False) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = len(self.references()) if unique else len(self.requests)
            if seen >= count:
                return seen
            time.sleep(0.05)
        return len(self.references()) if unique else len(self.requests)

    def hold(self, k: int) -> None:
        """Keep the k-th accepted request (counting from 1) unanswered until release()."""
        self.hold_at, self.released = k, threading.Event()
        self.holding.clear()

    def release(self) -> None:
        self.released.set()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sms_gateway():
    server = SmsGatewayServer()
    server.start()
    yield server
    server.stop()
