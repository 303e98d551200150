"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, retries,
permanent failures, the journal, and one worker at a time on SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from db.models import JournalEntry, OutboxMessage, utcnow
from recruitment.core.errors import PermissionDenied
from recruitment.messaging import outbox
from recruitment.messaging._queue import queue_email
from recruitment.messaging.outbox import DeliveryPolicy, WorkerBusy, send_due, single_worker
from recruitment.messaging.outbox_views import NotRetryable, retry_message
from tests.smtp import SENDER_ADDRESS, subject

FAST = DeliveryPolicy(max_attempts=5, backoff_seconds=0.2, backoff_max_seconds=1, lease_seconds=30)


def invitation(method: str = "REQUEST") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Verve//NONSGML//EN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        "UID:reg-1@verve",
        "SEQUENCE:0",
        "DTSTAMP:20261120T120000Z",
        "DTSTART:20261201T170000Z",
        "DTEND:20261201T183000Z",
        "SUMMARY:Informasjonsmøte",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def queue(session_factory):
    def queue_one(kind="booking_confirmation", *, to="ola@example.no", lang="nb", **ids) -> int:
        with session_factory.begin() as s:
            context = ids.pop("context", {})
            return queue_email(
                session=s, kind=kind, to_address=to, lang=lang, context=context, **ids
            ).id

    return queue_one


def row(session, outbox_id) -> SimpleNamespace:
    """The row's values now; the read transaction is ended at once (on SQLite every
    transaction takes the write lock, and the worker under test needs it)."""
    session.expire_all()
    found = session.get(OutboxMessage, outbox_id)
    values = SimpleNamespace(
        **{c.key: getattr(found, c.key) for c in OutboxMessage.__table__.columns}
    )
    session.rollback()
    return values


def test_a_confirmation_arrives_with_headers_both_parts_and_the_calendar_invitation(
    session_factory, session, smtp_server, make_applicant, make_meeting, queue
):
    applicant = make_applicant(
        first_name="Åse <script>alert(1)</script>", language="nb", token="t0k3n"
    )
    meeting = make_meeting()
    outbox_id = queue(
        to="aase@example.no", applicant_id=applicant, meeting_id=meeting, ics=invitation()
    )

    stats = send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
    )

    assert (stats.sent, stats.failed, stats.retried) == (1, 0, 0)
    [mail] = smtp_server.messages
    stored = row(session, outbox_id)
    assert mail["Message-ID"] == stored.message_id
    assert mail["From"].addresses[0].display_name == "Støttekontakttjenesten"
    assert mail["To"] == "aase@example.no"
    assert mail["Reply-To"] == "svar@kommune.example"
    assert subject(mail) == stored.subject and subject(mail).startswith(
        "Du er påmeldt informasjonsmøtet"
    )
    assert mail["Date"] is not None
    assert mail["Content-Language"] == "nb"
    assert mail["Auto-Submitted"] is None  # a confirmation answers the applicant's own action
    assert smtp_server.handler.envelopes == [("stottekontakt@kommune.example", ["aase@example.no"])]

    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Hei Åse <script>alert(1)</script>!" in text
    assert "Hei Åse &lt;script&gt;alert(1)&lt;/script&gt;!" in html
    assert "<script>" not in html
    assert '<a href="https://teams.example.com/meet/abc">' in html
    assert "my-page?token=t0k3n" in text

    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    # The office e-mail is unset, so the sender stands as the organizer.
    expected = invitation().replace(
        "BEGIN:VEVENT\r\n", f"BEGIN:VEVENT\r\nORGANIZER:mailto:{SENDER_ADDRESS}\r\n"
    )
    assert attachment.get_content().replace("\r\n", "\n") == expected.replace("\r\n", "\n")

    assert (stored.status, stored.attempts, stored.claimed_by) == ("sent", 1, None)
    assert stored.sent_at is not None
    [entry] = session.scalars(
        select(JournalEntry).where(JournalEntry.applicant_id == applicant)
    ).all()
    assert (entry.channel, entry.outbox_id, entry.subject) == ("email", outbox_id, stored.subject)


def test_an_english_speaker_gets_the_english_text(
    session_factory, smtp_server, make_applicant, make_meeting, queue
):
    applicant = make_applicant(first_name="Jane", language="en")
    queue("meeting_reminder", lang="en", applicant_id=applicant, meeting_id=make_meeting())

    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)

    [mail] = smtp_server.messages
    assert subject(mail).startswith("Reminder: the information meeting on")
    assert mail["Content-Language"] == "en"
    assert mail["Auto-Submitted"] == "auto-generated"  # nobody's own action: no auto-replies please
    assert "Hello Jane," in mail.get_body(("plain",)).get_content()
    assert not list(mail.iter_attachments())


