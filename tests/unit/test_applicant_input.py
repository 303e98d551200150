"""Cleaning a sign-up: every bad input the issue lists gets its own catalogue message."""

from datetime import date

import pytest

from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import catalogue
from recruitment.journey.applicants import ApplicantInput, clean_applicant_input, new_token

TODAY = date(2026, 11, 23)


def good(**changes) -> dict:
    raw = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "Kari.Nordmann@Example.NO",
        "phone": "912 34 567",
        "postcode": "1606",
        "birth_year": "1958",
        "languages": ["no", "en"],
        "interests": ["outdoors", "cafe_chat"],
        "availability": ["weekend"],
        "target_groups": ["elderly"],
        "source": "newspaper",
        "consent": True,
    }
    raw.update(changes)
    return raw


def errors_for(raw: dict) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        clean_applicant_input(raw, today=TODAY)
    return caught.value.fields


def test_a_good_sign_up_comes_back_clean_and_normalised():
    data = clean_applicant_input(good(first_name="  Kari   Anne "), today=TODAY)
    assert isinstance(data, ApplicantInput)
    assert data.first_name == "Kari Anne"
    assert data.email == "kari.nordmann@example.no"
    assert data.phone == "+4791234567"
    assert data.birth_year == 1958
    assert data.source == "newspaper"
    assert data.consent is True


def test_every_bad_field_is_reported_at_once_with_catalogue_keys():
    fields = errors_for(
        good(
            first_name=" ",
            last_name="",
            email="nope",
            phone="12",
            postcode="160",
            birth_year="2020",
            consent=False,
        )
    )
    assert fields == {
        "first_name": "validation.required",
        "last_name": "validation.required",
        "email": "validation.email_invalid",
        "phone": "validation.phone_invalid",
        "postcode": "validation.postcode_invalid",
        "birth_year": "validation.too_young",
        "consent": "validation.consent_required",
    }
    assert set(fields.values()) <= set(catalogue())


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "email", "phone", "postcode", "birth_year"]
)
@pytest.mark.parametrize("blank", ["", "   ", "\t\n", None])
def test_empty_and_whitespace_only_required_fields_are_refused(field, blank):
    assert errors_for(good(**{field: blank})) == {field: "validation.required"}


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "email", "phone", "postcode", "about"]
)
def test_ten_thousand_character_fields_are_refused_as_too_long(field):
    assert errors_for(good(**{field: "a" * 10_000})) == {field: "validation.too_long"}


@pytest.mark.parametrize(
    "email",
    [
        "plainaddress",
        "@example.no",
        "kari@",
        "kari@@example.no",
        "kari@example",
        "kari nordmann@example.no",
    ],
)
def test_malformed_e_mail_addresses_are_refused(email):
    assert errors_for(good(email=email)) == {"email": "validation.email_invalid"}


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Åse@Bærum.NO", "åse@bærum.no"),
        ("ola@ÆØÅ.no", "ola@æøå.no"),
        ("  OLA@EXAMPLE.NO  ", "ola@example.no"),
    ],
)
def test_internationalised_e_mail_addresses_are_accepted_and_normalised(typed, stored):
    assert clean_applicant_input(good(email=typed), today=TODAY).email == stored


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("91234567", "+4791234567"),
        ("912 34 567", "+4791234567"),
        ("+47 912 34 567", "+4791234567"),
        ("0047 91234567", "+4791234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_norwegian_and_international_phone_numbers_are_accepted(typed, stored):
    assert clean_applicant_input(good(phone=typed), today=TODAY).phone == stored


@pytest.mark.parametrize(
    "phone", ["1234567", "912345678", "call me", "+1 23", "91234567; DROP TABLE"]
)
def test_phone_numbers_that_are_not_numbers_are_refused(phone):
    assert errors_for(good(phone=phone)) == {"phone": "validation.phone_invalid"}


@pytest.mark.parametrize("postcode", ["160", "16060", "16a6", "NO-1606", "１６０６"])
def test_postcodes_that_are_not_four_digits_are_refused(postcode):
    assert errors_for(good(postcode=postcode)) == {"postcode": "validation.postcode_invalid"}


@pytest.mark.parametrize("postcode", ["0000", "9999", "1600"])
def test_four_digits_that_are_no_norwegian_postcode_are_refused(postcode):
    assert errors_for(good(postcode=postcode)) == {"postcode": "validation.postcode_unknown"}


def test_the_birth_year_messages_say_what_is_wrong():
    from recruitment.core.i18n import t

    with pytest.raises(ValidationFailed) as caught:
        clean_applicant_input(good(birth_year="1800"), today=TODAY)
    assert t("validation.birth_year_too_old", "en", **caught.value.params) == (
        "The year of birth is too long ago: a support contact cannot be over 100."
    )


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200b \u2060", "\u202e\u202d"])
def test_a_name_of_invisible_characters_alone_is_empty(name):
    assert errors_for(good(first_name=name)) == {"first_name": "validation.required"}


def test_a_right_to_left_override_is_removed_from_names():
    cleaned = clean_applicant_input(good(first_name="Kari\u202eexe.txt"), today=TODAY)
    assert cleaned.first_name == "Kariexe.txt"


@pytest.mark.parametrize(
    "year, key",
    [
        ("2027", "validation.birth_year_future"),
        ("3000", "validation.birth_year_future"),
        ("2009", "validation.too_young"),
        ("1900", "validation.birth_year_too_old"),
        ("1800", "validation.birth_year_too_old"),
        ("nineteen", "validation.birth_year_invalid"),
        ("-1960", "validation.birth_year_invalid"),
        ("19600", "validation.birth_year_invalid"),
        ("１９６０", "validation.birth_year_invalid"),
    ],
)
def test_birth_years_in_the_future_or_under_eighteen_are_refused(year, key):
    assert errors_for(good(birth_year=year)) == {"birth_year": key}


def test_someone_turning_eighteen_this_year_may_sign_up():
    assert clean_applicant_input(good(birth_year="2008"), today=TODAY).birth_year == 2008


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "**Kari** [click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_script_and_markdown_in_names_and_free_text_are_kept_as_typed_text(text):
    data = clean_applicant_input(good(first_name=text, about=text), today=TODAY)
    # Stored as typed: it is the pages' job to show it as text, never as HTML.
    assert data.first_name == text
    assert data.about == text


@pytest.mark.parametrize("field", ["languages", "interests", "availability", "target_groups"])
def test_unknown_choices_are_refused(field):
    assert errors_for(good(**{field: ["not-a-code"]})) == {field: "validation.unknown_choice"}


def test_an_unknown_source_is_refused_and_a_missing_one_means_the_website():
    assert errors_for(good(source="carrier-pigeon")) == {"source": "validation.unknown_choice"}
    assert clean_applicant_input(good(source=None), today=TODAY).source == "website"


def test_consent_may_be_waived_for_imports_only():
    assert errors_for(good(consent=False)) == {"consent": "validation.consent_required"}
    assert (
        clean_applicant_input(good(consent=False), today=TODAY, require_consent=False).consent
        is False
    )


def test_asking_to_be_phoned_marks_a_preference_for_the_phone():
    data = clean_applicant_input(good(callback_requested=True), today=TODAY)
    assert data.callback_requested and data.prefers_phone


def test_tokens_carry_at_least_128_bits_and_differ():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 43 for token in tokens)  # 32 bytes in URL-safe base64
