"""Which reminders work: attendance by reminder channel and meeting mode, counted from
real rows, and on demo data the channels show the effects the demo gives them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from db.models import CallOutcome, OutboxMessage, Registration
from recruitment.analytics.reminders import reminder_attendance
from recruitment.demo.service import generate

PAST = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)


def test_each_registration_counts_once_under_the_reminder_that_reached_it(
    session_factory, make_applicant, make_meeting, manager
):
    meeting_id = make_meeting(starts_at=PAST, mode="in_person", address="Huset", join_url=None)
    plan = [
        ("attended", ["email"], None),
        ("no_show", ["email"], None),
        ("attended", ["email", "sms"], None),
        ("attended", ["sms"], None),
        ("no_show", [], None),
        ("attended", ["email"], "reached"),  # the call counts, not the e-mail
        ("no_show", [], "no_answer"),  # a call that did not get through is no reminder
    ]
    people = [make_applicant() for _ in plan]
    with session_factory.begin() as s:
        for person, (status, channels, call) in zip(people, plan, strict=True):
            registration = Registration(
                applicant_id=person,
                meeting_id=meeting_id,
                status=status,
                ics_uid=str(uuid.uuid4()),
            )
            s.add(registration)
            s.flush()
            for channel in channels:
                s.add(
                    OutboxMessage(
                        kind="meeting_reminder",
                        channel=channel,
                        to_address="x",
                        subject="s",
                        body_text="b",
                        message_id=str(uuid.uuid4()),
                        status="sent",
                        registration_id=registration.id,
                        meeting_id=meeting_id,
                    )
                )
            if call:
                s.add(
                    CallOutcome(
                        applicant_id=registration.applicant_id,
                        registration_id=registration.id,
                        outcome=call,
                    )
                )
    with session_factory() as s:
        frame = reminder_attendance(session=s, actor=manager)
    rows = frame[frame["mode"] == "all"].set_index("reminder")
    assert rows.loc["email", ["attended", "no_shows"]].tolist() == [1, 1]
    assert rows.loc["email_sms", ["attended", "no_shows"]].tolist() == [1, 0]
    assert rows.loc["sms", ["attended", "no_shows"]].tolist() == [1, 0]
    assert rows.loc["call", ["attended", "no_shows"]].tolist() == [1, 0]
    assert rows.loc["none", ["attended", "no_shows"]].tolist() == [0, 2]
    assert rows["n"].sum() == len(plan)
    email = rows.loc["email"]
    assert email["attendance"] == 0.5 and 0 < email["low"] < 0.5 < email["high"] < 1
    in_person = frame[(frame["mode"] == "in_person")]["n"].sum()
    assert in_person == len(plan)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_on_demo_data_calls_and_texts_keep_more_people_from_missing_their_meeting(
    session_factory, manager
):
    generate(session_factory, applicants=3000, seed=7)
    with session_factory() as s:
        frame = reminder_attendance(session=s, actor=manager)
    rows = frame[frame["mode"] == "all"].set_index("reminder")
    assert (rows["n"] > 50).all(), rows["n"]  # every channel is there to compare
    no_show = rows["no_show_rate"]
    assert no_show["sms"] < no_show["email"] and no_show["email_sms"] < no_show["email"]
    # Calls go to people who meet in person; compare them with their own mode.
    in_person = frame[frame["mode"] == "in_person"].set_index("reminder")["no_show_rate"]
    assert in_person["call"] < in_person["email"]
