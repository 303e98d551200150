"""The privacy notice applicants consent to."""

import streamlit as st

from dashboard.components import public_header
from dashboard.i18n import t

public_header()
st.title(t("privacy.title"))
st.write(t("privacy.text"))
