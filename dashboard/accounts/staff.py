"""Admins: add staff, change their role, deactivate them, reset a password or lift a lock."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import format_datetime, t
from db.models import Role
from recruitment.accounts.staff import (
    MIN_PASSWORD_LENGTH,
    add_staff_user,
    change_role,
    list_staff,
    reset_password,
    set_active,
    unlock,
)

actor = access.require("staff.manage")
st.title(t("security.nav_staff"), anchor=False)
show_flash()

ROLES = [role.value for role in Role]
# Labels computed once per run: a format_func must not depend on when it is called.
ROLE_LABELS = {role: t(f"roles.{role}") for role in ROLES}

FIELD_LABELS = {
    field: f"security.field_{field}"
    for field in ("username", "role", "password", "new_password", "email", "full_name")
}
NEW_STAFF_EMPTY = {
    f"staff_new_{name}": "" for name in ("username", "full_name", "email", "password")
}


with sessions()() as session:
    people = list_staff(session=session, actor=actor)

st.dataframe(
    [
        {
            t("security.field_username"): p["username"],
            t("security.field_full_name"): p["full_name"],
            t("security.field_email"): p["email"] or "",
            t("security.field_role"): t(f"roles.{p['role']}"),
            t("security.active"): p["active"],
            t("security.locked"): p["locked"],
            t("security.last_login"): format_datetime(p["last_login_at"]),
        }
        for p in people
    ],
    hide_index=True,
    width="stretch",
)

by_id = {p["id"]: p for p in people}
with st.expander(t("security.add_staff"), icon=":material/person_add:"):
    with st.form("add_staff", clear_on_submit=False):
        username = st.text_input(t("security.field_username"), key="staff_new_username")
        full_name = st.text_input(t("security.field_full_name"), key="staff_new_full_name")
        email = st.text_input(
            t("security.field_email"), key="staff_new_email", help=t("security.email_help")
        )
        role = st.selectbox(
            t("security.field_role"),
            ROLES,
            format_func=ROLE_LABELS.__getitem__,
            key="staff_new_role",
            index=1,
            placeholder=t("common.choose_one"),
        )
        password = st.text_input(
            t("security.field_password"),
            type="password",
            key="staff_new_password",
            help=t("security.password_rules", min=MIN_PASSWORD_LENGTH),
        )
        if st.form_submit_button(t("security.add_staff"), type="primary"):
            run_action(
                lambda session: add_staff_user(
                    session=session,
                    actor=actor,
                    username=username,
                    role=role,
                    password=password or None,
                    full_name=full_name,
                    email=email or None,
                ),
                success=t("security.staff_added"),
                field_labels=FIELD_LABELS,
                reset=NEW_STAFF_EMPTY,  # an empty form for the next person
            )

st.subheader(t("security.change_staff"), anchor=False)
chosen = st.selectbox(
    t("security.choose_staff"),
    list(by_id),
    format_func=lambda i: f"{by_id[i]['username']} ({by_id[i]['full_name']})",
    key="staff_chosen",
    placeholder=t("common.choose_one"),
)
if chosen is not None:
    person = by_id[chosen]
    with st.form("staff_role"):
        new_role = st.selectbox(
            t("security.field_role"),
            ROLES,
            index=ROLES.index(person["role"]),
            format_func=ROLE_LABELS.__getitem__,
            key="staff_role",
            placeholder=t("common.choose_one"),
        )
        if st.form_submit_button(t("security.change_role")):
            run_action(
                lambda session: change_role(
                    session=session, actor=actor, user_id=chosen, role=new_role
                ),
                success=t("security.saved"),
                field_labels=FIELD_LABELS,
            )
    with st.form("staff_password", clear_on_submit=True):
        new_password = st.text_input(
            t("security.new_password"), type="password", key="staff_reset_password"
        )
        if st.form_submit_button(t("security.reset_password")):
            run_action(
                lambda session: reset_password(
                    session=session, actor=actor, user_id=chosen, new_password=new_password
                ),
                success=t("security.saved"),
                field_labels=FIELD_LABELS,
            )
    left, right = st.columns(2)
    if person["active"]:
        if left.button(
            t("security.deactivate"), key="staff_deactivate", icon=":material/person_off:"
        ):
            run_action(
                lambda session: set_active(
                    session=session, actor=actor, user_id=chosen, active=False
                ),
                success=t("security.saved"),
            )
    elif left.button(t("security.reactivate"), key="staff_reactivate", icon=":material/person:"):
        run_action(
            lambda session: set_active(session=session, actor=actor, user_id=chosen, active=True),
            success=t("security.saved"),
        )
    if person["locked"] and right.button(
        t("security.unlock"), key="staff_unlock", icon=":material/lock_open:"
    ):
        run_action(
            lambda session: unlock(session=session, actor=actor, user_id=chosen),
            success=t("security.saved"),
        )
