"""Mail commands: deliver the outbox, keep delivering, list and retry, send reminders."""

from __future__ import annotations

import click

from db.models import OutboxStatus
from recruitment.cli.common import fail, sessions
from recruitment.core.access import Actor
from recruitment.core.errors import VerveError
from recruitment.core.logs import configure
from recruitment.messaging.opt_out import receive_sms_reply
from recruitment.messaging.outbox import DeliveryPolicy, queue_reminders_now, send_due, work
from recruitment.messaging.outbox_views import (
    mark_uncertain_sent,
    outbox_counts,
    outbox_messages,
    retry_message,
)
from recruitment.messaging.sms_gateway import (
    LinkMobilityGateway,
    SmsSettingsIncomplete,
    sms_settings,
)
from recruitment.messaging.smtp import SmtpSettingsIncomplete, smtp_settings

CLI = Actor.system("cli")


def _smtp():
    try:
        settings = smtp_settings()
    except SmtpSettingsIncomplete as error:
        raise fail(error) from error
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if settings is None:
        click.echo(
            "no SMTP configured (VERVE_SMTP_HOST or [smtp] in .streamlit/secrets.toml): "
            "messages stay queued and can be read in the app",
            err=True,
        )
    return settings


def _sms() -> LinkMobilityGateway | None:
    try:
        settings = sms_settings()
    except SmsSettingsIncomplete as error:
        raise fail(error) from error
    if settings is None:
        click.echo(
            "no SMS gateway configured (VERVE_SMS_URL or [sms] in .streamlit/secrets.toml): "
            "text messages stay queued",
            err=True,
        )
        return None
    return LinkMobilityGateway(settings)


@click.group("outbox")
def outbox_group() -> None:
    """Outgoing e-mail: run `verve outbox work` beside the app to deliver it."""


@outbox_group.command("send")
@click.option("--batch-size", default=50, show_default=True, help="Messages claimed per round.")
def outbox_send(batch_size: int) -> None:
    """Queue due reminders, deliver every message that is due now, print counts and exit."""
    configure()  # one line per event, UTC with offset, no addresses (recruitment.core.logs)
    settings = _smtp()
    factory = sessions()
    reminders = queue_reminders_now(factory)
    try:
        stats = send_due(
            session_factory=factory,
            smtp_settings=settings,
            batch_size=batch_size,
            policy=DeliveryPolicy.from_env(),
            sms_provider=_sms(),
        )
    except VerveError as error:
        raise fail(error) from error
    stats.reminders = reminders
    click.echo(str(stats))


@outbox_group.command("work")
@click.option("--batch-size", default=20, show_default=True, help="Messages claimed per round.")
@click.option(
    "--poll",
    "poll_seconds",
    default=2.0,
    show_default=True,
    help="Seconds between looks at the queue.",
)
@click.option(
    "--reminders-every", default=300.0, show_default=True, help="Seconds between reminder runs."
)
def outbox_work(batch_size: int, poll_seconds: float, reminders_every: float) -> None:
    """Keep delivering as messages arrive, until SIGTERM or Ctrl-C."""
    configure()  # one line per event, UTC with offset, no addresses (recruitment.core.logs)
    settings = _smtp()
    try:
        stats = work(
            session_factory=sessions(),
            smtp_settings=settings,
            batch_size=batch_size,
            policy=DeliveryPolicy.from_env(),
            poll_seconds=poll_seconds,
            reminder_every_seconds=reminders_every,
            sms_provider=_sms(),
        )
    except VerveError as error:
        raise fail(error) from error
    click.echo(str(stats))


@outbox_group.command("list")
@click.option(
    "--status",
    type=click.Choice([status.value for status in OutboxStatus]),
    default=None,
)
@click.option("--limit", default=50, show_default=True)
def outbox_list(status: str | None, limit: int) -> None:
    """Messages, newest first."""
    with sessions()() as session:
        frame = outbox_messages(session=session, actor=CLI, status=status, limit=limit)
    if frame.empty:
        click.echo("no messages")
        return
    for row in frame.itertuples(index=False):
        error = f"  [{row.last_error}]" if row.last_error else ""
        click.echo(
            f"{row.id:>6}  {row.status:<9} {row.attempts:>2}  {row.channel:<5} {row.kind:<22} "
            f"{row.to_address:<32} "
            f"{row.subject}{error}"
        )


@outbox_group.command("status")
def outbox_status() -> None:
    """Messages per status (sent: the last seven days); uncertain ones wait for a person."""
    with sessions()() as session:
        counts = outbox_counts(session=session, actor=CLI)
    for status, count in counts.items():
        click.echo(f"{status:<10} {count}")


@outbox_group.command("mark-sent")
@click.argument("outbox_id", type=int)
def outbox_mark_sent(outbox_id: int) -> None:
    """Mark an uncertain SMS as sent (it did arrive) and journal it."""
    try:
        with sessions().begin() as session:
            mark_uncertain_sent(session=session, actor=CLI, outbox_id=outbox_id)
    except VerveError as error:
        raise fail(error) from error
    click.echo(f"message {outbox_id} marked sent")


@outbox_group.command("retry")
@click.argument("outbox_id", type=int)
def outbox_retry(outbox_id: int) -> None:
    """Queue a failed or uncertain message again."""
    try:
        with sessions().begin() as session:
            retry_message(session=session, actor=CLI, outbox_id=outbox_id)
    except VerveError as error:
        raise fail(error) from error
    click.echo(f"message {outbox_id} queued again")


@click.group("reminders")
def reminders_group() -> None:
    """Meeting reminders (the mail worker queues them by itself, too)."""


@reminders_group.command("send")
def reminders_send() -> None:
    """Queue the meeting reminders that are due now."""
    click.echo(f"{queue_reminders_now(sessions())} reminder(s) queued")


@click.group("sms")
def sms_group() -> None:
    """Text messages: replies from applicants (the opt-out word)."""


@sms_group.command("reply")
@click.argument("from_number")
@click.argument("text")
def sms_reply(from_number: str, text: str) -> None:
    """Record a reply the gateway received, e.g. `verve sms reply +4791234567 STOPP`."""
    try:
        with sessions().begin() as session:
            stopped = receive_sms_reply(session=session, from_number=from_number, text=text)
    except VerveError as error:
        raise fail(error) from error
    click.echo(f"{stopped} applicant(s) opted out of SMS" if stopped else "not an opt-out")


COMMANDS = [outbox_group, reminders_group, sms_group]
