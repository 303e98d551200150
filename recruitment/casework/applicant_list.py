"""The applicant list and the pipeline overview: filters, search and counts done in SQL,
so the page stays fast with 100,000 applicants (it only ever fetches one page of rows).

Filters are plain values (`ApplicantFilters`), the query builder returns a `Select`
so callers paginate, and totals come from one COUNT over the same conditions.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select
from sqlalchemy.orm import Session, aliased

from db import search
from db.models import (
    Applicant,
    InfoMeeting,
    Registration,
    RegistrationStatus,
    StaffUser,
    Stage,
    utcnow,
)
from recruitment.casework import exports
from recruitment.casework.handover import case_workers
from recruitment.casework.journal import timeline
from recruitment.core.access import Actor, allowed, requires
from recruitment.core.errors import NotFound, ValidationFailed
from recruitment.core.pipeline import (
    EXIT_REASONS,
    EXITS,
    FUNNEL,
    OPEN_STAGES,
    manual_moves,
    needs_reason,
)
from recruitment.core.settings import get_setting
from recruitment.core.timefmt import day_span, office_day, office_zone, today

#: Stages in which a case can be "stuck": still open and waiting for the office.
#: `placed` is where a case is meant to rest, so it is never stuck.
STUCK_STAGES: tuple[str, ...] = tuple(s.value for s in FUNNEL if s is not Stage.PLACED)
ALL_STAGES: tuple[str, ...] = tuple(s.value for s in (*FUNNEL, *EXITS))
MAX_PAGE_SIZE = 500
UNASSIGNED = -1  # the coordinator filter value that means "nobody"
#: A search with more matches than this pages along the list's order (db/search.py):
#: above it, the first 50 in name order come sooner than all matches sorted. One common
#: surname (Hansen, about 1 % of Norwegians) stays below it at 100,000 applicants.
WALK_ABOVE = 5_000
#: A list with at most this many matches (known from its count) is sorted, not walked:
#: the planner may otherwise read the register in name order to find a coordinator's
#: few call-backs (0.3 s at 100,000 applicants); sorting a thousand rows takes ms.
SORT_BELOW = 1_000

#: Columns every staff member with `applicants.list` sees (managers included).
LIST_COLUMNS: tuple[str, ...] = ("id", "name", "stage", "stage_changed_at", "area", "coordinator")
#: Columns added for those who may read the full record.
FULL_COLUMNS: tuple[str, ...] = (
    *LIST_COLUMNS,
    "email",
    "phone",
    "source",
    "callback_requested",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class ApplicantFilters:
    """What the list is narrowed to; every field left at its default means "any"."""

    stage: str | None = None
    coordinator_id: int | None = None  # UNASSIGNED for applicants without a coordinator
    meeting_id: int | None = None
    area: str | None = None
    source: str | None = None
    callback_requested: bool | None = None
    stuck: bool = False
    open_only: bool = False
    search: str = ""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> ApplicantFilters:
        """Filters from a plain dict (query parameters, session state); unknown keys ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _search_condition(text: str, dialect: str, *, walk: bool = False) -> ColumnElement[bool]:
    """Every word typed begins a word of the name, e-mail or phone, ignoring case and
    accents (`ase` finds Åse, `jose` José); a phone number counts as one word, with or
    without spaces and the country code (`912 34 567`, `+47 912`). Full-text indexed on
    both databases (db/search.py), so it answers in milliseconds at 100,000 applicants."""
    condition = search.matches(Applicant.id, Applicant.search_text, text, dialect, walk=walk)
    return condition if condition is not None else false()


def _plan(session: Session, filters: ApplicantFilters, *, walk: bool = False):
    """The query plan a search needs (db/search.py); nothing changes without a search."""
    if filters.search and filters.search.strip():
        return search.search_plan(session, walk=walk)
    return nullcontext()


