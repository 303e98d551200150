"""Templates, MIME building and settings, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from recruitment.core.timefmt import format_when
from recruitment.messaging import mail
from recruitment.messaging.mail import KINDS, preview, render, template_source
from recruitment.messaging.outbox import DeliveryPolicy
from recruitment.messaging.smtp import (
    Claimed,
    SmtpSettings,
    build_message,
    ics_method,
    smtp_settings,
)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_template_file_in_both_languages_that_renders(kind, lang):
    assert template_source(kind, lang) is not None
    for digital in (True, False):
        rendered = preview(kind, lang, digital=digital)
        assert rendered.subject and "\n" not in rendered.subject
        assert "Kari" in rendered.text
        assert "{{" not in rendered.text and "{%" not in rendered.text
        assert "Støttekontakttjenesten" in rendered.text
        assert rendered.html.startswith("<!DOCTYPE html>")


def test_bokmal_and_english_texts_differ():
    assert (
        preview("booking_confirmation", "nb").subject
        != preview("booking_confirmation", "en").subject
    )


def test_meeting_times_are_written_the_way_people_write_them():
    at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 in Oslo (winter time)
    assert format_when(at, "nb") == "tirsdag 1. desember 2026 kl. 18.00"
    assert format_when(at, "en") == "Tuesday 1 December 2026 at 18:00"


def test_the_html_part_escapes_every_value_and_links_only_the_links_verve_put_in():
    rendered = render(
        "booking_confirmation",
        "nb",
        {
            "first_name": '<script>alert("x")</script>',
            "meeting_digital": False,
            "address": "<img src=x onerror=alert(1)> https://evil.example",
            "self_service_url": "https://verve.example/my-page?token=a&lang=nb",
        },
    )
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in rendered.html
    assert 'href="https://evil.example' not in rendered.html
    assert '<a href="https://verve.example/my-page?token=a&amp;lang=nb">' in rendered.html
    assert '<script>alert("x")</script>' in rendered.text  # plain text stays as typed


def test_an_office_template_folder_wins_and_a_missing_file_falls_back_to_ours(
    tmp_path, monkeypatch
):
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "callback_requested.txt").write_text(
        "Vi ringer, {{ first_name }}\n\nHilsen oss\n"
    )
    (tmp_path / "nb" / "callback_requested.html").write_text("<p>Hei {{ first_name }}</p>")
    monkeypatch.setenv("VERVE_TEMPLATE_DIR", str(tmp_path))

    own = render("callback_requested", "nb", {"first_name": "<Ola>"})
    assert (own.subject, own.text) == ("Vi ringer, <Ola>", "Hilsen oss\n")
    assert own.html == "<p>Hei &lt;Ola&gt;</p>"  # autoescape is on in HTML templates
    assert own.source == str(tmp_path / "nb" / "callback_requested.txt")
    assert render("booking_cancelled", "nb", {}).source.startswith(str(mail.BUILTIN_TEMPLATES))


def test_a_broken_office_template_falls_back_to_the_shipped_one(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "callback_requested.txt").write_text("Oops {% if %}\n\nbody\n")
    monkeypatch.setenv("VERVE_TEMPLATE_DIR", str(tmp_path))

    rendered = render("callback_requested", "en", {"first_name": "Jane"})
    assert rendered.subject == "We will call you soon"


def test_a_kind_without_a_template_uses_the_catalogue_keys():
    rendered = render("no_such_kind", "en", {})
    assert rendered.source == "catalogue"
    assert rendered.subject == "mail.no_such_kind_subject"


def test_the_mime_message_has_text_html_and_the_calendar_with_its_method():
    message = Claimed(
        id=1,
        kind="booking_confirmation",
        to_address="ola@example.no",
        language="nb",
        subject="Bekreftelse æøå",
        body_text="Hei Ola\n",
        body_html="<p>Hei Ola</p>",
        message_id="<abc@verve.invalid>",
        attempts=0,
        applicant_id=None,
        reclaimed=False,
        ics="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
    )
    smtp = SmtpSettings(host="x", sender="Støttekontakt <post@kommune.example>")
    parsed = BytesParser(policy=policy.default).parsebytes(bytes(build_message(message, smtp)))

    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["Subject"] == "Bekreftelse æøå"
    assert parsed["Message-ID"] == "<abc@verve.invalid>"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Hei Ola</p>"
    [calendar] = list(parsed.iter_attachments())
    assert (calendar.get_content_type(), calendar.get_param("method")) == (
        "text/calendar",
        "REQUEST",
    )


def test_the_ics_method_is_read_from_the_calendar():
    assert ics_method("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\n") == "CANCEL"
    assert ics_method("BEGIN:VCALENDAR\r\n") == "PUBLISH"


def test_back_off_doubles_up_to_its_ceiling():
    delays = [
        DeliveryPolicy(backoff_seconds=60, backoff_max_seconds=300).delay(n).total_seconds()
        for n in (1, 2, 3, 4)
    ]
    assert delays == [60, 120, 240, 300]


def test_smtp_settings_come_from_secrets_toml_and_the_environment_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[smtp]\nhost = "smtp.kommune.example"\nport = 465\nuser = "verve"\npassword = "hemmelig"\n'
        'sender = "Støttekontakt <post@kommune.example>"\n'
    )
    from_file = smtp_settings({}, (secrets,))
    assert (from_file.host, from_file.port, from_file.security, from_file.user) == (
        "smtp.kommune.example",
        465,
        "tls",
        "verve",
    )
    assert "hemmelig" not in repr(from_file)
    overridden = smtp_settings(
        {"VERVE_SMTP_PORT": "587", "VERVE_SMTP_SECURITY": "starttls"}, (secrets,)
    )
    assert (overridden.port, overridden.security) == (587, "starttls")


def test_no_smtp_host_means_no_smtp(tmp_path):
    assert smtp_settings({}, (tmp_path / "missing.toml",)) is None
