"""The office's clock and the way Verve writes dates, times and numbers (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from recruitment.core import timefmt
from recruitment.core.timefmt import (
    day_span,
    format_date,
    format_datetime,
    format_km,
    format_number,
    format_percent,
    format_time,
    format_when,
    iso,
    local,
    localise_columns,
    office_datetime,
    office_day,
    plural_category,
    today,
    weekday_name,
    zone_named,
)

NBSP = "\u00a0"
OSLO = zone_named("Europe/Oslo")


@pytest.fixture(autouse=True)
def office_in_oslo(monkeypatch):
    """Every test here starts on the default clock, whatever another test read last."""
    monkeypatch.setattr(timefmt._Office, "zone", OSLO)


# --- the office's clock ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day, utc_hour",
    [
        (date(2026, 3, 28), 17),  # the Saturday before summer time: UTC+1
        (date(2026, 3, 29), 16),  # summer time from 02:00 that Sunday: UTC+2
        (date(2026, 10, 24), 16),  # the last day of summer time
        (date(2026, 10, 25), 17),  # winter time again
    ],
)
def test_six_in_the_evening_stays_six_in_the_evening_on_both_sides_of_a_clock_change(day, utc_hour):
    assert office_datetime(day, time(18, 0)) == datetime.combine(day, time(utc_hour), UTC)


def test_a_time_skipped_when_the_clocks_go_forward_moves_on_by_the_gap():
    moment = office_datetime(date(2026, 3, 29), time(2, 30))
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local(moment).time() == time(3, 30)


def test_a_time_that_happens_twice_when_the_clocks_go_back_is_the_first_one():
    moment = office_datetime(date(2026, 10, 25), time(2, 30))
    assert moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert local(moment).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "day, hours", [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)]
)
def test_an_office_day_is_23_24_or_25_hours_long(day, hours):
    start, end = day_span(day)
    assert start == office_datetime(day, time(0))
    assert end - start == timedelta(hours=hours)


def test_the_office_day_starts_at_midnight_in_oslo_not_in_utc():
    half_past_midnight = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 00:30 on the 29th
    assert today(half_past_midnight) == date(2026, 11, 29)
    assert office_day(half_past_midnight) == date(2026, 11, 29)
    assert today(half_past_midnight, ZoneInfo("UTC")) == date(2026, 11, 28)


def test_a_naive_moment_is_read_as_utc_like_everything_the_database_holds():
    assert local(datetime(2026, 7, 1, 10, 0)) == datetime(2026, 7, 1, 12, 0, tzinfo=OSLO)


def test_an_unknown_zone_name_falls_back_to_the_default():
    assert zone_named("Mars/Olympus") == OSLO
    assert zone_named(None) == OSLO
    assert zone_named("America/New_York") == ZoneInfo("America/New_York")


def test_another_zone_moves_every_time_written():
    winter = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    new_york = ZoneInfo("America/New_York")
    assert format_time(winter, "en", new_york) == "12:00"
    assert format_when(winter, "en", new_york) == "Tuesday 1 December 2026 at 12:00"
    assert office_datetime(date(2026, 12, 1), time(12), new_york) == winter


# --- words for people -----------------------------------------------------------------------


def test_meeting_times_keep_the_wording_of_the_e_mails():
    winter = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert format_when(winter, "nb") == "tirsdag 1. desember 2026 kl. 18.00"
    assert format_when(winter, "en") == "Tuesday 1 December 2026 at 18:00"


def test_a_summer_meeting_is_written_in_summer_time():
    summer = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
    assert format_when(summer, "nb") == "tirsdag 2. juni 2026 kl. 18.00"
    assert format_when(summer, "en") == "Tuesday 2 June 2026 at 18:00"


def test_the_outbox_and_the_applicant_page_show_the_same_clock_time():
    # 01:47 UTC was shown in the outbox while the applicant page said 02:47.
    queued = datetime(2026, 11, 29, 1, 47, tzinfo=UTC)
    assert format_time(queued, "nb") == "02.47"
    assert format_time(queued, "en") == "02:47"
    assert format_datetime(queued, "nb") == "29.11.2026 kl. 02.47"
    assert format_datetime(queued, "en") == "29 Nov 2026, 02:47"


def test_one_short_date_style_per_language_on_the_offices_day():
    signed_up = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 00:30 on the 29th in Oslo
    assert format_date(signed_up, "nb") == "29.11.2026"
    assert format_date(signed_up, "en") == "29 Nov 2026"
    assert format_date(date(2026, 3, 1), "nb") == "01.03.2026"
    assert format_date(date(2026, 3, 1), "en") == "1 Mar 2026"


def test_an_unknown_language_is_written_in_bokmal():
    assert format_date(date(2026, 3, 1), "xx") == "01.03.2026"
    assert weekday_name(6, "de") == "søndag"


@pytest.mark.parametrize("missing", [None, pd.NaT, float("nan")])
def test_a_missing_value_is_a_dash(missing):
    assert format_date(missing, "nb") == "–"
    assert format_datetime(missing, "en") == "–"
    assert format_number(missing, "nb") == "–"


def test_weekday_names_come_from_cldr():
    assert [weekday_name(day, "nb") for day in (0, 6)] == ["mandag", "søndag"]
    assert [weekday_name(day, "en") for day in (0, 6)] == ["Monday", "Sunday"]


# --- numbers and plurals ------------------------------------------------------------------------


def test_bokmal_numbers_have_a_decimal_comma_and_a_non_breaking_space_between_thousands():
    assert format_number(1234567.5, "nb") == f"1{NBSP}234{NBSP}567,5"
    assert format_number(1234567.5, "en") == "1,234,567.5"
    assert format_number(3.14159, "nb", 2) == "3,14"
    assert format_number(4, "nb", 1) == "4,0"
    assert format_number(12, "en", 0) == "12"


def test_shares_are_percentages_written_the_languages_way():
    assert format_percent(0.256, "nb") == f"26{NBSP}%"
    assert format_percent(0.256, "en") == "26%"
    assert format_percent(0.2567, "nb", 1) == f"25,7{NBSP}%"


def test_distances_are_kilometres_to_a_tenth():
    assert format_km(3.24, "nb").replace("\u202f", " ").replace(NBSP, " ") == "3,2 km"
    assert format_km(1234.56, "en") == "1,234.6 km"


@pytest.mark.parametrize(
    "lang, count, category",
    [
        ("nb", 0, "other"),
        ("nb", 1, "one"),
        ("nb", 2, "other"),
        ("en", 0, "other"),
        ("en", 1, "one"),
        ("en", 2, "other"),
    ],
)
def test_plural_categories_follow_each_languages_rule(lang, count, category):
    assert plural_category(count, lang) == category


# --- tables and machines ------------------------------------------------------------------------


def test_table_columns_become_text_in_the_language_and_other_columns_stay():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "created_at": [datetime(2026, 11, 29, 1, 47, tzinfo=UTC), None],
            "share": [0.5, 0.25],
        }
    )
    shown = localise_columns(
        frame, "nb", datetimes=["created_at", "not_there"], percents={"share": 0}
    )
    assert shown["created_at"].tolist() == ["29.11.2026 kl. 02.47", "–"]
    assert shown["share"].tolist() == [f"50{NBSP}%", f"25{NBSP}%"]
    assert shown["id"].tolist() == [1, 2]
    assert frame["share"].tolist() == [0.5, 0.25]  # the caller's frame is untouched


def test_repeated_values_in_a_long_column_each_show_as_their_own_text():
    days = [date(2026, 1, 1), date(2026, 2, 1), None, date(2026, 1, 1), pd.NaT]
    frame = pd.DataFrame(
        {"day": days, "count": [1, 1.0, 2, Decimal("1.5"), float("nan")]}, dtype=object
    )
    shown = localise_columns(frame, "en", dates=["day"], numbers={"count": 1})
    assert shown["day"].tolist() == ["1 Jan 2026", "1 Feb 2026", "–", "1 Jan 2026", "–"]
    assert shown["count"].tolist() == ["1.0", "1.0", "2.0", "1.5", "–"]


def test_files_for_programs_get_iso_8601_in_utc():
    assert iso(datetime(2026, 3, 4, 10, 30, 15, 999, tzinfo=OSLO)) == "2026-03-04T09:30:15Z"
    assert iso(date(2026, 3, 4)) == "2026-03-04"
    assert iso(None) == ""
