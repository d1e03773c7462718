"""The pure statistics behind the dashboards, checked against hand computations."""

import math

import pytest

from surveys.stats import Change, Figure, change, csat_share, nps, wilson_interval

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
