"""The public sign-up page: what a support contact does, and the way in."""

import streamlit as st

from dashboard.components import public_header
from dashboard.i18n import t

public_header()
st.title(t("signup.title"))
st.write(t("signup.intro"))