def test_a_cancellation_carries_the_calendar_cancel_method(
    session_factory, smtp_server, make_meeting, queue
):
    queue("meeting_cancelled", meeting_id=make_meeting(), ics=invitation("CANCEL"))

    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)

    [mail] = smtp_server.messages
    [attachment] = list(mail.iter_attachments())
    assert attachment["Content-Type"].params["method"] == "CANCEL"
    assert attachment.get_filename() == "cancel.ics"
    assert subject(mail).startswith("Avlyst:")


def test_without_smtp_settings_messages_stay_queued_for_coordinators_to_read(
    session_factory, session, queue
):
    outbox_id = queue()

    stats = send_due(session_factory=session_factory, smtp_settings=None)

    assert stats.claimed == 0
    assert row(session, outbox_id).status == "queued"


def test_a_message_sent_again_after_a_lost_mark_keeps_its_message_id_and_is_journalled_once(
    session_factory, session, smtp_server, make_applicant, queue, monkeypatch
):
    applicant = make_applicant()
    outbox_id = queue("callback_requested", applicant_id=applicant)
    real_mark = outbox._mark_sent

    def crash(*args, **kwargs):
        raise RuntimeError("worker died between sending and marking")

    monkeypatch.setattr(outbox, "_mark_sent", crash)
    with pytest.raises(RuntimeError):
        send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)
    assert row(session, outbox_id).status == "sending"
    monkeypatch.setattr(outbox, "_mark_sent", real_mark)

    # Within the lease nobody touches the claim; once it is stale, it is sent again.
    assert (
        send_due(
            session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
        ).claimed
        == 0
    )
    stale = DeliveryPolicy(lease_seconds=0)
    stats = send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=stale
    )

    assert (stats.reclaimed, stats.sent) == (1, 1)
    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] == row(session, outbox_id).message_id
    assert row(session, outbox_id).status == "sent"
    assert (
        len(session.scalars(select(JournalEntry).where(JournalEntry.outbox_id == outbox_id)).all())
        == 1
    )


def time_passes(session_factory) -> None:
    """Make every waiting message due now, as if its back-off had run out."""
    with session_factory.begin() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "queued")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def test_with_the_server_down_messages_back_off_and_arrive_once_it_is_up(
    session_factory, session, smtp_server, queue
):
    ids = [queue(to=f"person{i}@example.no") for i in range(3)]
    smtp_server.stop()
    minute = DeliveryPolicy(max_attempts=5, backoff_seconds=60, backoff_max_seconds=3600)

    def deliver():
        return send_due(
            session_factory=session_factory, smtp_settings=smtp_server.settings, policy=minute
        )

    before = utcnow()
    first = deliver()
    assert (first.retried, first.sent) == (3, 0)
    waiting = row(session, ids[0])
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "Connection" in waiting.last_error or "refused" in waiting.last_error.lower()
    assert timedelta(seconds=59) < waiting.next_attempt_at - before < timedelta(seconds=90)
    assert deliver().claimed == 0  # not due again until the back-off has passed

    time_passes(session_factory)
    before = utcnow()
    second = deliver()
    assert second.retried == 3
    later = row(session, ids[0])
    assert later.attempts == 2
    assert (
        timedelta(seconds=119) < later.next_attempt_at - before < timedelta(seconds=150)
    )  # doubled

    smtp_server.start()
    time_passes(session_factory)
    third = deliver()

    assert third.sent == 3
    assert len(smtp_server.message_ids()) == 3
    assert {
        (row(session, i).status, row(session, i).attempts, row(session, i).last_error) for i in ids
    } == {("sent", 3, None)}


def test_retries_stop_at_the_limit_and_the_message_is_failed_with_the_error(
    session_factory, session, smtp_server, queue
):
    outbox_id = queue()
    smtp_server.handler.temporary_failure = True
    policy = DeliveryPolicy(max_attempts=2, backoff_seconds=60)

    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=policy)
    assert row(session, outbox_id).status == "queued"
    time_passes(session_factory)
    stats = send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=policy
    )

    failed = row(session, outbox_id)
    assert stats.failed == 1
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert failed.last_error.startswith("451")


def test_a_permanent_550_fails_the_message_at_once_and_the_rest_of_the_batch_goes_out(
    session_factory, session, smtp_server, queue
):
    refused = queue(to="gone@example.no")
    fine = queue(to="here@example.no")
    smtp_server.handler.refuse.add("gone@example.no")

    stats = send_due(
        session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
    )

    assert (stats.failed, stats.sent) == (1, 1)
    failed = row(session, refused)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "550" in failed.last_error and "gone@example.no" in failed.last_error
    assert row(session, fine).status == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["here@example.no"]


