"""Changes that wait for the owner of an e-mail address: the building block behind
"nothing changes until you confirm from your mailbox".

A sign-up with an address that is already registered, and a new address typed on My
page, are kept here and mailed to the address as a link with a one-time code. Only the
code's SHA-256 is stored; the link works for `CONFIRM_VALID` and once. Not a service:
the public sign-up and the personal link call it (see UNGUARDED in
recruitment/core/access.py); pages and the command line never import this module."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Applicant, PendingChange, utcnow
from recruitment.core import links
from recruitment.core.errors import NotFound
from recruitment.core.settings import get_setting
from recruitment.messaging._queue import queue_email

#: How long a confirmation link works.
CONFIRM_VALID = timedelta(hours=48)
_CODE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class UnknownConfirmation(NotFound):
    """An unknown, used or expired confirmation link: all answer the same."""

    key = "self_service.unknown_confirmation"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def confirm_url(session: Session, code: str, lang: str) -> str:
    return links.public_url(session, links.SELF_SERVICE_PAGE, lang, confirm=code)


def ask_owner(
    *,
    session: Session,
    applicant: Applicant,
    kind: str,
    payload: dict,
    to_address: str,
    mail_kind: str,
    lang: str,
    context: dict[str, object] | None = None,
    now: datetime | None = None,
) -> None:
    """Keep `payload` as a change of `applicant` waiting for confirmation, and mail the
    link to `to_address`. An earlier unconfirmed change of the same kind is replaced."""
    now = now or utcnow()
    session.execute(
        delete(PendingChange).where(
            PendingChange.applicant_id == applicant.id, PendingChange.kind == kind
        )
    )
    code = secrets.token_urlsafe(32)
    session.add(
        PendingChange(
            applicant_id=applicant.id,
            kind=kind,
            code_hash=_hash(code),
            payload=payload,
            created_at=now,
            expires_at=now + CONFIRM_VALID,
        )
    )
    queue_email(
        session=session,
        kind=mail_kind,
        to_address=to_address,
        lang=lang,
        context={
            "first_name": applicant.first_name,
            "confirm_url": confirm_url(session, code, lang),
            "valid_hours": int(CONFIRM_VALID.total_seconds() // 3600),
            "office_name": get_setting(session, "office_name"),
            **(context or {}),
        },
        applicant_id=applicant.id,
    )
    session.flush()


def find(
    session: Session, code: str | None, *, lock: bool = False, now: datetime | None = None
) -> PendingChange:
    """The waiting change this code confirms, or UnknownConfirmation."""
    now = now or utcnow()
    code = code or ""
    # Query parameters get the same rules as every text: nothing but the code's alphabet.
    if not _CODE.fullmatch(code):
        raise UnknownConfirmation("no such confirmation")
    query = select(PendingChange).where(PendingChange.code_hash == _hash(code))
    if lock:
        query = query.with_for_update()
    change = session.scalars(query).first()
    if change is None or change.expires_at <= now:
        raise UnknownConfirmation("no such confirmation")
    applicant = session.get(Applicant, change.applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise UnknownConfirmation("no such confirmation")
    return change
