"""Capacity: N public sign-ups sent at the same moment to one server process.

    make bench-load
    .venv/bin/python bench/load.py --backend sqlite --applicants 100000 --concurrent 10 20 50

For each N, N browser tabs (one Chromium, Playwright) open the sign-up page and fill the
form; then all press "Send" together. It reports, from the server process's own CPU
counters (/proc/<pid>/stat, so the browsers' CPU does not count):

- server CPU seconds per sign-up sent (the submit and the thank-you page) and per visit
  (opening the sign-up page and filling it in), and sign-ups per second per core;
- the wall time from the press to the answer on screen: median and p95.

Then how many server processes (replicas, one core each: Python runs one page at a time
per process) a campaign needs for a given number of sign-ups per minute, kept at half load
so a burst does not queue. The browsers run on the same machine, so the wall times are an
upper bound; the CPU figures are not affected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_db import demo_db  # noqa: E402
from server import ROOT, Server, start  # noqa: E402

from recruitment.core.i18n import t  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ANSWER_TIMEOUT_S = 300
UTILISATION = 0.5  # what share of a core a replica is planned to use
CAMPAIGNS = (10, 60, 300, 1000)  # sign-ups per minute

_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    return app && !['initial', 'running', 'rerunRequested', null].includes(state);
}"""


def _required(field: str) -> str:
    return f"{t(f'signup.{field}', 'en')} {t('common.required_mark', 'en')}"


async def _open_and_fill(browser, server: Server, n: int, run: str):
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = await context.new_page()
    page.set_default_timeout(120_000)
    await page.goto(f"{server.url}/?lang=en")  # the sign-up page is the root
    await page.wait_for_function(_IDLE, polling=100)
    # Spread over the listed meetings (the last choice is "phone me"): on the first one
    # alone, a round of 20 filled it and the rest were rightly told to choose again.
    choices = page.locator('[data-testid="stRadio"] [role="radiogroup"] label')
    await choices.nth(n % max(1, await choices.count() - 1)).click()
    values = {
        "first_name": "Last",
        "last_name": f"Test{n}",
        "email": f"load-{run}-{n}@example.no",
        "phone": f"9{n:07d}",
        "postcode": "1606",
        "birth_year": "1985",
    }
    for field, value in values.items():
        await page.get_by_label(_required(field), exact=True).fill(value)
    consent = re.compile(f"{re.escape(t('signup.consent_short', 'en'))}|I agree")
    await page.get_by_role("checkbox", name=consent).first.check(force=True)
    return context, page


from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402


async def _send(page) -> tuple[float, bool, str]:
    """Seconds to the answer, whether it was the thank-you, and otherwise what it said."""
    began = time.perf_counter()
    await page.get_by_role("button", name=t("signup.submit", "en")).click()
    thanks = page.get_by_role("heading", name=t("signup.thanks_title", "en"))
    problem = page.locator('[data-testid="stAlert"]')
    try:
        await thanks.or_(problem).first.wait_for(timeout=ANSWER_TIMEOUT_S * 1000)
    except PlaywrightTimeout:  # no answer in time: counted as not answered
        return time.perf_counter() - began, False, "no answer"
    seconds = time.perf_counter() - began
    if await thanks.count() > 0:
        return seconds, True, ""
    return seconds, False, " ".join((await problem.first.inner_text()).split())[:120]


