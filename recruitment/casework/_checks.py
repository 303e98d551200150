"""Whether an applicant's police certificate (politiattest) has been seen: the rule of
helse- og omsorgstjenesteloven § 5-4 that interviews (when the office wants it first) and
placements check before they go ahead. A building block for those services, which check
who may act; pages and the command line never import this module."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ApplicantCheck, CheckKind


def police_certificate_seen(session: Session, applicant_id: int) -> bool:
    """Whether the police certificate is recorded as seen (a placement may not start before)."""
    seen_on = session.scalar(
        select(ApplicantCheck.seen_on).where(
            ApplicantCheck.applicant_id == applicant_id,
            ApplicantCheck.kind == CheckKind.POLICE_CERTIFICATE.value,
        )
    )
    return seen_on is not None
