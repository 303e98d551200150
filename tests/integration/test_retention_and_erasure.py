"""Retention and erasure remove a person's data from every table, while the funnel
(distinct applicants per stage reached) stays exactly as it was."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import (
    Applicant,
    ApplicantCheck,
    AuditEvent,
    Base,
    Evaluation,
    Interview,
    JournalEntry,
    OutboxMessage,
    Registration,
    ServiceUser,
    StageEvent,
)
from recruitment.accounts.privacy_rights import (
    erase_applicant,
    export_applicant,
    export_html,
    export_json,
)
from recruitment.accounts.retention import months_before, retention_due, run_retention
from recruitment.core.errors import PermissionDenied
from tests.stages import step_to

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=500)
RECENT = NOW - timedelta(days=30)
MARKERS = (
    "Ingrid",
    "Hemmelig",
    "ingrid.hemmelig@example.no",
    "+4799887766",
    "loves chess and knitting",
    "shy at first",
    "knows my cousin",
    "moved to Bergen",
)


def _person(session_factory, make_applicant, make_meeting, *, at, exit_to="withdrawn"):
    """An applicant with data in every table, who went several steps and then left."""
    meeting = make_meeting(starts_at=at + timedelta(days=3))
    applicant_id = make_applicant(
        first_name="Ingrid",
        last_name="Hemmelig",
        email="ingrid.hemmelig@example.no",
        phone="+4799887766",
        about="loves chess and knitting",
        signed_up_at=at,
    )
    with session_factory.begin() as s:
        for i, stage in enumerate(
            ("meeting_booked", "meeting_attended", "interview_scheduled", "interviewed")
        ):
            step_to(
                session=s,
                applicant_id=applicant_id,
                to_stage=stage,
                by_id=None,
                at=at + timedelta(days=i + 1),
            )
        reason = {
            "withdrawn": ("moved", "moved to Bergen"),
            "rejected": ("other", "moved to Bergen"),
        }[exit_to]
        step_to(
            session=s,
            applicant_id=applicant_id,
            to_stage=exit_to,
            by_id=None,
            reason_code=reason[0],
            reason_text=reason[1],
            at=at + timedelta(days=6),
        )
        s.add(
            Registration(
                applicant_id=applicant_id,
                meeting_id=meeting,
                status="attended",
                ics_uid=f"uid-{applicant_id}",
            )
        )
        s.add(
            Interview(
                applicant_id=applicant_id,
                scheduled_at=at + timedelta(days=4),
                place="Rådhuset",
                notes="shy at first",
                score_fit=4,
                outcome="on_hold",
            )
        )
        s.add(
            ApplicantCheck(
                applicant_id=applicant_id,
                kind="reference_1",
                note="knows my cousin",
                recorded_at=at,
            )
        )
        s.add(
            Evaluation(
                applicant_id=applicant_id,
                meeting_id=meeting,
                rating=5,
                got_information=True,
                comment="good meeting",
                created_at=at,
            )
        )
        s.add(
            JournalEntry(
                applicant_id=applicant_id,
                channel="phone",
                subject="Called Ingrid",
                body="Ingrid Hemmelig said she loves chess and knitting",
                created_at=at + timedelta(days=2),
            )
        )
        s.add(
            OutboxMessage(
                kind="confirmation",
                applicant_id=applicant_id,
                to_address="ingrid.hemmelig@example.no",
                subject="Hei Ingrid",
                body_text="Hei Ingrid Hemmelig",
                message_id=f"<m{applicant_id}@x>",
                created_at=at,
            )
        )
        s.add(
            OutboxMessage(
                kind="reminder",
                applicant_id=None,
                to_address="Ingrid.Hemmelig@example.no",
                subject="Påminnelse",
                body_text="Hei Ingrid",
                message_id=f"<n{applicant_id}@x>",
                created_at=at,
            )
        )
    return applicant_id


def _everything(session) -> str:
    """Every value in every table, as one text to search."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            parts.append(" ".join(str(value) for value in row))
    return "\n".join(parts)


def _funnel(session) -> dict[str, int]:
    return dict(
        session.execute(
            select(
                StageEvent.to_stage, func.count(func.distinct(StageEvent.applicant_id))
            ).group_by(StageEvent.to_stage)
        ).all()
    )


