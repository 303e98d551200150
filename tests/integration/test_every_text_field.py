"""Every column that holds what a person typed refuses what the database cannot hold,
on SQLite and PostgreSQL, whichever service writes it. The list is generated from the
models (`db.models.UserText`), so a new text column is covered the day it is added."""

from datetime import UTC, date, datetime, timedelta

import pytest

from db.models import (
    Applicant,
    ApplicantCheck,
    Evaluation,
    InfoMeeting,
    Interview,
    JournalEntry,
    Placement,
    ServiceUser,
    StaffUser,
    StageEvent,
)
from recruitment.core.errors import ValidationFailed
from recruitment.core.i18n import t
from recruitment.core.text_guard import user_text_columns

COLUMNS = [(model.__name__, key, column.limit) for model, key, column in user_text_columns()]

#: name -> (what is typed, what may be stored; None: a message is the only answer)
PAYLOADS = {
    "nul": ("ab\x00cd", None),
    "zero_width_alone": ("\u200b", ""),
    "bidi_override": ("Kari\u202eexe.txt", "Kariexe.txt"),
    "ten_thousand": ("x" * 10_000, "x" * 10_000),  # refused where over the column's limit
    "valid": ("Åse Ødegård-Ørn", "Åse Ødegård-Ørn"),
}


def test_the_guard_covers_every_text_column_people_type_into():
    names = {f"{model}.{key}" for model, key, _ in COLUMNS}
    assert {
        "Applicant.first_name",
        "Applicant.about",
        "InfoMeeting.address",
        "InfoMeeting.notes",
        "InfoMeeting.join_url",
        "StageEvent.reason_text",
        "Interview.place",
        "ApplicantCheck.note",
        "JournalEntry.body",
        "Placement.end_reason_text",
        "StaffUser.full_name",
    } <= names
    # Every user-text column has a limit (the database's, or the app's for long text).
    assert all(limit for _, _, limit in COLUMNS)


@pytest.fixture
def one_of_each(session_factory, make_applicant, make_meeting, coordinator) -> dict[str, int]:
    """One row of every table with a user-text column."""
    applicant_id = make_applicant()
    meeting_id = make_meeting()
    now = datetime.now(UTC)
    with session_factory.begin() as s:
        service_user = ServiceUser(age_group="adult", waiting_since=date.today())
        rows = [
            Evaluation(
                meeting_id=meeting_id, applicant_id=applicant_id, rating=4, got_information=True
            ),
            Interview(applicant_id=applicant_id, scheduled_at=now + timedelta(days=1)),
            ApplicantCheck(applicant_id=applicant_id, kind="reference_1"),
            service_user,
            JournalEntry(applicant_id=applicant_id, channel="note", body="hello"),
        ]
        s.add_all(rows)
        s.flush()
        placement = Placement(
            applicant_id=applicant_id, service_user_id=service_user.id, hours_per_month=8
        )
        s.add(placement)
        s.flush()
        event = s.query(StageEvent).filter_by(applicant_id=applicant_id).first()
        ids = {type(row).__name__: row.id for row in [*rows, placement]}
    return {
        **ids,
        "Applicant": applicant_id,
        "InfoMeeting": meeting_id,
        "StaffUser": coordinator.id,
        "StageEvent": event.id,
    }


MODELS = {
    cls.__name__: cls
    for cls in (
        Applicant,
        ApplicantCheck,
        Evaluation,
        InfoMeeting,
        Interview,
        JournalEntry,
        Placement,
        ServiceUser,
        StageEvent,
        StaffUser,
    )
}


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize(
    ("model", "key", "limit"), COLUMNS, ids=[f"{m}.{k}" for m, k, _ in COLUMNS]
)
def test_a_text_column_stores_the_cleaned_value_or_refuses_with_a_message(
    session_factory, one_of_each, model, key, limit, payload
):
    typed, stored = PAYLOADS[payload]
    if payload == "valid" and len(stored) > limit:  # a valid value that fits this column
        typed = stored = stored[:limit]
    elif stored is not None and len(stored) > limit:
        stored = None
    row_id = one_of_each[model]
    try:
        with session_factory.begin() as s:
            row = s.get(MODELS[model], row_id)
            setattr(row, key, typed)
            s.flush()
    except ValidationFailed as error:
        assert stored is None, f"{payload} refused: {error.fields}"
        [(field, message_key)] = error.fields.items()
        assert field == key
        for lang in ("nb", "en"):
            message = t(message_key, lang, **error.params)
            assert message and "{" not in message and message_key not in message
        return
    assert stored is not None, f"{payload} was saved in {model}.{key}"
    with session_factory() as s:
        assert getattr(s.get(MODELS[model], row_id), key) == stored


def test_a_write_or_search_past_the_orm_attributes_is_cleaned_before_the_database(
    session_factory, session, make_applicant
):
    from sqlalchemy import select, update

    applicant_id = make_applicant()
    with session_factory.begin() as s:
        s.execute(update(Applicant).where(Applicant.id == applicant_id).values(about="a\x00b"))
        # A search term with a NUL finds nothing, and PostgreSQL is never handed the NUL.
        found = s.scalars(select(Applicant.id).where(Applicant.last_name.contains("x\x00y")))
        assert found.all() == []
    assert session.get(Applicant, applicant_id).about == "ab"
