"""A small recruitment history built by hand, whose every analytics number is known.

Six applicants, three meetings (one digital, two in person), times chosen so that
each duration is a whole number of days:

    A1 friend   signed Jan 5, booked Jan 6 (M1 digital, attended), scheduled Jan 10,
                interviewed Jan 14, approved Jan 20, placed Jan 30
    A2 website  signed Jan 5, booked Jan 7 (M2 in person, attended), scheduled Jan 11,
                interviewed Jan 15, rejected Jan 16 (not_suitable_interview)
    A3 website  signed Jan 6, booked Jan 7 (M1 digital, no-show), withdrawn Jan 10 (no_time)
    A4 website  signed Jan 6, booked Jan 10 (M3 in person, attended Jan 12), still there
    A5 website  signed Feb 2
    A6 website  signed Feb 3, withdrawn Feb 5 (moved)
"""

from __future__ import annotations

from datetime import UTC, datetime

from db.models import Evaluation, InfoMeeting, Interview, Registration
from tests.stages import step_to


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


def build_known_dataset(
    session_factory, make_applicant, coordinator_id: int | None = None
) -> dict[str, int]:
    ids = {
        "A1": make_applicant(
            signed_up_at=at(1, 5), source="friend", birth_year=1990, coordinator_id=coordinator_id
        ),
        "A2": make_applicant(signed_up_at=at(1, 5), birth_year=1960),
        "A3": make_applicant(signed_up_at=at(1, 6), birth_year=1960),
        "A4": make_applicant(signed_up_at=at(1, 6), birth_year=1960),
        "A5": make_applicant(signed_up_at=at(2, 2), birth_year=1960),
        "A6": make_applicant(signed_up_at=at(2, 3), birth_year=1960),
    }
    with session_factory.begin() as s:
        meetings = {}
        for name, mode, when in (
            ("M1", "digital", at(1, 8)),
            ("M2", "in_person", at(1, 9)),
            ("M3", "in_person", at(1, 12)),
        ):
            meeting = InfoMeeting(
                starts_at=when, mode=mode, capacity=10, status="held", address="Storgata 1"
            )
            s.add(meeting)
            s.flush()
            meetings[name] = meeting.id
        for applicant, meeting, status in (
            ("A1", "M1", "attended"),
            ("A3", "M1", "no_show"),
            ("A2", "M2", "attended"),
            ("A4", "M3", "attended"),
        ):
            s.add(
                Registration(
                    applicant_id=ids[applicant],
                    meeting_id=meetings[meeting],
                    status=status,
                    ics_uid=f"{applicant}-{meeting}",
                )
            )
        moves = [
            ("A1", "meeting_booked", at(1, 6), None),
            ("A1", "meeting_attended", at(1, 8), None),
            ("A1", "interview_scheduled", at(1, 10), None),
            ("A1", "interviewed", at(1, 14), None),
            ("A1", "approved", at(1, 20), None),
            ("A1", "placed", at(1, 30), None),
            ("A2", "meeting_booked", at(1, 7), None),
            ("A2", "meeting_attended", at(1, 9), None),
            ("A2", "interview_scheduled", at(1, 11), None),
            ("A2", "interviewed", at(1, 15), None),
            ("A2", "rejected", at(1, 16), "not_suitable_interview"),
            ("A3", "meeting_booked", at(1, 7), None),
            ("A3", "withdrawn", at(1, 10), "no_time"),
            ("A4", "meeting_booked", at(1, 10), None),
            ("A4", "meeting_attended", at(1, 12), None),
            ("A6", "withdrawn", at(2, 5), "moved"),
        ]
        for applicant, stage, when, reason in moves:
            step_to(
                session=s,
                applicant_id=ids[applicant],
                to_stage=stage,
                by_id=None,
                reason_code=reason,
                at=when,
            )
        s.add(Interview(applicant_id=ids["A1"], scheduled_at=at(1, 14)))
        s.add(Interview(applicant_id=ids["A2"], scheduled_at=at(1, 15)))
        s.add(
            Evaluation(
                applicant_id=ids["A1"],
                meeting_id=meetings["M1"],
                rating=4,
                got_information=True,
                technical_problems=True,
                comment="<b>Bra</b> møte, men lyden falt ut",
            )
        )
        s.add(
            Evaluation(
                applicant_id=ids["A2"],
                meeting_id=meetings["M2"],
                rating=5,
                got_information=True,
                technical_problems=False,
                comment=None,
            )
        )
        s.add(
            Evaluation(
                applicant_id=ids["A4"],
                meeting_id=meetings["M3"],
                rating=3,
                got_information=False,
                technical_problems=False,
                comment="For langt",
            )
        )
    return ids | meetings
