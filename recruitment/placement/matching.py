"""Matching support contacts and service users, and the supply-and-demand picture.

Ranking reads every candidate with one query (only the columns scoring needs) and
scores them with `scoring`: no query per row. The table of available contacts is kept
per process and database while a fingerprint of what it reads stays the same
(`_available_contacts`), so a service user's page does not read 34,000 contacts per view;
when it changes, only the contacts changed since are read again (`_patched_table`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Text, cast, false, func, select
from sqlalchemy.orm import Session

from db import search as search_index
from db.models import (
    Applicant,
    Placement,
    PlacementStatus,
    ServiceUser,
    ServiceUserStatus,
    Stage,
    StageEvent,
)
from recruitment.core import timefmt
from recruitment.core.access import Actor, requires
from recruitment.core.errors import NotFound
from recruitment.core.settings import get_setting
from recruitment.placement.scoring import (
    AGE_GROUP_TARGETS,
    ContactTable,
    Demand,
    ServiceUserTable,
    Suggestion,
    codes_of,
    rank_service_user_table,
    rank_table,
)

#: Placements that hold a contact's hours.
HOLDING = (PlacementStatus.ACTIVE.value,)
#: Placements that mean the pair is already being matched.
OPEN = (PlacementStatus.PROPOSED.value, PlacementStatus.ACTIVE.value, PlacementStatus.PAUSED.value)
AVAILABLE_STAGES = (Stage.APPROVED.value, Stage.PLACED.value)

# --- reading the candidates (one query each) -----------------------------------------


def _load_column():
    """Hours each contact holds in active placements, as a correlated subquery: one
    index lookup per contact, a plan that stays fast even before the database has
    statistics (a join to a grouped subquery was re-aggregated per row on PostgreSQL)."""
    return (
        select(func.coalesce(func.sum(Placement.hours_per_month), 0))
        .where(Placement.applicant_id == Applicant.id, Placement.status.in_(HOLDING))
        .correlate(Applicant)
        .scalar_subquery()
    )


def _demand(user: ServiceUser) -> Demand:
    """One service user's wishes, from the row."""
    prefs = user.preferences or {}
    return Demand(
        id=user.id,
        case_ref=user.case_ref,
        age_group=user.age_group,
        postcode=user.postcode,
        area=user.area,
        interests=frozenset(user.interests or ()),
        languages=frozenset(user.languages or ()),
        availability=frozenset(prefs.get("availability") or ()),
        age_min=prefs.get("contact_age_min"),
        age_max=prefs.get("contact_age_max"),
        needs_licence=bool(prefs.get("driving_licence")),
        hours=user.hours_per_month,
        waiting_since=user.waiting_since,
    )


def _contact_columns():
    # The JSON lists are read as their stored text and parsed through a cache: most
    # contacts repeat a few combinations, and json.loads per cell dominated the time.
    # Cast in SQL: PostgreSQL's driver parses a json column itself, whatever the Python
    # type says (1.1 s for the 34,000 contacts of a 100,000 register).
    return (
        Applicant.id,
        (Applicant.first_name + " " + Applicant.last_name).label("name"),
        Applicant.postcode,
        Applicant.area,
        cast(Applicant.interests, Text).label("interests"),
        cast(Applicant.languages, Text).label("languages"),
        cast(Applicant.availability, Text).label("availability"),
        cast(Applicant.target_groups, Text).label("target_groups"),
        Applicant.birth_year,
        Applicant.driving_licence,
        _load_column().label("load"),
    )


def _table_row(row) -> tuple:
    return (
        row[0],
        row[1],
        row[2],
        row[3],
        codes_of(row[4]),
        codes_of(row[5]),
        codes_of(row[6]),
        codes_of(row[7]),
        row[8],
        row[9],
        row[10],
    )


#: How many of the newest applicant changes the fingerprint holds (see below).
RECENT_CHANGES = 100
#: How long before the newest applicant change the fingerprint counts every change: a
#: transaction may commit that long after it stamped its edit and still be seen, however
#: many other changes were committed meanwhile.
LATE_COMMITS = timedelta(minutes=10)


