from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from db.models import Applicant, InfoMeeting, StageEvent
from db.session import make_engine, readers
from recruitment.core.validation import normalise_email


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_times_come_back_timezone_aware_in_utc(session, make_applicant):
    oslo_evening = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    applicant_id = make_applicant(signed_up_at=oslo_evening)
    session.expire_all()
    event = session.query(StageEvent).filter_by(applicant_id=applicant_id).one()
    assert event.at == oslo_evening
    assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused_rather_than_guessed(session):
    session.add(InfoMeeting(starts_at=datetime(2026, 1, 1, 18, 0), mode="digital", capacity=5))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


@pytest.mark.parametrize(
    "variant",
    ["Kari.Nordmann@Example.NO", "  kari.nordmann@example.no ", "KARI.NORDMANN@EXAMPLE.NO"],
)
def test_the_same_address_typed_differently_is_one_applicant(session, make_applicant, variant):
    make_applicant(email=normalise_email("kari.nordmann@example.no"))
    with pytest.raises(IntegrityError):
        make_applicant(email=normalise_email(variant))


def test_capacity_must_be_positive(session):
    session.add(InfoMeeting(starts_at=datetime.now(UTC), mode="digital", capacity=0))
    with pytest.raises(IntegrityError):
        session.flush()


def test_an_unknown_stage_is_refused_by_the_database(session, make_applicant):
    applicant_id = make_applicant()
    with pytest.raises(IntegrityError):
        session.execute(
            text("UPDATE applicant SET stage = 'hired' WHERE id = :id"), {"id": applicant_id}
        )
        session.flush()


def test_a_stage_event_needs_an_existing_applicant(session):
    session.add(StageEvent(applicant_id=99999, to_stage="signed_up", at=datetime.now(UTC)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_email_normalisation_keeps_one_identity_per_person():
    assert normalise_email(" Ola.Nordmann@EXAMPLE.no ") == "ola.nordmann@example.no"
    assert normalise_email("ola@bücher.example") == "ola@bücher.example"


def test_an_applicant_row_is_created_with_signed_up_stage(session, make_applicant):
    applicant = session.get(Applicant, make_applicant())
    assert applicant.stage == "signed_up"


def _writer_waits(engine) -> bool:
    """Whether a writer on another connection finds the write lock taken (waiting 0.1 s)."""
    with engine.connect() as connection:
        # On the driver's connection: through SQLAlchemy the PRAGMA would begin first.
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=100")
        try:
            with connection.begin():
                connection.exec_driver_sql("UPDATE t SET n = n + 1")
        except OperationalError as error:
            assert "locked" in str(error)
            return True
    return False


def test_on_sqlite_a_readers_transaction_takes_no_write_lock(tmp_path):
    """Every transaction begins IMMEDIATE (writers queue instead of deadlocking), so a long
    read held the write lock and pages queued behind the warm-up's reports for seconds.
    A reader's transaction (`readers`) begins deferred: a writer never waits for it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (0)")
    for reading, waits in ((engine, True), (readers(engine), False)):
        with reading.connect() as connection, connection.begin():
            assert connection.exec_driver_sql("SELECT n FROM t").scalar() is not None
            assert _writer_waits(engine) is waits
    engine.dispose()
