"""Digital vs in person: attendance, conversion, days to interview and evaluation scores by
meeting mode, with Wilson intervals and a plain-words verdict. Aggregated in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from db.models import (
    Evaluation,
    InfoMeeting,
    Interview,
    Registration,
    Stage,
    StageEvent,
)
from recruitment.analytics._sql import MEDIAN_AND_P90, MODES, held_meetings, in_period, to_frame
from recruitment.analytics.funnel import (
    days_between,
    percentiles,
)
from recruitment.core import stats
from recruitment.core.access import Actor, requires
from recruitment.core.pipeline import RANK

#: Columns of `mode_rates`: metric code, mode, successes, base n, rate and its 95% Wilson bounds.
RATE_COLUMNS = ["metric", "mode", "successes", "n", "rate", "low", "high"]
#: Columns of `mode_verdicts`: metric, digital rate, in-person rate, difference, p-value,
#: the p-value after Holm's correction for the page's several tests, verdict ("clear" |
#: "unclear" | "too_few", judged on the corrected p-value).
VERDICT_COLUMNS = [
    "metric",
    "digital",
    "in_person",
    "difference",
    "p_value",
    "p_adjusted",
    "verdict",
]


def _rate_row(metric: str, mode: str, successes: int, n: int) -> dict:
    low, high = stats.wilson_interval(successes, n)
    return {
        "metric": metric,
        "mode": mode,
        "successes": successes,
        "n": n,
        "rate": stats.conversion(successes, n),
        "low": low,
        "high": high,
    }


@requires("analytics.read")
def mode_rates(
    *,
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """Attendance, no-shows, progress after attending and evaluation answers, per meeting
    mode, for meetings held in the period (see RATE_COLUMNS). Progress counts each
    attendance: someone who attended two meetings counts once for each."""
    held = held_meetings(since, until, now)
    attended = func.sum(case((Registration.status == "attended", 1), else_=0))
    no_show = func.sum(case((Registration.status == "no_show", 1), else_=0))
    attendance = session.execute(
        select(InfoMeeting.mode, attended, no_show)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(held)
        .group_by(InfoMeeting.mode)
    ).all()
    rows: list[dict] = []
    by_mode = {mode: (int(a or 0), int(m or 0)) for mode, a, m in attendance}
    for mode in MODES:
        a, m = by_mode.get(mode, (0, 0))
        rows.append(_rate_row("attendance", mode, a, a + m))
        rows.append(_rate_row("no_show", mode, m, a + m))

    # Progress of people who attended: their furthest stage, by the mode that defines them.
    # Progress of people who attended a meeting of each mode in the period. "Reached
    # stage k" (furthest rank >= k) is the same as "has an event to a stage ranked >= k",
    # which the (to_stage, applicant_id) index answers per attendee without a scan.
    def reached(stage: Stage):
        later = [s.value for s, rank in RANK.items() if rank >= RANK[stage]]
        hit = (
            select(StageEvent.id)
            .where(
                StageEvent.applicant_id == Registration.applicant_id, StageEvent.to_stage.in_(later)
            )
            .exists()
        )
        return func.sum(case((hit, 1), else_=0))

    progress = session.execute(
        select(
            InfoMeeting.mode,
            func.count(),
            *(reached(stage) for stage in (Stage.INTERVIEWED, Stage.APPROVED, Stage.PLACED)),
        )
        .select_from(Registration)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .where(Registration.status == "attended", held)
        .group_by(InfoMeeting.mode)
    ).all()
    by_mode = {row[0]: [int(v or 0) for v in row[1:]] for row in progress}
    for stage in (Stage.INTERVIEWED, Stage.APPROVED, Stage.PLACED):
        index = {Stage.INTERVIEWED: 1, Stage.APPROVED: 2, Stage.PLACED: 3}[stage]
        for mode in MODES:
            values = by_mode.get(mode, [0, 0, 0, 0])
            rows.append(_rate_row(f"attended_to_{stage.value}", mode, values[index], values[0]))

    answers = session.execute(
        select(
            InfoMeeting.mode,
            func.count(),
            func.sum(case((Evaluation.got_information.is_(True), 1), else_=0)),
            func.sum(case((Evaluation.technical_problems.is_(True), 1), else_=0)),
        )
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(held)
        .group_by(InfoMeeting.mode)
    ).all()
    by_mode = {row[0]: [int(v or 0) for v in row[1:]] for row in answers}
    for metric, index in (("got_information", 1), ("technical_problems", 2)):
        for mode in MODES:
            values = by_mode.get(mode, [0, 0, 0])
            rows.append(_rate_row(metric, mode, values[index], values[0]))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def mode_verdicts(rates: pd.DataFrame) -> pd.DataFrame:
    """For each metric of `mode_rates`: is the digital/in-person difference statistically
    clear once Holm's correction accounts for testing every metric at once?"""
    rows = []
    for metric, group in rates.groupby("metric", sort=False):
        by_mode = {row.mode: row for row in group.itertuples()}
        d, p = by_mode.get("digital"), by_mode.get("in_person")
        if d is None or p is None:
            continue
        _, p_value = stats.two_proportion_test(
            int(d.successes), int(d.n), int(p.successes), int(p.n)
        )
        difference = (
            None
            if d.rate is None or p.rate is None or pd.isna(d.rate) or pd.isna(p.rate)
            else d.rate - p.rate
        )
        rows.append(
            {
                "metric": metric,
                "digital": d.rate,
                "in_person": p.rate,
                "difference": difference,
                "p_value": p_value,
                "enough": min(int(d.n), int(p.n)) >= stats.MIN_GROUP,
            }
        )
    # Only the comparisons with enough people are tests; Holm's correction spans those.
    tested = [row["p_value"] if row["enough"] else None for row in rows]
    for row, adjusted in zip(rows, stats.holm(tested), strict=True):
        row["p_adjusted"] = adjusted
        if not row.pop("enough"):
            row["verdict"] = "too_few"
        else:
            row["verdict"] = "clear" if adjusted < stats.ALPHA else "unclear"
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


