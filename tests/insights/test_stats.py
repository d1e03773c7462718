"""The pure statistics behind the dashboards, checked against hand computations."""

import math
import random
import statistics

import pytest
from scipy import special
from scipy import stats as scipy_stats

from insights.stats import (
    Change,
    Figure,
    change,
    csat_share,
    mean_change,
    mean_difference_interval,
    median_change,
    median_change_clear,
    median_rank_interval,
    nps,
    nps_change,
    nps_difference_interval,
    regularized_beta,
    share_change,
    share_difference_interval,
    t_quantile,
    wilson_interval,
)

pytestmark = pytest.mark.django_db


def test_wilson_interval_matches_published_8_of_10():
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


def test_wilson_interval_7_of_10_by_hand():
    # p = .7, z² = 3.841459; centre = (.7 + .192073)/1.384146 = .644493,
    # half = 1.959964·√(.021 + .009604)/1.384146 = .247692
    low, high = wilson_interval(7, 10)
    z = 1.959964
    centre = (0.7 + z * z / 20) / (1 + z * z / 10)
    half = z * math.sqrt(0.7 * 0.3 / 10 + z * z / 400) / (1 + z * z / 10)
    assert low == pytest.approx(centre - half)
    assert high == pytest.approx(centre + half)
    assert (round(low, 4), round(high, 4)) == (0.3968, 0.8922)


def test_wilson_interval_stays_inside_0_and_1_at_the_edges():
    low, high = wilson_interval(5, 5)
    assert high == 1.0
    assert round(low, 4) == 0.5655  # z²/(n+z²) = 3.841459/8.841459
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert round(high, 4) == 0.4345


def test_wilson_interval_is_none_without_answers():
    assert wilson_interval(0, 0) is None


def test_wilson_interval_rejects_more_successes_than_answers():
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(3, 2)


def test_csat_share_is_out_of_answers():
    assert csat_share(7, 10) == 0.7
    assert csat_share(0, 0) is None


def test_nps_promoters_minus_detractors():
    assert nps(5, 3, 10) == 20.0
    assert nps(0, 10, 10) == -100.0
    assert nps(10, 0, 10) == 100.0
    assert nps(0, 0, 0) is None


