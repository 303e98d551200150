"""Service users: the list of those waiting (searchable, a page at a time), a form for a new
one, and import from a file."""

import math

import streamlit as st

from dashboard import access
from dashboard.action import flash, run_action, show_flash
from dashboard.components import pager, show_field_errors
from dashboard.data import sessions
from dashboard.i18n import date_format, error_message, format_number, localised, t
from dashboard.placement.fields import FIELD_LABELS as FIELD_LABEL_KEYS
from recruitment.core.errors import ValidationFailed, VerveError
from recruitment.core.timefmt import today
from recruitment.core.vocabulary import AGE_GROUPS, AVAILABILITY, INTERESTS, LANGUAGES
from recruitment.placement import service_users
from recruitment.placement.service_users import GENDERS, IMPORT_FIELDS

actor = access.require("service_users.read")
# Back on the list: the next record opened is a new opening, audited again.
st.session_state.pop("service_user_opening", None)
st.title(t("service_users.title"), anchor=False)
show_flash()

FIELD_LABELS = {field: t(FIELD_LABEL_KEYS[field]) for field in IMPORT_FIELDS}
STATUSES = ("", "waiting", "placed", "closed")

tab_list, tab_new, tab_import = st.tabs(
    [t("service_users.tab_list"), t("service_users.tab_new"), t("service_users.tab_import")]
)

with tab_list:
    search_column, status_column = st.columns([2, 1])
    search = search_column.text_input(
        t("service_users.search"),
        key="su_search",
        placeholder=t("service_users.search_placeholder"),
    )
    status = status_column.selectbox(
        t("service_users.filter_status"),
        STATUSES,
        index=1,
        format_func=lambda s: (
            t(f"service_users.status_{s}") if s else t("service_users.status_all")
        ),
        key="su_filter_status",
        placeholder=t("common.choose_one"),
    )
    # A new search or status starts on the first page.
    if st.session_state.get("su_last_filters") != (search, status):
        st.session_state["su_last_filters"] = (search, status)
        st.session_state["su_page"] = 1
    page = int(st.session_state.get("su_page", 1))
    with sessions().begin() as session:
        frame, total = service_users.service_user_list(
            session=session,
            actor=actor,
            status=status or None,
            search=search,
            page=page,
            page_size=service_users.LIST_PAGE_SIZE,
        )
    pages = max(1, math.ceil(total / service_users.LIST_PAGE_SIZE))
    if frame.empty:
        st.info(t("common.no_data"))
    else:
        st.caption(
            t(
                "service_users.count",
                count=total,
                page=format_number(min(page, pages)),
                pages=format_number(pages),
            )
        )
        event = st.dataframe(
            localised(
                frame.assign(
                    age_group=frame["age_group"]
                    .map({c: t(f"vocab.age_group_{c}") for c in frame["age_group"].unique() if c})
                    .fillna(""),
                    status=frame["status"].map(
                        {c: t(f"service_users.status_{c}") for c in frame["status"].unique()}
                    ),
                    coordinator=frame["coordinator"].fillna(""),
                ),
                dates=["waiting_since"],
            ),
            hide_index=True,
            column_config={
                "id": None,
                "case_ref": t("service_users.field_case_ref"),
                "age_group": t("service_users.field_age_group"),
                "area": t("service_users.field_area"),
                "hours_per_month": t("service_users.field_hours_per_month"),
                "waiting_since": t("service_users.field_waiting_since"),
                "days_waiting": t("service_users.days_waiting"),
                "status": t("service_users.field_status"),
                "coordinator": t("service_users.field_coordinator"),
            },
            key="su_table",
            on_select="rerun",
            selection_mode="single-row",
        )
        if event and event.selection.rows:
            chosen = int(frame["id"].iloc[event.selection.rows[0]])
            st.switch_page("placement/service_user.py", query_params={"id": str(chosen)})
        st.caption(t("service_users.open_hint"))
        pager("su_page", page, pages)

