"""The office's clock and how Verve writes dates, times and numbers for people.

Instants are stored in UTC (`db.models.UTCDateTime`); people read and plan them on the
office's wall clock, in the time zone of the `time_zone` setting. This module is the only
place that knows that zone and the only place that turns dates, times and numbers into
text: pages, e-mails, calendar files, tables and exports all come here, so the same
moment reads the same everywhere.

Formatting uses Babel (CLDR) with one fixed pattern per language and style. The patterns
are spelled out rather than taken from CLDR's named styles because CLDR changes those
between releases (bokmål moved from "18.00" to "18:00"), and a meeting time in an e-mail
must not change with a library upgrade. Month and weekday names always come from CLDR.

A naive datetime is taken to be UTC, like everything the database holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime as _babel_datetime
from babel.dates import get_day_names
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent
from babel.units import format_unit
from sqlalchemy.orm import Session

from db.models import utcnow
from recruitment.core.settings import DEFAULTS, get_setting

if TYPE_CHECKING:
    import pandas as pd

#: The zone when the setting is unset or names no zone this machine knows: its default.
FALLBACK_ZONE: str = DEFAULTS["time_zone"]

#: The Babel locale of each interface language (English as written in Europe: "1 December").
BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB"}
DEFAULT_LANGUAGE = "nb"

#: What a missing date or number is shown as.
EMPTY = "–"

#: One Babel pattern per language and style (see the module docstring for why not CLDR's).
PATTERNS: dict[str, dict[str, str]] = {
    "nb": {
        # tirsdag 1. desember 2026 kl. 18.00
        "when": "EEEE d. MMMM y 'kl'. HH.mm",
        # 01.12.2026
        "date": "dd.MM.y",
        # 01.12.2026 kl. 18.00
        "datetime": "dd.MM.y 'kl'. HH.mm",
        # 18.00
        "time": "HH.mm",
    },
    "en": {
        "when": "EEEE d MMMM y 'at' HH:mm",
        "date": "d MMM y",
        "datetime": "d MMM y, HH:mm",
        "time": "HH:mm",
    },
}


# --- the office's zone --------------------------------------------------------------------


def zone_named(name: object) -> ZoneInfo:
    """The zone called `name`, or the fallback when there is no such zone."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(FALLBACK_ZONE)


class _Office:
    # Every process serves one office, so the zone is process-wide. It is read again from
    # the settings whenever a caller passes a session (each page run does, in the app's
    # frame), so a changed setting reaches every replica on its next run.
    zone: ZoneInfo = ZoneInfo(FALLBACK_ZONE)


def office_zone(session: Session | None = None) -> ZoneInfo:
    """The office's time zone: read from the `time_zone` setting when `session` is given
    (and remembered for this process), otherwise the one last read."""
    if session is not None:
        _Office.zone = zone_named(get_setting(session, "time_zone"))
    return _Office.zone


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """`moment` on the office's wall clock."""
    return _aware(moment).astimezone(zone or office_zone())


def office_datetime(day: date, at: time, zone: ZoneInfo | None = None) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in the office (summer or winter time).

    A time that does not exist (skipped when the clocks go forward) is read with the offset
    before the change, so 02:30 becomes 03:30; a time that happens twice (when the clocks go
    back) is the first of the two.
    """
    wall_clock = datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone or office_zone())
    return wall_clock.astimezone(UTC)


def office_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The office's calendar day that `moment` falls on."""
    return local(moment, zone).date()


def today(now: datetime | None = None, zone: ZoneInfo | None = None) -> date:
    """The office's calendar day at `now` (default: now)."""
    return office_day(now or utcnow(), zone)


def working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend: a default date for a
    meeting or an interview that nobody would plan on a Sunday."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def day_span(day: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The UTC start of the office's `day` and of the day after (23, 24 or 25 hours apart)."""
    next_day = day + timedelta(days=1)
    return office_datetime(day, time(0), zone), office_datetime(next_day, time(0), zone)


# --- words and numbers for people -----------------------------------------------------------


def _code(lang: str | None) -> str:
    code = str(lang or "").strip().lower()[:2]
    return code if code in BABEL_LOCALES else DEFAULT_LANGUAGE


def babel_locale(lang: str | None) -> Locale:
    """The Babel locale for an interface language (unknown languages read as bokmål)."""
    return _locale(_code(lang))


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[code])


def _missing(value: object) -> bool:
    # None, and pandas' NaT and NaN, which are not equal to themselves (pd.NA will not say).
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def _format(value: datetime | None, style: str, lang: str, zone: ZoneInfo | None) -> str:
    if _missing(value):
        return EMPTY
    code = _code(lang)
    return _babel_datetime(
        local(value, zone), PATTERNS[code][style], tzinfo=None, locale=_locale(code)
    )


def format_when(moment: datetime | None, lang: str, zone: ZoneInfo | None = None) -> str:
    """A moment in words, for meetings and interviews: "tirsdag 1. desember 2026 kl. 18.00",
    "Tuesday 1 December 2026 at 18:00"."""
    return _format(moment, "when", lang, zone)


def format_datetime(moment: datetime | None, lang: str, zone: ZoneInfo | None = None) -> str:
    """A moment in short: "01.12.2026 kl. 18.00", "1 Dec 2026, 18:00"."""
    return _format(moment, "datetime", lang, zone)


def format_time(moment: datetime | None, lang: str, zone: ZoneInfo | None = None) -> str:
    """The office's clock time of a moment: "18.00", "18:00"."""
    return _format(moment, "time", lang, zone)


