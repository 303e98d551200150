"""The labels of the casework forms' fields, as catalogue keys, so a refused action can
name the field to correct (see `dashboard.action.run_action`)."""

from __future__ import annotations

from recruitment.casework import interviews

FIELD_LABELS = {
    "scheduled_at": "interviews.date",
    "place": "interviews.place",
    "interviewer_id": "interviews.interviewer",
    "outcome": "interviews.outcome",
    "reject": "interviews.reject",
    **{f"score_{name}": f"interviews.score_{name}" for name in interviews.RUBRIC},
    "issued_on": "checks.issued_on",
    "seen_on": "checks.seen_on",
    "completed_on": "checks.completed_on",
    "kind": "checks.kind",
    "seen_by_id": "checks.seen_on",
    "starts_at": "meetings.date",
    "first_day": "meetings.first_date",
    "mode": "meetings.mode",
    "join_url": "meetings.join_url",
    "address": "meetings.address",
    "capacity": "meetings.capacity",
    "duration_minutes": "meetings.duration",
    "language": "meetings.language",
    "host_id": "meetings.host",
    "count": "meetings.count",
    "interval": "meetings.interval",
    "nth": "meetings.nth",
    "weekday": "meetings.weekday",
    "applicant_ids": "combined.applicants",
    "channel": "casework.field_channel",
    "subject": "casework.field_subject",
    "body": "casework.field_body",
}
