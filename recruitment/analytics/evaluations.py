"""What participants said about the information meetings: scores per meeting and the
comments, newest first.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import (
    Evaluation,
    InfoMeeting,
)
from recruitment.analytics._sql import in_period, to_frame
from recruitment.core.access import Actor, requires

#: Columns of `evaluations_by_meeting`: meeting id, start (UTC), mode, answers, mean rating,
#: share who got the information they needed, share with technical problems, comments.
EVALUATION_COLUMNS = [
    "meeting_id",
    "starts_at",
    "mode",
    "answers",
    "mean_rating",
    "got_information",
    "technical_problems",
    "comments",
]


@requires("analytics.read")
def evaluations_by_meeting(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Evaluation answers aggregated per meeting (newest first)."""
    rows = session.execute(
        select(
            InfoMeeting.id,
            InfoMeeting.starts_at,
            InfoMeeting.mode,
            func.count(),
            func.avg(Evaluation.rating),
            func.avg(case((Evaluation.got_information.is_(True), 1.0), else_=0.0)),
            func.avg(case((Evaluation.technical_problems.is_(True), 1.0), else_=0.0)),
            func.count(func.nullif(func.trim(Evaluation.comment), "")),
        )
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(in_period(InfoMeeting.starts_at, since, until))
        .group_by(InfoMeeting.id, InfoMeeting.starts_at, InfoMeeting.mode)
        .order_by(InfoMeeting.starts_at.desc())
    ).all()
    frame = to_frame(rows, EVALUATION_COLUMNS)
    for column in ("mean_rating", "got_information", "technical_problems"):
        frame[column] = frame[column].astype(float).round(3)
    return frame


#: Up to this many meetings in a period are charted one by one; more (a large office's
#: year: 3,000 at 100,000 applicants) are charted a week at a time, which is what a
#: reader can take in and keeps the page's drawing the same size whatever the office.
MEETINGS_ONE_BY_ONE = 100

#: Columns of `evaluations_by_week`: the week's Monday (office calendar), mode, meetings,
#: answers, and the answers' mean rating and shares (each answer counts once).
WEEKLY_COLUMNS = [
    "week",
    "mode",
    "meetings",
    "answers",
    "mean_rating",
    "got_information",
    "technical_problems",
    "comments",
]


def evaluations_by_week(by_meeting: pd.DataFrame, zone: ZoneInfo) -> pd.DataFrame:
    """`evaluations_by_meeting`'s rows summed up by calendar week (Monday, on the office's
    clock) and mode, newest first. Means and shares are over answers, not over meetings:
    a meeting with 20 answers weighs twice one with 10."""
    if by_meeting.empty:
        return pd.DataFrame(columns=WEEKLY_COLUMNS)
    local = pd.to_datetime(by_meeting["starts_at"], utc=True).dt.tz_convert(zone)
    days = local.dt.tz_localize(None).dt.normalize()
    frame = by_meeting.assign(
        week=(days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date,
        rated=by_meeting["mean_rating"] * by_meeting["answers"],
        informed=by_meeting["got_information"] * by_meeting["answers"],
        troubled=by_meeting["technical_problems"] * by_meeting["answers"],
    )
    weeks = (
        frame.groupby(["week", "mode"], as_index=False)
        .agg(
            meetings=("meeting_id", "count"),
            answers=("answers", "sum"),
            rated=("rated", "sum"),
            informed=("informed", "sum"),
            troubled=("troubled", "sum"),
            comments=("comments", "sum"),
        )
        .sort_values(["week", "mode"], ascending=[False, True], ignore_index=True)
    )
    for column, total in (
        ("mean_rating", "rated"),
        ("got_information", "informed"),
        ("technical_problems", "troubled"),
    ):
        weeks[column] = (weeks[total] / weeks["answers"]).astype(float).round(3)
    return weeks[WEEKLY_COLUMNS]


#: Columns of `evaluation_comments`: meeting start (UTC), mode, rating, comment text.
COMMENT_COLUMNS = ["starts_at", "mode", "rating", "comment"]
COMMENT_LIMIT = 500


@requires("analytics.read")
def evaluation_comments(
    *,
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    mode: str | None = None,
) -> pd.DataFrame:
    """The free-text comments (newest first, at most COMMENT_LIMIT); plain text to show as text."""
    query = (
        select(InfoMeeting.starts_at, InfoMeeting.mode, Evaluation.rating, Evaluation.comment)
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(
            Evaluation.comment.is_not(None),
            func.trim(Evaluation.comment) != "",
            in_period(InfoMeeting.starts_at, since, until),
        )
        .order_by(InfoMeeting.starts_at.desc(), Evaluation.id.desc())
        .limit(COMMENT_LIMIT)
    )
    if mode:
        query = query.where(InfoMeeting.mode == mode)
    return to_frame(session.execute(query).all(), COMMENT_COLUMNS)
