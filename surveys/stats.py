"""Honest statistics for the dashboards: shares, intervals, NPS, suppression of small samples.

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

    def __post_init__(self):
        if self.suppressed and (self.value, self.low, self.high) != (None, None, None):
            raise ValueError("a suppressed figure carries no value")

    @classmethod
    def of(cls, value, n: int, low=None, high=None) -> "Figure":
        """A figure from ``n`` observations, suppressed below the minimum."""
        n = n or 0
        if n < min_responses():
            return cls(value=None, n=n, suppressed=True)
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


@dataclass(frozen=True)
class Change:
    """The current figure against the previous period's.

    ``direction`` is "up", "down" or "flat" by the sign of ``delta``; ``clear`` is True
    only when both have intervals and they do not overlap, so a page can tell a real
    shift from noise.
    """

    delta: float
    direction: str
    clear: bool


def change(current: Figure | None, previous: Figure | None) -> Change | None:
    """How ``current`` compares with ``previous``; None when either is suppressed or empty."""
    if current is None or previous is None or not current.shown or not previous.shown:
        return None
    delta = current.value - previous.value
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    clear = None not in (current.low, current.high, previous.low, previous.high) and (
        current.low > previous.high or current.high < previous.low
    )
    return Change(delta=delta, direction=direction, clear=clear)