def _active_placements() -> tuple:
    """The active placements' count, hours, ids and contacts: they change status in place
    and have no time of change, so their sums stand for them (about 30,000 rows at
    100,000 applicants, a few milliseconds)."""
    active = Placement.status.in_(HOLDING)
    return tuple(
        select(func.coalesce(aggregate, 0)).where(active).scalar_subquery()
        for aggregate in (
            func.count(Placement.id),
            func.sum(Placement.hours_per_month),
            func.sum(Placement.id),
            func.sum(Placement.applicant_id),
        )
    )


def _contacts_fingerprint(session: Session) -> tuple:
    """What the table of available contacts depends on, the same cost at any size: the
    newest stage event and applicant (index lookups), the newest RECENT_CHANGES
    (id, updated_at) pairs of applicants and the count, ids and times of those changed
    within LATE_COMMITS before the newest (index scans), and the active placements
    (`_active_placements`). Pairs and the window rather than the newest time alone: a
    transaction that stamped its edit earlier but commits after a later one adds an older
    pair, which the maximum would not show; the window still counts it when more than
    RECENT_CHANGES were committed meanwhile. Applicants are never deleted (erasure blanks
    the row and sets updated_at)."""
    newest = session.execute(
        select(
            select(func.coalesce(func.max(StageEvent.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(Applicant.id), 0)).scalar_subquery(),
            *_active_placements(),
        )
    ).one()
    changes = session.execute(
        select(Applicant.id, Applicant.updated_at)
        .order_by(Applicant.updated_at.desc(), Applicant.id.desc())
        .limit(RECENT_CHANGES)
    ).all()
    window: tuple = ()
    if changes:
        # The times themselves are summed too: an edit of a row already in the window
        # moves its time, not the count. Exact on PostgreSQL (numeric seconds), to the
        # millisecond on SQLite (julianday).
        if session.get_bind().dialect.name == "postgresql":
            stamps = func.sum(func.extract("epoch", Applicant.updated_at))
        else:
            stamps = func.sum(func.julianday(Applicant.updated_at))
        window = tuple(
            str(value)
            for value in session.execute(
                select(func.count(Applicant.id), func.sum(Applicant.id), stamps).where(
                    Applicant.updated_at >= changes[0].updated_at - LATE_COMMITS
                )
            ).one()
        )
    return (
        *(int(value) for value in newest),
        tuple((i, at.isoformat()) for i, at in changes),
        window,
    )


def _read_available_contacts(session: Session, fingerprint: tuple) -> tuple[ContactTable, tuple]:
    """Approved or placed, not anonymised contacts with their current load, in one query,
    and `fingerprint` (read before it) made true of what was read. The active placements
    are read again in the same statement: on PostgreSQL each statement sees the commits
    made before it, so a placement paused between the two reads, and resumed after,
    would otherwise leave a table with the pause under a fingerprint without it. The
    other parts only grow, so a write in between makes the fingerprint older than the
    table, and the next view reads again."""
    query = select(*_contact_columns(), *_active_placements()).where(
        Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None)
    )
    rows = session.execute(query).all()
    if rows:
        fingerprint = _with_placements(fingerprint, rows[0][-4:])
    return ContactTable([_table_row(row) for row in rows]), fingerprint


def _with_placements(fingerprint: tuple, placements) -> tuple:
    """`fingerprint` with the active placements' part (`_active_placements`) replaced."""
    return (*fingerprint[:2], *(int(value) for value in placements), *fingerprint[6:])


#: Above this many applicants changed since the table was read, it is read whole again
#: (0.3-0.4 s at 34,000 contacts): patching costs milliseconds for a few hundred rows.
PATCH_LIMIT = 2_000


def _changed_since(session: Session, read: tuple, now: tuple) -> set[int] | None:
    """The applicants whose row in a table read under fingerprint `read` may be out of
    date under fingerprint `now`; None when there are more than PATCH_LIMIT or when it
    cannot be known: nothing had changed before the read, or the newest applicant, stage
    event or change went back (rows deleted: a database restored or emptied). Those
    stamped since LATE_COMMITS before the newest change `read` saw, the window of the
    fingerprint: a transaction that commits after the read stamped its edit no earlier
    than that. Also, for changes made without the stamp: applicants added since, those
    with a stage event since, and those among the newest changes `now` holds that `read`
    did not."""
    if not read[6] or not now[6] or now[0] < read[0] or now[1] < read[1]:
        return None
    newest = datetime.fromisoformat(read[6][0][1])
    if datetime.fromisoformat(now[6][0][1]) < newest:
        return None
    since = newest - LATE_COMMITS
    changed = {i for i, _ in set(now[6]) - set(read[6])}
    for query in (
        select(Applicant.id).where(Applicant.updated_at >= since),
        select(Applicant.id).where(Applicant.id > read[1]),
        select(StageEvent.applicant_id).where(StageEvent.id > read[0]),
    ):
        changed.update(session.scalars(query.limit(PATCH_LIMIT + 1)))
        if len(changed) > PATCH_LIMIT:
            return None
    return changed


