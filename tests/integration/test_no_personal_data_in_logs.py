"""Nothing personal reaches a log when a write fails: the engine hides bound values, so
neither the exception nor the traceback the server logs carries what people typed."""

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DBAPIError

from db.models import StageEvent

MARKER = "her diagnosis is MARKER-7f3a"


def test_a_failing_write_logs_the_statement_but_no_bound_value(session_factory, caplog):
    log = logging.getLogger("verve.test")
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(DBAPIError) as caught, session_factory.begin() as s:
            # No applicant 987654: the foreign key refuses the row, as a bug might.
            s.add(
                StageEvent(
                    applicant_id=987654,
                    to_stage="withdrawn",
                    at=datetime.now(UTC),
                    reason_code="other",
                    reason_text=MARKER,
                )
            )
            s.flush()
        # What Streamlit and the worker do with an unexpected error: log it with its
        # traceback.
        log.error("action failed", exc_info=caught.value)
    assert "INSERT INTO stage_event" in caplog.text  # the log still says what failed
    assert "parameters hidden" in caplog.text
    assert "MARKER-7f3a" not in caplog.text
    assert "MARKER-7f3a" not in str(caught.value)
