"""Two `verve serve` replicas on one PostgreSQL database behind Debian's nginx (sticky,
WebSocket upgrade, as deploy/nginx/verve.conf): a login made through one is valid on the
other, a sign-up made on one shows on the other's funnel at its next page run, the
lock-out and the audit log see the client's address from X-Forwarded-For, and after a
journey (sign-up, My page, staff login, export, the mail worker delivering) neither the
apps', the worker's nor the proxy's logs hold an e-mail address, a token or a password."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import AuditEvent, InfoMeeting
from tests.browser.conftest import (
    STAFF_PASSWORD,
    _free_port,
    add_staff_accounts,
    log_in,
    start_server,
    stop_server,
    wait_for_app,
    wait_until_ready,
)
from tests.browser.test_signup_journey import fill_form, submit

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _nginx_conf(folder: Path, port: int, upstreams: list[str]) -> Path:
    servers = "\n".join(f"        server {u};" for u in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    log_format verve_noquery '$remote_addr [$time_iso8601] "$request_method $uri" $status '
                             '$body_bytes_sent $request_time';
    access_log {folder}/access.log verve_noquery;
    upstream verve {{
        ip_hash;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://verve;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600;
        }}
    }}
}}
"""
    )
    return conf


@pytest.fixture
def replicas(tmp_path, postgres_available):
    from tests.conftest import own_postgres_database, require_postgres

    require_postgres(postgres_available)
    if not Path(NGINX).exists():
        if IN_CI:
            pytest.fail("CI=true but nginx is missing (apt-get install nginx-light)")
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    env = {"VERVE_TRUSTED_PROXIES": "127.0.0.1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with own_postgres_database(f"verve_replicas_{os.getpid()}") as (url, _admin):
        # Both start at once (the database is migrated before either starts).
        a = start_server(tmp_path / "a", database_url=url, env=env, wait=False)
        b = start_server(tmp_path / "b", database_url=url, env=env, wait=False)
        try:
            wait_until_ready(a)
            wait_until_ready(b)
        except Exception:
            a.process.kill()
            b.process.kill()
            raise
        port = _free_port()
        conf = _nginx_conf(tmp_path, port, [urllib.parse.urlsplit(s.url).netloc for s in (a, b)])
        proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)])
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert proxy.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.2)
        add_staff_accounts(a)
        yield a, b, f"http://127.0.0.1:{port}", tmp_path
        proxy.terminate()
        proxy.wait(timeout=10)
        stop_server(a)
        stop_server(b)


def _opener():
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def _open(opener, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _login(opener, jar, base, username, password, headers=None):
    _open(opener, f"{base}/auth/login?lang=en", headers=headers)
    csrf = next(c.value for c in jar if c.name == "verve_csrf")
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf": csrf, "next": "/home"}
    ).encode()
    return _open(opener, f"{base}/auth/login?lang=en", body, headers)


def test_two_replicas_behind_nginx_share_logins_and_data_and_keep_personal_data_out_of_logs(
    replicas, page, smtp_server
):
    a, b, proxy, folder = replicas
    # A login through the proxy is valid on either replica, asked directly.
    jar, opener = _opener()
    status, _h, _body = _login(opener, jar, proxy, "browser-coordinator", STAFF_PASSWORD)
    assert status == 303
    for server in (a, b):
        status, headers, _body = _open(opener, f"{server.url}/applicants?lang=en")
        assert status == 200, headers.get("location")

    # The client's address, from X-Forwarded-For via the trusted proxy, reaches the audit log.
    jar2, opener2 = _opener()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    status, _h, body = _login(opener2, jar2, proxy, "browser-admin", "wrong password", forwarded)
    assert status == 401
    with a.sessions() as session:
        failed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failed")
        ).all()
    assert [event.client for event in failed] == ["203.0.113.7"]

    # A manager on replica B sees no data; a sign-up on replica A shows at B's next run.
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)
    with a.sessions.begin() as session:
        meeting = InfoMeeting(
            starts_at=starts, mode="digital", join_url="https://teams.example.com/x", capacity=50
        )
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    log_in(page, b, "browser-manager", next_path="/funnel?lang=en")
    expect(page.get_by_text("No data yet").first).to_be_visible()
    visitor = page.context.browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{a.url}/?lang=en")
    wait_for_app(visitor)
    email = f"replica-{time.time():.0f}@example.no"
    fill_form(visitor, a, lang="en", meeting_id=meeting_id, email=email)
    submit(visitor, "en")

    # The mail worker delivers the sign-up's confirmation to the local SMTP server, with
    # the public address (the proxy) put into its links as it sends.
    worker = subprocess.run(
        [sys.executable, "-m", "recruitment.cli", "outbox", "send"],
        env={
            **os.environ,
            "DATABASE_URL": a.database_url,
            "VERVE_PUBLIC_URL": proxy,
            **smtp_server.env(),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    (folder / "worker.log").write_text(worker.stdout + worker.stderr)
    assert worker.returncode == 0, worker.stderr
    assert re.search(r"\+00:00 INFO [\w.]+: message \d+ \(\w+, email\) sent", worker.stderr)
    [mail] = [mail for mail in smtp_server.messages if mail["To"] == email]
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/my-page\?\S*token=\S+", text).group(0)
    assert link.startswith(f"{proxy}/my-page?")
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    visitor.goto(link)  # the personal link from the mail, through the proxy
    wait_for_app(visitor)
    expect(visitor.get_by_role("heading", name=re.compile(r"^Hello, "))).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^1 signed up"))).to_be_visible()

    # A coordinator downloads the applicant export through the proxy.
    staff = page.context.browser.new_context(locale="en-GB", accept_downloads=True).new_page()
    log_in(staff, SimpleNamespace(url=proxy), "browser-coordinator", next_path="/applicants")
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Download CSV").click()
    assert email in Path(download.value.path()).read_text(encoding="utf-8-sig")

    logs = "\n".join(
        path.read_text(errors="replace")
        for path in [
            *folder.glob("*.log"),
            *a.log.parent.glob("*.log"),
            *b.log.parent.glob("*.log"),
        ]
    )
    for secret in (email, token, STAFF_PASSWORD, "wrong password"):
        assert secret not in logs, secret
    assert "GET /my-page" in (folder / "access.log").read_text()
