"""Links in e-mails, SMS and calendar invites are built when a message is sent, not when
it is queued: a message that waited while the public address changed carries the new
address, through a real SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import icalendar
import pytest
from sqlalchemy import select

from db.models import JournalEntry, OutboxMessage
from recruitment.accounts.office_settings import change_setting
from recruitment.core.links import PUBLIC_URL_MARK, fill_public_url, mark_public_url
from recruitment.journey import _booking
from recruitment.messaging.outbox import DeliveryPolicy, send_due
from recruitment.messaging.outbox_views import outbox_message

FAST = DeliveryPolicy(max_attempts=3, backoff_seconds=0.2, backoff_max_seconds=1, lease_seconds=30)
OLD = "https://gammel.kommune.example"
NEW = "https://verve.ny-kommune.example/stottekontakt"


def _description(ics: str) -> str:
    event = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    return str(event["DESCRIPTION"])


@pytest.mark.parametrize("how", ["setting", "environment"])
def test_a_message_queued_before_the_address_changed_is_sent_with_the_new_address(
    session_factory, session, smtp_server, make_applicant, make_meeting, admin, monkeypatch, how
):
    monkeypatch.delenv("VERVE_PUBLIC_URL", raising=False)
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="public_base_url", value=OLD)
    applicant = make_applicant(language="nb", token="t0k3n-lenke")
    with session_factory.begin() as s:
        _booking.book_meeting(session=s, applicant_id=applicant, meeting_id=make_meeting())
    [queued] = session.scalars(select(OutboxMessage)).all()
    outbox_id, message_id = queued.id, queued.message_id
    assert OLD not in queued.body_text + (queued.body_html or "") + (queued.ics or "")
    session.rollback()

    if how == "setting":
        with session_factory.begin() as s:
            change_setting(session=s, actor=admin, key="public_base_url", value=NEW)
    else:
        monkeypatch.setenv("VERVE_PUBLIC_URL", NEW + "/")
    link = f"{NEW}/my-page?token=t0k3n-lenke&lang=nb"
    # What a coordinator reads in the app is what will be sent.
    assert link in outbox_message(session=session, actor=admin, outbox_id=outbox_id)["body_text"]
    session.rollback()

    stats = send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
    )

    assert stats.sent == 1
    [mail] = smtp_server.messages
    assert mail["Message-ID"] == message_id  # the stable id is untouched
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    [attachment] = list(mail.iter_attachments())
    ics = attachment.get_content()
    for part in (text, html, ics):
        assert OLD not in part and PUBLIC_URL_MARK not in part
    assert link in text
    assert link.replace("&", "&amp;") in html
    assert link in _description(ics)  # unfolded: the invite folds its long lines
    [entry] = session.scalars(select(JournalEntry)).all()
    assert link in entry.body and PUBLIC_URL_MARK not in entry.body


def test_a_message_sent_again_after_a_lost_claim_keeps_its_id_and_takes_the_address_of_then(
    session_factory, session, smtp_server, make_applicant, make_meeting, admin, monkeypatch
):
    monkeypatch.delenv("VERVE_PUBLIC_URL", raising=False)
    applicant = make_applicant(language="en", token="tok-2")
    with session_factory.begin() as s:
        _booking.book_meeting(session=s, applicant_id=applicant, meeting_id=make_meeting())
    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)
    # The worker died between send and mark: the row is sending with a stale claim.
    with session_factory.begin() as s:
        row = s.scalars(select(OutboxMessage)).one()
        row.status, row.claimed_by = "sending", "dead-worker"
        row.claimed_at = row.created_at.replace(year=2000)
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="public_base_url", value=NEW)

    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)

    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert "http://localhost:8501/my-page?token=tok-2" in first.get_body(("plain",)).get_content()
    assert f"{NEW}/my-page?token=tok-2" in second.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("fmt", "base"),
    [("text", OLD), ("html", "https://a.example/x?y=1&z=2"), ("ics", "https://a.example/b,c")],
)
def test_marking_and_filling_give_back_the_text(fmt, base):
    if fmt == "ics":
        calendar = icalendar.Calendar()
        event = icalendar.Event()
        event.add("description", "Åpne " * 12 + base + "/my-page?token=abc&lang=nb")
        calendar.add_component(event)
        ics = calendar.to_ical().decode()
        assert base + "/my-page" not in ics  # folded inside the address, and escaped
        marked = mark_public_url(base, ics, fmt)
        assert PUBLIC_URL_MARK + "/my-page" in _description(marked)
        assert all(len(line.encode()) <= 75 for line in marked.split("\r\n"))
        assert _description(fill_public_url(base, marked, fmt)) == _description(ics)
        assert _description(fill_public_url(NEW, marked, fmt)) == _description(ics).replace(
            base, NEW
        )
        assert mark_public_url(base, "BEGIN:VCALENDAR\r\n", fmt) == "BEGIN:VCALENDAR\r\n"
        return
    written = base.replace("&", "&amp;") if fmt == "html" else base
    text = f"Se {written}/my-page og {written}x (ikke en lenke)"
    marked = mark_public_url(base, text, fmt)
    assert marked == f"Se {PUBLIC_URL_MARK}/my-page og {written}x (ikke en lenke)"
    assert fill_public_url(base, marked, fmt) == text


def test_messages_waiting_at_the_upgrade_get_the_mark_and_a_downgrade_puts_the_address_back(
    engine, session_factory, make_applicant, make_meeting, admin, monkeypatch
):
    from db import migrate

    monkeypatch.delenv("VERVE_PUBLIC_URL", raising=False)
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="public_base_url", value=OLD)
    applicant = make_applicant(language="nb", token="t0k3n-gammel")
    with session_factory.begin() as s:
        _booking.book_meeting(session=s, applicant_id=applicant, meeting_id=make_meeting())
    marked = _stored(session_factory)
    migrate.downgrade(engine, "0170_contact_channels")  # as a message from before
    baked = _stored(session_factory)
    assert all(PUBLIC_URL_MARK not in (value or "") for value in baked)
    assert f"{OLD}/my-page?token=t0k3n-gammel" in baked[1]
    migrate.upgrade(engine)
    assert _stored(session_factory) == marked


def _stored(session_factory) -> tuple:
    # Only these columns: after a downgrade the table lacks later ones (handed_over_at).
    with session_factory() as s:
        return tuple(
            s.execute(
                select(
                    OutboxMessage.subject,
                    OutboxMessage.body_text,
                    OutboxMessage.body_html,
                    OutboxMessage.ics,
                )
            ).one()
        )