def format_date(value: date | datetime | None, lang: str, zone: ZoneInfo | None = None) -> str:
    """A day in short: "01.12.2026", "1 Dec 2026" (a moment is first put on the office's
    clock, so a sign-up at 00:30 in Oslo is dated that day, not the UTC day before)."""
    if _missing(value):
        return EMPTY
    if isinstance(value, datetime):
        value = local(value, zone).date()
    code = _code(lang)
    moment = datetime.combine(value, time(12))
    return _babel_datetime(moment, PATTERNS[code]["date"], tzinfo=None, locale=_locale(code))


def format_month(value: date | str | None, lang: str) -> str:
    """A calendar month: "januar 2027", "January 2027" (`value` a day of it or "2027-01")."""
    if _missing(value):
        return EMPTY
    if isinstance(value, str):
        value = date.fromisoformat(value[:7] + "-01")
    code = _code(lang)
    moment = datetime.combine(value, time(12))
    return _babel_datetime(moment, "LLLL y", tzinfo=None, locale=_locale(code))


def weekday_name(weekday: int, lang: str) -> str:
    """The name of a weekday (0 is Monday): "mandag", "Monday"."""
    return get_day_names("wide", locale=babel_locale(lang))[weekday]


def format_number(value: float | int | Decimal | None, lang: str, digits: int | None = None) -> str:
    """A number with the language's separators: "1 234,5" (non-breaking space), "1,234.5".

    `digits` fixes the decimals shown; by default up to three are shown, as needed."""
    if _missing(value):
        return EMPTY
    pattern = "#,##0.###" if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return _babel_decimal(value, format=pattern, locale=babel_locale(lang))


def format_percent(value: float | Decimal | None, lang: str, digits: int = 0) -> str:
    """A share as a percentage: 0.256 is "26 %" in bokmål, "26%" in English."""
    if _missing(value):
        return EMPTY
    locale = babel_locale(lang)
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits)
    return _babel_percent(value, format=pattern, locale=locale)


def format_km(value: float | Decimal | None, lang: str) -> str:
    """A distance in kilometres, to a tenth: "3,2 km", "3.2 km"."""
    if _missing(value):
        return EMPTY
    return format_unit(
        value, "length-kilometer", length="short", format="#,##0.0", locale=babel_locale(lang)
    )


def plural_category(count: float | int | Decimal, lang: str) -> str:
    """The CLDR plural category of `count` in `lang` ("one" or "other" for nb and en)."""
    return babel_locale(lang).plural_form(abs(count))


def format_value(value: Any, lang: str) -> Any:
    """A value as it goes into a message: moments and days in short, others as they are."""
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    return value


def localise_columns(
    frame: pd.DataFrame,
    lang: str,
    *,
    dates: Iterable[str] = (),
    datetimes: Iterable[str] = (),
    numbers: dict[str, int | None] | None = None,
    percents: dict[str, int] | None = None,
    distances: Iterable[str] = (),
) -> pd.DataFrame:
    """A copy of `frame` whose named columns are text for people in `lang` (dates on the
    office's clock). Tables show these strings because Streamlit's column formats cannot
    follow a language; columns `frame` lacks are skipped."""
    formatters: dict[str, Any] = {}
    for column in dates:
        formatters[column] = lambda v: format_date(v, lang)
    for column in datetimes:
        formatters[column] = lambda v: format_datetime(v, lang)
    for column, digits in (numbers or {}).items():
        formatters[column] = lambda v, d=digits: format_number(v, lang, d)
    for column, digits in (percents or {}).items():
        formatters[column] = lambda v, d=digits: format_percent(v, lang, d)
    for column in distances:
        formatters[column] = lambda v: format_km(v, lang)
    return frame.assign(
        **{
            column: _each_once(format_, frame[column])
            for column, format_ in formatters.items()
            if column in frame.columns
        }
    )


def _each_once(format_: Any, values: Iterable[Any]) -> list[Any]:
    """`format_` of every value, worked out once per distinct value: a long table repeats
    its days (5,000 waiting dates formatted by Babel took 0.1 s)."""
    done: dict[tuple[type, Any], Any] = {}
    out = []
    for value in values:
        try:
            key = (type(value), value)
            text = done[key]
        except KeyError:
            text = done[key] = format_(value)
        except TypeError:  # unhashable: formatted as it comes
            text = format_(value)
        out.append(text)
    return out


# --- for machines -------------------------------------------------------------------------------


def iso(value: date | datetime | None) -> str:
    """ISO 8601 for files that programs read: moments in UTC to the second with "Z"
    ("2026-03-04T09:30:15Z"), days as "2026-03-04", nothing as ""."""
    if _missing(value):
        return ""
    if isinstance(value, datetime):
        return (
            _aware(value).astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        )
    return value.isoformat()


def chart_locale(lang: str) -> dict:
    """The language's month and day names and number separators in the form Vega-Lite
    charts take (`config.locale`), so chart axes read "jan. 2026" and "1 234,5" in bokmål."""
    from babel.dates import get_month_names

    locale = babel_locale(lang)
    months = get_month_names("wide", locale=locale)
    short_months = get_month_names("abbreviated", locale=locale)
    days = get_day_names("wide", locale=locale)
    short_days = get_day_names("abbreviated", locale=locale)
    # Babel counts weekdays from Monday (0); d3 wants Sunday first.
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": "\u00a0" if lang == "nb" else symbols["group"],
            "grouping": [3],
            "currency": ["", "\u00a0kr"] if lang == "nb" else ["", ""],
            "percent": "\u00a0%" if lang == "nb" else "%",
        },
        "time": {
            "dateTime": "%A %e. %B %Y kl. %H.%M" if lang == "nb" else "%A %e %B %Y, %H:%M",
            "date": "%d.%m.%Y" if lang == "nb" else "%d/%m/%Y",
            "time": "%H.%M.%S" if lang == "nb" else "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }
