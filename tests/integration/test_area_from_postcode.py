"""Every applicant gets the area that follows from the postcode (its municipality),
however they came in: the public form, a phone call, the personal link, an import."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import Applicant
from recruitment.casework.applicant_list import ApplicantFilters, applicant_page
from recruitment.casework.importing import confirm_import, read_table, suggest_mapping
from recruitment.core.errors import ValidationFailed
from recruitment.journey import applicants, self_service
from recruitment.journey.applicants import _ensure_token

FORM = {
    "first_name": "Kari",
    "last_name": "Nordmann",
    "email": "kari@example.no",
    "phone": "91234567",
    "postcode": "1606",
    "birth_year": 1960,
    "consent": True,
}


def test_a_public_sign_up_gets_the_area_of_its_postcode_and_the_area_filter_finds_it(
    session_factory, session, coordinator
):
    with session_factory.begin() as s:
        result = applicants.sign_up(session=s, raw=FORM, meeting_id=None, callback=True)
    assert session.get(Applicant, result.applicant_id).area == "Fredrikstad"
    frame, total = applicant_page(
        session=session,
        actor=coordinator,
        filters=ApplicantFilters(area="Fredrikstad"),
        page_size=50,
        now=datetime.now(UTC) + timedelta(minutes=1),
    )
    assert total == 1


def test_a_phone_sign_up_gets_the_area_of_its_postcode(session_factory, session, coordinator):
    with session_factory.begin() as s:
        result = applicants.register_caller(
            session=s,
            actor=coordinator,
            # merge: drop the e-mail once phone sign-up allows none
            raw={**FORM, "email": "per@example.no", "postcode": "0150"},
        )
    assert session.get(Applicant, result.applicant_id).area == "Oslo"


def test_moving_on_the_personal_link_moves_the_area_too(session_factory, session, make_applicant):
    applicant_id = make_applicant(postcode="1606", area="Fredrikstad")
    with session_factory.begin() as s:
        token = _ensure_token(s, s.get(Applicant, applicant_id))
    with session_factory.begin() as s:
        self_service.update_my_contact(
            session=s,
            token=token,
            raw={
                "first_name": "Ola",
                "last_name": "Nordmann",
                "email": "ola.new@example.no",
                "phone": "91234567",
                "postcode": "5003",
            },
        )
    assert session.get(Applicant, applicant_id).area == "Bergen"


def test_an_import_without_an_area_column_takes_the_area_from_the_postcode(
    session_factory, session, coordinator
):
    table = read_table(
        b"Fornavn;Etternavn;E-post;Postnr\nOla;Nordmann;ola@example.no;1606\n", "a.csv"
    )
    with session_factory.begin() as s:
        confirm_import(
            session=s, actor=coordinator, table=table, mapping=suggest_mapping(table.headers)
        )
    assert session.scalar(select(Applicant.area)) == "Fredrikstad"


def test_an_unknown_postcode_is_refused_rather_than_given_a_wrong_area(session_factory, session):
    with pytest.raises(ValidationFailed) as refused, session_factory.begin() as s:
        applicants.sign_up(
            session=s, raw={**FORM, "postcode": "0999"}, meeting_id=None, callback=True
        )
    assert refused.value.fields == {"postcode": "validation.postcode_unknown"}
    assert session.scalar(select(func.count()).select_from(Applicant)) == 0
