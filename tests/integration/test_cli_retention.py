from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import select

from db.models import Applicant, AuditEvent
from recruitment.cli import main
from recruitment.core._moves import move_applicant


def _run(args, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    from recruitment.cli import common

    common.engine.cache_clear()
    return CliRunner().invoke(main, args)


def test_retention_run_dry_run_lists_and_changes_nothing_then_the_real_run_anonymises(
    database_url, monkeypatch, session_factory, session, make_applicant
):
    long_ago = datetime.now(UTC) - timedelta(days=800)
    person = make_applicant(first_name="Ingrid", signed_up_at=long_ago)
    with session_factory.begin() as s:
        move_applicant(
            session=s,
            applicant_id=person,
            to_stage="withdrawn",
            by_id=None,
            reason_code="no_time",
            at=long_ago,
        )

    dry = _run(["retention", "run", "--dry-run"], database_url, monkeypatch)
    assert dry.exit_code == 0, dry.output
    assert "would anonymise 1 applicant(s), 0 service user(s)" in dry.output
    assert f"applicant {person} (withdrawn" in dry.output
    assert session.get(Applicant, person).first_name == "Ingrid"
    session.rollback()

    real = _run(["retention", "run"], database_url, monkeypatch)
    assert real.exit_code == 0, real.output
    assert "anonymised 1 applicant(s)" in real.output
    assert session.get(Applicant, person).first_name == ""
    assert (
        session.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "retention.run"))
        == "cli"
    )
