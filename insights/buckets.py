"""Time-to-resolve buckets: one scheme for the median histogram and the breakdown.

``RESOLUTION_BOUNDS`` are the fine buckets of ``ResolutionDay`` (the exact median's
histogram): under a minute, then buckets growing by 2^(1/8), about 9 % (1 min, 65 s, 71 s …)
up to two years and one open-ended bucket, plus the edges of the breakdown below. Only
the median's bucket is read from the tickets, so the width costs time, never accuracy:
narrower buckets mean more histogram rows (bounded by days × types × buckets) but a
shorter walk through the median's bucket (which grows with the tickets: at 10M the √2
buckets made the organisation view walk 79 ms, these 33 ms).

``RESOLUTION_BUCKETS`` are the coarse buckets of the "satisfaction by time to resolve"
breakdown, each a run of fine buckets: (key, label, lower bound in seconds inclusive,
upper bound exclusive); ``ResponseDay`` rows of the resolution dimension hold their index.
"""

import math
from bisect import bisect_right

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

HOUR = 3600
DAY = 24 * HOUR
# Where the breakdown's buckets meet; each is also a fine bound.
_BREAKDOWN = (
    ("lt_4h", _("< 4 h")),
    ("4h_24h", _("4–24 h")),
    ("1d_3d", _("1–3 days")),
    ("gt_3d", _("> 3 days")),
)
_BREAKDOWN_EDGES = (4 * HOUR, DAY, 3 * DAY)

RESOLUTION_BOUNDS = tuple(
    sorted({0, *(math.ceil(60 * 2 ** (i / 8)) for i in range(161)), *_BREAKDOWN_EDGES})
)


def resolution_bucket(seconds: int) -> int:
    """The fine bucket of a time to resolve."""
    return bisect_right(RESOLUTION_BOUNDS, seconds) - 1


def bucket_bounds(bucket: int) -> tuple[int, int | None]:
    """``[low, high)`` seconds of a fine bucket; the last one has no upper bound."""
    high = RESOLUTION_BOUNDS[bucket + 1] if bucket + 1 < len(RESOLUTION_BOUNDS) else None
    return RESOLUTION_BOUNDS[bucket], high


# The first fine bucket of each breakdown bucket; each runs up to the next one's first.
_BREAKDOWN_FIRSTS = (0, *(RESOLUTION_BOUNDS.index(edge) for edge in _BREAKDOWN_EDGES))


def _breakdown_bucket(index: int) -> tuple:
    key, label = _BREAKDOWN[index]
    low = RESOLUTION_BOUNDS[_BREAKDOWN_FIRSTS[index]]
    last = index + 1 == len(_BREAKDOWN_FIRSTS)
    high = None if last else RESOLUTION_BOUNDS[_BREAKDOWN_FIRSTS[index + 1]]
    return key, label, low, high


RESOLUTION_BUCKETS = tuple(_breakdown_bucket(index) for index in range(len(_BREAKDOWN)))


def breakdown_bucket(seconds: int) -> int:
    """The breakdown bucket (an index of ``RESOLUTION_BUCKETS``) of a time to resolve."""
    return bisect_right(_BREAKDOWN_FIRSTS, resolution_bucket(seconds)) - 1


def _bucket_case(highs: list[int]) -> Case:
    whens = [
        When(resolution_seconds__lt=high, then=Value(index)) for index, high in enumerate(highs)
    ]
    return Case(*whens, default=Value(len(highs)), output_field=IntegerField())


def resolution_bucket_case() -> Case:
    """SQL for the fine bucket of a row's ``resolution_seconds`` (not null)."""
    return _bucket_case(list(RESOLUTION_BOUNDS[1:]))


def breakdown_bucket_case() -> Case:
    """SQL for the breakdown bucket of a row's ``resolution_seconds`` (not null)."""
    return _bucket_case([high for *_rest, high in RESOLUTION_BUCKETS if high is not None])