def _left_only_husks(session, applicant_id):
    everything = _everything(session)
    leaks = [marker for marker in MARKERS if marker.lower() in everything.lower()]
    assert not leaks, leaks
    applicant = session.get(Applicant, applicant_id)
    assert (
        applicant.anonymised_at is not None and applicant.email is None and applicant.token is None
    )
    assert (
        session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.applicant_id == applicant_id)
        )
        == 0
    )
    assert session.scalar(select(Evaluation.applicant_id)) is None  # the answer stays, unlinked
    assert session.scalar(select(func.count()).select_from(Registration)) == 1


def test_retention_anonymises_people_who_left_long_ago_and_keeps_the_funnel(
    session_factory, session, admin, make_applicant, make_meeting
):
    gone = _person(session_factory, make_applicant, make_meeting, at=LONG_AGO)
    recent = make_applicant(first_name="Recent", signed_up_at=RECENT)
    with session_factory.begin() as s:
        step_to(
            session=s,
            applicant_id=recent,
            to_stage="withdrawn",
            by_id=None,
            reason_code="no_time",
            at=RECENT,
        )
    active_old = make_applicant(first_name="Still", last_name="Active", signed_up_at=LONG_AGO)
    before = _funnel(session)
    session.rollback()

    with session_factory.begin() as s:
        due = retention_due(session=s, actor=admin, now=NOW)
        assert [row["id"] for row in due.applicants] == [gone]
        dry = run_retention(session=s, actor=admin, now=NOW, dry_run=True)
        assert [row["id"] for row in dry.applicants] == [gone] and not dry.done
    assert session.get(Applicant, gone).anonymised_at is None
    session.rollback()

    with session_factory.begin() as s:
        done = run_retention(session=s, actor=admin, now=NOW)
    assert done.done and [row["id"] for row in done.applicants] == [gone]

    _left_only_husks(session, gone)
    assert _funnel(session) == before
    assert session.get(Applicant, recent).first_name == "Recent"
    assert session.get(Applicant, active_old).first_name == "Still"
    assert (
        session.scalar(
            select(StageEvent.reason_code).where(
                StageEvent.applicant_id == gone, StageEvent.to_stage == "withdrawn"
            )
        )
        == "moved"
    )
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"applicant.anonymised", "retention.run"} <= actions
    session.rollback()
    # Running again finds nobody new.
    with session_factory.begin() as s:
        assert run_retention(session=s, actor=admin, now=NOW).applicants == []


def test_the_page_asks_for_the_first_rows_and_gets_the_counts_of_everyone(
    session_factory, admin, make_applicant
):
    """At 100,000 applicants thousands are due: the page shows the first and counts all,
    in SQL. A note written after the cutoff, like a late stage event, keeps a person."""
    gone = []
    for n in range(3):
        person = make_applicant(first_name=f"Gone{n}", signed_up_at=LONG_AGO)
        with session_factory.begin() as s:
            step_to(
                session=s,
                applicant_id=person,
                to_stage="withdrawn",
                by_id=None,
                reason_code="no_time",
                at=LONG_AGO + timedelta(days=1),
            )
        gone.append(person)
    noted = gone.pop()
    with session_factory.begin() as s:
        s.add(
            JournalEntry(
                applicant_id=noted, channel="phone", subject="Called back", created_at=RECENT
            )
        )
    with session_factory.begin() as s:
        everyone = retention_due(session=s, actor=admin, now=NOW)
        first = retention_due(session=s, actor=admin, now=NOW, limit=1)
    assert [row["id"] for row in everyone.applicants] == gone
    assert everyone.applicants_due == 2 and everyone.service_users_due == 0
    assert [row["id"] for row in first.applicants] == gone[:1] and first.applicants_due == 2
    assert first.applicants[0]["last_event_at"] == LONG_AGO + timedelta(days=1)


def test_the_retention_period_is_the_admin_setting(
    session_factory, admin, make_applicant, make_meeting
):
    from recruitment.accounts.office_settings import change_setting

    person = _person(
        session_factory,
        make_applicant,
        make_meeting,
        at=RECENT - timedelta(days=10),
        exit_to="rejected",
    )
    with session_factory.begin() as s:
        assert retention_due(session=s, actor=admin, now=NOW).applicants == []
        change_setting(session=s, actor=admin, key="retention_months", value=1)
        assert [row["id"] for row in retention_due(session=s, actor=admin, now=NOW).applicants] == [
            person
        ]


