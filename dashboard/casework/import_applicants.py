"""Import an existing applicant list (CSV or Excel): upload, map the columns, preview
row by row, and only then confirm; the whole import is one transaction."""

import hashlib

import streamlit as st

from dashboard import access
from dashboard.action import flash, run_action, show_flash
from dashboard.data import sessions
from dashboard.i18n import error_message, lang, t
from recruitment.casework.importing import (
    FIELDS,
    confirm_import,
    preview_import,
    preview_rows,
    preview_summary,
    read_table,
    suggest_mapping,
)
from recruitment.core.errors import ValidationFailed, VerveError

actor = access.require("data.import")
st.title(t("casework.import_title"), anchor=False)
st.caption(t("casework.import_intro"))
show_flash()

# A new key after each import empties the uploader.
uploaded = st.file_uploader(
    t("casework.import_file"),
    type=["csv", "txt", "xlsx"],
    key=f"import_file_{st.session_state.get('import_round', 0)}",
)
if uploaded is not None:
    # Kept as plain bytes so the later steps (and reruns) work on exactly this file.
    st.session_state["import_source"] = {"name": uploaded.name, "data": uploaded.getvalue()}
source = st.session_state.get("import_source")
if not source:
    st.stop()

fingerprint = hashlib.sha256(source["data"]).hexdigest()
try:
    table = read_table(source["data"], source["name"])
except VerveError as error:
    st.error(error_message(error))
    st.stop()
st.caption(
    t(
        "casework.import_file_read",
        name=source["name"],
        rows=t("casework.import_rows", count=len(table.rows)),
        columns=t("casework.import_columns", count=len(table.headers)),
    )
)

st.subheader(t("casework.import_mapping_title"), anchor=False)
suggested = suggest_mapping(table.headers)
NONE = ""
header_labels = {NONE: t("casework.import_not_in_file")} | {
    header: header for header in table.headers
}
with st.form("import_mapping"):
    columns = st.columns(3)
    mapping = {}
    for i, name in enumerate(FIELDS):
        options = [NONE, *table.headers]
        mapping[name] = (
            columns[i % 3].selectbox(
                t(f"casework.field_{name}"),
                options,
                index=options.index(suggested[name]) if suggested[name] else 0,
                format_func=header_labels.get,
                key=f"import_map_{name}",
                placeholder=t("common.choose_one"),
            )
            or None
        )
    st.caption(t("casework.import_required_note"))
    if st.form_submit_button(t("casework.import_preview"), icon=":material/preview:"):
        st.session_state["import_preview_for"] = {"file": fingerprint, "mapping": mapping}

ready = st.session_state.get("import_preview_for")
if not ready or ready["file"] != fingerprint:
    st.stop()

try:
    with sessions().begin() as session:
        plans = preview_import(session=session, actor=actor, table=table, mapping=ready["mapping"])
except ValidationFailed as error:
    missing = ", ".join(t(f"casework.field_{name}") for name in error.fields)
    st.error(t("casework.import_mapping_incomplete", fields=missing))
    st.stop()
except VerveError as error:
    st.error(error_message(error))
    st.stop()

summary = preview_summary(plans)
st.subheader(t("casework.import_preview_title"), anchor=False)
counts = st.columns(3)
counts[0].metric(t("casework.import_action_create"), summary["create"])
counts[1].metric(t("casework.import_action_update"), summary["update"])
counts[2].metric(t("casework.import_action_reject"), summary["reject"])
st.dataframe(
    preview_rows(plans, lang()),
    hide_index=True,
    column_config={
        "row": t("casework.import_row"),
        "action": t("casework.import_action"),
        "name": t("casework.field_name"),
        "email": t("casework.field_email"),
        "why": t("casework.import_why"),
    },
    key="import_preview_table",
)
st.caption(t("casework.import_nothing_written"))
if st.button(
    t("casework.import_confirm", count=summary["create"] + summary["update"]),
    key="import_confirm",
    type="primary",
    disabled=not (summary["create"] or summary["update"]),
):
    done = run_action(
        lambda session: confirm_import(
            session=session,
            actor=actor,
            table=table,
            mapping=ready["mapping"],
            filename=source["name"],
        ),
        reset={"import_source": None, "import_preview_for": None},
        rerun=False,
    )
    if done is not None:
        # A new key empties the uploader for the next file.
        st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
        flash(
            t(
                "casework.import_done",
                created=done.created,
                updated=done.updated,
                rejected=done.rejected,
            )
        )
        st.rerun()
