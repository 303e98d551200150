"""How long ranking 5,000 support contacts for one service user takes (run on demand).

    .venv/bin/python bench/matching.py [--contacts 5000] [--runs 7] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless a URL is given) with that many
approved contacts spread over real Norwegian postcodes, some of them already holding
placements, and times `matching.suggest_contacts` end to end (one candidate query and
scoring in Python). The baseline is the obvious way: load every contact as an ORM
object and ask the database for each one's current load, scoring one by one.
Prints the median of several runs of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from db import migrate
from db.models import Applicant, Placement, ServiceUser
from db.session import make_engine, make_session_factory
from recruitment.core.access import Actor
from recruitment.core.vocabulary import AVAILABILITY, INTERESTS, LANGUAGES, TARGET_GROUPS
from recruitment.placement import geography, matching, scoring

ACTOR = Actor.system("bench")


def seed(session_factory, contacts: int) -> int:
    """`contacts` approved contacts (a fifth with a placement) and one service user."""
    rng = random.Random(6)
    postcodes = sorted(geography._table())
    now = datetime.now(UTC)
    rows = [
        {
            "first_name": "Kontakt",
            "last_name": f"{i:05d}",
            "email": f"kontakt{i}@example.no",
            "postcode": rng.choice(postcodes),
            "area": None,
            "birth_year": rng.randint(1950, 2004),
            "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
            "interests": rng.sample(INTERESTS, rng.randint(1, 5)),
            "availability": rng.sample(AVAILABILITY, rng.randint(1, 3)),
            "target_groups": rng.sample(TARGET_GROUPS, rng.randint(0, 3)),
            "driving_licence": rng.random() < 0.6,
            "stage": "approved",
            "stage_changed_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(contacts)
    ]
    for row in rows:
        row["area"] = geography.municipality(row["postcode"])
    with session_factory.begin() as s:
        s.execute(insert(Applicant), rows)
        user = ServiceUser(
            case_ref="BENCH-1",
            age_group="youth",
            postcode="1606",
            area="Fredrikstad",
            interests=["fishing", "music", "sports"],
            languages=["no", "ar"],
            preferences={
                "availability": ["weekend"],
                "contact_age_min": 20,
                "contact_age_max": 40,
                "driving_licence": True,
            },
            hours_per_month=8,
            waiting_since=date.today() - timedelta(days=90),
        )
        s.add(user)
        other = ServiceUser(
            case_ref="BENCH-2",
            age_group="adult",
            hours_per_month=10,
            waiting_since=date.today(),
            status="placed",
        )
        s.add(other)
        s.flush()
        ids = s.scalars(select(Applicant.id)).all()
        s.execute(
            insert(Placement),
            [
                {
                    "applicant_id": aid,
                    "service_user_id": other.id,
                    "status": "active",
                    "hours_per_month": rng.choice((8, 12, 20)),
                    "created_at": now,
                }
                for aid in rng.sample(ids, len(ids) // 5)
            ],
        )
        return user.id


def fast(session_factory, user_id: int) -> list[scoring.Suggestion]:
    with session_factory.begin() as s:
        return matching.suggest_contacts(session=s, actor=ACTOR, service_user_id=user_id, limit=20)


def baseline(session_factory, user_id: int) -> list[scoring.Suggestion]:
    """The obvious way: ORM objects, one load query and one postcode lookup per contact."""
    with session_factory.begin() as s:
        user = s.get(ServiceUser, user_id)
        demand = matching._demand(user)
        out = []
        for contact in s.scalars(
            select(Applicant).where(Applicant.stage.in_(("approved", "placed")))
        ):
            load = s.scalar(
                select(func.coalesce(func.sum(Placement.hours_per_month), 0)).where(
                    Placement.applicant_id == contact.id, Placement.status == "active"
                )
            )
            if load + demand.hours > 40:
                continue
            supply = scoring.Supply(
                id=contact.id,
                name=f"{contact.first_name} {contact.last_name}",
                postcode=contact.postcode,
                area=contact.area,
                interests=frozenset(contact.interests),
                languages=frozenset(contact.languages),
                availability=frozenset(contact.availability),
                target_groups=frozenset(contact.target_groups),
                birth_year=contact.birth_year,
                has_licence=contact.driving_licence,
                load_hours=int(load),
            )
            km = geography.distance_km(demand.postcode, supply.postcode)
            parts = scoring.score_pair(demand, supply, km=km, max_hours=40, year=date.today().year)
            out.append((sum(parts.values()), contact.id))
        out.sort(reverse=True)
        return out[:20]


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        user_id = seed(factory, args.contacts)
        geography.lookup("0150")  # load the postcode table once, as a running app has

        scoring._parse_codes.cache_clear()
        cold_s, _ = timed(lambda: fast(factory, user_id), 1)
        fast_s, ranked = timed(lambda: fast(factory, user_id), args.runs)
        base_s, base = timed(lambda: baseline(factory, user_id), args.baseline_runs)
        assert [s.id for s in ranked][:5] == [cid for _, cid in base][:5], (
            "baseline and fast ranking disagree"
        )
        print(
            f"database: {engine.dialect.name}; contacts: {args.contacts}; runs: {args.runs} "
            f"(baseline {args.baseline_runs})"
        )
        print(
            f"rank {args.contacts:,} contacts for one service user: median {fast_s * 1000:.1f} ms"
        )
        print(f"first ranking after start (code-list cache empty): {cold_s * 1000:.1f} ms")
        print(f"baseline (ORM objects, one load query per contact): median {base_s * 1000:.1f} ms")
        print(
            f"speed-up: {base_s / fast_s:.1f}x; best score {ranked[0].score:.1f} "
            f"({ranked[0].label})"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
