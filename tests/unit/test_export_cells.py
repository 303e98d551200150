"""The spreadsheet formula guard, without a database."""

import pytest

from recruitment.casework.exports import safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-2+3", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Åse",
        "",
        "a=b",
        "1-2",
        42,
        -5,
        None,
        "'already quoted",
        "+4792667463",
        "+47 900 00 000",
        "-2",
    ],
)
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_an_xlsx_export_has_phone_numbers_as_plain_text_and_formulas_as_text():
    import io

    from openpyxl import load_workbook

    from recruitment.casework.exports import to_xlsx_bytes

    rows = [{"phone": "+4792667463", "note": "=1+1", "n": 3}]
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(rows))).active
    phone, formula, number = sheet[2]
    assert (phone.value, phone.data_type) == ("+4792667463", "s")
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+1", "s", True)
    assert not phone.quotePrefix
    assert number.value == 3
