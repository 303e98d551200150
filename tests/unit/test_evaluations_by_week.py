"""Meeting evaluations summed up by week, for periods with more meetings than a chart of
single meetings can show: weeks on the office's calendar, means over answers."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from recruitment.analytics.evaluations import EVALUATION_COLUMNS, evaluations_by_week

OSLO = ZoneInfo("Europe/Oslo")


def meeting(id_, starts_at, mode, answers, mean, informed, troubled, comments=0):
    return (id_, starts_at, mode, answers, mean, informed, troubled, comments)


def test_a_week_counts_each_answer_once_not_each_meeting():
    by_meeting = pd.DataFrame(
        [
            # Monday and Wednesday of the week of 2 November 2026, both digital.
            meeting(1, datetime(2026, 11, 2, 17, tzinfo=UTC), "digital", 30, 4.0, 1.0, 0.1, 2),
            meeting(2, datetime(2026, 11, 4, 17, tzinfo=UTC), "digital", 10, 2.0, 0.5, 0.5, 1),
            meeting(3, datetime(2026, 11, 4, 17, tzinfo=UTC), "in_person", 5, 5.0, 1.0, 0.0),
        ],
        columns=EVALUATION_COLUMNS,
    )
    weeks = evaluations_by_week(by_meeting, OSLO)
    digital = weeks[weeks["mode"] == "digital"].iloc[0]
    assert digital["week"] == date(2026, 11, 2)
    assert (digital["meetings"], digital["answers"], digital["comments"]) == (2, 40, 3)
    # (30 × 4 + 10 × 2) / 40, not the meetings' plain average of 3.0.
    assert digital["mean_rating"] == 3.5
    assert digital["got_information"] == round((30 + 5) / 40, 3)
    assert digital["technical_problems"] == round((3 + 5) / 40, 3)
    assert weeks[weeks["mode"] == "in_person"]["meetings"].tolist() == [1]


def test_weeks_follow_the_offices_calendar_and_come_newest_first():
    by_meeting = pd.DataFrame(
        [
            # Sunday 23:30 UTC is already Monday 00:30 in Oslo: the next week.
            meeting(1, datetime(2026, 11, 8, 23, 30, tzinfo=UTC), "digital", 4, 3.0, 1.0, 0.0),
            meeting(2, datetime(2026, 11, 8, 12, 0, tzinfo=UTC), "digital", 4, 5.0, 1.0, 0.0),
        ],
        columns=EVALUATION_COLUMNS,
    )
    weeks = evaluations_by_week(by_meeting, OSLO)
    assert weeks["week"].tolist() == [date(2026, 11, 9), date(2026, 11, 2)]
    assert weeks["mean_rating"].tolist() == [3.0, 5.0]


def test_no_meetings_no_weeks():
    weeks = evaluations_by_week(pd.DataFrame(columns=EVALUATION_COLUMNS), OSLO)
    assert weeks.empty and "week" in weeks.columns
