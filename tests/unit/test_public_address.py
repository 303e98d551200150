"""The public address links are built from: validated, and `VERVE_PUBLIC_URL` wins."""

import pytest

from recruitment.core.errors import ValidationFailed
from recruitment.core.links import check_public_base_url, points_to_this_machine


@pytest.mark.parametrize(
    "value",
    ["https://verve.kommune.no", "https://verve.kommune.no/", "http://10.0.0.5:8501/verve"],
)
def test_a_full_http_address_is_accepted_without_its_trailing_slash(value):
    assert check_public_base_url(value) == value.rstrip("/")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "verve.kommune.no",
        "ftp://verve.kommune.no",
        "https://",
        "https://verve.kommune.no/?token=x",
        "https://verve.kommune.no/#top",
        "https://user:pw@verve.kommune.no",
        "https://verve kommune.no",
        "https://verve.kommune.no:99999",
    ],
)
def test_anything_else_is_refused_with_a_message(value):
    with pytest.raises(ValidationFailed) as error:
        check_public_base_url(value)
    assert error.value.fields == {"public_base_url": "errors.bad_public_url"}


def test_localhost_addresses_are_recognised():
    assert points_to_this_machine("http://localhost:8501")
    assert points_to_this_machine("http://127.0.0.1:8501")
    assert not points_to_this_machine("https://verve.kommune.no")
