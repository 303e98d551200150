"""Staff login: the way to the login form (a plain HTML form served by
`dashboard/web/login_form.py`, which sets the session cookie), and single sign-on when
it is configured. Opening /login in the browser goes straight to the form; this page is
what in-app links and a logged-out or expired session show."""

from urllib.parse import urlencode

import streamlit as st

from dashboard import access
from dashboard.action import run_action
from dashboard.i18n import format_time, lang, t
from recruitment.accounts.staff import sso_login
from recruitment.core.settings import get_setting


def sso_providers() -> list[str]:
    """The single-sign-on providers configured in `.streamlit/secrets.toml` [auth]:
    named sub-tables (`[auth.microsoft]`), or "" for one unnamed provider."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all: no SSO
        return []
    if not auth:
        return []
    named = [name for name, value in auth.items() if hasattr(value, "keys")]
    return named or ([""] if "client_id" in auth else [])


def _finish(outcome, _session_timeout) -> None:
    """Log in, or say why not (a refused login is an outcome that is saved, not an error)."""
    if outcome.actor is not None:
        access.log_in(outcome.actor)
        st.rerun()
    elif outcome.locked_until is not None:
        until = format_time(outcome.locked_until)
        st.error(t("errors.account_locked", until=until), icon=":material/lock:")
    else:
        st.error(t("errors.authentication_failed"), icon=":material/error:")


if access.current_actor() is not None:
    st.switch_page("casework/home.py")

st.title(t("login.title"), anchor=False)
if st.session_state.pop(access.EXPIRED, False):
    st.info(t("login.session_expired"))
elif st.session_state.pop(access.LOGGED_OUT, False):
    st.success(t("login.logged_out"))

providers = sso_providers()
# Back from the identity provider: map the identity to a staff account, once per session.
if providers and st.user.is_logged_in and not st.session_state.get("sso_tried"):
    st.session_state["sso_tried"] = True
    attempt = run_action(
        lambda session: (
            sso_login(
                session=session,
                subject=st.user.get("sub"),
                email=st.user.get("email"),
                provider=",".join(providers),
                client=access.client_address(),
            ),
            get_setting(session, "session_timeout_minutes"),
        ),
        rerun=False,
        clear_caches=False,
    )
    if attempt is not None:
        outcome, timeout = attempt
        if outcome.actor is None and outcome.locked_until is None:
            st.error(t("security.sso_no_account"), icon=":material/error:")
            if st.button(t("common.log_out"), key="sso_log_out"):
                st.logout()
        else:
            _finish(outcome, timeout)

form_url = "/auth/login?" + urlencode({"next": st.query_params.get("next") or "/", "lang": lang()})
st.link_button(t("login.go_to_login"), form_url, type="primary", icon=":material/login:")

for provider in providers:
    label = t(
        "security.sso_login",
        provider=provider.title() if provider else t("security.sso_default_name"),
    )
    if st.button(label, key=f"sso_{provider or 'default'}", icon=":material/key:"):
        st.session_state.pop("sso_tried", None)
        st.login(provider) if provider else st.login()

st.page_link(
    "journey/signup.py",
    label=t("login.back_to_public"),
    icon=":material/arrow_back:",
    query_params={"lang": lang()},
)
