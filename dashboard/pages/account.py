"""The logged-in staff member's own account."""

import streamlit as st

from dashboard import access
from dashboard.components import plain
from dashboard.i18n import language_switch, t

actor = access.require("staff.read")
st.title(t("nav.account"))
st.write(t("account.signed_in_as", name=plain(actor.name), username=plain(actor.username), role=t(f"roles.{actor.role}")))
language_switch(where=st)
if st.button(t("common.log_out"), key="account_log_out", icon=":material/logout:"):
    access.log_out()
    st.rerun()