def test_closed_service_users_are_anonymised_after_the_period(session_factory, session, admin):
    with session_factory.begin() as s:
        old = ServiceUser(
            case_ref="SAK-2024-0042",
            age_group="child",
            postcode="1606",
            interests=["chess"],
            preferences={"note": "Ingrid"},
            waiting_since=date(2024, 1, 1),
            status="closed",
            closed_at=LONG_AGO,
        )
        open_ = ServiceUser(
            case_ref="SAK-2025-0001",
            age_group="adult",
            waiting_since=date(2025, 1, 1),
            status="waiting",
        )
        s.add_all([old, open_])
        s.flush()
        s.add(
            JournalEntry(
                service_user_id=old.id,
                channel="note",
                body="Ingrid's mother called",
                created_at=LONG_AGO,
            )
        )
        ids = old.id, open_.id
    with session_factory.begin() as s:
        done = run_retention(session=s, actor=admin, now=NOW)
    assert [row["id"] for row in done.service_users] == [ids[0]]
    everything = _everything(session)
    assert "SAK-2024-0042" not in everything and "Ingrid" not in everything
    assert "SAK-2025-0001" in everything


def test_erasure_on_request_removes_the_person_everywhere_and_keeps_the_funnel(
    session_factory, session, admin, make_applicant, make_meeting
):
    person = _person(session_factory, make_applicant, make_meeting, at=RECENT)
    before = _funnel(session)
    session.rollback()
    with session_factory.begin() as s:
        erase_applicant(session=s, actor=admin, applicant_id=person, now=NOW)
    _left_only_husks(session, person)
    assert _funnel(session) == before
    assert (
        session.scalar(
            select(AuditEvent.action).where(
                AuditEvent.target_id == person, AuditEvent.action == "applicant.erased"
            )
        )
        == "applicant.erased"
    )


def test_erasing_someone_still_in_the_pipeline_records_them_as_withdrawn_first(
    session_factory, session, admin, make_applicant
):
    person = make_applicant(
        first_name="Ingrid", last_name="Hemmelig", email="ingrid.hemmelig@example.no"
    )
    with session_factory.begin() as s:
        erase_applicant(session=s, actor=admin, applicant_id=person, now=NOW)
    assert _funnel(session) == {"signed_up": 1, "withdrawn": 1}
    assert session.get(Applicant, person).stage == "withdrawn"
    assert "Hemmelig" not in _everything(session)


def test_only_admins_erase_and_only_casework_roles_export(
    session_factory, coordinator, manager, make_applicant
):
    person = make_applicant()
    with session_factory.begin() as s, pytest.raises(PermissionDenied):
        erase_applicant(session=s, actor=coordinator, applicant_id=person)
    with session_factory.begin() as s, pytest.raises(PermissionDenied):
        export_applicant(session=s, actor=manager, applicant_id=person)


def test_the_export_holds_everything_and_its_html_escapes_what_people_typed(
    session_factory, session, coordinator, make_applicant, make_meeting
):
    person = _person(session_factory, make_applicant, make_meeting, at=RECENT)
    with session_factory.begin() as s:
        a = s.get(Applicant, person)
        a.about = (
            '<script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3))'
        )
    with session_factory.begin() as s:
        data = export_applicant(session=s, actor=coordinator, applicant_id=person)
    assert data["applicant"]["email"] == "ingrid.hemmelig@example.no"
    assert len(data["stage_events"]) == 6 and data["journal"][0]["body"].startswith("Ingrid")
    assert {m["subject"] for m in data["messages"]} == {"Hei Ingrid", "Påminnelse"}
    assert data["interviews"][0]["notes"] == "shy at first"
    assert '"first_name": "Ingrid"' in export_json(data)

    page = export_html(data, "en")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Information about Ingrid Hemmelig" in page
    assert (
        session.scalar(select(AuditEvent.action).where(AuditEvent.action == "applicant.exported"))
        == "applicant.exported"
    )


