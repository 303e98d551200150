"""One person per e-mail address: a second sign-up updates, an exited person is reopened."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import Applicant, ConsentVersion, Stage, StageEvent
from recruitment.core._moves import move_applicant
from recruitment.core.errors import PermissionDenied, ValidationFailed
from recruitment.journey.applicants import _upsert_applicant, clean_applicant_input, register_caller
from recruitment.journey.consent import CURRENT_VERSION


def raw(**changes) -> dict:
    values = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@example.no",
        "phone": "91234567",
        "postcode": "1606",
        "birth_year": 1960,
        "consent": True,
    }
    values.update(changes)
    return values


def sign_up(session_factory, **changes) -> tuple[int, bool]:
    with session_factory.begin() as s:
        applicant, created = _upsert_applicant(
            session=s,
            data=clean_applicant_input(raw(**changes)),
            source="website",
            by_id=None,
            lang="nb",
        )
        return applicant.id, created


def test_a_new_e_mail_creates_an_applicant_in_signed_up_with_consent_and_a_token(
    session_factory, session
):
    applicant_id, created = sign_up(session_factory)
    assert created
    applicant = session.get(Applicant, applicant_id)
    assert applicant.stage == Stage.SIGNED_UP
    assert applicant.consent_at is not None
    consent = session.get(ConsentVersion, applicant.consent_version_id)
    assert consent.version == CURRENT_VERSION and "personvern" not in consent.text_en.lower()
    assert len(applicant.token) >= 43
    assert applicant.token_expires_at > datetime.now(UTC) + timedelta(days=29)
    events = session.scalars(
        select(StageEvent).where(StageEvent.applicant_id == applicant_id)
    ).all()
    assert [(e.from_stage, e.to_stage) for e in events] == [(None, "signed_up")]


def test_the_same_e_mail_typed_differently_updates_the_one_applicant(session_factory, session):
    first_id, _ = sign_up(session_factory)
    token = session.get(Applicant, first_id).token
    session.rollback()  # end the read (SQLite: release the writer lock BEGIN IMMEDIATE took)
    second_id, created = sign_up(
        session_factory,
        email="  KARI@Example.NO ",
        phone="+46 70 123 45 67",
        first_name="Kari Anne",
    )
    assert second_id == first_id and not created
    assert session.scalar(select(func.count()).select_from(Applicant)) == 1
    session.expire_all()
    applicant = session.get(Applicant, first_id)
    assert applicant.first_name == "Kari Anne" and applicant.phone == "+46701234567"
    assert applicant.token == token  # the link already sent keeps working
    assert session.scalar(select(func.count()).select_from(StageEvent)) == 1


def test_a_withdrawn_applicant_who_signs_up_again_is_reopened_with_a_reason(
    session_factory, session
):
    applicant_id, _ = sign_up(session_factory)
    with session_factory.begin() as s:
        move_applicant(
            session=s,
            applicant_id=applicant_id,
            to_stage="withdrawn",
            by_id=None,
            reason_code="no_time",
        )
    again_id, created = sign_up(session_factory)
    assert again_id == applicant_id and not created
    applicant = session.get(Applicant, applicant_id)
    assert applicant.stage == Stage.SIGNED_UP and applicant.exit_reason is None
    last = session.scalars(select(StageEvent).order_by(StageEvent.id.desc())).first()
    assert (last.from_stage, last.to_stage, last.reason_code) == (
        "withdrawn",
        "signed_up",
        "reopened",
    )


def test_an_expired_token_is_replaced_on_a_new_sign_up(session_factory, session):
    applicant_id, _ = sign_up(session_factory)
    with session_factory.begin() as s:
        applicant = s.get(Applicant, applicant_id)
        old = applicant.token
        applicant.token_expires_at = datetime.now(UTC) - timedelta(days=1)
    sign_up(session_factory)
    session.expire_all()
    assert session.get(Applicant, applicant_id).token != old


def test_staff_register_a_caller_with_source_phone(session_factory, session, coordinator):
    with session_factory.begin() as s:
        result = register_caller(session=s, actor=coordinator, raw=raw(source="website"))
    applicant = session.get(Applicant, result.applicant_id)
    assert result.created and applicant.source == "phone"
    assert session.scalars(select(StageEvent)).one().by_id == coordinator.id


def test_a_manager_may_not_register_a_caller(session_factory, manager):
    with pytest.raises(PermissionDenied), session_factory.begin() as s:
        register_caller(session=s, actor=manager, raw=raw())


def test_staff_sign_up_uses_the_same_validation(session_factory, session, coordinator):
    with pytest.raises(ValidationFailed) as caught, session_factory.begin() as s:
        register_caller(session=s, actor=coordinator, raw=raw(email="nope", postcode="12"))
    assert set(caught.value.fields) == {"email", "postcode"}
    assert session.scalar(select(func.count()).select_from(Applicant)) == 0
