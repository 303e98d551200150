"""The rights of the person: a copy of everything the office holds about one applicant
(JSON and a readable HTML document), and erasure on request. Both are audited."""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Applicant,
    ApplicantCheck,
    ConsentVersion,
    Evaluation,
    InfoMeeting,
    Interview,
    JournalEntry,
    OutboxMessage,
    Placement,
    PlacementStatus,
    Registration,
    Stage,
    StageEvent,
    utcnow,
)
from recruitment.accounts.audit import record
from recruitment.accounts.retention import _anonymise_applicant
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound
from recruitment.core.i18n import language, t
from recruitment.core.links import fill_public_url, public_base_url
from recruitment.core.pipeline import EXITS
from recruitment.core.timefmt import iso
from recruitment.journey import _booking

_APPLICANT_FIELDS = (
    "id", "first_name", "last_name", "email", "phone", "birth_year", "postcode", "area",
    "languages", "interests", "availability", "target_groups", "about", "driving_licence",
    "prefers_phone", "callback_requested", "source", "language", "consent_at", "stage",
    "stage_changed_at", "exit_reason", "created_at", "updated_at",
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return iso(value)
    return value


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _applicant(session: Session, applicant_id: int) -> Applicant:
    applicant = session.get(Applicant, applicant_id) if applicant_id is not None else None
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    return applicant


@requires("data.export")
def export_applicant(*, session: Session, actor: Actor, applicant_id: int) -> dict[str, Any]:
    """Everything held about one applicant, as JSON-ready plain values; audited."""
    applicant = _applicant(session, applicant_id)
    consent = (
        session.get(ConsentVersion, applicant.consent_version_id)
        if applicant.consent_version_id
        else None
    )

    def rows(model, fields, *where, order=None):
        query = select(model).where(*where)
        if order is not None:
            query = query.order_by(order)
        return [_row(obj, fields) for obj in session.scalars(query)]

    address = (applicant.email or "").lower()
    mail_filter = OutboxMessage.applicant_id == applicant_id
    if address:
        mail_filter = or_(mail_filter, func.lower(OutboxMessage.to_address) == address)
    registrations = [
        {
            **_row(reg, ("status", "created_at", "cancelled_at")),
            **_row(meeting, ("starts_at", "mode", "address")),
        }
        for reg, meeting in session.execute(
            select(Registration, InfoMeeting)
            .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
            .where(Registration.applicant_id == applicant_id)
            .order_by(InfoMeeting.starts_at)
        ).all()
    ]
    data = {
        "exported_at": iso(utcnow()),
        "applicant": _row(applicant, _APPLICANT_FIELDS),
        "consent": {"version": consent.version, "published_at": _plain(consent.published_at)}
        if consent
        else None,
        "stage_events": rows(
            StageEvent,
            ("from_stage", "to_stage", "at", "reason_code", "reason_text"),
            StageEvent.applicant_id == applicant_id,
            order=StageEvent.at,
        ),
        "registrations": registrations,
        "interviews": rows(
            Interview,
            (
                "scheduled_at",
                "place",
                "outcome",
                "score_motivation",
                "score_reliability",
                "score_experience",
                "score_fit",
                "notes",
            ),
            Interview.applicant_id == applicant_id,
            order=Interview.scheduled_at,
        ),
        "checks": rows(
            ApplicantCheck,
            ("kind", "completed_on", "issued_on", "seen_on", "note"),
            ApplicantCheck.applicant_id == applicant_id,
            order=ApplicantCheck.kind,
        ),
        "evaluations": rows(
            Evaluation,
            (
                "meeting_id",
                "rating",
                "got_information",
                "technical_problems",
                "comment",
                "created_at",
            ),
            Evaluation.applicant_id == applicant_id,
        ),
        "placements": rows(
            Placement,
            (
                "status",
                "start_date",
                "end_date",
                "hours_per_month",
                "end_reason",
                "end_reason_text",
            ),
            Placement.applicant_id == applicant_id,
        ),
        "journal": rows(
            JournalEntry,
            ("created_at", "channel", "subject", "body"),
            JournalEntry.applicant_id == applicant_id,
            order=JournalEntry.created_at,
        ),
        "messages": rows(
            OutboxMessage,
            ("created_at", "status", "to_address", "subject", "body_text", "sent_at"),
            mail_filter,
            order=OutboxMessage.created_at,
        ),
    }
    base = public_base_url(session)
    for message in data["messages"]:  # queued links carry a mark for the address
        for field in ("subject", "body_text"):
            message[field] = fill_public_url(base, message[field])
    record(
        session=session,
        actor=actor,
        action="applicant.exported",
        target_type="applicant",
        target_id=applicant_id,
    )
    return data


def export_json(data: dict[str, Any]) -> str:
    """The export as a JSON document (UTF-8, readable indentation)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def export_html(data: dict[str, Any], lang: str = "nb") -> str:
    """The export as a stand-alone, readable HTML page. Every value is escaped: the data
    is typed by the public and must never become markup. Offered as a download only."""
    lang = language(lang)
    e = html.escape
    applicant = data["applicant"]
    name = f"{applicant.get('first_name') or ''} {applicant.get('last_name') or ''}".strip()
    exported_at = datetime.fromisoformat(data["exported_at"])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        # No scripts, no remote content, whatever the data holds.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src '
        "'unsafe-inline'\">",
        f"<title>{e(t('security.export_title', lang, name=name))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;}"
        "table{border-collapse:collapse;margin-bottom:1.5em;}td,th{border:1px solid "
        "#999;padding:.3em .5em;"
        "text-align:left;vertical-align:top;white-space:pre-wrap;}</style></head><body>",
        f"<h1>{e(t('security.export_title', lang, name=name))}</h1>",
        f"<p>{e(t('security.export_intro', lang, at=exported_at))}</p>",
    ]

    def table_of(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return f"<p>{e(t('security.export_none', lang))}</p>"
        heads = list(rows[0])
        head = "".join(f"<th>{e(str(h))}</th>" for h in heads)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(_text(row.get(h)))}</td>" for h in heads) + "</tr>"
            for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts.append(f"<h2>{e(t('security.export_section_applicant', lang))}</h2>")
    parts.append(
        "<table><tbody>"
        + "".join(f"<tr><th>{e(k)}</th><td>{e(_text(v))}</td></tr>" for k, v in applicant.items())
        + "</tbody></table>"
    )
    consent = data.get("consent")
    parts.append(f"<h2>{e(t('security.export_section_consent', lang))}</h2>")
    parts.append(table_of([consent] if consent else []))
    for section in (
        "stage_events",
        "registrations",
        "interviews",
        "checks",
        "evaluations",
        "placements",
        "journal",
        "messages",
    ):
        heading = t(f"security.export_section_{section}", lang)
        parts.append(f"<h2>{e(heading)}</h2>")
        parts.append(table_of(data.get(section) or []))
    parts.append("</body></html>")
    return "\n".join(parts)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@requires("data.erase")
def erase_applicant(
    *, session: Session, actor: Actor, applicant_id: int, now: datetime | None = None
) -> None:
    """Erase an applicant on their request: personal data goes from every table; an
    applicant still in the pipeline is first recorded as withdrawn so the funnel stays
    true. Audited with ids only."""
    applicant = _applicant(session, applicant_id)
    now = now or utcnow()
    if Stage(applicant.stage) not in EXITS:
        # As any leaving: seats go to the waitlist, interviews are called off (the
        # messages to the person themselves go with the rest of their data below).
        _booking.leave_pipeline(
            session=session,
            applicant_id=applicant_id,
            to_stage=Stage.WITHDRAWN,
            by_id=actor.id,
            reason_code="changed_mind",
            at=now,
        )
        for placement in session.scalars(
            select(Placement).where(
                Placement.applicant_id == applicant_id,
                Placement.status != PlacementStatus.ENDED.value,
            )
        ):
            placement.status = PlacementStatus.ENDED.value
            placement.end_date = max(now.date(), placement.start_date or now.date())
    _anonymise_applicant(session, applicant_id, now=now)
    record(
        session=session,
        actor=actor,
        action="applicant.erased",
        target_type="applicant",
        target_id=applicant_id,
        detail={"reason": "request"},
    )


@requires("settings.write")
def consent_versions(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every privacy-notice version with how many applicants accepted it (admins)."""
    counts = dict(  # from ix_applicant_consent_version alone
        session.execute(
            select(Applicant.consent_version_id, func.count())
            .where(Applicant.consent_version_id.is_not(None))
            .group_by(Applicant.consent_version_id)
        ).all()
    )
    return [
        {"version": v.version, "published_at": v.published_at, "accepted_by": counts.get(v.id, 0)}
        for v in session.scalars(
            select(ConsentVersion).order_by(ConsentVersion.published_at.desc())
        )
    ]
