"""One ASGI middleware around Streamlit's own: security headers on every response, the
page's language in `<html lang>`, staff pages answered with a redirect to the login form
when there is no live session, and an access log line without the query string (so the
self-service tokens and other parameters never reach a log)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard import frame
from dashboard.web import cookies
from dashboard.web.database import sessions
from dashboard.web.login_form import START_PAGE, login_url
from recruitment.accounts.staff_sessions import SessionLookup, session_actor
from recruitment.core import i18n
from recruitment.core.links import SELF_SERVICE_PAGE

access_log = logging.getLogger("verve.access")

_HTML_LANG = re.compile(rb'<html lang="[^"]*"')
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _script_hashes() -> str:
    """Hashes of the inline scripts in Streamlit's index.html, so the CSP can allow them
    and nothing else inline (the page frame's script is a file: dashboard/static/frame.js)."""
    from pathlib import Path

    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    try:
        bodies = _INLINE_SCRIPT.findall(index.read_text(encoding="utf-8"))
    except OSError:
        bodies = []
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in bodies
    )


def security_headers() -> dict[str, str]:
    """The headers every response carries. Streamlit needs inline styles, `eval` for its
    charts (Vega) and its WebSocket on the same origin; nothing from another host."""
    csp = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {_script_hashes()} 'unsafe-eval'".replace("  ", " "),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self' blob: data:",
            "worker-src 'self' blob:",
            "media-src 'self' blob: data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def _lookup(token: str | None) -> SessionLookup:
    with sessions().begin() as session:
        return session_actor(session, token)


class VerveMiddleware:
    """See the module docstring; `staff_paths` are the URL paths of the staff pages."""

    def __init__(
        self,
        app: ASGIApp,
        staff_paths: frozenset[str] = frozenset(),
        home_path: str = "home",
        public_home_path: str = "signup",
    ) -> None:
        self.app = app
        self.staff_paths = staff_paths
        self.home_path = home_path
        self.public_home_path = public_home_path
        self.headers = security_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        path: str = scope["path"]
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = i18n.language((query.get("lang") or [None])[0])
        status = {"code": 500}
        page = path.strip("/")
        if scope["method"] == "GET" and page == SELF_SERVICE_PAGE and query.get("token"):
            redirect = self._token_to_cookie(scope, path, query)
            status["code"] = redirect.status_code
            self._with_headers(redirect.headers)
            await redirect(scope, receive, send)
            access_log.info("%s %s %s", scope["method"], path, redirect.status_code)
            return
        if scope["method"] == "GET" and page == self.public_home_path:
            # Streamlit serves the default page (the sign-up) at the root only; its own
            # address would open "Page not found". Links and bookmarks to it go to the root.
            raw = scope.get("query_string", b"").decode("latin-1")
            redirect = RedirectResponse("/" + (f"?{raw}" if raw else ""), status_code=303)
            status["code"] = redirect.status_code
            self._with_headers(redirect.headers)
            await redirect(scope, receive, send)
            access_log.info("%s %s %s", scope["method"], path, redirect.status_code)
            return
        is_page = scope["method"] == "GET" and (page in self.staff_paths or page == "login")
        try:
            if is_page:
                redirect = await self._guard(scope, path, page, lang)
                if redirect is not None:
                    status["code"] = redirect.status_code
                    self._with_headers(redirect.headers)
                    await redirect(scope, receive, send)
                    return
            await self._respond(scope, receive, send, lang, status)
        finally:
            access_log.info(
                "%s %s %s %.0fms",
                scope["method"],
                path,
                status["code"],
                (time.monotonic() - started) * 1000,
            )

    def _with_headers(self, headers) -> None:
        for name, value in self.headers.items():
            headers[name] = value

    def _token_to_cookie(self, scope: Scope, path: str, query: dict) -> RedirectResponse:
        """The personal link's token goes into an HttpOnly cookie and the browser on to the
        same page without it, so it stays out of proxy logs and the browser's history."""
        from urllib.parse import urlencode

        rest = {key: values[0] for key, values in query.items() if key != "token"}
        target = path + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        response.headers["Cache-Control"] = "no-store"
        request = HTTPConnection(scope)
        response.set_cookie(
            cookies.SELF_SERVICE,
            query["token"][0],
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    async def _guard(self, scope: Scope, path: str, page: str, lang: str):
        """Staff pages without a live session go to the login form (with the way back);
        the login page with one goes to the start page."""
        token = HTTPConnection(scope).cookies.get(cookies.SESSION)
        lookup = await run_in_threadpool(_lookup, token) if token else SessionLookup(None)
        query = scope.get("query_string", b"").decode("latin-1")
        if page == "login":
            if lookup.actor is not None:
                return RedirectResponse(f"{START_PAGE}?lang={lang}", status_code=303)
            next_path = (parse_qs(query).get("next") or [START_PAGE])[0]
            return RedirectResponse(login_url(next_path, lang), status_code=303)
        if lookup.actor is None:
            asked = path + (f"?{query}" if query else "")
            return RedirectResponse(login_url(asked, lang, expired=lookup.expired), status_code=303)
        if page == self.home_path:
            # Streamlit serves the start page at the root only.
            return RedirectResponse(START_PAGE + (f"?{query}" if query else ""), status_code=303)
        return None

    async def _respond(self, scope, receive, send, lang: str, status: dict) -> None:
        # Streamlit compresses its pages; ask it not to for the HTML page so the language
        # can be written into it (the assets stay compressed).
        wants_page = scope["method"] == "GET" and "." not in scope["path"].rsplit("/", 1)[-1]
        if wants_page:
            scope = dict(scope)
            scope["headers"] = [
                (k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"
            ]
        rewriting = {"on": False, "start": None, "body": b""}
        # The applicants' form pages name the form widgets' modules in the head.
        form_page = wants_page and scope["path"].strip("/") in ("", SELF_SERVICE_PAGE)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = MutableHeaders(scope=message)
                self._with_headers(headers)
                if wants_page and headers.get("content-type", "").startswith("text/html"):
                    rewriting["on"] = True
                    rewriting["start"] = message
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and rewriting["on"]:
                rewriting["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = _HTML_LANG.sub(f'<html lang="{lang}"'.encode(), rewriting["body"], 1)
                if form_page:
                    body = body.replace(b"</head>", frame.module_preload_links() + b"</head>", 1)
                start = rewriting["start"]
                headers = MutableHeaders(scope=start)
                headers["content-length"] = str(len(body))
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_wrapper)