async def _round(browser, server: Server, concurrent: int) -> dict:
    run = f"{concurrent}-{int(time.time())}"
    cpu = server.cpu_seconds()
    opened = [await _open_and_fill(browser, server, n, run) for n in range(concurrent)]
    cpu_visits = server.cpu_seconds() - cpu
    cpu = server.cpu_seconds()
    began = time.perf_counter()
    answers = await asyncio.gather(*(_send(page) for _, page in opened))
    wall = time.perf_counter() - began
    cpu_sends = server.cpu_seconds() - cpu
    for context, _ in opened:
        await context.close()
    times = sorted(seconds for seconds, _, _ in answers)
    problems: dict[str, int] = {}
    for _, ok, said in answers:
        if not ok:
            problems[said] = problems.get(said, 0) + 1
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return {
        "concurrent": concurrent,
        "ok": sum(1 for _, ok, _ in answers if ok),
        "problems": problems,
        "wall_s": wall,
        "median_s": statistics.median(times),
        "p95_s": p95,
        "cpu_per_signup_s": cpu_sends / concurrent,
        "cpu_per_visit_s": cpu_visits / concurrent,
        "signups_per_core_s": concurrent / cpu_sends if cpu_sends else None,
        "rss_mb": server.rss_mb(),
    }


async def _main(args) -> list[dict]:
    from playwright.async_api import async_playwright

    db = demo_db(args.backend, args.applicants)
    rounds = []
    with tempfile.TemporaryDirectory() as folder:
        url = db.url
        if db.backend == "sqlite":  # sign-ups are written: keep the cached database as built
            copy = Path(folder) / "load.db"
            shutil.copy(db.url.removeprefix("sqlite:///"), copy)
            url = f"sqlite:///{copy}"
        server = start(url, Path(folder))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                await _round(browser, server, 2)  # the server's first visits, not counted
                for concurrent in args.concurrent:
                    rounds.append(await _round(browser, server, concurrent))
                    print(json.dumps(rounds[-1]), flush=True)
                    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
                    Path(args.json).with_suffix(".partial.json").write_text(json.dumps(rounds))
                await browser.close()
        finally:
            server.stop()
    return rounds


def replicas(per_minute: int, cpu_per_applicant_s: float) -> int:
    """Server processes needed for `per_minute` sign-ups, each kept at UTILISATION of a core."""
    return max(1, math.ceil(per_minute / 60 * cpu_per_applicant_s / UTILISATION))


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--concurrent", type=int, nargs="+", default=[10, 20, 50])
    parser.add_argument("--json", default=str(ROOT / "artifacts" / "bench-load.json"))
    args = parser.parse_args(argv)
    load = os.getloadavg()
    rounds = asyncio.run(_main(args))
    print(
        f"\n{args.backend}, {args.applicants:,} applicants, one server process "
        f"(load average before: {load[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"{'N':>4} {'ok':>4} {'CPU s/sign-up':>13} {'CPU s/visit':>11} {'per core/s':>10} "
        f"{'median s':>8} {'p95 s':>6} {'RSS MB':>7}"
    )
    for r in rounds:
        print(
            f"{r['concurrent']:4d} {r['ok']:4d} {r['cpu_per_signup_s']:13.3f} "
            f"{r['cpu_per_visit_s']:11.3f} {r['signups_per_core_s'] or 0:10.1f} "
            f"{r['median_s']:8.2f} {r['p95_s']:6.2f} {r['rss_mb']:7.0f}"
        )
        for said, count in r["problems"].items():
            print(f"{'':9} {count} answered: {said}")
    per_applicant = max(r["cpu_per_signup_s"] + r["cpu_per_visit_s"] for r in rounds)
    print(
        f"\nreplicas (one core each, at {UTILISATION:.0%} load; {per_applicant:.2f} CPU s per "
        "applicant: the visit and the sign-up):"
    )
    for per_minute in CAMPAIGNS:
        print(f"  {per_minute:5d} sign-ups a minute: {replicas(per_minute, per_applicant)}")
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "backend": args.backend,
                "applicants": args.applicants,
                "load_average_before": load,
                "rounds": rounds,
                "cpu_per_applicant_s": per_applicant,
                "replicas": {str(m): replicas(m, per_applicant) for m in CAMPAIGNS},
            },
            indent=2,
        )
    )
    print(f"JSON: {path}")
    return rounds


if __name__ == "__main__":
    main()
