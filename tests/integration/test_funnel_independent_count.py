"""The SQL funnel against an independent count: random but legal histories are written
through the pipeline service, and Python keeps its own tally of how far each got."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from recruitment.analytics import funnel
from recruitment.core.pipeline import EXIT_REASONS, EXITS, FUNNEL, RANK, allowed_moves
from tests.stages import step_to


def test_sql_funnel_matches_a_python_tally_of_random_legal_histories(
    session, session_factory, make_applicant, manager
):
    rng = random.Random(7)
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    furthest: dict[int, int] = {}
    for _ in range(120):
        when = start + timedelta(days=rng.randrange(300))
        applicant_id = make_applicant(signed_up_at=when)
        stage, best = FUNNEL[0], 1
        with session_factory.begin() as s:
            for _ in range(rng.randrange(14)):
                moves = sorted(allowed_moves(stage))
                forward = [m for m in moves if RANK.get(m, 0) == RANK.get(stage, -1) + 1]
                # Mostly forward, sometimes back, out or in again: every kind of history.
                to_stage = forward[0] if forward and rng.random() < 0.8 else rng.choice(moves)
                when += timedelta(hours=rng.randrange(1, 200))
                reason = rng.choice(EXIT_REASONS[to_stage][:-1]) if to_stage in EXITS else None
                step_to(
                    session=s,
                    applicant_id=applicant_id,
                    to_stage=to_stage,
                    by_id=None,
                    reason_code=reason,
                    at=when,
                )
                stage = to_stage
                best = max(best, RANK.get(stage, 0))
        furthest[applicant_id] = best

    expected = [sum(1 for f in furthest.values() if f >= rank) for rank in RANK.values()]
    counts = funnel.funnel_counts(session=session, actor=manager)["reached"].tolist()
    assert counts == expected
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 120 and counts[-1] > 0  # the walk got some all the way
