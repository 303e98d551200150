"""How fast the applicant list answers with a large register (run on demand).

    .venv/bin/python bench/applicant_list.py [--applicants 100000] [--url postgresql+psycopg://...]
    .venv/bin/python bench/applicant_list.py --cached sqlite       # the browser bench's demo DB
    .venv/bin/python bench/applicant_list.py --cached postgresql

Fills a fresh database with `recruitment.demo.service.generate` (SQLite in a temporary folder
unless --url names another, which must be empty), then times each kind of list query a
coordinator makes: one page plus its COUNT, as the page does. Prints the median of five
runs per query in milliseconds; the page aims for well under 300 ms each, and a text
search (full-text indexed, db/search.py) for 50 ms at most.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from db import migrate
from db.models import Applicant, StaffUser, Stage
from db.session import make_engine, make_session_factory
from recruitment.accounts.staff import actor_for
from recruitment.casework.applicant_list import (
    UNASSIGNED,
    ApplicantFilters,
    applicant_page,
    stage_counts,
)
from recruitment.demo.service import generate

TARGET_MS = 300
SEARCH_TARGET_MS = 50


def _fill(sessions, count: int, seed: int = 7) -> None:
    """A plain register: staff, applicants spread over stages, ages, areas and sources."""
    rng = random.Random(seed)
    first = [
        "Ola",
        "Kari",
        "Per",
        "Anne",
        "Øyvind",
        "Ingrid",
        "Ali",
        "Fatima",
        "Jonas",
        "Sara",
        "Åse",
        "Lars",
    ]
    last = [
        "Hansen",
        "Johansen",
        "Olsen",
        "Larsen",
        "Andersen",
        "Pedersen",
        "Nilsen",
        "Kristiansen",
        "Berg",
        "Haugen",
    ]
    areas = [
        "Fredrikstad",
        "Sarpsborg",
        "Halden",
        "Moss",
        "Råde",
        "Hvaler",
        "Rakkestad",
        "Skiptvedt",
    ]
    sources = ["website", "social_media", "friend", "nav", "event", "phone", "newspaper"]
    stages = [s.value for s in Stage]
    now = datetime.now(UTC)
    with sessions.begin() as session:
        staff = [
            StaffUser(username=f"coordinator{i}", full_name=f"Koordinator {i}", role="coordinator")
            for i in range(12)
        ]
        session.add_all(staff)
        session.flush()
        staff_ids = [s.id for s in staff]
        for start in range(0, count, 5000):
            rows = []
            for n in range(start, min(count, start + 5000)):
                created = now - timedelta(days=rng.uniform(0, 730))
                rows.append(
                    {
                        "first_name": rng.choice(first),
                        "last_name": rng.choice(last),
                        "email": f"person{n}@example.no",
                        "phone": f"+479{rng.randrange(10**7):07d}",
                        "area": rng.choice(areas),
                        "source": rng.choice(sources),
                        "stage": rng.choice(stages),
                        "stage_changed_at": created + (now - created) * rng.random(),
                        "coordinator_id": rng.choice(staff_ids) if rng.random() < 0.8 else None,
                        "callback_requested": rng.random() < 0.05,
                        "created_at": created,
                    }
                )
            session.execute(insert(Applicant), rows)


def _generate(sessions, count: int) -> None:
    try:
        generate(sessions, applicants=count, seed=7)
    except Exception as error:  # the demo generator lagging behind a schema change
        print(
            f"recruitment.demo.service.generate failed ({type(error).__name__}: {error}); using "
            "a plain filler"
        )
        _fill(sessions, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--url", help="an empty database; default: SQLite in a temporary folder")
    parser.add_argument("--keep", help="a SQLite file to fill once and reuse on later runs")
    parser.add_argument(
        "--cached",
        choices=("sqlite", "postgresql"),
        help="use the demo database the browser bench keeps (bench/demo_db.py)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reuse = bool(args.keep) and Path(args.keep).exists()
        url = args.url or f"sqlite:///{args.keep or Path(folder) / 'bench.db'}"
        if args.cached:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from demo_db import demo_db

            url, reuse = demo_db(args.cached, args.applicants).url, True
        engine = make_engine(url)
        migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        if reuse:
            print(f"reusing {args.keep}")
        else:
            _generate(sessions, args.applicants)
            print(
                f"{engine.dialect.name}: {args.applicants:,} applicants generated in "
                f"{time.perf_counter() - started:.0f} s"
            )
        with sessions() as session:
            staff = session.scalars(
                select(StaffUser).where(StaffUser.role == "coordinator")
            ).first()
            actor = actor_for(staff)
            some = session.execute(select(StaffUser.id)).scalars().first()
        cases = {
            "no filter, page 1": (ApplicantFilters(), 1),
            "no filter, page 1000": (ApplicantFilters(), 1000),
            "stage = interviewed": (ApplicantFilters(stage="interviewed"), 1),
            "stuck": (ApplicantFilters(stuck=True), 1),
            "my applicants, open": (ApplicantFilters(coordinator_id=some, open_only=True), 1),
            "unassigned, open": (ApplicantFilters(coordinator_id=UNASSIGNED, open_only=True), 1),
            "call-back wanted": (ApplicantFilters(callback_requested=True), 1),
            "search name 'hansen'": (ApplicantFilters(search="hansen"), 1),
            "search first + last 'ola hansen'": (ApplicantFilters(search="ola hansen"), 1),
            "search accents 'åse'": (ApplicantFilters(search="åse"), 1),
            "search one letter 'a'": (ApplicantFilters(search="a"), 1),
            "search one letter 'a', page 100": (ApplicantFilters(search="a"), 100),
            "search two letters 'ha'": (ApplicantFilters(search="ha"), 1),
            "search every e-mail 'no'": (ApplicantFilters(search="no"), 1),
            "search phone '912 3'": (ApplicantFilters(search="912 3"), 1),
            "search e-mail 'ola.'": (ApplicantFilters(search="ola."), 1),
            "search nobody 'zzqx'": (ApplicantFilters(search="zzqx"), 1),
            "combined: area+source+stuck+search": (
                ApplicantFilters(area="Fredrikstad", source="website", stuck=True, search="an"),
                1,
            ),
        }
        print(f"{'query':40} {'median ms':>10} {'rows':>6} {'total':>8}")
        worst = worst_search = 0.0
        for name, (filters, page) in cases.items():
            timings = []
            for _ in range(5):
                with sessions() as session:
                    started = time.perf_counter()
                    rows, total = applicant_page(
                        session=session, actor=actor, filters=filters, page=page, page_size=50
                    )
                    timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            worst = max(worst, median)
            if filters.search:
                worst_search = max(worst_search, median)
            print(f"{name:40} {median:10.1f} {len(rows):6d} {total:8d}")
        timings = []
        for _ in range(5):
            with sessions() as session:
                started = time.perf_counter()
                stage_counts(session=session, actor=actor)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"{'stage counts (pipeline chart)':40} {statistics.median(timings):10.1f}")
        print(
            f"slowest list query: {worst:.0f} ms (target {TARGET_MS} ms): "
            f"{'OK' if worst < TARGET_MS else 'SLOW'}"
        )
        print(
            f"slowest search: {worst_search:.0f} ms (target {SEARCH_TARGET_MS} ms): "
            f"{'OK' if worst_search <= SEARCH_TARGET_MS else 'SLOW'}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
