"""One service user (`?id=`): the record, their placements, and suggested contacts with
the reasons for each, from which a coordinator proposes or starts a placement."""

import uuid

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import date_format, format_date, format_when, lang, localised, t
from dashboard.placement.fields import CLOSE_LABELS, END_LABELS, FIELD_LABELS, suggestion_rows
from recruitment.core.errors import NotFound
from recruitment.core.vocabulary import AGE_GROUPS, AVAILABILITY, INTERESTS, LANGUAGES
from recruitment.placement import matching, placements, scoring, service_users

OPENING_KEY = "service_user_opening"

actor = access.require("service_users.read")
can_place = access.allowed(actor, "placements.write")
can_write = access.allowed(actor, "service_users.write")

raw_id = st.query_params.get("id", "")
if not raw_id.isdigit():
    st.error(t("service_users.not_found"))
    st.page_link(
        "placement/service_users.py", label=t("service_users.back"), icon=":material/arrow_back:"
    )
    st.stop()
service_user_id = int(raw_id)
# One opening of this record, kept across the page's reruns so the view is audited once;
# opening another record, or coming back from the list, starts a new one.
if st.session_state.get(OPENING_KEY, (None, None))[0] != service_user_id:
    st.session_state[OPENING_KEY] = (service_user_id, uuid.uuid4().hex)
opening = st.session_state[OPENING_KEY][1]

show_flash()


def vocab(prefix: str, codes) -> str:
    return ", ".join(t(f"vocab.{prefix}_{c}") for c in codes) or "–"


try:
    with sessions().begin() as session:
        record = service_users.view_service_user(
            session=session, actor=actor, service_user_id=service_user_id, opening=opening
        )
        rows = placements.placements_for(
            session=session, actor=actor, service_user_id=service_user_id
        )
        suggestions = matching.suggest_contacts(
            session=session, actor=actor, service_user_id=service_user_id
        )
        journal = service_users.service_user_journal(
            session=session, actor=actor, service_user_id=service_user_id
        )
except NotFound:
    st.error(t("service_users.not_found"))
    st.stop()

st.page_link(
    "placement/service_users.py", label=t("service_users.back"), icon=":material/arrow_back:"
)
st.title(t("service_users.detail_title", case_ref=record.case_ref or f"#{record.id}"), anchor=False)
st.caption(t(f"service_users.status_{record.status}"))

left, right = st.columns(2)
with left:
    st.markdown(
        f"**{t('service_users.field_age_group')}:** {t(f'vocab.age_group_{record.age_group}')}"
    )
    st.markdown(
        f"**{t('service_users.field_postcode')}:** {plain(record.postcode or '–')} "
        f"{plain(record.area or '')}"
    )
    st.markdown(f"**{t('service_users.field_hours_per_month')}:** {record.hours_per_month}")
    st.markdown(
        f"**{t('service_users.field_waiting_since')}:** {format_date(record.waiting_since)}"
    )
    st.markdown(
        f"**{t('service_users.field_coordinator')}:** {plain(record.coordinator_name or '–')}"
    )
with right:
    st.markdown(f"**{t('service_users.field_interests')}:** {vocab('interest', record.interests)}")
    st.markdown(f"**{t('service_users.field_languages')}:** {vocab('language', record.languages)}")
    st.markdown(
        f"**{t('service_users.field_availability')}:** {vocab('availability', record.availability)}"
    )
    wishes = []
    if record.preferred_gender:
        wishes.append(t(f"service_users.gender_{record.preferred_gender}"))
    if record.contact_age_min or record.contact_age_max:
        wishes.append(
            t(
                "service_users.age_range",
                low=record.contact_age_min or 18,
                high=record.contact_age_max or 100,
            )
        )
    if record.needs_driving_licence:
        wishes.append(t("service_users.field_needs_driving_licence"))
    st.markdown(f"**{t('service_users.preferences')}:** {', '.join(wishes) or '–'}")
if record.note:
    st.markdown(f"**{t('service_users.field_note')}:**")
    st.text(record.note)

# --- placements ------------------------------------------------------------------------
st.subheader(t("placements.title"), anchor=False)
if not rows:
    st.info(t("placements.none"))


