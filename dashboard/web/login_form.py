"""The staff login form as a plain HTML page served by an HTTP route: only an HTTP
response can set the HttpOnly session cookie that every tab, replica and restart share.

GET shows the form with a fresh CSRF token (a double-submit cookie); POST checks the
token, asks `attempt_login` (so the lock-out applies per account and per client), starts
a session, sets the cookie and sends the browser on to the page it asked for.
"""

from __future__ import annotations

import html
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.web import cookies
from dashboard.web.database import sessions
from recruitment.accounts.staff import attempt_login
from recruitment.accounts.staff_sessions import start_session
from recruitment.core import i18n
from recruitment.core.timefmt import format_time, office_zone

#: Where staff land: the root, which for a logged-in visitor is their start page
#: (Streamlit serves the default page at the root and not under its own path).
START_PAGE = "/"
_START_ALIASES = {"/", "/login", "/home"}


def safe_next(value: str | None) -> str:
    """A path on this site to go to after login (never another host)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return START_PAGE
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return START_PAGE
    path = parts.path if parts.path not in _START_ALIASES else START_PAGE
    return path + (f"?{parts.query}" if parts.query else "")


def login_url(next_path: str, lang: str | None = None, *, expired: bool = False) -> str:
    query = {"next": next_path}
    if lang:
        query["lang"] = lang
    if expired:
        query["expired"] = "1"
    return "/auth/login?" + urlencode(query)


def _lang(request: Request, form: dict | None = None) -> str:
    chosen = (form or {}).get("lang") or request.query_params.get("lang")
    if not chosen:
        accepted = request.headers.get("accept-language", "")
        chosen = "en" if accepted.lower().startswith("en") else None
    return i18n.language(chosen)


def _page(lang: str, *, next_path: str, token: str, message: str = "", info: str = "") -> str:
    def t(key: str, **params) -> str:
        return html.escape(i18n.t(key, lang, **params))

    alert = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    note = f'<p class="info" role="status">{html.escape(info)}</p>' if info else ""
    back = "/signup?" + urlencode({"lang": lang})
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t("login.title")} · Verve</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/login.css">
</head>
<body>
<main>
<h1>{t("login.title")}</h1>
{note}{alert}
<form method="post" action="/auth/login">
<input type="hidden" name="csrf" value="{html.escape(token)}">
<input type="hidden" name="next" value="{html.escape(next_path)}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{t("login.username")}</label>
<input id="username" name="username" autocomplete="username" required maxlength="200" autofocus>
<label for="password">{t("login.password")}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required
 maxlength="1000">
<button type="submit">{t("login.submit")}</button>
</form>
<p><a href="{html.escape(back)}">{t("login.back_to_public")}</a></p>
</main>
</body>
</html>"""


def _form(request: Request, lang: str, next_path: str, *, message="", info="", status=200):
    token = secrets.token_urlsafe(24)
    response = HTMLResponse(
        _page(lang, next_path=next_path, token=token, message=message, info=info), status
    )
    response.headers["Cache-Control"] = "no-store"
    cookies.set_cookie(response, request, cookies.CSRF, token)
    return response


def show_login(request: Request) -> Response:
    lang = _lang(request)
    expired = request.query_params.get("expired") == "1"
    return _form(
        request,
        lang,
        safe_next(request.query_params.get("next")),
        info=i18n.t("login.session_expired", lang) if expired else "",
    )


async def submit_login(request: Request) -> Response:
    form = dict(await request.form())
    lang = _lang(request, form)
    next_path = safe_next(form.get("next"))
    sent, kept = str(form.get("csrf", "")), request.cookies.get(cookies.CSRF, "")
    if not sent or not kept or not secrets.compare_digest(sent, kept):
        message = i18n.t("login.form_expired", lang)
        return _form(request, lang, next_path, message=message, status=403)
    from starlette.concurrency import run_in_threadpool

    outcome, token, locked_text = await run_in_threadpool(
        _log_in,
        str(form.get("username", "")),
        str(form.get("password", "")),
        request.client.host if request.client else None,
        lang,
    )
    if token is None:
        key = "errors.account_locked" if locked_text else "errors.authentication_failed"
        message = i18n.t(key, lang, until=locked_text or "")
        return _form(request, lang, next_path, message=message, status=401)
    separator = "&" if "?" in next_path else "?"
    target = next_path if "lang=" in next_path else f"{next_path}{separator}lang={lang}"
    response = RedirectResponse(target, status_code=303)
    cookies.set_cookie(response, request, cookies.SESSION, token)
    response.delete_cookie(cookies.CSRF, path="/")
    return response


def _log_in(username: str, password: str, client: str | None, lang: str):
    """One transaction: the attempt is recorded either way; a session only on success."""
    with sessions().begin() as session:
        office_zone(session)
        outcome = attempt_login(
            session=session, username=username, password=password, client=client
        )
        if outcome.actor is None:
            locked = format_time(outcome.locked_until, lang) if outcome.locked_until else None
            return outcome, None, locked
        return outcome, start_session(session=session, actor=outcome.actor), None


ROUTES = [
    Route("/auth/login", show_login, methods=["GET"]),
    Route("/auth/login", submit_login, methods=["POST"]),
]