def test_a_coordinator_can_queue_a_failed_message_again_and_it_is_delivered(
    session_factory, session, smtp_server, queue, coordinator, manager
):
    outbox_id = queue(to="gone@example.no")
    smtp_server.handler.refuse.add("gone@example.no")
    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)
    smtp_server.handler.refuse.clear()

    with pytest.raises(PermissionDenied), session_factory.begin() as s:
        retry_message(session=s, actor=manager, outbox_id=outbox_id)
    with session_factory.begin() as s:
        retry_message(session=s, actor=coordinator, outbox_id=outbox_id)
    assert (row(session, outbox_id).status, row(session, outbox_id).attempts) == ("queued", 0)
    send_due(session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST)

    assert row(session, outbox_id).status == "sent"
    with pytest.raises(NotRetryable), session_factory.begin() as s:
        retry_message(session=s, actor=coordinator, outbox_id=outbox_id)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_second_worker_on_sqlite_is_refused_with_a_clear_message(
    session_factory, engine, smtp_server, queue
):
    queue()
    with single_worker(engine):
        with pytest.raises(WorkerBusy) as refused:
            send_due(
                session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
            )
    from recruitment.core.i18n import t

    message = t(refused.value.key, "en", **refused.value.params)
    assert "Another mail worker is already running" in message and "-outbox.lock" in message
    # Once the first lets go, the second may run.
    assert (
        send_due(
            session_factory=session_factory, smtp_settings=smtp_server.settings, policy=FAST
        ).sent
        == 1
    )


def test_a_slow_server_does_not_let_the_lease_run_out_under_a_live_worker(
    session_factory, session, smtp_server, queue, monkeypatch
):
    ids = [queue(to=f"person{i}@example.no") for i in range(4)]
    smtp_server.handler.delay = 0.3
    policy = DeliveryPolicy(lease_seconds=0.6)
    claims = []
    real_renew = outbox._renew

    def renew(factory, rest, worker_id):
        claims.append(list(rest))
        real_renew(factory, rest, worker_id)

    outbox._renew = renew
    try:
        stats = send_due(
            session_factory=session_factory, smtp_settings=smtp_server.settings, policy=policy
        )
    finally:
        outbox._renew = real_renew

    assert stats.sent == 4
    assert claims and all(set(rest) < set(ids) for rest in claims)
    assert max(smtp_server.message_ids().values()) == 1


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_with_a_login(
    session_factory, session, make_smtp_server, tls_certificate, queue, security
):
    server = make_smtp_server(
        security=security, certificate=tls_certificate, login=("verve", "hemmelig")
    )
    outbox_id = queue(to="ola@example.no")

    stats = send_due(session_factory=session_factory, smtp_settings=server.settings, policy=FAST)

    assert stats.sent == 1
    assert [m["Message-ID"] for m in server.messages] == [row(session, outbox_id).message_id]


def test_a_wrong_password_is_retried_rather_than_failing_the_message(
    session_factory, session, make_smtp_server, tls_certificate, queue
):
    server = make_smtp_server(
        security="starttls", certificate=tls_certificate, login=("verve", "riktig")
    )
    outbox_id = queue()
    wrong = replace(server.settings, password="feil")

    stats = send_due(session_factory=session_factory, smtp_settings=wrong, policy=FAST)

    assert (stats.retried, stats.failed) == (1, 0)
    waiting = row(session, outbox_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.last_error.startswith("535")
    assert not server.messages


def test_the_outbox_counts_each_status_and_only_the_last_weeks_sent(
    session_factory, session, queue, coordinator
):
    """Messages per status for the outbox page: everything not sent, and of the sent only
    the last seven days (read from the index on (status, sent_at))."""
    from recruitment.messaging.outbox_views import outbox_counts

    now = utcnow()
    ids = [queue(to=f"p{i}@example.no") for i in range(7)]
    states = [
        ("sent", now - timedelta(days=1)),
        ("sent", now - timedelta(days=6, hours=23)),
        ("sent", now - timedelta(days=8)),  # older than a week: not counted
        ("failed", None),
        ("uncertain", now - timedelta(days=30)),
        ("withdrawn", None),
    ]
    with session_factory.begin() as s:
        for outbox_id, (status, sent_at) in zip(ids, states, strict=False):
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id)
                .values(status=status, sent_at=sent_at)
            )
    counts = outbox_counts(session=session, actor=coordinator, now=now)
    session.rollback()
    assert counts == {
        "queued": 1,
        "sending": 0,
        "sent": 2,
        "failed": 1,
        "withdrawn": 1,
        "uncertain": 1,
    }
