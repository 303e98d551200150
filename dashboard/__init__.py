"""The Streamlit UI. Thin: pages read widgets, call one `recruitment` service, render."""

from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    # Until some session has called st.navigation, Streamlit takes dashboard/pages/ for
    # an old-style "pages directory": a URL like /login then runs pages/login.py on its
    # own, without app.py (no menu, no router) — for the first visitors after a server
    # start. Every page imports this package, so end that mode here and run again:
    # the rerun goes through app.py and its st.navigation (tests/browser/test_shell.py).
    import streamlit as st

    PagesManager.uses_pages_directory = False
    st.rerun()
