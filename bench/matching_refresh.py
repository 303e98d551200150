"""The kept table of available contacts after a change: patched against read whole
(run on demand, on a copy of a demo database: it commits its changes).

    cp .bench-cache/demo-100000-0230.db /tmp/copy.db
    .venv/bin/python bench/matching_refresh.py sqlite:////tmp/copy.db

For each kind of change (an edit of one contact, a pause of one active placement) it
makes the change, times the next view's refresh of the table (`_available_contacts`:
a patch), then a whole read, and checks that the two tables hold the same rows. Prints
the medians of --runs changes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from db.models import Applicant, Placement  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from recruitment.placement import matching  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="a copy: the changes are committed")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    sessions = make_session_factory(engine)
    key = engine.url.render_as_string(hide_password=True)
    with sessions.begin() as session:
        began = time.perf_counter()
        matching._available_contacts(session)
        print(f"first whole read {time.perf_counter() - began:.3f} s")
        contacts = iter(
            session.scalars(
                select(Applicant.id).where(Applicant.stage == "approved").limit(args.runs)
            ).all()
        )
        active = iter(
            session.scalars(
                select(Placement.id).where(Placement.status == "active").limit(args.runs)
            ).all()
        )

    def edit(session) -> None:
        session.get(Applicant, next(contacts)).interests = ["fishing", "music"]

    def pause(session) -> None:
        session.get(Placement, next(active)).status = "paused"

    for name, change in (("an edit of one contact", edit), ("a pause of one placement", pause)):
        patched, whole = [], []
        for _ in range(args.runs):
            with sessions.begin() as session:
                change(session)
            with sessions.begin() as session:
                began = time.perf_counter()
                matching._available_contacts(session)
                patched.append(time.perf_counter() - began)
                began = time.perf_counter()
                fresh, _ = matching._read_available_contacts(
                    session, matching._contacts_fingerprint(session)
                )
                whole.append(time.perf_counter() - began)
            assert sorted(matching._tables[key].table.rows) == sorted(fresh.rows)
        print(
            f"after {name}: refresh {statistics.median(patched) * 1000:.0f} ms, "
            f"whole read {statistics.median(whole) * 1000:.0f} ms"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
