"""What the forecast rests on, read from the stage events as of a day: the open pipeline,
the past year's stays per stage and meeting mode, the recent sign-up rate, the digital
share of bookings and today's meetings (how many, how many seats, how many come).

Everything is aggregated in SQL (counts per stage, mode and whole day), so the cost
grows with the number of distinct days, not with the number of applicants.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Integer, and_, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from db.models import (
    Applicant,
    InfoMeeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    StageEvent,
)
from recruitment.analytics.forecast.model import (
    ANY,
    BOOKED,
    DAYS_PER_MONTH,
    MODES,
    SERIES,
    STAGES,
    Estimates,
    Pipeline,
    Pool,
    month_swing,
)

#: The window the estimates come from (months); the page offers WINDOW_CHOICES.
WINDOW_MONTHS = 12
WINDOW_CHOICES: tuple[int, ...] = (6, 12, 24)
WINDOW_DAYS = 365
#: The window the sign-up rate comes from (recent, so a campaign shows quickly).
SIGNUP_WINDOW_DAYS = 91
#: A mode's own pool needs this many finished stays; below it, both modes' stays are used.
MIN_STAYS = 30
BOOKINGS = (
    RegistrationStatus.REGISTERED.value,
    RegistrationStatus.ATTENDED.value,
    RegistrationStatus.NO_SHOW.value,
)


class whole_days(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """floor(later - earlier) in days, the same integer on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(whole_days, "sqlite")
def _whole_days_sqlite(element, compiler, **kw):
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(whole_days, "postgresql")
def _whole_days_postgresql(element, compiler, **kw):
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0) AS INTEGER)"


def cutoff(as_of: date) -> datetime:
    """The first instant after `as_of` (UTC): what was known at the end of that day."""
    return datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def _at(moment: datetime):
    return literal(moment, StageEvent.at.type)


def window_days(months: int) -> int:
    """The estimates' window in whole days (12 months = 365 days)."""
    if months not in WINDOW_CHOICES:
        raise ValueError(f"the estimates' window must be one of {WINDOW_CHOICES} months")
    return round(months * 365 / 12)


def _applicant_filter(area: str | None, source: str | None) -> list:
    where = []
    if area is not None:
        where.append(Applicant.area == area)
    if source is not None:
        where.append(Applicant.source == source)
    return where


def _in_area(query, applicant_id, area: str | None, source: str | None = None):
    """`query` kept to applicants living in `area` and who came through `source` (all
    when both are None)."""
    where = _applicant_filter(area, source)
    if not where:
        return query
    return query.join(Applicant, Applicant.id == applicant_id).where(*where)


def _rows(session: Session, query):
    """Plain rows through the connection: the ORM's row loading cost a fifth of the read
    at 100,000 and gives nothing here."""
    return session.connection().execute(query)


