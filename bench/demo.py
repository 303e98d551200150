"""How long `verve demo` takes: wall clock and CPU for N applicants on a fresh database.

    .venv/bin/python bench/demo.py                         # 100 000 on a temporary SQLite file
    .venv/bin/python bench/demo.py --applicants 20000
    .venv/bin/python bench/demo.py --url postgresql://postgres@127.0.0.1/verve_demo_bench

The target is under two minutes for 100 000 applicants. The machine's load average is
printed with the figures: on a shared machine wall time follows the load, CPU time not.
A PostgreSQL database named with --url is emptied first (demo --force), so never point
it at a database you want to keep.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from db import migrate
from db.session import make_engine, make_session_factory
from recruitment.demo.service import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.url or f"sqlite:///{Path(directory) / 'bench.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        wall, cpu = time.perf_counter(), time.process_time()
        summary = generate(
            make_session_factory(engine),
            applicants=args.applicants,
            seed=args.seed,
            today=date(2026, 11, 23),
            force=True,
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        engine.dispose()
    rows = sum(summary.counts().values())
    print(f"backend      {engine.dialect.name}")
    print(f"applicants   {summary.applicants}")
    print(f"rows         {rows}")
    print(f"wall         {wall:.1f} s  ({rows / wall:,.0f} rows/s)")
    print(f"cpu (client) {cpu:.1f} s")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"target       < 120 s wall for 100 000 applicants: {'met' if wall < 120 else 'NOT met'}")


if __name__ == "__main__":
    main()
