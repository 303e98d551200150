"""SMS length (GSM-7 with æøå, UCS-2 otherwise), the opt-out word, Norwegian mobile
numbers in E.164, and templates that fit one SMS."""

from __future__ import annotations

import pytest

from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import LANGUAGES
from recruitment.core.validation import display_phone, sms_number
from recruitment.messaging.sms import SMS_KINDS, is_opt_out, preview_sms, sms_length


def test_norwegian_letters_are_in_the_gsm_alphabet_so_160_fit_one_sms():
    text = "æøå ÆØÅ " * 20  # 160 characters
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments, length.remaining) == (
        "GSM-7",
        160,
        1,
        0,
    )
    assert sms_length(text + "x").segments == 2  # 161: two parts of 153


def test_one_character_outside_gsm_makes_the_whole_message_ucs2():
    length = sms_length("Hei Kari 🙂")
    assert length.encoding == "UCS-2" and length.units == 11 and length.per_segment == 70
    assert sms_length("ő" * 71).segments == 2
    assert sms_length("“sitat”").encoding == "UCS-2"  # curly quotes are not GSM


def test_the_euro_sign_and_brackets_cost_two_septets():
    assert sms_length("€[]").units == 6
    assert sms_length("").segments == 0


@pytest.mark.parametrize("reply", ["STOPP", " stopp. ", "Stop", "AVSLUTT"])
def test_the_opt_out_word_is_recognised_alone(reply):
    assert is_opt_out(reply)


@pytest.mark.parametrize("reply", ["Ikke stopp meg", "stoppe", "Takk!"])
def test_a_sentence_with_stopp_in_it_is_not_an_opt_out(reply):
    assert not is_opt_out(reply)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("912 34 567", "+4791234567"),
        ("+47 41234567", "+4741234567"),
        ("0047 912 34 567", "+4791234567"),
    ],
)
def test_norwegian_mobile_numbers_become_e164(typed, e164):
    assert sms_number(typed) == e164


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("+46 70 123 45 67", "validation.sms_number_not_norwegian"),
        ("+1 202 555 0143", "validation.sms_number_not_norwegian"),
        ("22 22 22 22", "validation.sms_number_not_mobile"),
        ("1234", "validation.sms_number_invalid"),
        ("ring meg", "validation.sms_number_invalid"),
    ],
)
def test_foreign_landline_and_malformed_numbers_get_their_own_message(typed, key):
    with pytest.raises(ValidationFailed) as refused:
        sms_number(typed)
    assert refused.value.fields == {"phone": key}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", SMS_KINDS)
def test_every_sms_template_fits_one_gsm_segment_with_sample_values(kind, lang):
    text = preview_sms(kind, lang)
    length = sms_length(text)
    assert length.encoding == "GSM-7", text
    assert length.segments == 1, (length, text)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+4791234568", "912 34 568"),  # mobile: 3-2-3, as Norwegians write it
        ("+4741234567", "412 34 567"),
        ("+4780012345", "800 12 345"),
        ("+4769123456", "69 12 34 56"),  # landline: in pairs
        ("+46701234567", "+46 70 123 45 67"),  # foreign: international
        ("ring sentralbordet", "ring sentralbordet"),  # not a number: as it is
        (None, ""),
    ],
)
def test_numbers_are_shown_as_they_are_dialled(stored, shown):
    assert display_phone(stored) == shown
