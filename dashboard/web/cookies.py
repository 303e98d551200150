"""The cookies Verve sets, in one place: names and the attributes they are set with."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

SESSION = "verve_session"
CSRF = "verve_csrf"
#: The applicant's personal-link token, moved out of the URL on first open.
SELF_SERVICE = "verve_self_service"


def is_https(request: Request) -> bool:
    """Behind a trusted proxy uvicorn has already applied X-Forwarded-Proto."""
    return request.url.scheme == "https"


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int | None = None
) -> None:
    """HttpOnly, SameSite=Lax, whole site; Secure when the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
