"""Building blocks shared by the department and organisation scorecards.

Every figure is a ``Sum`` over the per-day rollups (surveys.models.ResponseDay and
friends, requests_app.models.TicketDay), filtered to whole local days; the services keep
those rows current, so the sums equal counting the rows beneath them.
"""

from datetime import date, datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.utils import timezone

from ..models import ResponseDay
from ..stats import Figure

HEADLINE_FIELDS = ResponseDay.COUNTERS
EMPTY_HEADLINE = dict.fromkeys(HEADLINE_FIELDS, 0)


def whole_weeks(first: date, stop: date) -> tuple[date, date]:
    """``[weeks_from, weeks_to)``: the Mondays that start and end the whole weeks inside
    the days ``[first, stop)`` (empty when ``weeks_from >= weeks_to``)."""
    return (
        first + timedelta(days=(7 - first.weekday()) % 7),
        stop - timedelta(days=stop.weekday()),
    )


def weeks_and_days(start: datetime, end: datetime) -> Q:
    """The breakdown rows of ``[start, end)`` (local midnights): week rows for the whole
    weeks inside it, day rows for the days before the first Monday and after the last
    whole week; the same sums as all its day rows, from about a sixth of the rows."""
    tz = timezone.get_default_timezone()
    first, stop = timezone.localdate(start, tz), timezone.localdate(end, tz)
    weeks_from, weeks_to = whole_weeks(first, stop)
    if weeks_from >= weeks_to:
        return Q(grain="day", day__gte=first, day__lt=stop)
    return (
        Q(grain="week", day__gte=weeks_from, day__lt=weeks_to)
        | Q(grain="day", day__gte=first, day__lt=weeks_from)
        | Q(grain="day", day__gte=weeks_to, day__lt=stop)
    )


def sums_by_period(rows, start: datetime, fields) -> dict:
    """Sums of ``fields`` over rollup ``rows`` of two adjacent periods split at ``start``,
    keyed ``cur_<field>`` and ``prev_<field>``: one GROUP BY on a boolean (cheaper to
    build and run than a filtered sum per field and period)."""
    first = timezone.localdate(start, timezone.get_default_timezone())
    grouped = (
        rows.annotate(current=ExpressionWrapper(Q(day__gte=first), output_field=BooleanField()))
        .order_by()
        .values("current")
        .annotate(**{name: Sum(name) for name in fields})
    )
    out = {f"{prefix}{name}": 0 for prefix in ("cur_", "prev_") for name in fields}
    for row in grouped:
        prefix = "cur_" if row["current"] else "prev_"
        out |= {f"{prefix}{name}": row[name] or 0 for name in fields}
    return out


def headline_sums(prefix: str = "", when: Q | None = None) -> dict:
    """Sums of the ResponseDay counters, optionally of the rows matching ``when``."""
    return {f"{prefix}{name}": Sum(name, filter=when, default=0) for name in HEADLINE_FIELDS}


def csat(row: dict, prefix: str = "") -> Figure:
    return Figure.share(row[f"{prefix}csat_good"], row[f"{prefix}csat_n"])


def csat_mean(row: dict, prefix: str = "") -> Figure:
    n = row[f"{prefix}csat_n"]
    return Figure.mean(row[f"{prefix}csat_sum"] / n if n else None, n)


def nps(row: dict, prefix: str = "") -> Figure:
    return Figure.net_promoter(
        row[f"{prefix}nps_promoters"], row[f"{prefix}nps_detractors"], row[f"{prefix}nps_n"]
    )


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
