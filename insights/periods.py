"""The periods a dashboard can show: the last 30, 90 or 365 days, or chosen days."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DEFAULT_RANGE = "30d"
RANGE_DAYS = {"30d": 30, "90d": 90, "12m": 365}


@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last`` (inclusive) in the site's time zone, and the
    ``[start, end)`` they span.

    The site's zone, not the reader's: the rollups count days there, and a reader in
    another zone must see the same figures for the same days as their colleagues.
    """

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return _site_midnight(self.first)

    @property
    def end(self) -> datetime:
        return _site_midnight(self.last + timedelta(days=1))


def _site_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def period_for(range_key: str, today: date, first=None, last=None) -> Period:
    """The period a range choice stands for; the last ``n`` days end with today."""
    if range_key == "custom":
        return Period(first=first, last=last)
    days = RANGE_DAYS.get(range_key, RANGE_DAYS[DEFAULT_RANGE])
    return Period(first=today - timedelta(days=days - 1), last=today)
