"""The staff start page: what needs attention today, by role."""

import streamlit as st

from dashboard import access
from dashboard.i18n import t

actor = access.require("staff.read")
st.title(t("home.title", name=actor.name))
st.write(t(f"home.intro_{actor.role}"))
