"""The admin's warning while e-mailed links would point at this machine."""

from __future__ import annotations

import streamlit as st

from dashboard.data import sessions
from dashboard.i18n import t
from recruitment.core.links import PUBLIC_URL_ENV, points_to_this_machine, public_base_url
from recruitment.messaging.smtp import SmtpSettingsIncomplete, smtp_settings


def _mail_configured() -> bool:
    try:
        return smtp_settings() is not None
    except SmtpSettingsIncomplete:  # a host without a sender: meant to send, so warn
        return True


def public_address_warning() -> None:
    """In the sidebar: mail is configured but links say localhost (applicants could not
    open them)."""
    with sessions()() as session:
        base = public_base_url(session)
    if points_to_this_machine(base) and _mail_configured():
        st.sidebar.warning(
            t("mail.public_url_is_local", address=base, variable=PUBLIC_URL_ENV),
            icon=":material/link_off:",
        )
