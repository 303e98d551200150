"""One applicant (?id=): profile, timeline, journal, checks and interviews, and the
moves open from the current stage, each asking for a reason where the pipeline needs one."""

import streamlit as st

from dashboard import access
from dashboard.action import run_action, show_flash
from dashboard.casework.applicant_panels import checks_panel, contact_panel, interviews_panel
from dashboard.casework.fields import FIELD_LABELS
from dashboard.components import plain
from dashboard.data import sessions
from dashboard.i18n import error_message, format_datetime, t
from recruitment.casework.applicant_list import applicant_file
from recruitment.casework.handover import assign_applicant
from recruitment.casework.journal import STAFF_CHANNELS, add_entry, edit_entry
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.access import allowed
from recruitment.core.errors import VerveError
from recruitment.core.validation import display_phone

actor = access.require("applicants.read")
can_write = allowed(actor, "applicants.write")


def channel_label(channel: str) -> str:
    return t(f"casework.channel_{channel}")


def when(value) -> str:
    return format_datetime(value)


# Who made a change with no staff member named (`ActorKind`; None on old, unknown rows).
ACTOR_LABELS = {
    "my_page": "casework.actor_my_page",
    "sign_up_form": "casework.actor_sign_up_form",
    "staff": "casework.actor_staff",
    "system": "casework.channel_system",
    None: "casework.channel_system",
}


try:
    applicant_id = int(st.query_params.get("id", ""))
except ValueError:
    st.error(t("casework.applicant_missing_id"))
    st.page_link(
        "casework/applicants.py", label=t("casework.back_to_list"), icon=":material/arrow_back:"
    )
    st.stop()

try:
    with sessions().begin() as session:
        record = applicant_file(session=session, actor=actor, applicant_id=applicant_id)
except VerveError as error:
    st.error(error_message(error))
    st.page_link(
        "casework/applicants.py", label=t("casework.back_to_list"), icon=":material/arrow_back:"
    )
    st.stop()

profile = record["profile"]
st.page_link(
    "casework/applicants.py", label=t("casework.back_to_list"), icon=":material/arrow_back:"
)
st.title(f"{plain(profile['first_name'])} {plain(profile['last_name'])}", anchor=False)
st.markdown(
    t(
        "casework.applicant_status_line",
        stage=t(f"stages.{profile['stage']}"),
        since=when(profile["stage_changed_at"]),
        coordinator=plain(profile["coordinator"])
        if profile["coordinator"]
        else t("casework.unassigned"),
    )
)
# The result of an action (here, or in the interview and checks panels) shows here.
show_flash()

tab_profile, tab_timeline, tab_journal, tab_checks, tab_actions = st.tabs(
    [
        t("casework.tab_profile"),
        t("casework.tab_timeline"),
        t("casework.tab_journal"),
        t("casework.tab_checks"),
        t("casework.tab_actions"),
    ]
)

with tab_profile:

    def vocab(prefix: str, codes: list[str]) -> str:
        return ", ".join(t(f"vocab.{prefix}_{code}") for code in codes) or "–"

    yes_no = {True: t("common.yes"), False: t("common.no")}
    facts = [
        ("field_email", profile["email"] or "–"),
        ("field_phone", display_phone(profile["phone"]) or "–"),
        ("field_birth_year", profile["birth_year"] or "–"),
        ("field_postcode", profile["postcode"] or "–"),
        ("field_area", profile["area"] or "–"),
        ("field_languages", vocab("language", profile["languages"])),
        ("field_interests", vocab("interest", profile["interests"])),
        ("field_availability", vocab("availability", profile["availability"])),
        ("field_target_groups", vocab("target_group", profile["target_groups"])),
        ("field_driving_licence", yes_no[bool(profile["driving_licence"])]),
        ("field_prefers_phone", yes_no[bool(profile["prefers_phone"])]),
        ("field_callback_requested", yes_no[bool(profile["callback_requested"])]),
        ("field_source", t(f"vocab.source_{profile['source']}")),
        ("field_consent_at", when(profile["consent_at"])),
        ("field_created_at", when(profile["created_at"])),
    ]
    if profile["exit_reason"]:
        facts.append(("field_exit_reason", t(f"reasons.{profile['exit_reason']}")))
    for key, value in facts:
        st.markdown(f"**{t('casework.' + key)}:** {plain(value)}")
    if profile["about"]:
        st.markdown(f"**{t('casework.field_about')}:**")
        st.text(profile["about"])
    contact_panel(applicant_id)

with tab_timeline:
    if not record["timeline"]:
        st.caption(t("common.no_data"))
    for item in record["timeline"]:
        who = plain(item["who"]) if item["who"] else t(ACTOR_LABELS[item["actor_kind"]])
        with st.container(border=True):
            if item["kind"] == "stage":
                moved = (
                    t(
                        "casework.timeline_stage",
                        to=t(f"stages.{item['to_stage']}"),
                        from_=t(f"stages.{item['from_stage']}"),
                    )
                    if item["from_stage"]
                    else t("casework.timeline_signed_up")
                )
                st.markdown(f"**{when(item['at'])}** · {moved} · {who}")
                if item["reason_code"]:
                    st.caption(t(f"reasons.{item['reason_code']}"))
                if item["reason_text"]:
                    st.text(item["reason_text"])
            elif item["kind"] == "meeting_change":
                moved = t(
                    "casework.timeline_meeting_changed",
                    old=when(item["from_meeting_at"]) if item["from_meeting_at"] else "–",
                    new=when(item["to_meeting_at"]) if item["to_meeting_at"] else "–",
                )
                st.markdown(f"**{when(item['at'])}** · {moved} · {who}")
            else:
                st.markdown(f"**{when(item['at'])}** · {channel_label(item['channel'])} · {who}")
                if item["subject"]:
                    st.markdown(f"*{plain(item['subject'])}*")
                st.text(item["body"])

