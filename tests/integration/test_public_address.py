"""Links use `VERVE_PUBLIC_URL` over the setting; an admin cannot save a bad address."""

import pytest

from recruitment.accounts.office_settings import change_settings
from recruitment.core.errors import ValidationFailed
from recruitment.core.links import self_service_url


def test_the_environment_wins_over_the_setting(session, monkeypatch):
    monkeypatch.setenv("VERVE_PUBLIC_URL", "https://verve.kommune.no/")
    assert self_service_url(session, "tok", "nb").startswith("https://verve.kommune.no/my-page?")
    monkeypatch.delenv("VERVE_PUBLIC_URL")
    assert self_service_url(session, "tok", "nb").startswith("http://localhost:8501/my-page?")


def test_a_bad_public_address_is_refused_and_nothing_is_saved(session, admin):
    with pytest.raises(ValidationFailed):
        change_settings(
            session=session, actor=admin, values={"public_base_url": "verve.kommune.no"}
        )
    change_settings(
        session=session, actor=admin, values={"public_base_url": "https://verve.kommune.no/"}
    )
    assert self_service_url(session, "tok", "en").startswith("https://verve.kommune.no/my-page")