def test_figure_suppressed_under_the_minimum(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    figure = Figure.share(4, 4)
    assert figure.suppressed
    assert (figure.value, figure.low, figure.high, figure.n) == (None, None, None, 4)
    assert not figure.shown


def test_figure_shown_at_the_minimum(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    figure = Figure.share(4, 5)
    assert not figure.suppressed
    assert figure.value == 0.8
    assert figure.low == pytest.approx(wilson_interval(4, 5)[0])


def test_figure_minimum_follows_the_setting(settings):
    settings.ICSAT_MIN_RESPONSES = 10
    assert Figure.net_promoter(5, 3, 9).suppressed
    assert Figure.net_promoter(5, 3, 10).value == 20.0


def test_figure_cannot_carry_a_value_when_suppressed():
    with pytest.raises(ValueError, match="no value"):
        Figure(value=0.5, n=2, suppressed=True)


def test_change_compares_shown_figures():
    result = change(Figure.share(9, 10), Figure.share(5, 10))
    assert result.direction == "up"
    assert result.delta == pytest.approx(0.4)
    assert result.clear is False  # 0.596–0.982 overlaps 0.237–0.763


def test_change_is_clear_when_intervals_do_not_overlap():
    result = change(Figure.share(95, 100), Figure.share(50, 100))
    assert result == Change(delta=pytest.approx(0.45), direction="up", clear=True)


def test_change_down_and_flat():
    assert change(Figure.mean(3.0, 6), Figure.mean(4.0, 6)).direction == "down"
    assert change(Figure.mean(4.0, 6), Figure.mean(4.0, 6)).direction == "flat"


def test_change_is_none_when_either_side_is_suppressed():
    assert change(Figure.share(4, 4), Figure.share(8, 10)) is None
    assert change(Figure.share(8, 10), Figure.share(2, 3)) is None
    assert change(Figure.share(8, 10), None) is None


def test_change_carries_no_interval_under_the_share_overlap_rule():
    result = change(Figure.share(95, 100), Figure.share(50, 100))
    assert (result.low, result.high) == (None, None)


# ---------------------------------------------------------------- share differences


@pytest.mark.parametrize(
    ("s1", "n1", "s2", "n2", "published"),
    [
        # Newcombe 1998, Stat Med 17:873, Table II, method 10, examples (a), (b), (d), (g).
        # (a) by hand: Wilson 56/70 = .69183–.87695, 48/80 = .49045–.70038;
        #     L = .2 − √(.10817² + .10038²) = .05243, U = .2 + √(.07695² + .10955²) = .33387
        (56, 70, 48, 80, (0.0524, 0.3339)),
        (9, 10, 3, 10, (0.1705, 0.8090)),
        (5, 56, 0, 29, (-0.0381, 0.1926)),
        # (g) by hand: both shares 0, so L = −(Wilson upper of 0/20) = −z²/(20 + z²) and
        #     U = z²/(10 + z²) = 3.841459/13.841459
        (0, 10, 0, 20, (-0.1611, 0.2775)),
    ],
)
def test_share_difference_interval_matches_newcombe_table_ii(s1, n1, s2, n2, published):
    low, high = share_difference_interval(s1, n1, s2, n2)
    assert (round(low, 4), round(high, 4)) == published


def test_share_difference_interval_is_none_without_answers():
    assert share_difference_interval(0, 0, 3, 10) is None
    assert share_difference_interval(3, 10, 0, 0) is None


# ---------------------------------------------------------------- NPS differences

FIRST_NPS = [10, 9, 9, 8, 7, 6, 3, 10, 9, 0, 9, 10]
SECOND_NPS = [5, 6, 9, 10, 7, 7, 8, 2, 6, 9]


def nps_counts(scores):
    return sum(s >= 9 for s in scores), sum(s <= 6 for s in scores), len(scores)


def adjusted_nps_answers(scores):
    """The answers as ±100/0, each four times, with the 3 pseudo-answers (¾ promoter,
    ¾ detractor, 1½ passive) also four times: the same mean and spread as the weighted
    answers, in whole answers that statistics.mean and pvariance can take."""
    points = [100 if s >= 9 else -100 if s <= 6 else 0 for s in scores]
    return points * 4 + [100] * 3 + [-100] * 3 + [0] * 6


def test_nps_difference_interval_matches_adjusted_wald_from_raw_answers():
    first, second = adjusted_nps_answers(FIRST_NPS), adjusted_nps_answers(SECOND_NPS)
    n1, n2 = len(FIRST_NPS) + 3, len(SECOND_NPS) + 3
    centre = statistics.mean(first) - statistics.mean(second)
    se = math.sqrt(statistics.pvariance(first) / n1 + statistics.pvariance(second) / n2)
    low, high = nps_difference_interval(*nps_counts(FIRST_NPS), *nps_counts(SECOND_NPS))
    assert low == pytest.approx(centre - 1.959964 * se)
    assert high == pytest.approx(centre + 1.959964 * se)
    # and the other way round: the same interval, mirrored
    low2, high2 = nps_difference_interval(*nps_counts(SECOND_NPS), *nps_counts(FIRST_NPS))
    assert (low2, high2) == (pytest.approx(-high), pytest.approx(-low))


def test_nps_difference_interval_is_not_zero_width_when_all_answers_alike():
    # plain Wald would give 0–0 here: no spread in either period
    low, high = nps_difference_interval(5, 0, 5, 5, 0, 5)
    assert low < 0 < high
    assert high - low > 50


def test_nps_difference_interval_is_none_without_answers():
    assert nps_difference_interval(0, 0, 0, 3, 1, 5) is None


def test_nps_difference_interval_rejects_more_categories_than_answers():
    with pytest.raises(ValueError, match="between 0 and n"):
        nps_difference_interval(4, 3, 6, 1, 1, 5)


# ---------------------------------------------------------------- mean differences


def sums(scores):
    return sum(scores), sum(s * s for s in scores), len(scores)


def welch(first, second):
    return tuple(scipy_stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95))


# scipy warns when a sample has no spread; its interval is still the reference
@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
@pytest.mark.parametrize("seed", range(6))
def test_mean_difference_interval_matches_scipy_welch(seed):
    rng = random.Random(seed)
    # small and unequal samples, where t and z differ and the variances differ
    first = [rng.choice([1, 2, 4, 5, 5]) for _ in range(rng.randint(2, 12))]
    second = [rng.choice([3, 4, 4, 5]) for _ in range(rng.randint(2, 40))]
    if len(set(first)) == 1 and len(set(second)) == 1:
        second.append(1)
    low, high = mean_difference_interval(*sums(first), *sums(second))
    expected_low, expected_high = welch(first, second)
    assert low == pytest.approx(expected_low, rel=1e-9, abs=1e-9)
    assert high == pytest.approx(expected_high, rel=1e-9, abs=1e-9)


def test_mean_difference_interval_uses_t_for_small_samples():
    first, second = [5, 4, 5], [3, 4, 2, 3]
    low, high = mean_difference_interval(*sums(first), *sums(second))
    assert (low, high) == pytest.approx(welch(first, second))
    # with z the interval would be much narrower (t ≈ 2.9 at about 4.6 degrees of freedom)
    half_z = 1.959964 * math.sqrt(statistics.variance(first) / 3 + statistics.variance(second) / 4)
    assert (high - low) / 2 > 1.3 * half_z


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_mean_difference_interval_with_one_side_all_alike():
    first, second = [5, 5, 5, 5, 5], [4, 3, 5, 4, 2, 4]
    assert mean_difference_interval(*sums(first), *sums(second)) == pytest.approx(
        welch(first, second)
    )


def test_mean_difference_interval_is_none_for_fewer_than_two_answers():
    assert mean_difference_interval(*sums([5]), *sums([4, 3, 5])) is None
    assert mean_difference_interval(*sums([4, 3, 5]), *sums([])) is None


def test_mean_difference_interval_is_none_when_every_answer_is_alike():
    assert mean_difference_interval(*sums([5] * 8), *sums([4] * 9)) is None


@pytest.mark.parametrize("df", [0.7, 1, 2, 2.5, 4.6, 9, 17.3, 30, 120, 10_000])
def test_t_quantile_matches_scipy(df):
    for p in (0.5001, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9999, 0.025, 0.1):
        assert t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-8)


