"""The analytics arithmetic against values worked out by hand or published."""

import pytest

from recruitment.core import stats


def test_conversion_is_the_share_of_the_base_and_none_without_a_base():
    assert stats.conversion(3, 4) == 0.75
    assert stats.conversion(0, 0) is None


def test_wilson_interval_matches_the_published_example():
    # Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662
    low, high = stats.wilson_interval(81, 263)
    assert low == pytest.approx(0.2553, abs=5e-4)
    assert high == pytest.approx(0.3662, abs=5e-4)


def test_wilson_interval_for_all_successes_stays_below_one_and_is_not_degenerate():
    low, high = stats.wilson_interval(10, 10)
    assert low == pytest.approx(0.7225, abs=5e-4)
    assert high == pytest.approx(1.0)


def test_wilson_interval_of_zero_trials_is_unknown_and_bad_counts_are_refused():
    assert stats.wilson_interval(0, 0) == (None, None)
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)


def test_two_proportion_test_matches_a_hand_computed_value():
    # 50/100 vs 30/100: pooled 0.4, se = sqrt(0.4*0.6*0.02) = 0.069282; z = 2.8868
    z, p = stats.two_proportion_test(50, 100, 30, 100)
    assert z == pytest.approx(2.8868, abs=1e-4)
    assert p == pytest.approx(0.003892, abs=1e-5)


def test_two_proportion_test_of_identical_extremes_finds_no_difference():
    assert stats.two_proportion_test(10, 10, 20, 20) == (0.0, 1.0)
    assert stats.two_proportion_test(1, 0, 1, 1) == (None, None)


def test_verdict_says_clear_unclear_or_too_few():
    assert stats.verdict(50, 100, 30, 100) == "clear"
    assert stats.verdict(50, 100, 45, 100) == "unclear"
    assert stats.verdict(5, 5, 0, 5) == "too_few"


def test_median_of_even_and_odd_counts_and_of_nothing():
    assert stats.median([1, 3, 2]) == 2
    assert stats.median([1, 2, 3, 10]) == 2.5
    assert stats.median([]) is None


def test_percentiles_from_a_histogram_match_the_list_they_count():
    import statistics

    from recruitment.core.stats import percentile_from_counts

    values, counts = [1.0, 2.0, 4.0, 7.5], [2, 1, 3, 1]
    flat = [v for v, c in zip(values, counts, strict=True) for _ in range(c)]
    assert percentile_from_counts(values, counts, 0.5) == statistics.median(flat)
    # percentile_cont(0.9) of 7 values: position 5.4 -> 4.0 + 0.4 * (7.5 - 4.0)
    assert percentile_from_counts(values, counts, 0.9) == pytest.approx(5.4)
    assert percentile_from_counts([], [], 0.5) is None


def test_holm_multiplies_the_smallest_p_value_by_the_number_of_tests_and_keeps_order():
    adjusted = stats.holm([0.01, 0.04, 0.03, None])
    assert adjusted[0] == pytest.approx(0.03)  # 3 tests x 0.01
    assert adjusted[2] == pytest.approx(0.06)  # 2 x 0.03
    assert adjusted[1] == pytest.approx(0.06)  # max(1 x 0.04, 0.06): never below a smaller p
    assert adjusted[3] is None


def test_holm_never_goes_above_one():
    assert stats.holm([0.5, 0.9]) == [1.0, 1.0]


def test_a_tiny_p_value_reads_below_one_in_a_thousand_not_zero():
    assert stats.format_p_value(0.00001, "nb") == "p < 0,001"
    assert stats.format_p_value(0.00001, "en") == "p < 0.001"
    assert stats.format_p_value(0.0234, "nb") == "p = 0,023"
    assert stats.format_p_value(None, "en") == "–"