for row in rows:
    with st.container(border=True):
        st.markdown(
            f"**{plain(row.contact_name)}** · {t(f'placements.status_{row.status}')} · "
            f"{t('placements.hours', hours=row.hours_per_month)}"
            + (f" · {t('placements.started_on', day=row.start_date)}" if row.start_date else "")
            + (f" · {t(f'placements.reason_{row.end_reason}')}" if row.end_reason else "")
        )
        if not can_place or row.status == "ended":
            continue
        buttons = st.columns(4)
        if row.status == "proposed" and buttons[0].button(
            t("placements.start"), key=f"start_{row.id}", icon=":material/play_arrow:"
        ):
            run_action(
                lambda session, placement_id=row.id: placements.start_placement(
                    session=session, actor=actor, placement_id=placement_id
                ),
                success=t("placements.started"),
            )
        if row.status == "active" and buttons[1].button(
            t("placements.pause"), key=f"pause_{row.id}", icon=":material/pause:"
        ):
            run_action(
                lambda session, placement_id=row.id: placements.pause_placement(
                    session=session, actor=actor, placement_id=placement_id
                ),
                success=t("placements.paused"),
            )
        if row.status == "paused" and buttons[1].button(
            t("placements.resume"), key=f"resume_{row.id}", icon=":material/play_arrow:"
        ):
            run_action(
                lambda session, placement_id=row.id: placements.resume_placement(
                    session=session, actor=actor, placement_id=placement_id
                ),
                success=t("placements.resumed"),
            )
        with st.expander(t("placements.end")):
            reason = st.selectbox(
                t("placements.end_reason"),
                placements.END_REASONS,
                format_func=lambda r: t(f"placements.reason_{r}"),
                key=f"end_reason_{row.id}",
                placeholder=t("common.choose_one"),
            )
            reason_text = st.text_input(t("placements.end_reason_text"), key=f"end_text_{row.id}")
            if st.button(t("placements.end"), key=f"end_{row.id}", icon=":material/stop:"):
                run_action(
                    lambda session, placement_id=row.id, why=reason, text=reason_text: (
                        placements.end_placement(
                            session=session,
                            actor=actor,
                            placement_id=placement_id,
                            reason=why,
                            reason_text=text,
                        )
                    ),
                    success=t("placements.ended"),
                    field_labels=END_LABELS,
                )

# --- suggestions -------------------------------------------------------------------------
st.subheader(t("matching.suggestions_title"), anchor=False)
st.caption(t("matching.why_help"))
if not suggestions:
    st.info(t("matching.no_suggestions"))
else:
    part_labels = {part: t(f"matching.part_{part}") for part in scoring.PARTS}
    st.dataframe(
        localised(
            suggestion_rows(suggestions, lang()),
            numbers=dict.fromkeys(scoring.PARTS, 1),
            distances=["distance_km"],
        ),
        hide_index=True,
        column_config={
            "id": None,
            "label": t("matching.contact"),
            "score": st.column_config.ProgressColumn(
                t("matching.score"), min_value=0, max_value=100, format="%.0f"
            ),
            **{part: f"{label} (/{scoring.WEIGHTS[part]})" for part, label in part_labels.items()},
            "distance_km": t("matching.distance_km"),
            "shared_interests": t("matching.shared_interests"),
            "shared_languages": t("matching.shared_languages"),
            "load_hours": t("matching.load_hours"),
            "hours": None,
            "area": t("service_users.field_area"),
        },
    )
    if can_place and record.status != "closed":
        labels = {s.id: f"{s.label} ({s.score:.0f})" for s in suggestions}
        with st.form("choose_suggestion"):
            chosen = st.selectbox(
                t("matching.choose"),
                list(labels),
                format_func=labels.get,
                key="choose_contact",
                placeholder=t("common.choose_one"),
            )
            hours = st.number_input(
                t("service_users.field_hours_per_month"),
                min_value=1,
                max_value=200,
                value=record.hours_per_month,
                key="choose_hours",
            )
            start_now = st.checkbox(t("matching.start_now"), key="choose_start")
            submitted = st.form_submit_button(
                t("matching.propose"), key="choose_submit", icon=":material/handshake:"
            )
        if submitted:
            run_action(
                lambda session: placements.place_contact(
                    session=session,
                    actor=actor,
                    service_user_id=record.id,
                    applicant_id=int(chosen),
                    hours_per_month=int(hours),
                    start=start_now,
                ),
                success=t("placements.started" if start_now else "placements.proposed"),
                field_labels=FIELD_LABELS,
            )

# --- edit and close ------------------------------------------------------------------------
if can_write and record.status != "closed":
    with st.expander(t("service_users.edit")), st.form("edit_service_user"):
        case_ref = st.text_input(
            t("service_users.field_case_ref"), value=record.case_ref or "", key="edit_case_ref"
        )
        age_group = st.selectbox(
            t("service_users.field_age_group"),
            AGE_GROUPS,
            index=AGE_GROUPS.index(record.age_group),
            format_func=lambda c: t(f"vocab.age_group_{c}"),
            key="edit_age_group",
            placeholder=t("common.choose_one"),
        )
        e1, e2 = st.columns(2)
        postcode = e1.text_input(
            t("service_users.field_postcode"),
            value=record.postcode or "",
            max_chars=4,
            key="edit_postcode",
        )
        area = e2.text_input(
            t("service_users.field_area"), value=record.area or "", key="edit_area"
        )
        interests = st.multiselect(
            t("service_users.field_interests"),
            INTERESTS,
            default=record.interests,
            format_func=lambda c: t(f"vocab.interest_{c}"),
            placeholder=t("common.choose_many"),
            select_all=False,  # Streamlit's "Select all" is English and selects too much
            key="edit_interests",
        )
        languages = st.multiselect(
            t("service_users.field_languages"),
            LANGUAGES,
            default=record.languages,
            format_func=lambda c: t(f"vocab.language_{c}"),
            placeholder=t("common.choose_many"),
            select_all=False,  # Streamlit's "Select all" is English and selects too much
            key="edit_languages",
        )
        availability = st.multiselect(
            t("service_users.field_availability"),
            AVAILABILITY,
            default=record.availability,
            format_func=lambda c: t(f"vocab.availability_{c}"),
            placeholder=t("common.choose_many"),
            select_all=False,  # Streamlit's "Select all" is English and selects too much
            key="edit_availability",
        )
        p1, p2, p3 = st.columns(3)
        genders = ("", *service_users.GENDERS)
        gender = p1.selectbox(
            t("service_users.field_preferred_gender"),
            genders,
            index=genders.index(record.preferred_gender or ""),
            format_func=lambda g: t(f"service_users.gender_{g or 'any'}"),
            key="edit_gender",
            placeholder=t("common.choose_one"),
        )
        age_min = p2.number_input(
            t("service_users.field_contact_age_min"),
            0,
            100,
            record.contact_age_min or 0,
            key="edit_age_min",
        )
        age_max = p3.number_input(
            t("service_users.field_contact_age_max"),
            0,
            100,
            record.contact_age_max or 0,
            key="edit_age_max",
        )
        licence = st.checkbox(
            t("service_users.field_needs_driving_licence"),
            value=record.needs_driving_licence,
            key="edit_licence",
        )
        note = st.text_area(
            t("service_users.field_note"),
            value=record.note or "",
            help=t("service_users.note_help"),
            max_chars=500,
            key="edit_note",
        )
        h1, h2 = st.columns(2)
        hours = h1.number_input(
            t("service_users.field_hours_per_month"),
            1,
            200,
            record.hours_per_month,
            key="edit_hours",
        )
        waiting_since = h2.date_input(
            t("service_users.field_waiting_since"),
            value=record.waiting_since,
            format=date_format(),
            key="edit_waiting_since",
        )
        if st.form_submit_button(t("common.save"), key="edit_save", icon=":material/save:"):
            run_action(
                lambda session: service_users.update_service_user(
                    session=session,
                    actor=actor,
                    service_user_id=record.id,
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
                    coordinator_id=record.coordinator_id,
                ),
                success=t("common.saved"),
                field_labels=FIELD_LABELS,
            )

    with st.expander(t("service_users.close")):
        reason = st.selectbox(
            t("service_users.close_reason"),
            service_users.CLOSE_REASONS,
            format_func=lambda r: t(f"service_users.close_{r}"),
            key="close_reason",
            placeholder=t("common.choose_one"),
        )
        if st.button(t("service_users.close"), key="close_button", icon=":material/archive:"):
            run_action(
                lambda session: service_users.close_service_user(
                    session=session, actor=actor, service_user_id=record.id, reason=reason
                ),
                success=t("service_users.closed"),
                field_labels=CLOSE_LABELS,
            )

# --- journal ---------------------------------------------------------------------------
with st.expander(t("service_users.journal_title")):
    if not journal:
        st.caption(t("service_users.journal_empty"))
    for entry in journal:
        st.markdown(
            f"**{plain(entry['subject'] or '')}** · {format_when(entry['at'])}"
            + (f" · {plain(entry['author'])}" if entry["author"] else "")
        )
        if entry["body"]:
            st.text(entry["body"])
