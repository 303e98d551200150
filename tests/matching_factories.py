"""Small factories for the matching tests: approved contacts and waiting service users."""

from __future__ import annotations

from datetime import date, timedelta

from db.models import Applicant, ApplicantCheck, CheckKind, ServiceUser

_counter = iter(range(1, 10_000_000))


def approve(
    session_factory, applicant_id: int, *, police_certificate: bool = True, stage: str = "approved"
) -> int:
    """Put an applicant at `stage` (arranged directly) with the police certificate seen."""
    with session_factory.begin() as s:
        applicant = s.get(Applicant, applicant_id)
        applicant.stage = stage
        if police_certificate:
            s.add(
                ApplicantCheck(
                    applicant_id=applicant_id,
                    kind=CheckKind.POLICE_CERTIFICATE.value,
                    issued_on=date.today() - timedelta(days=10),
                    seen_on=date.today() - timedelta(days=5),
                )
            )
    return applicant_id


def make_contact(
    session_factory,
    make_applicant,
    *,
    police_certificate: bool = True,
    stage: str = "approved",
    **fields,
) -> int:
    """An approved support contact with the given profile."""
    values = {
        "postcode": "1606",
        "area": "Fredrikstad",
        "interests": [],
        "languages": ["no"],
        "target_groups": [],
    }
    values.update(fields)
    return approve(
        session_factory,
        make_applicant(**values),
        police_certificate=police_certificate,
        stage=stage,
    )


def make_service_user(session_factory, **fields) -> int:
    """A waiting service user, arranged directly in the database."""
    n = next(_counter)
    values = {
        "case_ref": f"SAK-{n:05d}",
        "age_group": "youth",
        "postcode": "1606",
        "area": "Fredrikstad",
        "interests": [],
        "languages": [],
        "preferences": {},
        "hours_per_month": 8,
        "waiting_since": date.today() - timedelta(days=30),
        "status": "waiting",
    }
    values.update(fields)
    with session_factory.begin() as s:
        user = ServiceUser(**values)
        s.add(user)
        s.flush()
        return user.id
