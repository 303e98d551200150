"""The benches' JSON as Markdown tables for docs/performance.md.

    .venv/bin/python bench/tables.py artifacts/bench-browser-sqlite.json \
        artifacts/bench-load-sqlite.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _s(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def browser(data: dict) -> None:
    runs = data["runs"]
    smallest = {}
    for run in runs:
        key = run["backend"]
        if key not in smallest or run["applicants"] < smallest[key]["applicants"]:
            smallest[key] = run
    for run in runs:
        print(
            f"\n**{run['backend']}, {run['applicants']:,} applicants** — baseline "
            f"{run['baseline_public_s']:.2f} s (visitor) / {run['baseline_staff_s']:.2f} s "
            f"(staff); first page after start {run['first_visit_s']:.2f} s; warm-up done "
            f"{_s(run.get('warmup_s'))} s after it began; RSS {run['rss_start_mb']:.0f} MB at "
            f"start, {run['rss_after_pages_mb']:.0f} MB after every page"
            + (
                f", {run['rss_manager_sessions_mb']:.0f} MB with 10 manager sessions"
                if run.get("rss_manager_sessions_mb")
                else ""
            )
            + "\n"
        )
        print(
            "| page | role | first s | cold s | warm s | warm − baseline | cold − warm "
            "| × smallest |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        small = smallest[run["backend"]]
        for page in run["pages"]:
            base = (
                run["baseline_public_s"] if page["role"] == "visitor" else run["baseline_staff_s"]
            )
            warm = page["warm"]
            other = next((p for p in small["pages"] if p["page"] == page["page"]), None)
            ratio = (
                warm / other["warm"]
                if small is not run and other and other["warm"] and warm
                else None
            )
            print(
                f"| {page['page']} | {page['role']} | {_s(page.get('first_s'))} | "
                f"{_s(page['cold_s'])} | {_s(warm)} | "
                f"{_s(None if warm is None else warm - base)} | "
                f"{_s(None if warm is None else page['cold_s'] - warm)} | {_s(ratio)} |"
            )


def load(data: dict) -> None:
    print(f"\n**{data['backend']}, {data['applicants']:,} applicants, one server process**\n")
    print(
        "| N at once | answered | CPU s / sign-up | CPU s / visit | sign-ups / s / core "
        "| median s | p95 s | RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in data["rounds"]:
        print(
            f"| {r['concurrent']} | {r['ok']} | {r['cpu_per_signup_s']:.3f} | "
            f"{r['cpu_per_visit_s']:.3f} | {r['signups_per_core_s']:.1f} | {r['median_s']:.1f} | "
            f"{r['p95_s']:.1f} | {r['rss_mb']:.0f} |"
        )
    print("\n| sign-ups a minute | replicas |\n|---:|---:|")
    for per_minute, count in data["replicas"].items():
        print(f"| {per_minute} | {count} |")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        data = json.loads(Path(name).read_text())
        (browser if "runs" in data else load)(data)