@pytest.mark.parametrize(
    "at, months, expected",
    [
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 12, datetime(2025, 1, 15, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(at, months, expected):
    assert months_before(at, months) == expected


@pytest.mark.parametrize("how", ["erasure", "retention"])
def test_anonymising_clears_when_the_person_agreed_to_each_channel(
    session_factory, session, admin, make_applicant, how
):
    """The contact-channel consents (and the SMS opt-out) are timestamps of a person:
    they go with the rest."""
    agreed = NOW - timedelta(days=3 * 365)
    person = make_applicant(
        email_consent_at=agreed,
        sms_consent_at=agreed,
        call_consent_at=agreed,
        sms_opted_out_at=agreed + timedelta(days=1),
        signed_up_at=agreed,
    )
    with session_factory.begin() as s:
        if how == "erasure":
            erase_applicant(session=s, actor=admin, applicant_id=person, now=NOW)
        else:
            step_to(
                session=s,
                applicant_id=person,
                to_stage="withdrawn",
                by_id=None,
                reason_code="changed_mind",
                at=agreed + timedelta(days=2),
            )
            run_retention(session=s, actor=admin, now=NOW)
    applicant = session.get(Applicant, person)
    assert applicant.anonymised_at is not None
    assert (
        applicant.email_consent_at,
        applicant.sms_consent_at,
        applicant.call_consent_at,
        applicant.sms_opted_out_at,
    ) == (None, None, None, None)


def test_retention_deletes_confirmations_nobody_gave_once_they_expire(
    session_factory, session, admin, make_applicant
):
    """What a visitor typed for a confirmation (a sign-up's name and phone, a new
    address) is personal data: an expired one goes at the next retention run, a live
    one stays usable."""
    from db.models import PendingChange

    applicant_id = make_applicant(email="owner@example.no")
    with session_factory.begin() as s:
        for code, expires in (
            ("a" * 64, NOW - timedelta(hours=1)),
            ("b" * 64, NOW + timedelta(hours=1)),
        ):
            s.add(
                PendingChange(
                    applicant_id=applicant_id,
                    kind="sign_up",
                    code_hash=code,
                    payload={"first_name": "Mallory", "phone": "+4799999999"},
                    created_at=NOW - timedelta(days=1),
                    expires_at=expires,
                )
            )
    with session_factory.begin() as s:
        run_retention(session=s, actor=admin, now=NOW)
    assert session.scalars(select(PendingChange.code_hash)).all() == ["b" * 64]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).one()
    assert audit.detail["expired_confirmations"] == 1


def _gone(session_factory, make_applicant, n: int) -> list[int]:
    """`n` applicants who withdrew long ago and are due now."""
    ids = []
    for i in range(n):
        person = make_applicant(first_name=f"Gone{i}", signed_up_at=LONG_AGO)
        with session_factory.begin() as s:
            step_to(
                session=s,
                applicant_id=person,
                to_stage="withdrawn",
                by_id=None,
                reason_code="no_time",
                at=LONG_AGO + timedelta(days=1),
            )
        ids.append(person)
    return ids


def test_the_page_counts_up_to_a_bound_and_lists_the_same_first_people(
    session_factory, admin, make_applicant, monkeypatch
):
    """Past COUNT_UP_TO the page's plan says "more than" (and SQLite reads along the ids
    instead of sorting everyone due); the people listed first are the same either way."""
    from recruitment.accounts import retention

    gone = _gone(session_factory, make_applicant, 4)
    with session_factory.begin() as s:
        exact = retention_due(session=s, actor=admin, now=NOW, limit=2)
    assert (exact.applicants_due, exact.more_than_counted(exact.applicants_due)) == (4, False)
    monkeypatch.setattr(retention, "COUNT_UP_TO", 2)
    with session_factory.begin() as s:
        bounded = retention_due(session=s, actor=admin, now=NOW, limit=2)
        everyone = retention_due(session=s, actor=admin, now=NOW)
    assert bounded.applicants_due == 3 and bounded.counted_up_to == 2
    assert bounded.more_than_counted(bounded.applicants_due)
    assert not bounded.more_than_counted(bounded.service_users_due)
    assert [row["id"] for row in bounded.applicants] == [row["id"] for row in exact.applicants]
    assert [row["id"] for row in bounded.applicants] == gone[:2]
    # Running retention takes everyone, counted or not.
    assert [row["id"] for row in everyone.applicants] == gone and everyone.counted_up_to is None
