"""Outgoing e-mail and SMS: what is queued, failed, uncertain and sent; read a message;
send a failed one again; decide on an uncertain SMS (send again, or mark as sent)."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import lang, localised, t
from recruitment.core.access import allowed
from recruitment.core.errors import VerveError
from recruitment.messaging.outbox_views import (
    mark_uncertain_sent,
    outbox_counts,
    outbox_message,
    outbox_messages,
    retry_message,
)
from recruitment.messaging.sms_gateway import sms_settings
from recruitment.messaging.smtp import smtp_settings

actor = access.require("outbox.read")
st.title(t("mail.nav_outbox"), anchor=False)
st.caption(t("mail.outbox_intro"))

try:
    smtp = smtp_settings()
except (VerveError, ValueError):
    smtp = None
if smtp is None:
    st.info(t("mail.no_smtp"), icon=":material/mail_lock:")
else:
    st.caption(t("mail.smtp_configured", host=smtp.host))
try:
    sms_gateway = sms_settings()
except VerveError:
    sms_gateway = None
if sms_gateway is None:
    st.info(t("mail.no_sms_gateway"), icon=":material/sms_failed:")

show_flash()

with sessions()() as session:
    counts = outbox_counts(session=session, actor=actor)
queued, failed, uncertain, sent = st.columns(4)
queued.metric(t("mail.count_queued"), counts["queued"] + counts["sending"])
failed.metric(t("mail.count_failed"), counts["failed"])
uncertain.metric(t("mail.count_uncertain"), counts["uncertain"])
sent.metric(t("mail.count_sent"), counts["sent"])

status_labels = {
    code: t(f"mail.status_{code}")
    for code in ("uncertain", "failed", "queued", "sending", "sent", "withdrawn")
}
status = st.segmented_control(
    t("mail.filter_status"),
    options=list(status_labels),
    format_func=status_labels.__getitem__,
    # What needs a person first: an uncertain SMS, then a failed message.
    default="uncertain" if counts["uncertain"] else "failed" if counts["failed"] else "queued",
    key="outbox_status",
)
with sessions()() as session:
    frame = outbox_messages(session=session, actor=actor, status=status, lang=lang())

if frame.empty:
    st.write(t("mail.no_messages"))
    st.stop()

st.dataframe(
    localised(frame, datetimes=["created_at", "next_attempt_at", "sent_at"]),
    hide_index=True,
    key="outbox_table",
    column_order=[
        "id",
        "created_at",
        "channel_label",
        "kind_label",
        "to_address",
        "subject",
        "status_label",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ],
    column_config={
        "id": st.column_config.NumberColumn(t("mail.col_id"), format="%d"),
        "created_at": t("mail.col_created"),
        "channel_label": t("mail.col_channel"),
        "kind_label": t("mail.col_kind"),
        "to_address": t("mail.col_to"),
        "subject": t("mail.col_subject"),
        "status_label": t("mail.col_status"),
        "attempts": st.column_config.NumberColumn(t("mail.col_attempts"), format="%d"),
        "next_attempt_at": t("mail.col_next_attempt"),
        "sent_at": t("mail.col_sent"),
        "last_error": t("mail.col_error"),
    },
)

st.subheader(t("mail.read_message"), anchor=False)
subjects = dict(zip(frame["id"], frame["subject"], strict=True))
chosen = st.selectbox(
    t("mail.choose_message"),
    options=list(subjects),
    format_func=lambda outbox_id: f"{outbox_id} · {subjects[outbox_id]}",
    key="outbox_chosen",
    placeholder=t("common.choose_one"),
)
with sessions()() as session:
    message = outbox_message(session=session, actor=actor, outbox_id=int(chosen), lang=lang())

with st.container(border=True):
    st.text(t("mail.message_to", to=message["to_address"]))
    st.text(t("mail.template_subject", subject=message["subject"]))
    st.text(message["body_text"])
    if message["has_ics"]:
        st.caption(t("mail.has_calendar"))
if message["reason"]:
    st.warning(message["reason"], icon=":material/help:")
    st.caption(f"{t('mail.last_error')}: {message['last_error']}")
elif message["last_error"]:
    st.text(f"{t('mail.last_error')}: {message['last_error']}")
    if message["status"] == "queued":
        # A failed attempt waits its back-off; say when the next one is.
        st.text(t("mail.retry_at", attempts=message["attempts"], at=message["next_attempt_at"]))

if message["status"] == "uncertain" and allowed(actor, "outbox.write"):
    st.caption(t("mail.uncertain_help"))
    again, done = st.columns(2)
    if again.button(t("mail.retry"), key="outbox_uncertain_retry", icon=":material/send:"):
        run_action(
            lambda session: retry_message(session=session, actor=actor, outbox_id=message["id"]),
            success=t("mail.retried"),
        )
    if done.button(t("mail.mark_sent"), key="outbox_mark_sent", icon=":material/done:"):
        run_action(
            lambda session: mark_uncertain_sent(
                session=session, actor=actor, outbox_id=message["id"]
            ),
            success=t("mail.marked_sent"),
        )
if message["status"] == "failed" and allowed(actor, "outbox.write"):
    if st.button(t("mail.retry"), key="outbox_retry", icon=":material/send:"):
        run_action(
            lambda session: retry_message(session=session, actor=actor, outbox_id=message["id"]),
            success=t("mail.retried"),
        )
