"""The trend's unit (week, month or quarter) and its buckets: chosen from the data, the
same for every view of a period (``choose_trend_unit``)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..stats import min_responses

TREND_UNITS = ("week", "month", "quarter")
# "Most points readable": the automatic unit is the finest in which more than this share
# of the points has at least the minimum number of answers.
READABLE_SHARE = 0.5


@dataclass(frozen=True)
class TrendChoice:
    """The trend's unit and why: for each unit, how many of its points can be shown (at
    least k answers and, for the units tried, not hidden to protect a smaller group)."""

    unit: str
    # unit → (points that can be shown, points); compared, not hashed (a dict is not)
    readable: dict[str, tuple[int, int]] = field(hash=False)


def bucket_of(day: date, unit: str) -> date:
    """The first day of the week (Monday), month or quarter holding ``day``."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    month = day.month if unit == "month" else 3 * ((day.month - 1) // 3) + 1
    return day.replace(month=month, day=1)


def trend_buckets(first: date, last: date, unit: str) -> list[date]:
    """Every bucket from the one holding ``first`` to the one holding ``last``."""
    out, day = [], bucket_of(first, unit)
    while day <= last:
        out.append(day)
        if unit == "week":
            day += timedelta(days=7)
        else:
            step = 1 if unit == "month" else 3
            month = day.month - 1 + step
            day = day.replace(year=day.year + month // 12, month=month % 12 + 1)
    return out


def part_bucket(part: tuple[date, date], unit: str) -> date:
    """The bucket of ``unit`` holding a part (Monday, first of the month): the days of one
    week that fall in one month, so weeks, months and quarters are all sums of parts."""
    week, month = part
    return week if unit == "week" else bucket_of(month, unit)


def choose_trend_unit(
    responses_per_part: dict[tuple[date, date], int], first: date, last: date
) -> TrendChoice:
    """The finest unit in which most points have at least the minimum number of answers.

    When no unit gets there (or the period is too short for two points of a unit), the
    one with the largest share of readable points, the finer on a tie. Periods are whole
    local days; edge buckets count what falls inside. The answers come per part of a week
    within a month (``part_bucket``).
    """
    k = min_responses()
    readable = {}
    for unit in TREND_UNITS:
        per_bucket: dict[date, int] = defaultdict(int)
        for part, n in responses_per_part.items():
            per_bucket[part_bucket(part, unit)] += n
        buckets = trend_buckets(first, last, unit)
        readable[unit] = (sum(per_bucket[b] >= k for b in buckets), len(buckets))
    for unit in TREND_UNITS:
        good, total = readable[unit]
        if total >= 2 and good > READABLE_SHARE * total:
            return TrendChoice(unit=unit, readable=readable)
    best = max(TREND_UNITS, key=lambda u: readable[u][0] / max(readable[u][1], 1))
    return TrendChoice(unit=best, readable=readable)