with tab_new:
    if not access.allowed(actor, "service_users.write"):
        st.info(t("common.no_access"))
    else:
        with st.form("su_new", clear_on_submit=False):
            case_ref = st.text_input(
                t("service_users.field_case_ref"),
                help=t("service_users.case_ref_help"),
                key="su_case_ref",
            )
            age_group = st.selectbox(
                t("service_users.field_age_group"),
                AGE_GROUPS,
                format_func=lambda c: t(f"vocab.age_group_{c}"),
                key="su_age_group",
                placeholder=t("common.choose_one"),
            )
            left, right = st.columns(2)
            postcode = left.text_input(
                t("service_users.field_postcode"), max_chars=4, key="su_postcode"
            )
            area = right.text_input(
                t("service_users.field_area"), help=t("service_users.area_help"), key="su_area"
            )
            interests = st.multiselect(
                t("service_users.field_interests"),
                INTERESTS,
                format_func=lambda c: t(f"vocab.interest_{c}"),
                placeholder=t("common.choose_many"),
                select_all=False,  # Streamlit's "Select all" is English and selects too much
                key="su_interests",
            )
            languages = st.multiselect(
                t("service_users.field_languages"),
                LANGUAGES,
                format_func=lambda c: t(f"vocab.language_{c}"),
                placeholder=t("common.choose_many"),
                select_all=False,  # Streamlit's "Select all" is English and selects too much
                key="su_languages",
            )
            availability = st.multiselect(
                t("service_users.field_availability"),
                AVAILABILITY,
                format_func=lambda c: t(f"vocab.availability_{c}"),
                placeholder=t("common.choose_many"),
                select_all=False,  # Streamlit's "Select all" is English and selects too much
                key="su_availability",
            )
            st.markdown(f"**{t('service_users.preferences')}**")
            p1, p2, p3 = st.columns(3)
            gender = p1.selectbox(
                t("service_users.field_preferred_gender"),
                ("", *GENDERS),
                format_func=lambda g: t(f"service_users.gender_{g or 'any'}"),
                key="su_gender",
                placeholder=t("common.choose_one"),
            )
            age_min = p2.number_input(
                t("service_users.field_contact_age_min"),
                min_value=0,
                max_value=100,
                value=0,
                key="su_age_min",
            )
            age_max = p3.number_input(
                t("service_users.field_contact_age_max"),
                min_value=0,
                max_value=100,
                value=0,
                key="su_age_max",
            )
            licence = st.checkbox(t("service_users.field_needs_driving_licence"), key="su_licence")
            note = st.text_area(
                t("service_users.field_note"),
                help=t("service_users.note_help"),
                max_chars=500,
                key="su_note",
            )
            h1, h2 = st.columns(2)
            hours = h1.number_input(
                t("service_users.field_hours_per_month"),
                min_value=1,
                max_value=200,
                value=8,
                key="su_hours",
            )
            waiting_since = h2.date_input(
                t("service_users.field_waiting_since"),
                value=today(),
                format=date_format(),
                key="su_waiting_since",
            )
            submitted = st.form_submit_button(
                t("service_users.create"), key="su_create", icon=":material/person_add:"
            )
        if submitted:
            new_id = run_action(
                lambda session: service_users.create_service_user(
                    session=session,
                    actor=actor,
                    case_ref=case_ref,
                    age_group=age_group,
                    postcode=postcode,
                    area=area,
                    interests=interests,
                    languages=languages,
                    availability=availability,
                    preferred_gender=gender or None,
                    contact_age_min=age_min or None,
                    contact_age_max=age_max or None,
                    needs_driving_licence=licence,
                    note=note,
                    hours_per_month=int(hours),
                    waiting_since=waiting_since,
                ),
                field_labels=FIELD_LABEL_KEYS,
                rerun=False,
            )
            if new_id is not None:
                # Kept for the link below, which opens the new record.
                st.session_state["su_created_id"] = new_id
                flash(t("service_users.created"))
                st.rerun()
        if st.session_state.get("su_created_id"):
            st.page_link(
                "placement/service_user.py",
                label=t("service_users.open_created"),
                icon=":material/arrow_forward:",
                query_params={"id": str(st.session_state["su_created_id"])},
            )

with tab_import:
    if not access.allowed(actor, "data.import") or not access.allowed(actor, "service_users.write"):
        st.info(t("common.no_access"))
    else:
        st.caption(t("service_users.import_help"))
        upload = st.file_uploader(
            t("service_users.import_file"), type=["csv", "xlsx"], key="su_import_file"
        )
        if upload is not None:
            try:
                frame = service_users.read_table(upload.getvalue(), upload.name)
            except VerveError as error:
                st.error(error_message(error))
                st.stop()
            columns = ["", *frame.headers]
            mapping = {}
            cols = st.columns(3)
            for i, field in enumerate(IMPORT_FIELDS):
                # Preselect a column whose name is the field's code, so prepared files
                # map themselves.
                guess = field if field in frame.headers else ""
                mapping[field] = cols[i % 3].selectbox(
                    FIELD_LABELS[field] + (" *" if IMPORT_FIELDS[field] else ""),
                    columns,
                    index=columns.index(guess),
                    key=f"su_map_{field}",
                    placeholder=t("common.choose_one"),
                )
            try:
                with sessions().begin() as session:
                    rows = service_users.preview_import(
                        session=session, actor=actor, frame=frame, mapping=mapping
                    )
            except ValidationFailed as error:
                show_field_errors(error.fields, FIELD_LABELS)
                st.stop()
            bad = [row for row in rows if row.errors]
            st.dataframe(
                [
                    {
                        t("service_users.import_row"): row.number,
                        t("service_users.field_case_ref"): row.values.get("case_ref", ""),
                        t("service_users.import_problems"): "; ".join(
                            f"{FIELD_LABELS.get(f, f)}: {t(k)}" for f, k in row.errors.items()
                        ),
                    }
                    for row in rows
                ],
                hide_index=True,
            )
            if bad:
                st.error(t("service_users.error_import_refused", count=len(bad)))
            elif st.button(
                t("service_users.import_button", count=len(rows)),
                key="su_import",
                icon=":material/upload:",
            ):
                # No rerun: the uploaded file would be previewed (and offered) again.
                run_action(
                    lambda session: service_users.import_service_users(
                        session=session, actor=actor, frame=frame, mapping=mapping
                    ),
                    success=lambda ids: t("service_users.imported", count=len(ids)),
                    field_labels=FIELD_LABEL_KEYS,
                    rerun=False,
                )
