"""The journey's e-mail texts render with the context booking.mail_context gives."""

import pytest

from recruitment.i18n import catalogue, t

CONTEXT = {
    "first_name": "Kari",
    "when": "tirsdag 1. desember 2026 kl. 18.00",
    "duration_minutes": 90,
    "mode": "Digitalt møte",
    "place": "https://teams.example.com/meet/abc",
    "status": "Du har fått plass på møtet.",
    "self_service_url": "http://localhost:8501/my-page?token=abc",
    "office_name": "Støttekontakttjenesten",
}
KINDS = [
    "booking_confirmation",
    "booking_cancelled",
    "waitlist_moved_up",
    "rebooked",
    "callback_requested",
]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_journey_mail_renders_and_carries_the_personal_link(kind, lang):
    assert f"mail_signup.{kind}_subject" in catalogue()
    subject = t(f"mail_signup.{kind}_subject", lang, **CONTEXT)
    body = t(f"mail_signup.{kind}_body", lang, **CONTEXT)
    assert "{" not in subject + body
    assert CONTEXT["self_service_url"] in body
    assert "Kari" in body


@pytest.mark.parametrize("kind", ["booking_confirmation", "waitlist_moved_up", "rebooked"])
def test_booking_mails_say_when_and_where(kind):
    body = t(f"mail_signup.{kind}_body", "en", **CONTEXT)
    assert CONTEXT["when"] in body and CONTEXT["place"] in body
