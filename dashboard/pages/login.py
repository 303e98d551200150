"""Staff login: username and password."""

import streamlit as st

from dashboard import access
from dashboard.data import sessions
from dashboard.i18n import error_message, lang, t
from recruitment.errors import VerveError
from recruitment.settings import get_setting
from recruitment.staff import authenticate

if access.current_actor() is not None:
    st.switch_page("pages/home.py")

st.title(t("login.title"))
if st.session_state.pop("session_expired", False):
    st.info(t("login.session_expired"))

with st.form("login"):
    username = st.text_input(t("login.username"), key="login_username", autocomplete="username")
    password = st.text_input(t("login.password"), type="password", key="login_password", autocomplete="current-password")
    submitted = st.form_submit_button(t("login.submit"), type="primary")

if submitted:
    try:
        with sessions().begin() as session:
            actor = authenticate(session=session, username=username, password=password)
            timeout = get_setting(session, "session_timeout_minutes")
    except VerveError as error:
        st.error(error_message(error), icon=":material/error:")
    else:
        if actor is None:
            st.error(t("errors.authentication_failed"), icon=":material/error:")
        else:
            access.log_in(actor, timeout_minutes=timeout)
            st.rerun()

st.page_link("pages/signup.py", label=t("login.back_to_public"), icon=":material/arrow_back:", query_params={"lang": lang()})
