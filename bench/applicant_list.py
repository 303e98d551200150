"""How fast the applicant list answers with a large register (run on demand).

    .venv/bin/python bench/applicant_list.py [--applicants 100000] [--url postgresql+psycopg://...]

Fills a fresh database with `recruitment.demo.generate` (SQLite in a temporary folder
unless --url names another, which must be empty), then times each kind of list query a
coordinator makes: one page plus its COUNT, as the page does. Prints the median of five
runs per query in milliseconds; the page aims for well under 300 ms each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from db import migrate
from db.models import StaffUser
from db.session import make_engine, make_session_factory
from recruitment.applicant_list import UNASSIGNED, ApplicantFilters, applicant_page, stage_counts
from recruitment.demo import generate
from recruitment.staff import actor_for

TARGET_MS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--url", help="an empty database; default: SQLite in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        generate(sessions, applicants=args.applicants, seed=7)
        print(f"{engine.dialect.name}: {args.applicants:,} applicants generated in {time.perf_counter() - started:.0f} s")
        with sessions() as session:
            staff = session.scalars(select(StaffUser).where(StaffUser.role == "coordinator")).first()
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
            "search phone '4123'": (ApplicantFilters(search="4123"), 1),
            "search e-mail 'ola.'": (ApplicantFilters(search="ola."), 1),
            "combined: area+source+stuck+search": (ApplicantFilters(area="Fredrikstad", source="website", stuck=True, search="an"), 1),
        }
        print(f"{'query':40} {'median ms':>10} {'rows':>6} {'total':>8}")
        worst = 0.0
        for name, (filters, page) in cases.items():
            timings = []
            for _ in range(5):
                with sessions() as session:
                    started = time.perf_counter()
                    rows, total = applicant_page(session=session, actor=actor, filters=filters, page=page, page_size=50)
                    timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            worst = max(worst, median)
            print(f"{name:40} {median:10.1f} {len(rows):6d} {total:8d}")
        timings = []
        for _ in range(5):
            with sessions() as session:
                started = time.perf_counter()
                stage_counts(session=session, actor=actor)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"{'stage counts (pipeline chart)':40} {statistics.median(timings):10.1f}")
        print(f"slowest list query: {worst:.0f} ms (target {TARGET_MS} ms): {'OK' if worst < TARGET_MS else 'SLOW'}")
        engine.dispose()


if __name__ == "__main__":
    main()
