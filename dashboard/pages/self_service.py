"""The applicant's own page, reached by the personal link."""

import streamlit as st

from dashboard.components import public_header
from dashboard.i18n import t

public_header()
st.title(t("self_service.title"))
st.info(t("self_service.unknown_link"))
