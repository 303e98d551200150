"""An empty page: what the app costs before a page draws anything. Served only under the
browser bench (VERVE_BENCH), which measures every page against it."""

import streamlit as st

from dashboard.i18n import t

st.caption(t("nav.baseline"))
