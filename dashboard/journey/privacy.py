"""The privacy notice applicants consent to: the current version's text."""

import streamlit as st

from dashboard.components import public_header
from dashboard.data import sessions
from dashboard.i18n import lang, t
from recruitment.journey.consent import consent_text

public_header()
st.title(t("privacy.title"), anchor=False)
# The first visit records the current version, so consents can point at its exact text.
with sessions().begin() as session:
    version, text = consent_text(session, lang())
st.text(text)
st.write(t("privacy.version", version=version))
st.page_link(
    "journey/signup.py",
    label=t("privacy.back"),
    icon=":material/arrow_back:",
    query_params={"lang": lang()},
)