def _loads(session: Session) -> tuple[dict[int, int], tuple]:
    """Every contact's hours in active placements, and the placements' part of the
    fingerprint from the same statement (so the two agree whatever commits meanwhile).
    The active placements as rows, summed here: grouped in SQL, SQLite walked the index
    on (applicant, status) and looked each row up, ten times the plain scan."""
    loads: dict[int, int] = {}
    count = hours = ids = contacts = 0
    for contact, held, placement in session.execute(
        select(Placement.applicant_id, Placement.hours_per_month, Placement.id).where(
            Placement.status.in_(HOLDING)
        )
    ).tuples():
        count, ids = count + 1, ids + placement
        if held is not None:
            hours += held
            if contact is not None:
                loads[contact] = loads.get(contact, 0) + held
        if contact is not None:
            contacts += contact
    return loads, (count, hours, ids, contacts)


def _patched_table(session: Session, entry: _Entry, fingerprint: tuple) -> tuple | None:
    """`entry`'s table with the contacts changed since it was read (`_changed_since`)
    read again, and every contact's load again if the active placements changed: the
    table and `fingerprint` made true of it, as `_read_available_contacts` returns them;
    None when the change is too large or not knowable (then the table is read whole)."""
    changed = _changed_since(session, entry.fingerprint, fingerprint)
    if changed is None:
        return None
    placements = fingerprint[2:6]
    rows: list = []
    if changed:
        # The placements read again in the same statement, as in the whole read: a
        # placement changed after the fingerprint shows there, not in the fingerprint.
        rows = session.execute(
            select(
                *_contact_columns(), Applicant.stage, Applicant.anonymised_at, *_active_placements()
            ).where(Applicant.id.in_(changed))
        ).all()
        if rows:
            placements = tuple(int(value) for value in rows[0][-4:])
    loads = None
    if placements != entry.fingerprint[2:6]:
        # Placements change in place with no time of change: every contact's load again
        # (one grouped read, milliseconds), which then stands for the changed rows' too.
        loads, placements = _loads(session)
    available = [
        _table_row(row)
        for row in rows
        if row.stage in AVAILABLE_STAGES and row.anonymised_at is None
    ]
    return entry.table.patched(available, changed, loads), _with_placements(fingerprint, placements)


@dataclass(frozen=True, slots=True)
class _Entry:
    fingerprint: tuple
    table: Any  # a ContactTable or a ServiceUserTable


