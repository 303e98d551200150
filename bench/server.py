"""How the benches serve the app and read the server's own counters.

The one place that says how the server is started (`server_command`): `verve serve`,
the production server; change it here, and every
bench follows.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def server_command(port: int) -> list[str]:
    """The command that serves the app on `port`: `verve serve`, as in production
    (deploy/systemd/verve.service: `/opt/verve/bin/verve serve`), the console script of
    this environment; `python -m recruitment.cli` (the same entry point) if not installed."""
    verve = Path(sys.executable).with_name("verve")
    command = [str(verve)] if verve.exists() else [sys.executable, "-m", "recruitment.cli"]
    return [*command, "serve", "--port", str(port)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    started_s: float  # from the command to a healthy server

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process (all its threads), from /proc."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        pages = int(Path(f"/proc/{self.pid}/statm").read_text().split()[1])
        return pages * PAGE_SIZE / 1e6

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(
    database_url: str,
    folder: Path,
    *,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
) -> Server:
    """Serve the app against `database_url` on `port` (a free one if None); return once
    it answers. Started again on the port of a stopped server, it is that server restarted:
    the browser tabs open on it reconnect (`bench/browser.py`)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = folder / f"server-{port}.log"
    began = time.perf_counter()
    process = subprocess.Popen(
        server_command(port),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)
    return Server(url, process, log, time.perf_counter() - began)


def bench_env(ids: dict[str, int]) -> dict[str, str]:
    """What turns on the bench's baseline page and the links to the detail pages."""
    return {"VERVE_BENCH": json.dumps(ids)}
