"""The wheel holds everything Verve needs: built from this tree, installed into a clean
virtual environment in a folder outside the source tree, it migrates, fills demo data,
answers `verve funnel --json` and serves until `/readyz` says ready.

Verve's own code comes only from the wheel; its third-party dependencies are lent from
the test's environment by a plain path entry (no editable finder runs from it), so the
test needs no package index."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built once per test run: setuptools builds in the checkout's own
    build/ folder, so two test workers building at once trip over each other. The first
    one builds under a lock into the run's shared temporary folder; the other waits and
    takes it."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's folder sits in the run's own: share that one.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "verve-wheel"
    with (shared / "verve-wheel.lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not list(out.glob("verve-*.whl")):
            out.mkdir(exist_ok=True)
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
                + ["-w", str(out), str(ROOT)],
                check=True,
                capture_output=True,
                timeout=600,
            )
    (built,) = out.glob("verve-*.whl")
    return built


def test_the_wheel_holds_the_cli_the_streamlit_config_the_migrations_and_the_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "recruitment/cli/__init__.py",
        "recruitment/cli/serve.py",
        "dashboard/server.py",
        "dashboard/app.py",
        "dashboard/.streamlit/config.toml",
        "dashboard/static/icon.png",
        "db/alembic.ini",
        "db/migrations/env.py",
        "db/migrations/versions/0199_matching_merge.py",
        "recruitment/locales/common.toml",
        "recruitment/data/postcodes_no.csv",
    ):
        assert needed in names, needed


def test_an_installed_wheel_migrates_fills_demo_data_reports_and_serves(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            purelib,
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The dependencies, lent as a plain path: `.pth` files in it are not run, so the test
    # environment's editable Verve stays invisible.
    lent = [p for p in site.getsitepackages() if "site-packages" in p]
    (Path(purelib) / "zz_lent_dependencies.pth").write_text("\n".join(lent) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV"}
    }
    env["VERVE_DATA_DIR"] = str(tmp_path / "data")
    verve = [str(python), "-m", "recruitment.cli"]

    def run(*args: str) -> str:
        done = subprocess.run(
            [*verve, *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    where = subprocess.run(
        [str(python), "-c", "import recruitment; print(recruitment.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(purelib), where

    assert "at revision" in run("db", "upgrade")
    assert (tmp_path / "data" / "verve.db").exists()  # absolute default, not the cwd
    run("demo", "--applicants", "200")
    report = json.loads(run("funnel", "--json"))
    assert report
    port = _free_port()
    server = subprocess.Popen(
        [*verve, "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.read() == b"ready":
                        break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "did not start"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.headers["x-frame-options"] == "DENY"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "serving on http://127.0.0.1:" in output