def _conditions(
    session: Session, filters: ApplicantFilters, *, now: datetime, walk: bool = False
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Applicant.anonymised_at.is_(None)]
    if filters.stage:
        if filters.stage not in ALL_STAGES:
            raise ValidationFailed({"stage": "validation.unknown_choice"})
        where.append(Applicant.stage == filters.stage)
    if filters.open_only:
        where.append(Applicant.stage.in_(OPEN_STAGES))
    if filters.coordinator_id == UNASSIGNED:
        where.append(Applicant.coordinator_id.is_(None))
    elif filters.coordinator_id is not None and filters.callback_requested:
        # Call-backs are a queue the office empties, always few: their index leads, not a
        # coordinator's thousands of cases (`+ 0` hides the column's index from the
        # planner; 33 ms -> 6 ms on SQLite for a coordinator of 14,000 applicants).
        where.append(Applicant.coordinator_id + 0 == filters.coordinator_id)
    elif filters.coordinator_id is not None:
        where.append(Applicant.coordinator_id == filters.coordinator_id)
    if filters.meeting_id is not None:
        where.append(
            exists().where(
                Registration.applicant_id == Applicant.id,
                Registration.meeting_id == filters.meeting_id,
                Registration.status != RegistrationStatus.CANCELLED.value,
            )
        )
    if filters.area:
        where.append(Applicant.area == filters.area)
    if filters.source:
        where.append(Applicant.source == filters.source)
    if filters.callback_requested is not None:
        where.append(Applicant.callback_requested == bool(filters.callback_requested))
    if filters.stuck:
        days = int(get_setting(session, "stuck_after_days"))
        # (stage, stage_changed_at) is indexed: this is a range scan per open stage.
        where.append(
            and_(
                Applicant.stage.in_(STUCK_STAGES),
                Applicant.stage_changed_at < now - timedelta(days=days),
            )
        )
    if filters.search and filters.search.strip():
        dialect = session.get_bind().dialect.name
        where.append(_search_condition(filters.search, dialect, walk=walk))
    return where


@requires("applicants.list")
def applicant_query(
    *,
    session: Session,
    actor: Actor,
    filters: ApplicantFilters,
    now: datetime | None = None,
    walk: bool = False,
    few: bool = False,
) -> Select:
    """The filtered list as a `Select` of labelled columns, ordered by name (stuck ones by
    how long they have waited), for paging. `walk`: a search with many matches is checked
    row by row along that order (db/search.py); run it inside `search.search_plan`.
    `few`: the matches are few (see SORT_BELOW), so the filters' indexes find them and
    they are sorted; the order is the same."""
    coordinator = aliased(StaffUser)
    columns = [
        Applicant.id.label("id"),
        (Applicant.first_name + " " + Applicant.last_name).label("name"),
        Applicant.stage.label("stage"),
        Applicant.stage_changed_at.label("stage_changed_at"),
        Applicant.area.label("area"),
        coordinator.full_name.label("coordinator"),
    ]
    if allowed(actor, "applicants.read"):
        columns += [
            Applicant.email.label("email"),
            Applicant.phone.label("phone"),
            Applicant.source.label("source"),
            Applicant.callback_requested.label("callback_requested"),
            Applicant.created_at.label("created_at"),
        ]
    # Stuck cases come longest-waiting first: that is the order they need attention in.
    if filters.stuck:
        order = (Applicant.stage_changed_at, Applicant.id)
    elif few:
        # `name || ''` sorts as the name does but is not the name index to the planner
        # (SQLite and PostgreSQL), so it cannot choose to walk that index instead.
        order = (Applicant.last_name + "", Applicant.first_name + "", Applicant.id)
    else:
        order = (Applicant.last_name, Applicant.first_name, Applicant.id)
    return (
        select(*columns)
        .outerjoin(coordinator, coordinator.id == Applicant.coordinator_id)
        .where(*_conditions(session, filters, now=now or utcnow(), walk=walk))
        .order_by(*order)
    )


@requires("applicants.list")
def count_applicants(
    *, session: Session, actor: Actor, filters: ApplicantFilters, now: datetime | None = None
) -> int:
    """How many applicants match, with one COUNT (no join, no rows fetched)."""
    # count(*): PostgreSQL counts from a covering index alone only if no column outside
    # it (such as id) is asked for.
    query = (
        select(func.count())
        .select_from(Applicant)
        .where(*_conditions(session, filters, now=now or utcnow()))
    )
    with _plan(session, filters):
        return int(session.scalar(query) or 0)


