"""Calendar invites read the same in a second, independent parser: dateutil's `tzical`
(not icalendar, which writes them) reads the VTIMEZONE we send, under a TZID no time
zone database knows, so nothing but our VTIMEZONE decides the time."""

import io
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz

from db.models import InfoMeeting
from recruitment.journey.calendar import registration_ics
from recruitment.messaging.smtp import Claimed, SmtpSettings, build_message

OSLO = ZoneInfo("Europe/Oslo")


def _invite(starts_at: datetime, zone: ZoneInfo = OSLO, **fields) -> str:
    meeting = InfoMeeting(
        starts_at=starts_at, duration_minutes=60, mode="in_person", address="Helsehuset"
    )
    return registration_ics(
        uid="u@verve", sequence=0, meeting=meeting, lang="nb", zone=zone, **fields
    )


def _unfold(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\r\n", "\n")


def _read_start(ics: str, *, first_rdate_only: bool = False) -> datetime:
    """DTSTART as an independent client reads it: the zone from the VTIMEZONE alone."""
    text = _unfold(ics)
    zone_id = re.search(r"^TZID:(.+)$", text, re.M).group(1)
    text = text.replace(zone_id, "Office Clock")  # no tz database can know this one
    if first_rdate_only:
        # What the parser in the defect report does with a comma-separated RDATE list.
        text = re.sub(r"^(RDATE[^:]*:[^,\n]+)(,[^\n]*)$", r"\1", text, flags=re.M)
    block = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE") + 13]
    zone = tz.tzical(io.StringIO(block)).get("Office Clock")
    value = re.search(r"^DTSTART;TZID=Office Clock:(\d{8}T\d{6})$", text, re.M).group(1)
    return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)


def test_a_summer_meeting_at_six_reads_six_in_a_second_parser():
    starts = datetime(2026, 7, 9, 18, 0, tzinfo=OSLO)
    assert _read_start(_invite(starts)).astimezone(UTC) == starts.astimezone(UTC)


@pytest.mark.parametrize("month", [1, 3, 7, 10, 12])
def test_a_parser_that_takes_only_the_first_rdate_value_still_reads_the_right_time(month):
    starts = datetime(2026, month, 28, 18, 0, tzinfo=OSLO)
    read = _read_start(_invite(starts), first_rdate_only=True)
    assert read.astimezone(UTC) == starts.astimezone(UTC)


def test_the_time_zone_is_written_as_yearly_rules_as_outlook_writes_it():
    text = _unfold(_invite(datetime(2026, 7, 9, 18, 0, tzinfo=OSLO)))
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


@pytest.mark.parametrize(
    "zone", ["Europe/Oslo", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]
)
def test_every_hour_of_the_year_reads_the_same_in_the_second_parser(zone):
    zone = ZoneInfo(zone)
    ics = _invite(datetime(2026, 6, 1, 12, 0, tzinfo=zone), zone)
    text = _unfold(ics)
    block = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE") + 13]
    theirs = tz.tzical(io.StringIO(block)).get()
    moment = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    while moment.year == 2026:
        assert moment.astimezone(theirs).utcoffset() == moment.astimezone(zone).utcoffset()
        moment += timedelta(hours=7)


def _sent_calendar(ics: str, sender: str) -> str:
    message = Claimed(
        id=1,
        kind="booking_confirmation",
        to_address="kari@example.no",
        language="nb",
        subject="Bekreftelse",
        body_text="Hei\n",
        body_html=None,
        message_id="<a@verve.invalid>",
        attempts=0,
        applicant_id=None,
        reclaimed=False,
        ics=ics,
    )
    mime = build_message(message, SmtpSettings(host="x", sender=sender))
    parsed = BytesParser(policy=policy.default).parsebytes(bytes(mime))
    [calendar] = list(parsed.iter_attachments())
    return _unfold(calendar.get_content())


def test_an_invite_without_the_office_email_gets_the_sender_as_organizer():
    ics = _invite(datetime(2026, 7, 9, 18, 0, tzinfo=OSLO), attendee_email="kari@example.no")
    assert "ORGANIZER" not in ics
    sent = _sent_calendar(ics, "Støttekontakt <post@kommune.example>")
    assert "ORGANIZER:mailto:post@kommune.example" in sent


def test_an_invite_with_the_office_email_keeps_it_as_organizer():
    ics = _invite(
        datetime(2026, 7, 9, 18, 0, tzinfo=OSLO), organizer_email="stottekontakt@kommune.example"
    )
    sent = _sent_calendar(ics, "Verve <noreply@kommune.example>")
    assert "ORGANIZER:mailto:stottekontakt@kommune.example" in sent
    assert "noreply@" not in sent
