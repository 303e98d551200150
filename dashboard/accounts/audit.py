"""Admins: read and filter the audit log (it cannot be edited from the app)."""

from datetime import datetime, timedelta

import streamlit as st

from dashboard import access
from dashboard.data import sessions
from dashboard.i18n import date_format, format_date, format_datetime, t
from recruitment.accounts.audit import ACTIONS, AuditFilters, audit_events
from recruitment.core.timefmt import today

actor = access.require("audit.read")
st.title(t("security.nav_audit"), anchor=False)
st.caption(t("security.audit_intro"))

ALL = t("security.audit_all")
with st.form("audit_filters"):
    c1, c2, c3 = st.columns(3)
    action = c1.selectbox(
        t("security.audit_action"),
        ["", *ACTIONS],
        format_func=lambda a: a or ALL,
        key="audit_action",
        placeholder=t("common.choose_one"),
    )
    who = c2.text_input(t("security.audit_who"), key="audit_who")
    period = c3.date_input(
        t("security.audit_period"),
        value=(today() - timedelta(days=30), today()),
        format=date_format(),
        key="audit_period",
    )
    st.form_submit_button(t("security.audit_filter"))

since, until = (period + (None,))[:2] if isinstance(period, tuple) else (period, None)
with sessions()() as session:
    rows = audit_events(
        session=session,
        actor=actor,
        filters=AuditFilters(
            action=action or None, actor_name=who or None, since=since, until=until
        ),
    )


def readable(value: object) -> object:
    """A date or moment kept in ISO form in the detail, written for people."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(moment.date()) if len(value) == 10 else format_datetime(moment)
    return value


st.write(t("security.audit_count", count=len(rows)))
st.dataframe(
    [
        {
            t("security.audit_at"): format_datetime(row["at"]),
            t("security.audit_action"): row["action"],
            t("security.audit_who"): row["actor"] or "",
            t(
                "security.audit_target"
            ): f"{row['target_type'] or ''} {row['target_id'] or ''}".strip(),
            t("security.audit_client"): row["client"] or "",
            t("security.audit_detail"): ", ".join(
                f"{k}={readable(v)}" for k, v in row["detail"].items()
            ),
        }
        for row in rows
    ],
    hide_index=True,
    width="stretch",
)
