"""Which reminders work: attendance and no-shows by the reminder a registration got and
by meeting mode, with 95 % Wilson intervals, as on "Digital vs in person".

A registration's reminder is what reached the person before the meeting: a call that
got through (reached, or a message left) counts as "call"; otherwise a sent SMS and/or
e-mail reminder ("sms", "email", "email_sms"); otherwise "none" (booked inside the
reminder window, or no channel). Only held meetings and marked registrations count.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from db.models import (
    CallOutcome,
    CallOutcomeKind,
    InfoMeeting,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
)
from recruitment.analytics._sql import MODES, held_meetings
from recruitment.core import stats
from recruitment.core.access import Actor, requires

#: Reminder categories, in the order they are shown.
REMINDERS = ("none", "email", "sms", "email_sms", "call")
#: Columns of `reminder_attendance`: reminder category, meeting mode ("all" for both),
#: attended, no_shows, n, attendance rate with its Wilson bounds, no-show rate with its.
COLUMNS = [
    "reminder",
    "mode",
    "attended",
    "no_shows",
    "n",
    "attendance",
    "low",
    "high",
    "no_show_rate",
    "no_show_low",
    "no_show_high",
]


# As IN (subquery), not a correlated EXISTS: outbox_message has no index on
# registration_id, and SQLite ran the EXISTS as a scan of the outbox per registration
# (minutes at 100,000 applicants); the IN list is built once and looked up.
def _sent(channel: str):
    return Registration.id.in_(
        select(OutboxMessage.registration_id).where(
            OutboxMessage.registration_id.is_not(None),
            OutboxMessage.kind == "meeting_reminder",
            OutboxMessage.channel == channel,
            OutboxMessage.status == OutboxStatus.SENT.value,
        )
    )


def _called():
    return Registration.id.in_(
        select(CallOutcome.registration_id).where(
            CallOutcome.registration_id.is_not(None),
            CallOutcome.outcome.in_(
                [CallOutcomeKind.REACHED.value, CallOutcomeKind.LEFT_MESSAGE.value]
            ),
        )
    )


def _row(reminder: str, mode: str, attended: int, no_shows: int) -> dict:
    n = attended + no_shows
    low, high = stats.wilson_interval(attended, n)
    ns_low, ns_high = stats.wilson_interval(no_shows, n)
    return {
        "reminder": reminder,
        "mode": mode,
        "attended": attended,
        "no_shows": no_shows,
        "n": n,
        "attendance": stats.conversion(attended, n),
        "low": low,
        "high": high,
        "no_show_rate": stats.conversion(no_shows, n),
        "no_show_low": ns_low,
        "no_show_high": ns_high,
    }


@requires("analytics.read")
def reminder_attendance(
    *,
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Attendance by reminder and meeting mode for meetings held in the period (COLUMNS);
    one row per reminder and mode, plus mode "all" per reminder. Counted in SQL."""
    email, sms = _sent("email"), _sent("sms")
    reminder = case(
        (_called(), "call"),
        (and_(email, sms), "email_sms"),
        (sms, "sms"),
        (email, "email"),
        else_="none",
    ).label("reminder")
    marked = (
        select(reminder, InfoMeeting.mode.label("mode"), Registration.status)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(
            held_meetings(since, until, now),
            Registration.status.in_(
                [RegistrationStatus.ATTENDED.value, RegistrationStatus.NO_SHOW.value]
            ),
        )
        .subquery()
    )
    attended = func.sum(case((marked.c.status == RegistrationStatus.ATTENDED.value, 1), else_=0))
    no_show = func.sum(case((marked.c.status == RegistrationStatus.NO_SHOW.value, 1), else_=0))
    counts = {
        (r, m): (int(a or 0), int(n or 0))
        for r, m, a, n in session.execute(
            select(marked.c.reminder, marked.c.mode, attended, no_show).group_by(
                marked.c.reminder, marked.c.mode
            )
        ).all()
    }
    rows = []
    for category in REMINDERS:
        for mode in MODES:
            rows.append(_row(category, mode, *counts.get((category, mode), (0, 0))))
        total = [counts.get((category, mode), (0, 0)) for mode in MODES]
        rows.append(_row(category, "all", sum(a for a, _ in total), sum(n for _, n in total)))
    return pd.DataFrame(rows, columns=COLUMNS)


def as_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Attendance per reminder and mode in the shape of `comparison.RATE_COLUMNS` (the
    reminder as the metric), for the same interval chart; the "all" rows left out."""
    per_mode = frame[frame["mode"] != "all"]
    return pd.DataFrame(
        {
            "metric": per_mode["reminder"],
            "mode": per_mode["mode"],
            "successes": per_mode["attended"],
            "n": per_mode["n"],
            "rate": per_mode["attendance"],
            "low": per_mode["low"],
            "high": per_mode["high"],
        }
    ).reset_index(drop=True)