def test_t_quantile_is_zero_at_the_centre_and_rejects_nonsense():
    assert t_quantile(0.5, 3) == 0
    with pytest.raises(ValueError, match="0 < p < 1"):
        t_quantile(1, 3)
    with pytest.raises(ValueError, match="df > 0"):
        t_quantile(0.9, 0)


def test_regularized_beta_matches_scipy():
    for x, a, b in [(0.3, 2.5, 0.5), (0.9, 0.5, 7), (0.5, 500, 501), (0.01, 3, 4), (0.999, 8, 2)]:
        assert regularized_beta(x, a, b) == pytest.approx(special.betainc(a, b, x), rel=1e-10)
    assert (regularized_beta(0, 2, 3), regularized_beta(1, 2, 3)) == (0.0, 1.0)


# ---------------------------------------------------------------- medians


def test_median_rank_interval_matches_hand_computed_ranks():
    # by hand from binomial(n, ½), P(B ≤ j) = Σ C(n, i) / 2ⁿ:
    # n = 20: P(B ≤ 5) = 21700/1048576 = .0207 ≤ .025 < P(B ≤ 6) = 60460/1048576 = .0577
    assert median_rank_interval(20) == (6, 15)  # 1 − 2 · .0207 = 95.9 %
    # n = 10: P(B ≤ 1) = 11/1024 = .0107 ≤ .025 < P(B ≤ 2) = 56/1024 = .0547
    assert median_rank_interval(10) == (2, 9)  # 97.9 %
    # n = 6: P(B ≤ 0) = 1/64 = .0156 ≤ .025 < P(B ≤ 1) = 7/64 = .109
    assert median_rank_interval(6) == (1, 6)  # 96.9 %


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_median_rank_interval_is_the_narrowest_that_keeps_the_confidence(confidence):
    for n in [*range(6, 300), 999, 1000, 1001, 4567, 100_000]:
        found = median_rank_interval(n, confidence)
        if found is None:
            assert 1 - 2 * 0.5**n < confidence, n
            continue
        lo, hi = found
        assert hi == n + 1 - lo
        assert 1 - 2 * scipy_stats.binom.cdf(lo - 1, n, 0.5) >= confidence, n
        # one rank narrower would fall short
        assert 1 - 2 * scipy_stats.binom.cdf(lo, n, 0.5) < confidence, n


def test_median_rank_interval_is_none_when_no_span_reaches_the_confidence():
    assert median_rank_interval(5) is None  # min..max covers 1 − 2/2⁵ = 93.75 %
    assert median_rank_interval(0) is None
    assert median_rank_interval(5, confidence=0.9) == (1, 5)


def test_median_change_clear_only_without_overlap():
    assert median_change_clear((100, 200), (201, 300))
    assert median_change_clear((301, 400), (201, 300))
    assert not median_change_clear((100, 201), (201, 300))  # touching is overlapping
    assert not median_change_clear((100, 250), (201, 300))
    assert not median_change_clear(None, (201, 300))


# ---------------------------------------------------------------- changes by kind


