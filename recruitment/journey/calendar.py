"""Calendar invites (.ics) for info-meeting registrations.

One registration keeps one UID for its whole life; every change bumps SEQUENCE, so
the applicant's calendar updates (or, with METHOD:CANCEL, removes) the same entry.
Times are written on the office's clock with its TZID (`recruitment.core.timefmt`)."""

from __future__ import annotations

from datetime import timedelta
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
    calendar.add_component(event)
    # The VTIMEZONE of the office's zone, so clients do not have to guess the TZID.
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
