"""Admins: the office-wide settings, each checked before it is saved; privacy-notice versions."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import format_datetime, format_number, t
from db.models import CheckKind
from recruitment.accounts.office_settings import change_settings, settings_for_admin
from recruitment.accounts.privacy_rights import consent_versions
from recruitment.core.settings import DEFAULTS, LIMITS

actor = access.require("settings.write")
st.title(t("security.nav_settings"), anchor=False)
show_flash()

with sessions()() as session:
    current = settings_for_admin(session=session, actor=actor)
    versions = consent_versions(session=session, actor=actor)

CHECK_LABELS = {kind.value: t(f"security.check_{kind.value}") for kind in CheckKind}
errors: dict[str, str] = st.session_state.pop("settings_errors", {})
values = {}
with st.form("settings"):
    for key, default in DEFAULTS.items():
        label = t(f"security.setting_{key}")
        widget_key = f"setting_{key}"
        if isinstance(default, bool):
            values[key] = st.toggle(label, value=bool(current[key]), key=widget_key)
        elif isinstance(default, int):
            low, high = LIMITS.get(key, (0, 10**6))
            values[key] = int(
                st.number_input(
                    label,
                    value=int(current[key]),
                    step=1,
                    key=widget_key,
                    help=t("security.setting_range", min=low, max=high),
                )
            )
        elif isinstance(default, list):
            values[key] = st.multiselect(
                label,
                [k.value for k in CheckKind],
                default=list(current[key]),
                format_func=CHECK_LABELS.__getitem__,
                placeholder=t("common.choose_many"),
                select_all=False,  # Streamlit's "Select all" is English and selects too much
                key=widget_key,
            )
        else:
            values[key] = st.text_input(
                label, value=str(current[key]), key=widget_key, max_chars=300
            )
        if key in errors:
            low, high = LIMITS.get(key, (0, 0))
            st.error(t(errors[key], min=low, max=high), icon=":material/error:")
    submitted = st.form_submit_button(t("security.save_settings"), type="primary")

if submitted:
    run_action(
        lambda session: change_settings(session=session, actor=actor, values=values),
        success=lambda changed: t("security.settings_saved", count=len(changed)),
        errors_key="settings_errors",
    )

st.subheader(t("security.consent_versions"), anchor=False)
if versions:
    st.dataframe(
        [
            {
                t("security.consent_version"): v["version"],
                t("security.consent_published"): format_datetime(v["published_at"]),
                t("security.consent_accepted_by"): format_number(v["accepted_by"]),
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
        column_config={
            t("security.consent_accepted_by"): st.column_config.TextColumn(alignment="right")
        },
    )
else:
    st.write(t("security.consent_none"))
