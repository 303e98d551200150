"""Calendar invites (.ics) for info-meeting registrations.

One registration keeps one UID for its whole life; every change bumps SEQUENCE, so
the applicant's calendar updates (or, with METHOD:CANCEL, removes) the same entry.
Times are written on the office's clock with its TZID (`recruitment.core.timefmt`)."""

from __future__ import annotations

import calendar as _calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from db.models import InfoMeeting, MeetingMode, utcnow
from recruitment.core.i18n import t
from recruitment.core.timefmt import local

PRODID = "-//Verve//Støttekontakt recruitment//NO"


def meeting_place(meeting: InfoMeeting, lang: str, *, reveal_link: bool = True) -> str:
    """Where to go: the address, or the join link (only to people with a seat)."""
    if meeting.mode == MeetingMode.DIGITAL.value:
        if reveal_link and meeting.join_url:
            return meeting.join_url
        return t("booking.link_by_email", lang)
    return meeting.address or t("booking.address_follows", lang)


def registration_ics(
    *,
    uid: str,
    sequence: int,
    meeting: InfoMeeting,
    lang: str,
    attendee_email: str | None = None,
    organizer_email: str | None = None,
    cancel: bool = False,
    description: str = "",
    zone: ZoneInfo | None = None,
) -> str:
    """The .ics text of one registration: METHOD:REQUEST, or METHOD:CANCEL when cancelled.

    Start and end carry the office's zone (`zone`, default the office's) as TZID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", utcnow())
    start = local(meeting.starts_at, zone)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", t("booking.ics_summary", lang))
    event.add("location", meeting_place(meeting, lang))
    if meeting.mode == MeetingMode.DIGITAL.value and meeting.join_url:
        event.add("url", meeting.join_url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    if organizer_email:
        event.add("organizer", f"mailto:{organizer_email}")
    if attendee_email:
        event.add(
            "attendee",
            f"mailto:{attendee_email}",
            parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"},
        )
    # The VTIMEZONE of the office's zone first, so clients do not have to guess the TZID.
    calendar.add_component(vtimezone(start.tzinfo, start.year))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


# --- the time zone, as Outlook and Google Calendar write it ----------------------------

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _transitions(zone, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """The UTC instants in `year` where `zone` changes offset: (instant, before, after)."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)
    while moment < end:
        later = moment + step
        before, after = moment.astimezone(zone).utcoffset(), later.astimezone(zone).utcoffset()
        if before != after:
            # Narrow the day down to the whole minute of the change.
            low, high = 0, 24 * 60
            while high - low > 1:
                middle = (low + high) // 2
                offset = (moment + timedelta(minutes=middle)).astimezone(zone).utcoffset()
                low, high = (middle, high) if offset == before else (low, middle)
            found.append((moment + timedelta(minutes=high), before, after))
        moment = later
    return found


def _rule(local_start: datetime) -> dict[str, object]:
    """The yearly rule of a change on this local date: "the last Sunday of March" or "the
    second Sunday of March", as RRULE parts."""
    days_in_month = _calendar.monthrange(local_start.year, local_start.month)[1]
    weekday = _BYDAY[local_start.weekday()]
    if local_start.day + 7 > days_in_month:
        nth = "-1"
    else:
        nth = str((local_start.day - 1) // 7 + 1)
    return {"FREQ": "YEARLY", "BYMONTH": local_start.month, "BYDAY": nth + weekday}


def _first_in_1970(rule: dict[str, object], at: datetime) -> datetime:
    """The rule's first occurrence in 1970, at the change's local time (DTSTART)."""
    month = int(rule["BYMONTH"])
    byday = str(rule["BYDAY"])
    nth, weekday = int(byday[:-2]), _BYDAY.index(byday[-2:])
    days = [
        day
        for day in range(1, _calendar.monthrange(1970, month)[1] + 1)
        if datetime(1970, month, day).weekday() == weekday
    ]
    day = days[nth - 1] if nth > 0 else days[nth]
    return datetime(1970, month, day, at.hour, at.minute, at.second)


def vtimezone(zone, year: int) -> icalendar.Timezone:
    """The VTIMEZONE of `zone` for `year`, each change written once with a yearly RRULE
    (as Outlook and Google Calendar write it). Comma-separated RDATE lists, as
    `add_missing_timezones` writes them, are read by some parsers as their first value
    only, which puts a summer meeting an hour late."""
    key = getattr(zone, "key", None) or str(zone)
    timezone = icalendar.Timezone()
    timezone.add("tzid", key)
    changes = _transitions(zone, year)
    if not changes:
        # No daylight saving time: one standard period for ever.
        sample = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone)
        standard = icalendar.TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", sample.utcoffset())
        standard.add("tzoffsetto", sample.utcoffset())
        standard.add("tzname", sample.tzname())
        timezone.add_component(standard)
        return timezone
    for instant, before, after in changes:
        # The change happens at this wall-clock time on the clock that is left behind.
        local_start = (instant + before).replace(tzinfo=None)
        after_local = instant.astimezone(zone)
        daylight = bool(after_local.dst())
        part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        rule = _rule(local_start)
        part.add("dtstart", _first_in_1970(rule, local_start))
        part.add("rrule", rule)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", after_local.tzname())
        timezone.add_component(part)
    return timezone