with tab_journal:
    if can_write:
        # Not cleared on submit: a refused entry keeps its text; a saved one is forgotten.
        with st.form("journal_add"):
            channel = st.selectbox(
                t("casework.field_channel"),
                STAFF_CHANNELS,
                format_func={c: channel_label(c) for c in STAFF_CHANNELS}.get,
                key="journal_channel",
                placeholder=t("common.choose_one"),
            )
            subject = st.text_input(t("casework.field_subject"), key="journal_subject")
            body = st.text_area(t("casework.field_body"), key="journal_body")
            if st.form_submit_button(t("casework.journal_add"), icon=":material/add:"):
                run_action(
                    lambda session: add_entry(
                        session=session,
                        actor=actor,
                        applicant_id=applicant_id,
                        channel=channel,
                        subject=subject,
                        body=body,
                    ),
                    success=t("casework.journal_added"),
                    field_labels=FIELD_LABELS,
                    reset={"journal_subject": "", "journal_body": ""},
                )
    st.caption(t("casework.journal_rule"))
    entries = [item for item in record["timeline"] if item["kind"] == "journal"]
    for entry in entries:
        with st.container(border=True):
            st.markdown(
                f"**{when(entry['at'])}** · {channel_label(entry['channel'])} · "
                f"{plain(entry['who'] or t('casework.channel_system'))}"
            )
            if entry["subject"]:
                st.markdown(f"*{plain(entry['subject'])}*")
            st.text(entry["body"])
            if entry["edited_at"]:
                st.caption(t("casework.journal_edited", at=when(entry["edited_at"])))
            if can_write and entry["editable"]:
                with (
                    st.expander(t("casework.journal_correct")),
                    st.form(f"journal_edit_{entry['id']}"),
                ):
                    new_subject = st.text_input(
                        t("casework.field_subject"),
                        value=entry["subject"] or "",
                        key=f"journal_edit_subject_{entry['id']}",
                    )
                    new_body = st.text_area(
                        t("casework.field_body"),
                        value=entry["body"],
                        key=f"journal_edit_body_{entry['id']}",
                    )
                    if st.form_submit_button(t("common.save")):
                        run_action(
                            # Defaults bind this turn of the loop (run_action calls it at once).
                            lambda session, e=entry["id"], s=new_subject, b=new_body: edit_entry(
                                session=session, actor=actor, entry_id=e, subject=s, body=b
                            ),
                            success=t("common.saved"),
                            field_labels=FIELD_LABELS,
                        )

with tab_checks:
    interviews_panel(applicant_id)
    checks_panel(applicant_id)

with tab_actions:
    if not can_write:
        st.info(t("casework.read_only"))
    else:
        st.subheader(t("casework.move_title"), anchor=False)
        moves = {move["to_stage"]: move for move in record["moves"]}
        target = st.selectbox(
            t("casework.move_to"),
            list(moves),
            format_func={s: t(f"stages.{s}") for s in moves}.get,
            key="move_target",
            placeholder=t("common.choose_one"),
        )
        move = moves[target]
        with st.form("move_form"):
            reason_code = None
            if move["reasons"]:
                reason_code = st.selectbox(
                    t("casework.move_reason"),
                    move["reasons"],
                    format_func={r: t(f"reasons.{r}") for r in move["reasons"]}.get,
                    key="move_reason",
                    index=None,
                    placeholder=t("casework.move_reason_placeholder"),
                )
            reason_text = st.text_area(
                t("casework.move_reason_text") if move["reasons"] else t("casework.move_comment"),
                key="move_reason_text",
                help=t("casework.move_other_needs_text") if move["reasons"] else None,
            )
            if st.form_submit_button(t("casework.move_submit"), type="primary"):
                run_action(
                    lambda session: advance_stage(
                        session=session,
                        actor=actor,
                        applicant_id=applicant_id,
                        to_stage=target,
                        reason_code=reason_code,
                        reason_text=reason_text,
                    ),
                    success=t("casework.moved"),
                    field_labels=FIELD_LABELS,
                )

        st.subheader(t("casework.assign_title"), anchor=False)
        workers = {str(w["id"]): w for w in record["case_workers"]}
        options = ["", *workers]
        away_word = t("casework.away")
        worker_labels = {"": t("casework.unassigned")} | {
            v: w["name"] + (f" ({away_word})" if w["away"] else "") for v, w in workers.items()
        }
        current = str(profile["coordinator_id"]) if profile["coordinator_id"] else ""
        with st.form("assign_form"):
            chosen = st.selectbox(
                t("casework.field_coordinator"),
                options,
                index=options.index(current) if current in options else 0,
                format_func=worker_labels.get,
                key="assign_coordinator",
                placeholder=t("common.choose_one"),
            )
            if st.form_submit_button(t("casework.assign_submit")):
                run_action(
                    lambda session: assign_applicant(
                        session=session,
                        actor=actor,
                        applicant_id=applicant_id,
                        coordinator_id=int(chosen) if chosen else None,
                    ),
                    success=t("casework.assigned"),
                    field_labels=FIELD_LABELS,
                )
