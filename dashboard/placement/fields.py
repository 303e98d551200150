"""The labels of the service-user forms' fields, as catalogue keys, so a refused action
can name the field to correct (see `dashboard.action.run_action`)."""

from __future__ import annotations

from recruitment.core import i18n
from recruitment.placement.service_users import IMPORT_FIELDS

FIELD_LABELS = {
    field: f"service_users.field_{field}" for field in (*IMPORT_FIELDS, "needs_driving_licence")
} | {"coordinator_id": "service_users.field_coordinator"}
END_LABELS = {"reason": "placements.end_reason", "reason_text": "placements.end_reason_text"}
CLOSE_LABELS = {"reason": "service_users.close_reason"}


def suggestion_rows(suggestions, lang: str) -> list[dict]:
    """Suggestions as table rows, their shared interests and languages written as labels."""
    rows = []
    for suggestion in suggestions:
        row = suggestion.as_row()
        row["shared_interests"] = ", ".join(
            i18n.t(f"vocab.interest_{code}", lang) for code in suggestion.shared_interests
        )
        row["shared_languages"] = ", ".join(
            i18n.t(f"vocab.language_{code}", lang) for code in suggestion.shared_languages
        )
        rows.append(row)
    return rows
