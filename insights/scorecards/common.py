"""Building blocks shared by the department and organisation scorecards.

Every figure is a ``Sum`` over the per-day rollups (insights.models.ResponseDay and
friends, requests_app.models.TicketDay), filtered to whole local days; the services keep
those rows current, so the sums equal counting the rows beneath them.
"""

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime

from django.db import connection

from icsat.sql import quoted_names

from ..models import ResponseDay, TicketDay
from ..selectors import days_with_previous
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


def ticket_sums_by_period(
    department_id: int, request_type_id: int | None, start: datetime, end: datetime
) -> Periods[TicketSums]:
    """The department's ``TicketDay`` sums (of one request type, if given) over ``[start,
    end)`` and the period of the same length before it: one GROUP BY on a boolean, by hand
    (the ORM took three times as long to build it as the database to answer it)."""
    previous_first, first, stop = days_with_previous(start, end)
    params = [first, department_id, previous_first, stop]
    if request_type_id is not None:
        params.append(request_type_id)
    with connection.cursor() as cursor:
        cursor.execute(_ticket_sums_sql(request_type_id is not None), params)
        found = {bool(current): TicketSums(*(n or 0 for n in sums)) for current, *sums in cursor}
    return Periods(current=found.get(True, TicketSums()), previous=found.get(False, TicketSums()))


# Names in braces (from the model's metadata, by ``quoted_names``); every value a parameter.
_TICKET_SUMS_SQL = (
    "SELECT ({day} >= %s), {sums} FROM {table}"
    " WHERE {department} = %s AND {day} >= %s AND {day} < %s{of_type} GROUP BY 1"
)


@functools.cache
def _ticket_sums_sql(of_one_type: bool) -> str:
    names = quoted_names(TicketDay)
    sums = ", ".join(f"SUM({names[field.name]})" for field in fields(TicketSums))
    of_type = f" AND {names['request_type']} = %s" if of_one_type else ""
    return _TICKET_SUMS_SQL.format(**names, sums=sums, of_type=of_type)


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