def test_share_change_is_clear_when_newcombe_excludes_zero_even_if_intervals_overlap(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    # Wilson .6918–.8770 and .4905–.7004 overlap, so the overlap rule says "not clear"
    assert change(Figure.share(56, 70), Figure.share(48, 80)).clear is False
    result = share_change(56, 70, 48, 80)
    assert result.direction == "up"
    assert result.clear is True
    assert result.delta == pytest.approx(0.2)
    assert (round(result.low, 4), round(result.high, 4)) == (0.0524, 0.3339)


def test_share_change_not_clear_when_interval_spans_zero(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    result = share_change(5, 10, 9, 10)
    assert result.direction == "down"
    assert result.clear is False
    assert result.low < 0 < result.high


def test_share_change_flat_when_the_shown_percentages_are_equal(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    # 72.04 % and 71.96 % both show as 72 %; with two decimals they differ
    flat = share_change(7204, 10000, 7196, 10000)
    assert (flat.direction, flat.clear) == ("flat", False)
    assert share_change(7204, 10000, 7196, 10000, digits=2).direction == "up"


def test_share_change_is_none_when_either_side_is_suppressed(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    assert share_change(4, 4, 8, 10) is None
    assert share_change(8, 10, 2, 3) is None
    settings.ICSAT_MIN_RESPONSES = 0
    assert share_change(0, 0, 2, 3) is None  # no answers is never a figure


def test_nps_change_uses_the_adjusted_wald_interval(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    result = nps_change(*nps_counts(FIRST_NPS), *nps_counts(SECOND_NPS))
    # 7 − 3 of 12 against 3 − 4 of 10: +33.3 against −10
    assert result.delta == pytest.approx(400 / 12 + 10)
    assert result.direction == "up"
    low, high = nps_difference_interval(*nps_counts(FIRST_NPS), *nps_counts(SECOND_NPS))
    assert (result.low, result.high) == (low, high)
    assert result.clear is (low > 0)


def test_nps_change_clear_and_down_for_a_large_drop(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    result = nps_change(10, 50, 100, 60, 10, 100)  # −40 against +50
    assert (result.direction, result.clear) == ("down", True)
    assert result.high < 0


def test_nps_change_is_none_when_either_side_is_suppressed(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    assert nps_change(3, 0, 4, 3, 1, 10) is None


def test_mean_change_is_clear_by_welch(settings):
    settings.ICSAT_MIN_RESPONSES = 3
    high_scores, low_scores = [5, 5, 4, 5, 5, 4], [2, 3, 2, 1, 3, 2]
    result = mean_change(*sums(high_scores), *sums(low_scores))
    assert result.delta == pytest.approx(28 / 6 - 13 / 6)
    assert (result.direction, result.clear) == ("up", True)
    assert (result.low, result.high) == pytest.approx(welch(high_scores, low_scores))


def test_mean_change_not_clear_for_a_small_sample_that_z_would_call(settings):
    settings.ICSAT_MIN_RESPONSES = 3
    first, second = [5, 4, 5], [3, 4, 2, 4]
    result = mean_change(*sums(first), *sums(second))
    assert result.direction == "up"
    # z would give 1.42 ± 1.96 · 0.59: clear; Welch's t (≈ 2.6 at 5 df) spans 0
    expected_low, _high = welch(first, second)
    assert expected_low < 0
    assert result.clear is False


def test_mean_change_flat_when_the_shown_means_are_equal(settings):
    settings.ICSAT_MIN_RESPONSES = 3
    # 4.04 and 3.96 both show as 4.0: never "down 0.0"
    first, second = [5] * 26 + [3] * 24, [5] * 24 + [3] * 26
    assert mean_change(*sums(first), *sums(second)).direction == "flat"


def test_mean_change_is_never_clear_without_an_interval(settings):
    settings.ICSAT_MIN_RESPONSES = 3
    result = mean_change(*sums([5] * 8), *sums([4] * 9))
    assert (result.direction, result.clear, result.low, result.high) == ("up", False, None, None)


def test_mean_change_is_none_when_either_side_is_suppressed(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    assert mean_change(*sums([5, 5, 5, 5]), *sums([1, 2, 3, 4, 5])) is None


def test_median_change_clear_when_the_intervals_do_not_overlap(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    result = median_change(300, (250, 340), 40, 500, (420, 610), 38)
    assert result == Change(delta=-200, direction="down", clear=True)
    assert not median_change(300, (250, 430), 40, 500, (420, 610), 38).clear


def test_median_change_flat_by_the_shown_digits(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    # in hours: 5.04 h and 4.96 h both show as 5 h
    result = median_change(5.04, (1, 2), 40, 4.96, (8, 9), 40)
    assert (result.direction, result.clear) == ("flat", False)


def test_median_change_is_none_when_suppressed_or_missing(settings):
    settings.ICSAT_MIN_RESPONSES = 5
    assert median_change(300, (250, 340), 4, 500, (420, 610), 38) is None
    assert median_change(None, None, 40, 500, (420, 610), 38) is None