def _kept(
    store: dict[str, _Entry],
    lock: threading.Lock,
    session: Session,
    fingerprint: tuple,
    read: Callable[[_Entry | None], tuple[Any, tuple]],
) -> Any:
    """The table kept in `store` for the session's database while its fingerprint is
    `fingerprint`, else `read(old entry)`'s (table, fingerprint true of it), kept in its
    place. One thread reads at a time; another may have read it while this one waited."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    entry = store.get(key)
    if entry is not None and entry.fingerprint == fingerprint:
        return entry.table
    with lock:
        entry = store.get(key)
        if entry is not None and entry.fingerprint == fingerprint:
            return entry.table
        table, read_as = read(entry)
        store[key] = _Entry(read_as, table)
    return table


# One table per database URL, shared by every thread of the process: a ContactTable holds
# tuples, lists and numpy arrays only, and ranking never changes it.
_tables: dict[str, _Entry] = {}
_tables_lock = threading.Lock()


def _available_contacts(session: Session) -> ContactTable:
    """Approved or placed, not anonymised contacts with their current load: the process's
    table while the database's `_contacts_fingerprint` is unchanged, else patched with
    what changed (`_patched_table`) or, failing that, read again."""
    fingerprint = _contacts_fingerprint(session)

    def read(entry: _Entry | None) -> tuple[ContactTable, tuple]:
        refreshed = _patched_table(session, entry, fingerprint) if entry is not None else None
        return refreshed or _read_available_contacts(session, fingerprint)

    return _kept(_tables, _tables_lock, session, fingerprint, read)


def _paired_contacts(session: Session, service_user_id: int) -> set[int]:
    """Contacts already proposed to or placed with the service user: an index lookup."""
    return set(
        session.scalars(
            select(Placement.applicant_id).where(
                Placement.service_user_id == service_user_id, Placement.status.in_(OPEN)
            )
        )
    )


def _waiting_where():
    return (
        ServiceUser.status == ServiceUserStatus.WAITING.value,
        ServiceUser.anonymised_at.is_(None),
    )


def _waiting_fingerprint(session: Session) -> tuple:
    """What the table of waiting service users depends on: their count, ids and times of
    last write (`updated_at`, set on every write: an edit in place, a closing, an
    erasure), read from the index on (status, anonymised_at, updated_at, id) alone, a
    millisecond or two at 100,000 applicants. A row that leaves the waiting list (placed,
    closed, erased) changes the count and the ids; one that joins or is edited, the times.
    Summed over every waiting row, not only the newest: a transaction that stamped its
    edit earlier but commits later still changes the sum when it commits."""
    if session.get_bind().dialect.name == "postgresql":
        stamps = func.sum(func.extract("epoch", ServiceUser.updated_at))
    else:
        stamps = func.sum(func.julianday(ServiceUser.updated_at))
    return tuple(
        str(value)
        for value in session.execute(
            select(
                func.count(ServiceUser.id),
                func.sum(ServiceUser.id),
                stamps,
            ).where(*_waiting_where())
        ).one()
    )


def _read_waiting_service_users(session: Session) -> ServiceUserTable:
    """Waiting, not anonymised service users, in one query."""
    # Plain columns into a table of columns, not ORM objects or a Demand each: thousands
    # can be waiting in a large register (5,050 at 100,000 applicants: 40 ms a view with
    # a Demand each). The lists of codes are read as their JSON text and parsed through
    # caches (as the contacts' are); the wishes are taken out of the preferences in SQL,
    # so no free note or gender wish is read, let alone kept past an erasure.
    prefs = ServiceUser.preferences
    query = select(
        ServiceUser.id,
        ServiceUser.case_ref,
        ServiceUser.age_group,
        ServiceUser.postcode,
        ServiceUser.area,
        cast(ServiceUser.interests, Text),
        cast(ServiceUser.languages, Text),
        cast(prefs["availability"], Text),
        prefs["contact_age_min"].as_integer(),
        prefs["contact_age_max"].as_integer(),
        prefs["driving_licence"].as_boolean(),
        ServiceUser.hours_per_month,
        ServiceUser.waiting_since,
    ).where(*_waiting_where())
    # Through the session's connection: the ORM's result handling doubled the read.
    return ServiceUserTable(session.connection().execute(query).all())


# One table per database URL, shared by every thread of the process (a ServiceUserTable
# is never changed once built). It holds case references and postcodes, as the table of
# contacts holds the contacts': an erasure changes the fingerprint (the row leaves the
# waiting list), so the next matching view in any process replaces the table.
_waiting: dict[str, _Entry] = {}
_waiting_lock = threading.Lock()


def _waiting_service_users(session: Session) -> ServiceUserTable:
    """Waiting, not anonymised service users: the process's table while their
    `_waiting_fingerprint` is unchanged, else read again (20-30 ms at 100,000
    applicants, on every view of the matching page before it was kept). The fingerprint
    is read first: a write committed between the two reads makes the table newer than
    its fingerprint, and the next view reads again."""
    fingerprint = _waiting_fingerprint(session)
    return _kept(
        _waiting,
        _waiting_lock,
        session,
        fingerprint,
        lambda _entry: (_read_waiting_service_users(session), fingerprint),
    )


def _paired_service_users(session: Session, applicant_id: int) -> set[int]:
    """Service users already proposed to or placed with the contact: an index lookup."""
    return set(
        session.scalars(
            select(Placement.service_user_id).where(
                Placement.applicant_id == applicant_id, Placement.status.in_(OPEN)
            )
        )
    )


# --- services ---------------------------------------------------------------------------


@requires("service_users.read")
def prepare_suggestions(*, session: Session, actor: Actor) -> None:
    """Read the table of available contacts and that of the waiting service users into
    the process's store, so the first service user's or matching page after a server
    start does not wait for them (0.3-0.4 s and about 0.1 s at 100,000 applicants)."""
    _available_contacts(session)
    _waiting_service_users(session)


@requires("service_users.read")
def suggest_contacts(
    *,
    session: Session,
    actor: Actor,
    service_user_id: int,
    limit: int | None = 20,
    year: int | None = None,
) -> list[Suggestion]:
    """Approved, available contacts ranked for one service user (empty once closed)."""
    user = session.get(ServiceUser, service_user_id)
    if user is None or user.anonymised_at is not None:
        raise NotFound(f"service user {service_user_id} not found")
    if user.status == ServiceUserStatus.CLOSED.value:
        return []
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    return rank_table(
        _demand(user),
        _available_contacts(session),
        max_hours=max_hours,
        year=year or timefmt.today().year,
        limit=limit,
        exclude=_paired_contacts(session, user.id),
    )


@requires("service_users.read")
def suggest_service_users(
    *,
    session: Session,
    actor: Actor,
    applicant_id: int,
    limit: int | None = 20,
    today: date | None = None,
) -> list[Suggestion]:
    """Waiting service users ranked for one approved or placed contact."""
    today = today or timefmt.today()
    row = session.execute(
        select(*_contact_columns(), Applicant.stage, Applicant.anonymised_at).where(
            Applicant.id == applicant_id
        )
    ).one_or_none()
    if row is None or row.anonymised_at is not None:
        raise NotFound(f"applicant {applicant_id} not found")
    if row.stage not in AVAILABLE_STAGES:
        return []
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    return rank_service_user_table(
        ContactTable([_table_row(row)]).supply(0),
        _waiting_service_users(session),
        max_hours=max_hours,
        year=today.year,
        today=today,
        limit=limit,
        exclude=_paired_service_users(session, applicant_id),
    )


def _newest_contacts(session: Session, limit: int) -> list:
    """The `limit` most recently approved or placed contacts, newest first: the newest of
    each stage from the end of the index on (stage, stage_changed_at, anonymised_at), then
    merged. Both stages in one query were sorted from every row of both (34,000 at
    100,000 applicants: 40-55 ms on every view of the matching page)."""
    rows = []
    for stage in AVAILABLE_STAGES:
        rows += session.execute(
            select(
                Applicant.id, Applicant.first_name, Applicant.last_name, Applicant.stage_changed_at
            )
            .where(Applicant.stage == stage, Applicant.anonymised_at.is_(None))
            .order_by(Applicant.stage_changed_at.desc(), Applicant.id.desc())
            .limit(limit)
        ).all()
    rows.sort(key=lambda row: (row.stage_changed_at, row.id), reverse=True)
    return rows[:limit]


#: How many contacts the matching page offers at once: the choice is narrowed by a name
#: search, as there can be tens of thousands of approved contacts.
CHOICES_SHOWN = 50


@requires("service_users.read")
def contact_choices(
    *,
    session: Session,
    actor: Actor,
    search: str = "",
    include: int | None = None,
    limit: int = CHOICES_SHOWN,
) -> dict[int, str]:
    """Approved or placed contacts by id, for picking one on the matching page: those whose
    name, e-mail or phone begins with the words of `search` (the applicant search,
    db/search.py), by name; without a search the most recently approved first. At most
    `limit`, plus contact `include` (the one the page was opened for) when available."""
    where = [Applicant.stage.in_(AVAILABLE_STAGES), Applicant.anonymised_at.is_(None)]
    query = select(Applicant.id, Applicant.first_name, Applicant.last_name)
    if search.strip():
        dialect = session.get_bind().dialect.name
        condition = search_index.matches(Applicant.id, Applicant.search_text, search, dialect)
        where.append(condition if condition is not None else false())
        query = query.order_by(Applicant.last_name, Applicant.first_name, Applicant.id)
        with search_index.search_plan(session):
            rows = list(session.execute(query.where(*where).limit(limit)))
    else:
        rows = _newest_contacts(session, limit)
    if include is not None and include not in {row.id for row in rows}:
        rows = (
            list(
                session.execute(
                    select(Applicant.id, Applicant.first_name, Applicant.last_name).where(
                        Applicant.id == include, *where[:2]
                    )
                )
            )
            + rows
        )
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}


# --- supply and demand (aggregates only) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SupplyDemand:
    """The supply-and-demand picture. Frames: by_area (area, waiting, available),
    by_target_group (target_group, waiting, available), longest_waits (area,
    age_group, hours_per_month, days_waiting); plus the waiting count and averages."""

    by_area: pd.DataFrame
    by_target_group: pd.DataFrame
    longest_waits: pd.DataFrame
    waiting: int
    available: int
    average_days_waiting: float | None


@requires("analytics.read")
def supply_and_demand(
    *, session: Session, actor: Actor, today: date | None = None, longest: int = 10
) -> SupplyDemand:
    """Waiting service users against contacts with room for more, by area and target group."""
    today = today or timefmt.today()
    max_hours = int(get_setting(session, "max_hours_per_contact"))
    area = func.coalesce(ServiceUser.area, "")
    waiting_by_area = dict(
        session.execute(
            select(area, func.count())
            .where(
                ServiceUser.status == ServiceUserStatus.WAITING.value,
                ServiceUser.anonymised_at.is_(None),
            )
            .group_by(area)
        ).all()
    )
    waiting_by_group = dict(
        session.execute(
            select(ServiceUser.age_group, func.count())
            .where(
                ServiceUser.status == ServiceUserStatus.WAITING.value,
                ServiceUser.anonymised_at.is_(None),
            )
            .group_by(ServiceUser.age_group)
        ).all()
    )
    # A contact is available while they have room below the hour limit.
    # Counted per (area, target groups) in SQL: a few hundred rows, not one per contact
    # (34,000 at 100,000 applicants), the groups as their stored text.
    targets_text = cast(Applicant.target_groups, Text)
    # Full contacts (active hours at the limit) are the few with placements: one list,
    # looked up, rather than a sum of placements for each of 34,000 contacts.
    full = (
        select(Placement.applicant_id)
        .where(Placement.applicant_id.is_not(None), Placement.status.in_(HOLDING))
        .group_by(Placement.applicant_id)
        .having(func.sum(Placement.hours_per_month) >= max_hours)
    )
    contacts = session.execute(
        select(Applicant.area, targets_text, func.count())
        .where(
            Applicant.stage.in_(AVAILABLE_STAGES),
            Applicant.anonymised_at.is_(None),
            Applicant.id.not_in(full),
        )
        .group_by(Applicant.area, targets_text)
    ).all()
    available_by_area: dict[str, int] = {}
    available_by_target: dict[str, int] = {}
    for contact_area, targets, count in contacts:
        key = contact_area or ""
        available_by_area[key] = available_by_area.get(key, 0) + count
        for target in codes_of(targets):
            available_by_target[target] = available_by_target.get(target, 0) + count
    areas = sorted(set(waiting_by_area) | set(available_by_area), key=lambda a: (a == "", a))
    by_area = pd.DataFrame(
        {
            "area": areas,
            "waiting": [waiting_by_area.get(a, 0) for a in areas],
            "available": [available_by_area.get(a, 0) for a in areas],
        }
    )
    groups = list(AGE_GROUP_TARGETS)
    by_target_group = pd.DataFrame(
        {
            "target_group": [AGE_GROUP_TARGETS[g] for g in groups],
            "waiting": [waiting_by_group.get(g, 0) for g in groups],
            "available": [available_by_target.get(AGE_GROUP_TARGETS[g], 0) for g in groups],
        }
    )
    waits = session.execute(
        select(
            ServiceUser.area,
            ServiceUser.age_group,
            ServiceUser.hours_per_month,
            ServiceUser.waiting_since,
        )
        .where(
            ServiceUser.status == ServiceUserStatus.WAITING.value,
            ServiceUser.anonymised_at.is_(None),
        )
        .order_by(ServiceUser.waiting_since, ServiceUser.id)
    ).all()
    days = [(today - w.waiting_since).days for w in waits]
    longest_waits = pd.DataFrame(
        [
            {
                "area": w.area or "",
                "age_group": w.age_group,
                "hours_per_month": w.hours_per_month,
                "days_waiting": d,
            }
            for w, d in zip(waits[:longest], days[:longest], strict=True)
        ],
        columns=["area", "age_group", "hours_per_month", "days_waiting"],
    )
    return SupplyDemand(
        by_area=by_area,
        by_target_group=by_target_group,
        longest_waits=longest_waits,
        waiting=len(waits),
        available=sum(count for _, _, count in contacts),
        average_days_waiting=(sum(days) / len(days)) if days else None,
    )
