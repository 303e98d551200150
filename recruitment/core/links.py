"""Links to the public pages, as they go into e-mails and calendar invites.

One builder, so every message gives an applicant the same personal link: the page, the
token, and the language the person chose (the page opens in it)."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.orm import Session

from recruitment.core.i18n import language
from recruitment.core.settings import get_setting

#: URL paths of the public pages (as `dashboard/navigation.py` declares them).
SIGNUP_PAGE = "signup"
SELF_SERVICE_PAGE = "my-page"


def public_url(session: Session, page: str, lang: str, **params: str) -> str:
    """The address of public `page` under the `public_base_url` setting, in `lang`."""
    base = str(get_setting(session, "public_base_url")).rstrip("/")
    query = urlencode({**params, "lang": language(lang)})
    return f"{base}/{page}?{query}"


def self_service_url(session: Session, token: str, lang: str) -> str:
    """The applicant's personal link (their page, reached without logging in)."""
    return public_url(session, SELF_SERVICE_PAGE, lang, token=token)


def signup_url(session: Session, lang: str) -> str:
    """The public sign-up page."""
    return public_url(session, SIGNUP_PAGE, lang)
