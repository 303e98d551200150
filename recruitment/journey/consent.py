"""The privacy notice applicants consent to: the current version is kept as a row, so
every applicant's consent points at the exact text they accepted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ConsentVersion
from recruitment.core.i18n import t

#: Bump this (and edit `privacy.text`) when the notice changes; older rows stay.
CURRENT_VERSION = "2026-11"


def current_consent_version(session: Session) -> ConsentVersion:
    """The row of the current privacy notice, created from the catalogue on first use."""
    row = session.scalar(select(ConsentVersion).where(ConsentVersion.version == CURRENT_VERSION))
    if row is not None:
        return row
    # Two first sign-ups at once may both try to create it; the loser reads the winner's.
    try:
        with session.begin_nested():
            row = ConsentVersion(
                version=CURRENT_VERSION,
                text_nb=t("privacy.text", "nb"),
                text_en=t("privacy.text", "en"),
            )
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        return session.scalars(
            select(ConsentVersion).where(ConsentVersion.version == CURRENT_VERSION)
        ).one()


def consent_text(session: Session, lang: str) -> tuple[str, str]:
    """(version, text) of the current notice in `lang`."""
    row = current_consent_version(session)
    return row.version, row.text_en if lang == "en" else row.text_nb
