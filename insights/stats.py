"""Honest statistics for the dashboards: shares, intervals, NPS, suppression of small samples,
and whether a change since the previous period is clear of noise.

Pure functions over numbers the database already counted; nothing here queries.
Shares are fractions in 0..1 (a page multiplies by 100), NPS is in −100..100.
"""

import math
from dataclasses import dataclass

from django.conf import settings

Z_95 = 1.959964  # two-sided 95 % normal quantile


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for ``successes`` out of ``n``; None when n is 0.

    Unlike the normal approximation it stays inside 0..1 and is sound for small n
    and for shares near 0 or 1, which is where dashboards live.
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def csat_share(promoters_4_5: int, answers: int) -> float | None:
    """Share of headline answers of 4 or 5 among the answers (not among tickets)."""
    if answers <= 0:
        return None
    return promoters_4_5 / answers


def nps(promoters_9_10: int, detractors_0_6: int, answers: int) -> float | None:
    """Net promoter score: % promoters minus % detractors, in −100..100; None without answers."""
    if answers <= 0:
        return None
    return 100 * (promoters_9_10 - detractors_0_6) / answers


def min_responses() -> int:
    return settings.ICSAT_MIN_RESPONSES


@dataclass(frozen=True)
class Figure:
    """One number on a dashboard with the count it stands on.

    Build it with ``Figure.of`` (or ``share``/``mean``/``net_promoter``): when fewer than
    ``ICSAT_MIN_RESPONSES`` observations stand behind it, the value and interval are
    dropped here, so no page, CSV or API can leak them; only ``n`` and ``suppressed``
    remain, for "not enough answers yet".
    """

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    suppressed: bool = False
    # Why a suppressed figure is hidden: "few" (under the minimum) or "protected" (so a
    # smaller group can't be worked out from it; see insights.disclosure).
    hidden: str = ""

    def __post_init__(self):
        if self.suppressed and (self.value, self.low, self.high) != (None, None, None):
            raise ValueError("a suppressed figure carries no value")

    @classmethod
    def of(cls, value, n: int, low=None, high=None) -> "Figure":
        """A figure from ``n`` observations, suppressed below the minimum."""
        n = n or 0
        if n < min_responses():
            return cls(value=None, n=n, suppressed=True, hidden="few")
        return cls(value=value, n=n, low=low, high=high)

    @classmethod
    def share(cls, successes: int, n: int) -> "Figure":
        """A share in 0..1 with its 95 % Wilson interval."""
        successes, n = successes or 0, n or 0
        interval = wilson_interval(successes, n)
        low, high = interval if interval else (None, None)
        return cls.of(csat_share(successes, n), n, low, high)

    @classmethod
    def mean(cls, average: float | None, n: int) -> "Figure":
        return cls.of(average, n)

    @classmethod
    def net_promoter(cls, promoters: int, detractors: int, n: int) -> "Figure":
        return cls.of(nps(promoters or 0, detractors or 0, n or 0), n)

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None


# ---------------------------------------------------------------- intervals of a difference


def share_difference_interval(
    s1: int, n1: int, s2: int, n2: int, z: float = Z_95
) -> tuple[float, float] | None:
    """95 % interval of the difference of two shares, p1 − p2, in −1..1; None without answers.

    Newcombe's hybrid score interval (method 10 in Newcombe 1998, Stat Med 17:873): each
    side of the difference takes its spread from the two Wilson intervals, so it stays
    inside −1..1 and keeps close to 95 % coverage for small samples and shares near 0 or 1,
    where the simple normal (Wald) difference is too narrow.
    """
    first, second = wilson_interval(s1, n1, z), wilson_interval(s2, n2, z)
    if first is None or second is None:
        return None
    (low1, high1), (low2, high2) = first, second
    p1, p2 = s1 / n1, s2 / n2
    delta = p1 - p2
    return (
        delta - math.hypot(p1 - low1, high2 - p2),
        delta + math.hypot(high1 - p1, p2 - low2),
    )


# Pseudo-answers the adjusted-Wald NPS interval adds to each period (Rocks 2016, Am Stat
# 70:365; Lewis & Sauro 2021 for the difference): ¾ promoter, ¾ detractor, 1½ passive.
NPS_PSEUDO_PROMOTERS = NPS_PSEUDO_DETRACTORS = 0.75
NPS_PSEUDO_ANSWERS = 3