#: Columns of `days_to_interview`: mode, attendees with an interview, median and 90th
#: percentile of days from their meeting to their first interview after it.
DAYS_TO_INTERVIEW_COLUMNS = ["mode", "n", "median_days", "p90_days"]


@requires("analytics.read")
def days_to_interview(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Days from each meeting attended in the period to the attendee's first interview
    after it, per mode."""
    first_interview = func.min(Interview.scheduled_at)
    per_attendance = (
        select(InfoMeeting.mode, days_between(InfoMeeting.starts_at, first_interview).label("days"))
        .select_from(Registration)
        .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
        .join(
            Interview,
            and_(
                Interview.applicant_id == Registration.applicant_id,
                Interview.cancelled_at.is_(None),
                Interview.scheduled_at >= InfoMeeting.starts_at,
            ),
        )
        .where(Registration.status == "attended", in_period(InfoMeeting.starts_at, since, until))
        .group_by(Registration.id, InfoMeeting.mode, InfoMeeting.starts_at)
        .subquery("to_interview")
    )
    rows = session.execute(percentiles(per_attendance, ["mode"], "days", MEDIAN_AND_P90)).all()
    frame = to_frame(rows, DAYS_TO_INTERVIEW_COLUMNS)
    return frame.sort_values("mode").reset_index(drop=True)


#: Columns of `evaluation_scores_by_mode`: mode, answers, mean and median rating (1-5).
SCORE_COLUMNS = ["mode", "answers", "mean_rating", "median_rating"]


@requires("analytics.read")
def evaluation_scores_by_mode(
    *, session: Session, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Meeting evaluation ratings per mode."""
    answers = (
        select(InfoMeeting.mode, Evaluation.rating.label("rating"))
        .join(InfoMeeting, InfoMeeting.id == Evaluation.meeting_id)
        .where(in_period(InfoMeeting.starts_at, since, until))
        .subquery("answers")
    )
    medians = percentiles(answers, ["mode"], "rating", {"median_rating": (1, 2)}).subquery(
        "medians"
    )
    means = (
        select(answers.c.mode, func.avg(answers.c.rating).label("mean_rating"))
        .group_by(answers.c.mode)
        .subquery("means")
    )
    rows = session.execute(
        select(medians.c.mode, medians.c.n, means.c.mean_rating, medians.c.median_rating)
        .join(means, means.c.mode == medians.c.mode)
        .order_by(medians.c.mode)
    ).all()
    frame = to_frame(rows, SCORE_COLUMNS)
    frame["mean_rating"] = frame["mean_rating"].astype(float)
    return frame
