"""Building blocks shared by the department and organisation scorecards.

Every figure is a ``Sum`` over the per-day rollups (insights.models.ResponseDay and
friends, requests_app.models.TicketDay), filtered to whole local days; the services keep
those rows current, so the sums equal counting the rows beneath them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.utils import timezone

from ..models import ResponseDay
from ..stats import Figure

HEADLINE_FIELDS = ResponseDay.COUNTERS
EMPTY_HEADLINE = dict.fromkeys(HEADLINE_FIELDS, 0)


@dataclass(frozen=True)
class Periods[T]:
    """One value for the period shown and one for the period of the same length before it."""

    current: T
    previous: T

    def __iter__(self) -> Iterator[T]:
        return iter((self.current, self.previous))

    def of(self, is_current: bool) -> T:
        return self.current if is_current else self.previous

    def map[U](self, function: Callable[[T], U]) -> "Periods[U]":
        return Periods(current=function(self.current), previous=function(self.previous))


@dataclass(frozen=True)
class TicketSums:
    """Sums of a period's ``TicketDay`` rows."""

    created: int = 0
    resolved: int = 0
    with_due: int = 0
    sla_met: int = 0
    reopened: int = 0


def ticket_sums_by_period(rows, start: datetime) -> Periods[TicketSums]:
    """Sums over ``TicketDay`` ``rows`` of two adjacent periods split at ``start``: one
    GROUP BY on a boolean (cheaper to build and run than a filtered sum per field and
    period)."""
    first = timezone.localdate(start, timezone.get_default_timezone())
    names = [field.name for field in fields(TicketSums)]
    grouped = (
        rows.annotate(current=ExpressionWrapper(Q(day__gte=first), output_field=BooleanField()))
        .order_by()
        .values("current")
        .annotate(**{name: Sum(name) for name in names})
    )
    found = {row["current"]: TicketSums(**{n: row[n] or 0 for n in names}) for row in grouped}
    return Periods(current=found.get(True, TicketSums()), previous=found.get(False, TicketSums()))


def headline_sums() -> dict:
    """Sums of the ResponseDay counters."""
    return {name: Sum(name, default=0) for name in HEADLINE_FIELDS}


def csat(row: dict) -> Figure:
    return Figure.share(row["csat_good"], row["csat_n"])


def csat_mean(row: dict) -> Figure:
    n = row["csat_n"]
    return Figure.mean(row["csat_sum"] / n if n else None, n)


def nps(row: dict) -> Figure:
    return Figure.net_promoter(row["nps_promoters"], row["nps_detractors"], row["nps_n"])


def count(n: int | None) -> Figure:
    """A plain count: shown whatever its size."""
    return Figure(value=n or 0, n=n or 0)


def person(first: str | None, last: str | None, username: str | None) -> str | None:
    name = f"{first or ''} {last or ''}".strip()
    return name or username


def guarded(figure: Figure, state: str) -> Figure:
    """``figure`` unless its cell is hidden: then no value, only ``n`` and why."""
    if not state:
        return figure
    return Figure(value=None, n=figure.n, suppressed=True, hidden=state)