def _nps_adjusted(promoters: int, detractors: int, n: int) -> tuple[float, float, float]:
    """(net share in −1..1, variance of one answer scored +1/0/−1, answers), pseudo-answers in."""
    if min(promoters, detractors) < 0 or promoters + detractors > n:
        raise ValueError("promoters and detractors must be between 0 and n together")
    answers = n + NPS_PSEUDO_ANSWERS
    p = (promoters + NPS_PSEUDO_PROMOTERS) / answers
    d = (detractors + NPS_PSEUDO_DETRACTORS) / answers
    return p - d, p + d - (p - d) ** 2, answers


def nps_difference_interval(
    prom1: int, det1: int, n1: int, prom2: int, det2: int, n2: int, z: float = Z_95
) -> tuple[float, float] | None:
    """95 % interval of NPS1 − NPS2 in NPS points (−200..200); None when a period has no answers.

    Each answer counts +100 (promoter), 0 (passive) or −100 (detractor), so an NPS is a mean
    whose variance per answer is (p + d − (p − d)²)·100². The interval is the adjusted Wald
    of Rocks (2016, Am Stat 70:365), as Lewis & Sauro (2021) apply it to a difference: each
    period gets 3 pseudo-answers (¾ promoter, ¾ detractor, 1½ passive) before the normal
    interval with z = 1.96 is taken around the adjusted difference. Without them a period
    whose answers are all alike has zero variance, and five promoters against five passives
    would look certain; Rocks found the adjusted Wald the most accurate of the simple intervals.
    """
    if n1 <= 0 or n2 <= 0:
        return None
    net1, variance1, answers1 = _nps_adjusted(prom1, det1, n1)
    net2, variance2, answers2 = _nps_adjusted(prom2, det2, n2)
    centre = 100 * (net1 - net2)
    half = z * 100 * math.sqrt(variance1 / answers1 + variance2 / answers2)
    return max(-200.0, centre - half), min(200.0, centre + half)


def _sample_variance(total: float, sum_sq: float, n: int) -> float:
    # n·Σx² − (Σx)² is exact for integer scores; dividing once keeps the rounding small.
    return max(0.0, (n * sum_sq - total * total) / (n * (n - 1)))


