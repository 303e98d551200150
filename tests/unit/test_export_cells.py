"""The spreadsheet formula guard, without a database."""

import pytest

from recruitment.casework.exports import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+47 900 00 000", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Åse", "", "a=b", "1-2", 42, -5, None, "'already quoted"])
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value
