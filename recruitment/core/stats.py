"""Plain arithmetic for analytics: conversion, Wilson intervals, the two-proportion
test and medians. No database here; the callers hand in counts already aggregated in SQL."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

_NORMAL = statistics.NormalDist()

#: Below this many people in either group a difference is never called clear.
MIN_GROUP = 10
ALPHA = 0.05


def conversion(reached: int, base: int) -> float | None:
    """The share of `base` that got to `reached`; None when there is no base."""
    if base <= 0:
        return None
    return reached / base


def wilson_interval(
    successes: int, n: int, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """The Wilson score interval for a proportion: honest for small n and rates near 0 or 1."""
    if n <= 0:
        return None, None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = _NORMAL.inv_cdf(1 - (1 - confidence) / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return float(max(0.0, centre - margin)), float(min(1.0, centre + margin))


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, float | None]:
    """The pooled two-proportion z-test: (z, two-sided p-value); (None, None) without data."""
    if n1 <= 0 or n2 <= 0:
        return None, None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        # Both groups all-yes or all-no: no difference to find.
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    # Two-sided tail 2·(1 − Φ(|z|)) = erfc(|z|/√2), exact far out in the tail too.
    return z, math.erfc(abs(z) / math.sqrt(2))


def verdict(x1: int, n1: int, x2: int, n2: int, *, alpha: float = ALPHA) -> str:
    """`clear`, `unclear` or `too_few`: whether two rates differ beyond chance."""
    if min(n1, n2) < MIN_GROUP:
        return "too_few"
    _, p = two_proportion_test(x1, n1, x2, n2)
    return "clear" if p is not None and p < alpha else "unclear"


def median(values: Iterable[float]) -> float | None:
    """The median, or None for no values."""
    values = list(values)
    return statistics.median(values) if values else None


def percentile_from_counts(
    values: Sequence[float], counts: Sequence[int], fraction: float
) -> float | None:
    """The `fraction` percentile (0..1) of a histogram: sorted distinct `values`, each seen
    `counts` times; interpolated like PostgreSQL's percentile_cont."""
    total = sum(counts)
    if total == 0:
        return None
    position = fraction * (total - 1)
    low_rank = int(position)
    weight = position - low_rank

    def value_at(rank: int) -> float:
        seen = 0
        for value, count in zip(values, counts, strict=True):
            seen += count
            if rank < seen:
                return value
        return values[-1]

    low = value_at(low_rank)
    high = value_at(low_rank + 1) if low_rank + 1 < total else low
    return low + weight * (high - low)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment of p-values for running several tests at once: a
    page that runs seven tests at 5 % would otherwise call about one in three chance
    differences clear. Missing p-values stay missing and do not count as tests."""
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None and p == p)
    adjusted: list[float | None] = [None] * len(p_values)
    m = len(present)
    running = 0.0
    for rank, (p, index) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


#: Below this a p-value is written as "< 0.001": more digits would claim a precision
#: that the normal approximation does not have.
SMALLEST_P = 0.001


def format_p_value(p: float | None, lang: str) -> str:
    """A p-value for people: "p < 0,001" rather than "p = 0,000", three decimals otherwise."""
    from recruitment.core.timefmt import format_number

    if p is None or p != p:
        return "–"
    if p < SMALLEST_P:
        return f"p < {format_number(SMALLEST_P, lang, 3)}"
    return f"p = {format_number(p, lang, 3)}"
