"""A cheap fingerprint of what the analytics read, so cached reports can be keyed on it:
a change made through any replica gives a new version, and every replica's next page run
reads afresh instead of waiting for a cache to expire."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Applicant, Evaluation, Placement, Registration, StageEvent
from recruitment.core.access import Actor, requires


@requires("analytics.read")
def data_version(*, session: Session, actor: Actor) -> tuple[int, ...]:
    """Newest ids and the event count (erasure deletes events): primary-key lookups only."""
    parts = [
        select(func.coalesce(func.max(StageEvent.id), 0)).scalar_subquery(),
        select(func.count(StageEvent.id)).scalar_subquery(),
        select(func.coalesce(func.max(Applicant.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Registration.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Evaluation.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Placement.id), 0)).scalar_subquery(),
    ]
    return tuple(int(value) for value in session.execute(select(*parts)).one())
