"""Admins: who is due for anonymisation and running it; a person's copy of their data and
erasure."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import format_datetime, lang, t
from recruitment.accounts.privacy_rights import (
    erase_applicant,
    export_applicant,
    export_html,
    export_json,
)
from recruitment.accounts.retention import retention_due, run_retention
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import office_day

actor = access.require("retention.run")
st.title(t("security.nav_retention"), anchor=False)
show_flash()

#: Rows of each kind shown: thousands can be due at once in a large register, and the
#: table is for a look at who and how old; the counts above it are all of them.
SHOWN = 50

with sessions()() as session:
    plan = retention_due(session=session, actor=actor, limit=SHOWN)
    months = get_setting(session, "retention_months")

st.write(t("security.retention_intro", count=months, cutoff=office_day(plan.cutoff)))


def due_figure(due: int) -> int | str:
    """A count, or "more than 1,000" where the plan stopped counting."""
    if plan.more_than_counted(due):
        return t("security.retention_more_than", count=plan.counted_up_to)
    return due


c1, c2 = st.columns(2)
c1.metric(t("security.retention_applicants_due"), due_figure(plan.applicants_due))
c2.metric(t("security.retention_service_users_due"), due_figure(plan.service_users_due))
kind_applicant, kind_user = t("security.retention_applicant"), t("security.retention_service_user")
due_rows = [
    {
        t("security.retention_kind"): kind_applicant,
        "ID": row["id"],
        t("security.retention_status"): t(f"stages.{row['stage']}"),
        t("security.retention_last_event"): format_datetime(row["last_event_at"]),
    }
    for row in plan.applicants
] + [
    {
        t("security.retention_kind"): kind_user,
        "ID": row["id"],
        t("security.retention_status"): t(f"service_users.status_{row['status']}"),
        t("security.retention_last_event"): format_datetime(row["last_event_at"]),
    }
    for row in plan.service_users
]
if due_rows:
    if plan.more_than_counted(plan.applicants_due) or plan.more_than_counted(
        plan.service_users_due
    ):
        st.caption(t("security.retention_shown_many", shown=SHOWN, count=plan.counted_up_to))
    elif plan.applicants_due > SHOWN or plan.service_users_due > SHOWN:
        st.caption(
            t(
                "security.retention_shown",
                shown=SHOWN,
                count=plan.applicants_due + plan.service_users_due,
            )
        )
    st.dataframe(due_rows, hide_index=True, width="stretch")
    with st.form("run_retention"):
        confirmed = st.checkbox(t("security.retention_confirm"), key="retention_confirm")
        if st.form_submit_button(t("security.retention_run"), type="primary", disabled=False):
            if not confirmed:
                st.error(t("security.confirm_first"), icon=":material/error:")
            else:
                run_action(
                    lambda session: run_retention(session=session, actor=actor),
                    success=lambda done: t(
                        "security.retention_done",
                        applicants=t(
                            "security.retention_done_applicants", count=len(done.applicants)
                        ),
                        service_users=t(
                            "security.retention_done_service_users",
                            count=len(done.service_users),
                        ),
                    ),
                )
else:
    st.success(t("security.retention_nothing_due"), icon=":material/check:")

st.divider()
st.subheader(t("security.rights_title"), anchor=False)
st.caption(t("security.rights_intro"))
with st.form("rights"):
    applicant_id = st.number_input(
        t("security.rights_applicant_id"),
        min_value=1,
        step=1,
        value=None,
        key="rights_applicant_id",
    )
    c1, c2 = st.columns(2)
    export = c1.form_submit_button(t("security.rights_export"), icon=":material/download:")
    confirm_erase = st.checkbox(t("security.rights_erase_confirm"), key="rights_erase_confirm")
    erase = c2.form_submit_button(t("security.rights_erase"), icon=":material/delete_forever:")

if export and applicant_id:
    # No rerun: the files are offered from this run. Only the audit log changes.
    data = run_action(
        lambda session: export_applicant(
            session=session, actor=actor, applicant_id=int(applicant_id)
        ),
        rerun=False,
        clear_caches=False,
    )
    if data is not None:
        # Offered as files only: the HTML is never rendered inside the app.
        st.download_button(
            t("security.rights_download_json"),
            export_json(data),
            file_name=f"applicant-{int(applicant_id)}.json",
            mime="application/json",
            key="rights_json",
        )
        st.download_button(
            t("security.rights_download_html"),
            export_html(data, lang()),
            file_name=f"applicant-{int(applicant_id)}.html",
            mime="text/html",
            key="rights_html",
        )
if erase and applicant_id:
    if not confirm_erase:
        st.error(t("security.confirm_first"), icon=":material/error:")
    else:
        run_action(
            lambda session: erase_applicant(
                session=session, actor=actor, applicant_id=int(applicant_id)
            ),
            success=t("security.rights_erased", id=int(applicant_id)),
        )
