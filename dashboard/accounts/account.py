"""The logged-in staff member's own account: who they are, their password, log-out."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.components import plain
from dashboard.i18n import t
from recruitment.accounts.staff import MIN_PASSWORD_LENGTH, change_own_password
from recruitment.core.errors import ValidationFailed

actor = access.require("account.own")
st.title(t("nav.account"), anchor=False)
st.write(
    t(
        "account.signed_in_as",
        name=plain(actor.name),
        username=plain(actor.username),
        role=t(f"roles.{actor.role}"),
    )
)

st.subheader(t("security.change_password"), anchor=False)
show_flash()
with st.form("change_password", clear_on_submit=True):
    current = st.text_input(
        t("security.current_password"),
        type="password",
        key="account_current",
        autocomplete="current-password",
    )
    new = st.text_input(
        t("security.new_password"),
        type="password",
        key="account_new",
        autocomplete="new-password",
        help=t("security.password_rules", min=MIN_PASSWORD_LENGTH),
    )
    repeat = st.text_input(
        t("first_run.repeat_password"),
        type="password",
        key="account_repeat",
        autocomplete="new-password",
    )
    submitted = st.form_submit_button(t("security.change_password"), type="primary")


def change_password(session) -> None:
    if new != repeat:
        raise ValidationFailed({"repeat": "validation.passwords_differ"})
    change_own_password(session=session, actor=actor, current_password=current, new_password=new)


if submitted:
    run_action(
        change_password,
        success=t("security.password_changed"),
        field_labels={
            "current_password": "security.current_password",
            "new_password": "security.new_password",
            "repeat": "first_run.repeat_password",
        },
    )

st.divider()
if st.button(t("common.log_out"), key="account_log_out", icon=":material/logout:"):
    access.log_out_recorded(actor)
    st.switch_page("accounts/login.py")