def mean_difference_interval(
    sum1: float,
    sumsq1: float,
    n1: int,
    sum2: float,
    sumsq2: float,
    n2: int,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Interval of mean1 − mean2 from each period's count, sum and sum of squares.

    Welch's t interval with the Welch–Satterthwaite degrees of freedom: it does not assume
    the two periods share a variance, and t rather than z widens it for small samples.
    None when a period has fewer than 2 answers (no variance to estimate) or when every
    answer in both periods is the same (zero variance: t cannot measure the noise, and a
    zero-width interval would call any difference certain).
    """
    if n1 < 2 or n2 < 2:
        return None
    se1 = _sample_variance(sum1, sumsq1, n1) / n1
    se2 = _sample_variance(sum2, sumsq2, n2) / n2
    if se1 + se2 <= 0:
        return None
    df = (se1 + se2) ** 2 / (se1 * se1 / (n1 - 1) + se2 * se2 / (n2 - 1))
    half = t_quantile(1 - (1 - confidence) / 2, df) * math.sqrt(se1 + se2)
    delta = sum1 / n1 - sum2 / n2
    return delta - half, delta + half


# ---------------------------------------------------------------- Student's t without scipy


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of the incomplete beta (DLMF 8.17.22), by the modified Lentz
    method; converges fast for x < (a + 1)/(a + b + 2)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    # Convergence takes O(√max(a, b)) steps; the bound leaves ample room.
    for m in range(1, 1000 + 20 * math.isqrt(int(max(a, b)) + 1)):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < 1e-15:
            return fraction
    raise ArithmeticError(f"incomplete beta did not converge for x={x}, a={a}, b={b}")


def regularized_beta(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1 and a, b > 0."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def _t_short_of(t: float, df: float, p: float) -> bool:
    """True when the ``p`` quantile (p > ½) of Student's t lies beyond ``t`` ≥ 0.

    Near the centre it compares P(0 < T < t) with p − ½, in the tails P(T > t) with 1 − p:
    each is the small number there, so neither loses digits to a subtraction from 1.
    """
    if p <= 0.75:
        return 0.5 * regularized_beta(t * t / (df + t * t), 0.5, df / 2) < p - 0.5
    return 0.5 * regularized_beta(df / (df + t * t), df / 2, 0.5) > 1 - p


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` (any real > 0) degrees of freedom.

    Bisection on its distribution function, from the regularized incomplete beta, to a
    relative 1e-12: Welch's degrees of freedom are not whole numbers, and the dashboards
    run without scipy.
    """
    if not 0 < p < 1 or not df > 0:
        raise ValueError("t_quantile needs 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while _t_short_of(high, df, p):
        low, high = high, 2 * high
    while high - low > 1e-12 * high:
        middle = (low + high) / 2
        if _t_short_of(middle, df, p):
            low = middle
        else:
            high = middle
    return (low + high) / 2


# ---------------------------------------------------------------- medians


def median_rank_interval(n: int, confidence: float = 0.95) -> tuple[int, int] | None:
    """1-based ranks (lo, hi) of the order statistics whose span covers the median with at
    least ``confidence``; None when ``n`` values are too few for any such span.

    Distribution-free: the count of values below the true median is binomial(n, ½), so
    [x(k), x(n+1−k)] misses it with probability 2·P(B ≤ k − 1); k is the largest rank that
    keeps that at most 1 − ``confidence`` (n = 20 gives ranks 6 and 15, 95.9 %). Below 6
    values even the smallest and largest cannot reach 95 % (n = 5: 1 − 2/2⁵ = 93.75 %), so
    there is no interval rather than one that claims more than the data hold.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if n < 1:
        return None
    j = _binomial_half_quantile_below(n, (1 - confidence) / 2)
    return None if j < 0 else (j + 1, n - j)


def _binomial_half_quantile_below(n: int, tail: float) -> int:
    """The largest j with P(B ≤ j) ≤ ``tail`` (< ½) for B ~ binomial(n, ½); −1 when even
    P(B = 0) is larger. Exact below 1,000 values (a running sum of binomial coefficients),
    above by bisection on P(B ≤ j) = I_½(n − j, j + 1)."""
    if n < 1000:
        total, term, j = 0, 1, -1  # term is C(n, j + 1)
        while True:
            total += term
            if total / 2**n > tail:
                return j
            j += 1
            term = term * (n - j) // (j + 1)
    low, high = -1, n // 2
    while low < high:
        middle = (low + high + 1) // 2
        if regularized_beta(0.5, n - middle, middle + 1) <= tail:
            low = middle
        else:
            high = middle - 1
    return low


def median_change_clear(
    interval_current: tuple[float, float] | None, interval_previous: tuple[float, float] | None
) -> bool:
    """True when the two periods' median intervals do not overlap; False when either is missing.

    Conservative in the usual case (estimates roughly normal, intervals of similar width):
    two 95 % intervals that just fail to overlap are about 2.8 standard errors apart, a
    test at roughly the 0.6 % level rather than 5 % (Schenker & Gentleman 2001, Am Stat
    55:182), so some real changes stay "not clear". Without any assumption on the
    distribution the guarantee is weaker: a false "clear" needs one interval to miss the
    common median on the far side, at most 2.5 % for each of the four ends, so at most
    10 %; ``median_rank_interval(n, 0.975)`` would bring that bound to 5 %.
    """
    if interval_current is None or interval_previous is None:
        return False
    (low1, high1), (low2, high2) = interval_current, interval_previous
    return low1 > high2 or high1 < low2


# ---------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """The current figure against the previous period's.

    ``delta`` is current − previous in the figure's units (a share in 0..1, NPS points, a
    mean score, seconds); ``low``/``high`` bound that difference when a method gives an
    interval for it (95 %). ``direction`` is "up", "down" or "flat" as the page shows the
    two values; ``clear`` is True only when the kind's test rules out "no change" in that
    direction (a 95 % interval of the difference; for medians the overlap rule of
    ``median_change_clear``), and never when flat.
    """

    delta: float
    direction: str
    clear: bool
    low: float | None = None
    high: float | None = None


def _direction(current: float, previous: float, digits: int) -> str:
    """The direction of the two values rounded as the page shows them (with round(), as the
    pages' number() does), so a page never says "down 0.0"."""
    shown, shown_before = round(current, digits), round(previous, digits)
    return "up" if shown > shown_before else "down" if shown < shown_before else "flat"


def _suppressed(*ns: int) -> bool:
    return any((n or 0) < max(1, min_responses()) for n in ns)


def _interval_change(
    current: float, previous: float, interval: tuple[float, float] | None, direction: str
) -> Change:
    """A change whose interval of the difference decides ``clear``: it must exclude 0 on the
    side the page shows (an adjusted interval can lean the other way for tiny samples)."""
    low, high = interval if interval else (None, None)
    clear = interval is not None and (
        (direction == "up" and low > 0) or (direction == "down" and high < 0)
    )
    return Change(current - previous, direction, clear, low, high)


def share_change(s1: int, n1: int, s2: int, n2: int, *, digits: int = 0) -> Change | None:
    """Share s1/n1 against s2/n2; clear when Newcombe's 95 % interval of the difference
    excludes 0. None when either period has fewer answers than ``min_responses()``.

    The page shows shares as percentages: ``digits`` are the decimals of the percentage.
    """
    if _suppressed(n1, n2):
        return None
    current, previous = s1 / n1, s2 / n2
    direction = _direction(current * 100, previous * 100, digits)
    return _interval_change(current, previous, share_difference_interval(s1, n1, s2, n2), direction)


def nps_change(
    prom1: int, det1: int, n1: int, prom2: int, det2: int, n2: int, *, digits: int = 0
) -> Change | None:
    """NPS against the previous period's, in points; clear when the adjusted-Wald 95 %
    interval of the difference excludes 0. None when either period is suppressed.

    The adjusted Wald (see ``nps_difference_interval``) because plain Wald calls a change
    between small all-alike periods certain.
    """
    if _suppressed(n1, n2):
        return None
    current, previous = nps(prom1, det1, n1), nps(prom2, det2, n2)
    direction = _direction(current, previous, digits)
    interval = nps_difference_interval(prom1, det1, n1, prom2, det2, n2)
    return _interval_change(current, previous, interval, direction)


def mean_change(
    sum1: float,
    sumsq1: float,
    n1: int,
    sum2: float,
    sumsq2: float,
    n2: int,
    *,
    digits: int = 1,
) -> Change | None:
    """Mean score against the previous period's; clear when Welch's 95 % t interval of the
    difference excludes 0. None when either period is suppressed.

    Welch because the two periods' spreads differ; with no interval (every answer alike in
    both periods) the change is never clear.
    """
    if _suppressed(n1, n2):
        return None
    current, previous = sum1 / n1, sum2 / n2
    direction = _direction(current, previous, digits)
    interval = mean_difference_interval(sum1, sumsq1, n1, sum2, sumsq2, n2)
    return _interval_change(current, previous, interval, direction)


def median_change(
    median1: float | None,
    interval1: tuple[float, float] | None,
    n1: int,
    median2: float | None,
    interval2: tuple[float, float] | None,
    n2: int,
    *,
    digits: int = 0,
) -> Change | None:
    """Median against the previous period's; clear when the two medians' distribution-free
    intervals (``median_rank_interval``) do not overlap. None when either is suppressed.

    Medians, intervals and ``digits`` are in the unit the page shows (pass minutes or hours
    if it shows those). There is no interval of the difference (``low``/``high`` stay None):
    the overlap rule is a test, and a conservative one (see ``median_change_clear``).
    """
    if _suppressed(n1, n2) or median1 is None or median2 is None:
        return None
    direction = _direction(median1, median2, digits)
    clear = direction != "flat" and median_change_clear(interval1, interval2)
    return Change(median1 - median2, direction, clear)


def change(current: Figure | None, previous: Figure | None) -> Change | None:
    """The share-overlap rule: how ``current`` compares with ``previous``; None when either is
    suppressed or empty.

    Clear when both figures have intervals and they do not overlap. Kept for the pages that
    still compare two ``Figure`` objects; the per-kind functions above (``share_change``…)
    give each kind its own test and a direction as displayed.
    """
    if current is None or previous is None or not current.shown or not previous.shown:
        return None
    delta = current.value - previous.value
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    clear = None not in (current.low, current.high, previous.low, previous.high) and (
        current.low > previous.high or current.high < previous.low
    )
    return Change(delta=delta, direction=direction, clear=clear)