def _tuples(session: Session, query) -> list[tuple]:
    """The driver's own tuples, fetched at once: for the reads of one row per applicant
    or stay (100,000s at 100,000 applicants), where making a Row of each cost more than
    the database's work. Only for columns that need no conversion (ints, strings)."""
    result = _rows(session, query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _modes(session: Session, end: datetime) -> dict[int, str]:
    """Each applicant's meeting mode, from the meetings they booked before `end` (in
    person when they booked both); read once per transaction and moment. Joined here
    rather than in SQL: the join cost four times the read itself at 100,000."""
    memo = session.info.setdefault("forecast_modes", {})
    if end not in memo:
        memo[end] = dict(
            _tuples(
                session,
                select(Registration.applicant_id, func.max(InfoMeeting.mode))
                .select_from(Registration)
                .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
                .where(Registration.status.in_(BOOKINGS), Registration.created_at < _at(end))
                .group_by(Registration.applicant_id),
            )
        )
    return memo[end]


def _grouped(rows, modes: dict[int, str]) -> dict[tuple[str, str, int], int]:
    """(applicant, stage, days) rows counted per (stage, mode, days)."""
    mode_of = {m: m for m in MODES}.get
    counts = Counter(
        (stage, mode_of(modes.get(applicant_id), ANY), d if d and d > 0 else 0)
        for applicant_id, stage, d in rows
    )
    return dict(counts)


def read_pools(
    session: Session, as_of: date, pipeline: Pipeline, window: int = WINDOW_DAYS
) -> dict[tuple[str, str], Pool]:
    """Stays that ended in the `window` days before `as_of`, per (stage, mode) and per
    stage for both modes (`ANY`): moved one step forward, or left, after d whole days; and
    the stays still going on (`pipeline`), which count as waiting that long. Stays before
    the booking have no mode: SQL counts them per day; the later ones are counted here
    with each applicant's mode."""
    end = cutoff(as_of)
    modes = _modes(session, end)
    days = whole_days(StageEvent.from_at, StageEvent.at)
    within = (
        StageEvent.from_at.is_not(None),
        StageEvent.at >= _at(end - timedelta(days=window)),
        StageEvent.at < _at(end),
    )
    before_booking = STAGES[:BOOKED]
    tally = Counter()
    for from_stage, to_stage, d, n in _rows(
        session,
        select(StageEvent.from_stage, StageEvent.to_stage, days, func.count())
        .where(StageEvent.from_stage.in_(before_booking), *within)
        .group_by(StageEvent.from_stage, StageEvent.to_stage, days),
    ):
        tally[(from_stage, to_stage, None, d)] += n
    tally.update(
        (from_stage, to_stage, modes.get(applicant_id), d)
        for applicant_id, from_stage, to_stage, d in _tuples(
            session,
            select(StageEvent.applicant_id, StageEvent.from_stage, StageEvent.to_stage, days).where(
                StageEvent.from_stage.in_(STAGES[BOOKED:-1]), *within
            ),
        )
    )
    counts: dict[tuple[str, str], tuple[dict[int, float], dict[int, float]]] = {}
    for (from_stage, to_stage, mode, d), n in tally.items():
        forward = to_stage in STAGES and STAGES.index(to_stage) == STAGES.index(from_stage) + 1
        d = max(int(d or 0), 0)
        for key in {(from_stage, ANY), (from_stage, mode if mode in MODES else ANY)}:
            moved, left = counts.setdefault(key, ({}, {}))
            target = moved if forward else left
            target[d] = target.get(d, 0) + n
    waiting: dict[tuple[str, str], dict[int, float]] = {}
    for (stage, mode, d), n in pipeline.groups.items():
        for key in {(stage, ANY), (stage, mode)}:
            waiting.setdefault(key, {})
            waiting[key][d] = waiting[key].get(d, 0) + n
    pools = {}
    for (stage, mode), (moved, left) in counts.items():
        pool = Pool.of(moved, left, waiting.get((stage, mode)))
        if mode == ANY or pool.stays >= MIN_STAYS:
            pools[(stage, mode)] = pool
    return pools


def read_pipeline(
    session: Session, as_of: date, area: str | None = None, source: str | None = None
) -> Pipeline:
    """Who stood where at the end of `as_of`, as counts per (stage, mode, whole days
    there): the stays under way then. A stay that has ended is a stage event whose
    `from_at` is before that moment and whose `at` is after it; one still going on is an
    applicant's current stage, begun before it. Two range reads, no window over every
    event."""
    end = cutoff(as_of)
    modes = _modes(session, end)
    ended = _in_area(
        select(
            StageEvent.applicant_id,
            StageEvent.from_stage,
            whole_days(StageEvent.from_at, _at(end)),
        ).select_from(StageEvent),
        StageEvent.applicant_id,
        area,
        source,
    ).where(
        StageEvent.at >= _at(end),
        StageEvent.from_at < _at(end),
        StageEvent.from_stage.in_(STAGES[:-1]),
    )
    current = select(
        Applicant.id, Applicant.stage, whole_days(Applicant.stage_changed_at, _at(end))
    ).where(
        Applicant.stage.in_(STAGES[:-1]),
        Applicant.stage_changed_at < _at(end),
        *_applicant_filter(area, source),
    )
    groups = Counter(_grouped(_tuples(session, ended), modes))
    groups.update(_grouped(_tuples(session, current), modes))
    return Pipeline(as_of=as_of, groups=dict(groups))


def read_current_pipeline(
    session: Session, as_of: date, area: str | None = None, source: str | None = None
) -> Pipeline:
    """The same as `read_pipeline` for today, from each applicant's current stage (one
    indexed read, no stage events); only those living in `area` and come through `source`
    when given."""
    end = cutoff(as_of)
    query = select(
        Applicant.id, Applicant.stage, whole_days(Applicant.stage_changed_at, _at(end))
    ).where(Applicant.stage.in_(STAGES[:-1]), *_applicant_filter(area, source))
    return Pipeline(as_of=as_of, groups=_grouped(_tuples(session, query), _modes(session, end)))


@dataclass(frozen=True, slots=True)
class Meetings:
    """Today's info meetings over the past year: held per month, the usual number of
    seats, and the share of booked people who came (and who did not)."""

    per_month: float
    seats: int
    attendance: float
    no_show_rate: float
    digital_share: float
    bookings: int


def read_meetings(session: Session, as_of: date, window: int = WINDOW_DAYS) -> Meetings:
    end = cutoff(as_of)
    start = end - timedelta(days=window)
    held = and_(
        InfoMeeting.status != MeetingStatus.CANCELLED.value,
        InfoMeeting.starts_at >= _at(start),
        InfoMeeting.starts_at < _at(end),
    )
    count, seats = session.execute(
        select(func.count(), func.avg(InfoMeeting.capacity)).where(held)
    ).one()
    came = dict(
        session.execute(
            select(Registration.status, func.count())
            .select_from(Registration)
            .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
            .where(held, Registration.status.in_(BOOKINGS))
            .group_by(Registration.status)
        ).all()
    )
    attended = came.get(RegistrationStatus.ATTENDED.value, 0)
    no_show = came.get(RegistrationStatus.NO_SHOW.value, 0)
    marked = attended + no_show
    by_mode = dict(
        session.execute(
            select(InfoMeeting.mode, func.count())
            .select_from(Registration)
            .join(InfoMeeting, InfoMeeting.id == Registration.meeting_id)
            .where(
                Registration.status.in_(BOOKINGS),
                Registration.created_at >= _at(start),
                Registration.created_at < _at(end),
            )
            .group_by(InfoMeeting.mode)
        ).all()
    )
    bookings = sum(by_mode.values())
    return Meetings(
        per_month=count / (window / DAYS_PER_MONTH) if count else 0.0,
        seats=round(seats or 0),
        attendance=attended / marked if marked else 1.0,
        no_show_rate=no_show / marked if marked else 0.0,
        digital_share=by_mode.get("digital", 0) / bookings if bookings else 0.5,
        bookings=bookings,
    )


def read_signups_per_month(
    session: Session, as_of: date, area: str | None = None, source: str | None = None
) -> float:
    """New sign-ups per month over the last three months before `as_of` (in `area`,
    through `source`)."""
    end = cutoff(as_of)
    query = _in_area(
        select(func.count()).select_from(StageEvent), StageEvent.applicant_id, area, source
    )
    count = session.scalar(
        query.where(
            StageEvent.from_stage.is_(None),
            StageEvent.to_stage == STAGES[0],
            StageEvent.at >= _at(end - timedelta(days=SIGNUP_WINDOW_DAYS)),
            StageEvent.at < _at(end),
        )
    )
    return (count or 0) * (365.25 / 12) / SIGNUP_WINDOW_DAYS


def read_estimates(
    session: Session,
    as_of: date,
    pipeline: Pipeline,
    area: str | None = None,
    source: str | None = None,
    window_months: int = WINDOW_MONTHS,
) -> tuple[Estimates, Meetings]:
    """The pools, the digital share and the sign-up rate as of `as_of` (`pipeline`: who
    stood where then, office-wide), with the meeting figures the levers and the needs
    start from; the stays and meetings of the `window_months` months before. The pools
    are the whole office's, even for one area or source: one alone has too few stays;
    the sign-up rate is the area's and source's."""
    window = window_days(window_months)
    meetings = read_meetings(session, as_of, window)
    estimates = Estimates(
        pools=read_pools(session, as_of, pipeline, window),
        digital_share=meetings.digital_share,
        signups_per_month=read_signups_per_month(session, as_of, area, source),
        month_swing=read_month_swing(session, as_of),
    )
    return estimates, meetings


def past_months(as_of: date, months: int = 12) -> list[date]:
    """The first days of the `months` whole calendar months that ended by `as_of` (its
    own month counts when `as_of` is its last day)."""
    end = (as_of + timedelta(days=1)).replace(day=1)  # the first month not yet complete
    starts = []
    for _ in range(months):
        end = (end - timedelta(days=1)).replace(day=1)
        starts.append(end)
    return starts[::-1]


def read_month_swing(session: Session, as_of: date) -> dict[str, float]:
    """How much the office's monthly approvals and placements swung beyond chance in the
    year before `as_of` (`model.month_swing` of each). Office-wide, also for one area:
    the seasons are the office's, and one area has too few months' counts to tell."""
    actual = read_actuals(session, past_months(as_of))
    return {series: month_swing(actual[series]) for series in SERIES}


def read_actuals(
    session: Session, starts: list[date], area: str | None = None, source: str | None = None
) -> dict[str, list[int]]:
    """What happened: approvals and placements (one step forward into the stage) in each
    month beginning at `starts` (in `area`, through `source`)."""
    first = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    after = (starts[-1] + timedelta(days=32)).replace(day=1)
    last = datetime.combine(after, datetime.min.time(), tzinfo=UTC)
    query = _in_area(
        select(StageEvent.to_stage, StageEvent.at).select_from(StageEvent),
        StageEvent.applicant_id,
        area,
        source,
    )
    rows = _rows(
        session,
        query.where(
            ((StageEvent.from_stage == "interviewed") & (StageEvent.to_stage == "approved"))
            | ((StageEvent.from_stage == "approved") & (StageEvent.to_stage == "placed")),
            StageEvent.at >= _at(first),
            StageEvent.at < _at(last),
        ),
    ).all()
    index = {(s.year, s.month): i for i, s in enumerate(starts)}
    out = {"approvals": [0] * len(starts), "placements": [0] * len(starts)}
    for stage, at in rows:
        at = at.astimezone(UTC)
        i = index.get((at.year, at.month))
        if i is not None:
            out["approvals" if stage == "approved" else "placements"][i] += 1
    return out
