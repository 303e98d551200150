"""For one approved support contact: waiting service users ranked, with the why."""

import streamlit as st

from dashboard import access
from dashboard.data import sessions
from dashboard.i18n import error_message, lang, localised, t
from dashboard.placement.fields import suggestion_rows
from recruitment.core.errors import VerveError
from recruitment.placement import matching, scoring

actor = access.require("service_users.read")
st.title(t("matching.title"), anchor=False)
st.caption(t("matching.intro"))

preselected = st.query_params.get("applicant", "")
search = st.text_input(
    t("matching.contact_search"),
    key="match_contact_search",
    help=t("matching.contact_search_help", count=matching.CHOICES_SHOWN),
)
# There can be tens of thousands of approved contacts: a name search narrows the choice.
with sessions().begin() as session:
    contacts = matching.contact_choices(
        session=session,
        actor=actor,
        search=search,
        include=int(preselected) if preselected.isdigit() and not search.strip() else None,
    )
if not contacts:
    st.info(t("matching.no_contacts_found" if search.strip() else "matching.no_contacts"))
    st.stop()

ids = list(contacts)
index = ids.index(int(preselected)) if preselected.isdigit() and int(preselected) in contacts else 0
applicant_id = st.selectbox(
    t("matching.contact"),
    ids,
    index=index,
    format_func=contacts.get,
    key="match_contact",
    placeholder=t("common.choose_one"),
)

try:
    with sessions().begin() as session:
        suggestions = matching.suggest_service_users(
            session=session, actor=actor, applicant_id=applicant_id
        )
except VerveError as error:
    st.error(error_message(error))
    st.stop()

if not suggestions:
    st.info(t("matching.no_service_users"))
    st.stop()

event = st.dataframe(
    localised(
        [
            {**row, "days_waiting": s.extra.get("days_waiting")}
            for s, row in zip(suggestions, suggestion_rows(suggestions, lang()), strict=True)
        ],
        numbers=dict.fromkeys(scoring.PARTS, 1),
        distances=["distance_km"],
    ),
    hide_index=True,
    column_config={
        "id": None,
        "label": t("service_users.field_case_ref"),
        "score": st.column_config.ProgressColumn(
            t("matching.score"), min_value=0, max_value=100, format="%.0f"
        ),
        **{
            part: f"{t(f'matching.part_{part}')} (/{scoring.WEIGHTS[part]})"
            for part in scoring.PARTS
        },
        "distance_km": t("matching.distance_km"),
        "shared_interests": t("matching.shared_interests"),
        "shared_languages": t("matching.shared_languages"),
        "load_hours": t("matching.load_hours"),
        "hours": t("service_users.field_hours_per_month"),
        "area": t("service_users.field_area"),
        "days_waiting": t("service_users.days_waiting"),
    },
    key="match_table",
    on_select="rerun",
    selection_mode="single-row",
)
if event and event.selection.rows:
    chosen = suggestions[event.selection.rows[0]].id
    st.switch_page("placement/service_user.py", query_params={"id": str(chosen)})
st.caption(t("matching.open_hint"))
