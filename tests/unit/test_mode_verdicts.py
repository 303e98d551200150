"""The Digital vs in person verdicts guard against chance findings across their tests."""

import pandas as pd

from recruitment.analytics.comparison import RATE_COLUMNS, mode_verdicts
from recruitment.core import stats


def _rates(pairs: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    rows = []
    for i, (x1, n1, x2, n2) in enumerate(pairs):
        for mode, x, n in (("digital", x1, n1), ("in_person", x2, n2)):
            rows.append({"metric": f"m{i}", "mode": mode, "successes": x, "n": n, "rate": x / n})
    return pd.DataFrame(rows).reindex(columns=RATE_COLUMNS)


def test_a_difference_that_is_clear_alone_is_not_clear_among_seven_tests():
    borderline = (60, 100, 45, 100)  # p about 0.03 on its own
    _, alone = stats.two_proportion_test(*borderline)
    assert alone < stats.ALPHA
    verdicts = mode_verdicts(_rates([borderline] + [(50, 100, 50, 100)] * 6))
    first = verdicts.iloc[0]
    assert first["p_value"] == alone
    assert first["p_adjusted"] > stats.ALPHA
    assert first["verdict"] == "unclear"


def test_a_strong_difference_stays_clear_after_the_correction():
    verdicts = mode_verdicts(_rates([(80, 100, 30, 100)] + [(50, 100, 50, 100)] * 6))
    assert verdicts.iloc[0]["verdict"] == "clear"


def test_groups_too_small_are_not_tests_and_say_too_few():
    verdicts = mode_verdicts(_rates([(5, 5, 0, 5), (80, 100, 30, 100)]))
    assert list(verdicts["verdict"]) == ["too_few", "clear"]
    assert pd.isna(verdicts.iloc[0]["p_adjusted"])