@requires("applicants.list")
def applicant_page(
    *,
    session: Session,
    actor: Actor,
    filters: ApplicantFilters,
    page: int = 1,
    page_size: int = 50,
    now: datetime | None = None,
) -> tuple[pd.DataFrame, int]:
    """One page of the list (columns as LIST_COLUMNS or FULL_COLUMNS by role) and the total."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    now = now or utcnow()
    total = count_applicants(session=session, actor=actor, filters=filters, now=now)
    # Many matches: walk the list's order and stop at the page's end, rather than fetch
    # and sort every match (a one-letter search matches a fifth of the register).
    walk = bool(filters.search) and total > WALK_ABOVE
    query = applicant_query(
        session=session, actor=actor, filters=filters, now=now, walk=walk, few=total <= SORT_BELOW
    )
    with _plan(session, filters, walk=walk):
        result = session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    columns = FULL_COLUMNS if allowed(actor, "applicants.read") else LIST_COLUMNS
    frame = pd.DataFrame([dict(row._mapping) for row in result], columns=list(columns))
    return frame, total


@requires("applicants.list")
def stage_counts(*, session: Session, actor: Actor) -> pd.DataFrame:
    """How many applicants stand in each stage now: columns stage, rank (1..9), count.

    Counted from the (stage, stage_changed_at, anonymised_at) index alone: counting the
    ids read every row on PostgreSQL, 50 ms at 100,000 applicants against 12 ms."""
    counted = dict(
        session.execute(
            select(Applicant.stage, func.count())
            .where(Applicant.anonymised_at.is_(None))
            .group_by(Applicant.stage)
        ).all()
    )
    return pd.DataFrame(
        [
            {"stage": stage, "rank": i, "count": int(counted.get(stage, 0))}
            for i, stage in enumerate(ALL_STAGES, 1)
        ]
    )


def _distinct_values(session: Session, column: ColumnElement) -> list:
    """The distinct values (NULL left out) of an indexed column with few of them, in order,
    by one index lookup per value: each the smallest above the last ("loose index scan").
    DISTINCT read all 100,000 entries of the index on PostgreSQL, 20 ms for each column."""
    found = select(func.min(column).label("value")).cte("found", recursive=True)
    following = select(func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return list(
        session.scalars(
            select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)
        )
    )


@requires("applicants.list")
def filter_choices(*, session: Session, actor: Actor) -> dict[str, list]:
    """What the filter widgets offer: areas and sources in use, coordinators, meetings.

    Distinct values come from indexed columns, one lookup each, so this stays cheap on a
    large register."""
    areas = _distinct_values(session, Applicant.area)
    sources = _distinct_values(session, Applicant.source)
    staff = session.execute(
        select(StaffUser.id, StaffUser.full_name)
        .where(StaffUser.role.in_(("coordinator", "admin")), StaffUser.active.is_(True))
        .order_by(StaffUser.full_name)
    ).all()
    meetings = session.execute(
        select(InfoMeeting.id, InfoMeeting.starts_at, InfoMeeting.mode)
        .order_by(InfoMeeting.starts_at.desc())
        .limit(200)
    ).all()
    return {
        "areas": list(areas),
        "sources": list(sources),
        "coordinators": [{"id": i, "name": n} for i, n in staff],
        "meetings": [{"id": i, "starts_at": s, "mode": m} for i, s, m in meetings],
    }


#: Above this many matches a narrowed export would need more query parameters than
#: SQLite and PostgreSQL accept; the whole register goes out by `verve export applicants`.
MAX_EXPORT_BY_ID = 30_000


@requires("applicants.read")
def export_applicants(
    *,
    session: Session,
    actor: Actor,
    filters: ApplicantFilters,
    fmt: str,
    lang: str = "nb",
    now: datetime | None = None,
) -> bytes:
    """The whole filtered list as CSV or Excel bytes, through the shared exporter (which
    checks `data.export`, guards against formula injection and writes the audit event)."""
    if fmt not in exports.FORMATS:
        raise ValidationFailed({"format": "validation.unknown_choice"})
    simple = ApplicantFilters(stage=filters.stage, coordinator_id=filters.coordinator_id)
    if filters == simple and filters.coordinator_id != UNASSIGNED:
        rows = exports.applicant_export_rows(
            session=session,
            actor=actor,
            stage=filters.stage,
            coordinator_id=filters.coordinator_id,
            lang=lang,
            file_format=fmt,
        )
    else:
        query = _ids_query(session, filters, now=now or utcnow())
        with _plan(session, filters):
            ids = list(session.scalars(query.limit(MAX_EXPORT_BY_ID + 1)))
        if len(ids) > MAX_EXPORT_BY_ID:
            raise ValidationFailed({"filters": "casework.export_too_many"}, max=MAX_EXPORT_BY_ID)
        rows = exports.applicant_export_rows(
            session=session, actor=actor, applicant_ids=ids, lang=lang, file_format=fmt
        )
    return exports.export_bytes(rows, fmt, exports.export_headings(lang))


def exportable(filters: ApplicantFilters, total: int) -> bool:
    """Whether `export_applicants` can send this list in one download."""
    simple = filters == ApplicantFilters(stage=filters.stage, coordinator_id=filters.coordinator_id)
    return (simple and filters.coordinator_id != UNASSIGNED) or total <= MAX_EXPORT_BY_ID


def _ids_query(session: Session, filters: ApplicantFilters, *, now: datetime) -> Select:
    return (
        select(Applicant.id).where(*_conditions(session, filters, now=now)).order_by(Applicant.id)
    )


_PROFILE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_year",
    "postcode",
    "area",
    "languages",
    "interests",
    "availability",
    "target_groups",
    "driving_licence",
    "prefers_phone",
    "callback_requested",
    "source",
    "language",
    "consent_at",
    "stage",
    "stage_changed_at",
    "exit_reason",
    "coordinator_id",
    "created_at",
    "about",
)


@requires("applicants.read")
def applicant_profile(*, session: Session, actor: Actor, applicant_id: int) -> dict[str, Any]:
    """The full record of one applicant as plain values (plus `coordinator`, a name)."""
    applicant = session.get(Applicant, applicant_id)
    if applicant is None or applicant.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    profile = {name: getattr(applicant, name) for name in _PROFILE_FIELDS}
    profile["id"] = applicant.id
    profile["coordinator"] = applicant.coordinator.full_name if applicant.coordinator else None
    return profile


@requires("applicants.list")
def work_summary(
    *, session: Session, actor: Actor, now: datetime | None = None, limit: int = 10
) -> dict[str, Any]:
    """What the start page shows, by role: today's meetings and stage counts for everyone;
    for case workers also their applicants needing action (call-backs first, then those
    stuck, with `days_in_stage`), call-backs and the unassigned queue."""
    now = now or utcnow()
    # "Today" is the office's day, not the UTC day (and 23 or 25 hours long twice a year).
    zone = office_zone(session)
    start, end = day_span(today(now, zone), zone)
    booked = (
        select(func.count(Registration.id))
        .where(
            Registration.meeting_id == InfoMeeting.id,
            Registration.status.in_(
                (RegistrationStatus.REGISTERED.value, RegistrationStatus.ATTENDED.value)
            ),
        )
        .scalar_subquery()
    )
    meetings = session.execute(
        select(
            InfoMeeting.id,
            InfoMeeting.starts_at,
            InfoMeeting.mode,
            InfoMeeting.capacity,
            booked.label("booked"),
        )
        .where(
            InfoMeeting.starts_at >= start,
            InfoMeeting.starts_at < end,
            InfoMeeting.status != "cancelled",
        )
        .order_by(InfoMeeting.starts_at)
    ).all()
    summary: dict[str, Any] = {
        "meetings_today": [dict(row._mapping) for row in meetings],
        "stuck": count_applicants(
            session=session, actor=actor, filters=ApplicantFilters(stuck=True), now=now
        ),
    }
    if not allowed(actor, "applicants.read"):
        return summary
    unassigned = ApplicantFilters(coordinator_id=UNASSIGNED, open_only=True)
    callbacks = ApplicantFilters(callback_requested=True, open_only=True)
    summary["unassigned"] = count_applicants(
        session=session, actor=actor, filters=unassigned, now=now
    )
    summary["callbacks"] = count_applicants(
        session=session, actor=actor, filters=callbacks, now=now
    )
    if actor.id is not None:
        mine_stuck = ApplicantFilters(coordinator_id=actor.id, stuck=True)
        mine_callback = ApplicantFilters(
            coordinator_id=actor.id, callback_requested=True, open_only=True
        )
        needing, needing_total = applicant_page(
            session=session, actor=actor, filters=mine_callback, page_size=limit, now=now
        )
        stuck, stuck_total = applicant_page(
            session=session, actor=actor, filters=mine_stuck, page_size=limit, now=now
        )
        # At most `limit` people in all, call-backs first, each person once: the start
        # page is a short to-do list, not the whole case load (the list has that).
        distinct = stuck[~stuck["id"].isin(needing["id"])]
        shown = distinct.head(max(0, limit - len(needing)))
        summary["mine_callback"] = needing
        # How long each has stood in their stage, in the office's days (the start page
        # says why a person is listed).
        this_day = today(now, zone)
        summary["mine_stuck"] = shown.reset_index(drop=True).assign(
            days_in_stage=[
                (this_day - office_day(at, zone)).days for at in shown["stage_changed_at"]
            ]
        )
        summary["mine_more"] = (
            needing_total > len(needing) or stuck_total > len(stuck) or len(distinct) > len(shown)
        )
        summary["mine_open"] = count_applicants(
            session=session,
            actor=actor,
            filters=ApplicantFilters(coordinator_id=actor.id, open_only=True),
            now=now,
        )
    return summary


@requires("applicants.read")
def applicant_file(*, session: Session, actor: Actor, applicant_id: int) -> dict[str, Any]:
    """Everything the applicant page shows: profile, timeline (stage events and journal
    merged, newest first), the moves a coordinator may record by hand (exits, reopening),
    and who can take the case."""
    profile = applicant_profile(session=session, actor=actor, applicant_id=applicant_id)
    ranked = {stage: i for i, stage in enumerate(ALL_STAGES)}
    moves = sorted(manual_moves(profile["stage"]), key=lambda s: ranked[s.value])
    return {
        "profile": profile,
        "timeline": timeline(session=session, actor=actor, applicant_id=applicant_id),
        "moves": [
            {
                "to_stage": move.value,
                "needs_reason": needs_reason(profile["stage"], move),
                "reasons": list(EXIT_REASONS.get(move, ())),
            }
            for move in moves
        ],
        "case_workers": case_workers(session=session, actor=actor),
    }
