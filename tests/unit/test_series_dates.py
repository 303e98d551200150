"""Recurring meeting dates: computed in the office's wall-clock time, stored as UTC."""

from datetime import date, time, timedelta

import pytest

from recruitment.casework import meetings
from recruitment.core.errors import ValidationFailed
from recruitment.core.timefmt import local


def test_a_weekly_series_every_second_week_crosses_the_autumn_change_at_the_same_local_time():
    starts = meetings.series_dates(
        first_day=date(2026, 10, 13), at=time(17, 30), rule="weekly", interval=2, count=3
    )
    assert [local(s).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-10-13 17:30",
        "2026-10-27 17:30",
        "2026-11-10 17:30",
    ]
    assert [s.utcoffset() for s in starts] == [timedelta(0)] * 3
    assert [s.hour for s in starts] == [15, 16, 16]


def test_the_last_weekday_of_the_month_can_be_chosen():
    starts = meetings.series_dates(
        first_day=date(2026, 1, 1), at=time(10, 0), rule="monthly", nth=-1, weekday=3, count=2
    )
    assert [local(s).date() for s in starts] == [date(2026, 1, 29), date(2026, 2, 26)]


def test_first_tuesday_of_each_month_keeps_18_00_through_the_spring_change():
    starts = meetings.series_dates(
        first_day=date(2026, 3, 1), at=time(18, 0), rule="monthly", nth=1, weekday=1, count=2
    )
    assert [local(s).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-03-03 18:00",
        "2026-04-07 18:00",
    ]
    assert [s.hour for s in starts] == [17, 16]


def test_a_weekly_series_starts_on_the_first_day_when_no_weekday_is_given():
    starts = meetings.series_dates(
        first_day=date(2026, 5, 6), at=time(9, 0), rule="weekly", count=3
    )
    assert [local(s).date() for s in starts] == [
        date(2026, 5, 6),
        date(2026, 5, 13),
        date(2026, 5, 20),
    ]


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"rule": "daily"}, "rule"),
        ({"count": 0}, "count"),
        ({"count": 53}, "count"),
        ({"interval": 0}, "interval"),
        ({"rule": "monthly", "nth": 5}, "nth"),
        ({"weekday": 7}, "weekday"),
    ],
)
def test_an_impossible_series_is_refused_naming_the_field(fields, problem):
    values = {
        "first_day": date(2026, 5, 6),
        "at": time(9, 0),
        "rule": "weekly",
        "count": 3,
    } | fields
    with pytest.raises(ValidationFailed) as caught:
        meetings.series_dates(**values)
    assert set(caught.value.fields) == {problem}
