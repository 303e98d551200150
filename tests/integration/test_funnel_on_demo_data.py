"""`verve demo` data through the funnel: counts non-increasing, and equal to an
independent count made in Python from the raw stage events (issue 3)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import StageEvent
from recruitment.analytics import funnel
from recruitment.core.pipeline import RANK
from recruitment.demo import service as demo


def test_funnel_on_demo_data_equals_an_independent_count_and_never_increases(
    session, session_factory, manager
):
    demo.generate(session_factory, applicants=400, seed=1)
    furthest: dict[int, int] = {}
    for applicant_id, to_stage in session.execute(
        select(StageEvent.applicant_id, StageEvent.to_stage)
    ):
        furthest[applicant_id] = max(furthest.get(applicant_id, 0), RANK.get(to_stage, 0))
    expected = [sum(1 for f in furthest.values() if f >= rank) for rank in RANK.values()]

    counts = funnel.funnel_counts(session=session, actor=manager)["reached"].tolist()
    assert counts == expected
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 400 and counts[-1] > 0
