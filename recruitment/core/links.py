"""Links to the public pages, as they go into e-mails and calendar invites.

One builder, so every message gives an applicant the same personal link: the page, the
token, and the language the person chose (the page opens in it)."""

from __future__ import annotations

import html
import os
import re
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


# --- links in queued messages ----------------------------------------------------------

#: Where the public address stands in a message while it waits in the outbox: the mail
#: worker puts the address of the moment in just before sending (`fill_public_url`), so
#: a message queued before the address changed still carries a live link.
PUBLIC_URL_MARK = "{verve_public_url}"

_ICS_FOLD = re.compile(r"\r?\n[ \t]")


def _in_format(base: str, fmt: str) -> str:
    """The address as it is written in text, HTML or an .ics property value."""
    if fmt == "html":
        return html.escape(base, quote=True)
    if fmt == "ics":
        return base.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return base


def _swap(text: str, old: str, new: str, fmt: str) -> str:
    if fmt != "ics":
        return text.replace(old, new)
    # An .ics folds its lines at 75 octets, possibly inside the address: unfold, swap,
    # fold again. A calendar without the address stays as it was, byte for byte.
    unfolded = _ICS_FOLD.sub("", text)
    if old not in unfolded:
        return text
    lines = unfolded.replace(old, new).split("\r\n")
    return "\r\n".join(_fold(line) for line in lines)


def _fold(line: str) -> str:
    """An .ics content line folded at 75 octets (RFC 5545 3.1), never inside a character."""
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > 75:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n".join(parts)


def mark_public_url(base: str, text: str | None, fmt: str = "text") -> str | None:
    """`text` (a message as rendered when queued) with every link under the public
    address `base` pointing at PUBLIC_URL_MARK instead. `fmt`: text, html or ics."""
    if not text or not base:
        return text
    return _swap(text, _in_format(base, fmt) + "/", PUBLIC_URL_MARK + "/", fmt)


def fill_public_url(base: str, text: str | None, fmt: str = "text") -> str | None:
    """A queued message's `text` with the public address `base` put in for the mark."""
    if not text:
        return text
    return _swap(text, PUBLIC_URL_MARK + "/", _in_format(base, fmt) + "/", fmt)
