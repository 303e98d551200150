"""Links to the public pages, as they go into e-mails and calendar invites.

One builder, so every message gives an applicant the same personal link: the page, the
token, and the language the person chose (the page opens in it)."""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session

from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import language
from recruitment.core.settings import get_setting

#: URL paths of the public pages (as `dashboard/navigation.py` declares them).
SIGNUP_PAGE = "signup"
SELF_SERVICE_PAGE = "my-page"


#: Set by the deployment, it wins over the admin's `public_base_url` setting.
PUBLIC_URL_ENV = "VERVE_PUBLIC_URL"


def check_public_base_url(value: object) -> str:
    """The public address as links need it (`https://verve.example.kommune.no`, a path
    allowed), or ValidationFailed: http(s), a host, no query, fragment or password."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
        parts = urlsplit("")
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or not port_ok
        or parts.query
        or parts.fragment
        or parts.password
        or any(ch.isspace() for ch in text)
    ):
        raise ValidationFailed({"public_base_url": "errors.bad_public_url"})
    return text.rstrip("/")


def public_base_url(session: Session) -> str:
    """`VERVE_PUBLIC_URL` when the deployment sets it, else the `public_base_url` setting."""
    from_env = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if from_env:
        return check_public_base_url(from_env)
    return str(get_setting(session, "public_base_url")).rstrip("/")


def points_to_this_machine(base: str) -> bool:
    """Whether links would point at localhost (useless in an applicant's mailbox)."""
    host = (urlsplit(base).hostname or "").lower()
    return host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.endswith(".localhost")


def public_url(session: Session, page: str, lang: str, **params: str) -> str:
    """The address of public `page` under the public base address, in `lang`."""
    base = public_base_url(session)
    query = urlencode({**params, "lang": language(lang)})
    return f"{base}/{page}?{query}"


def self_service_url(session: Session, token: str, lang: str) -> str:
    """The applicant's personal link (their page, reached without logging in)."""
    return public_url(session, SELF_SERVICE_PAGE, lang, token=token)


def signup_url(session: Session, lang: str) -> str:
    """The public sign-up page."""
    return public_url(session, SIGNUP_PAGE, lang)
