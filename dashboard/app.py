"""Verve's entry point: sets the page frame and routes each visitor to the pages their
role allows. Everything else lives in the pages and in `recruitment`."""

from pathlib import Path

import streamlit as st

from dashboard import access, i18n, navigation, warmup
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.frame import frame
from dashboard.i18n import lang, language_switch, t
from dashboard.messaging.public_address import public_address_warning
from recruitment.core.timefmt import office_zone

# The account is read once per run, here; the page's own check reuses it (access.py).
access.start_run()
i18n.start_run()  # the language, likewise (dashboard/i18n.py)
actor = access.current_actor()
st.set_page_config(
    page_title="Verve",
    # A file served by Verve itself: a Material icon here would be fetched from a font host.
    page_icon=str(Path(__file__).parent / "static" / "icon.png"),
    layout="wide",
    initial_sidebar_state="auto" if actor is None else "expanded",
)

# The pages' imports and the chart library's schema, once per process, off this request.
warmup.prepare_in_background()

with sessions()() as session:
    first_run = not access.staff_exists(session)
    office_zone(session)  # the office's clock for this run's pages (the `time_zone` setting)

page = navigation.build(actor, first_run=first_run)

if actor is not None:
    navigation.menu(actor)
    if actor.role == "admin":
        public_address_warning()
    with st.sidebar:
        st.divider()
        st.caption(t("common.logged_in_as", name=plain(actor.name), role=t(f"roles.{actor.role}")))
        if st.button(t("common.log_out"), key="log_out", icon=":material/logout:"):
            access.log_out_recorded(actor)
            st.switch_page("accounts/login.py")
        language_switch()

# Before the page: a page may st.stop(). Its element is hidden by the stylesheet.
frame(lang(), preload_modules=actor is not None)
page.run()
