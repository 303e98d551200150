"""The contact channels simulated applicants choose, from a generator of their own
seeded by the applicant's id (so no other draw of the simulation moves)."""

from __future__ import annotations

import random
from typing import Any


def channels_for(applicant_id: int, prefers_phone: bool) -> tuple[str, ...]:
    """The channels an applicant chose: most e-mail, a third add SMS, phone people calls."""
    rng = random.Random(f"verve-demo-channels-{applicant_id}")
    if prefers_phone:
        return ("call",) if rng.random() < 0.7 else ("sms", "call")
    draw = rng.random()
    if draw < 0.55:
        return ("email",)
    if draw < 0.85:
        return ("email", "sms")
    return ("sms",)


def consent_columns(channels: tuple[str, ...], at: Any) -> dict[str, Any]:
    return {f"{c}_consent_at": at if c in channels else None for c in ("email", "sms", "call")}
