"""Reads of the per-day rollups for the dashboards: which rollup rows a period covers
(day rows, or whole weeks and the days at the ends), and exact medians of time to
resolve (with their confidence intervals)."""

import functools
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from icsat.sql import quoted_names
from requests_app.models import Ticket

from ..buckets import bucket_bounds
from ..models import ResolutionDay, SurveyCountsStamp, TicketDay


def rollup_days(start, end) -> Q:
    """The per-day rollup rows of ``[start, end)``; both ends are local midnights."""
    first, stop = local_days(start, end)
    return Q(day__gte=first, day__lt=stop)


def whole_weeks(first: date, stop: date) -> tuple[date, date]:
    """``[weeks_from, weeks_to)``: the Mondays that start and end the whole weeks inside
    the days ``[first, stop)`` (empty when ``weeks_from >= weeks_to``)."""
    return (
        first + timedelta(days=(7 - first.weekday()) % 7),
        stop - timedelta(days=stop.weekday()),
    )


def whole_months(first: date, stop: date) -> tuple[date, date]:
    """``[months_from, months_to)``: the first days that start and end the whole calendar
    months inside the days ``[first, stop)`` (empty when ``months_from >= months_to``)."""
    months_from = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4))
    return months_from.replace(day=1), stop.replace(day=1)


Span = tuple[str, date, date]  # rollup rows of one grain whose ``day`` is in [from, to)


def week_and_day_spans(first: date, stop: date) -> list[Span]:
    """The days ``[first, stop)`` as week rows for their whole weeks and day rows for
    the days before the first Monday and after the last whole week."""
    weeks_from, weeks_to = whole_weeks(first, stop)
    if weeks_from >= weeks_to:
        return [("day", first, stop)]
    return [("week", weeks_from, weeks_to), ("day", first, weeks_from), ("day", weeks_to, stop)]


def breakdown_spans(first: date, stop: date) -> list[Span]:
    """The days ``[first, stop)`` as the breakdowns' rows: month rows for the whole
    months inside them, and for the days before the first and after the last, week rows
    for their whole weeks and day rows for the rest."""
    months_from, months_to = whole_months(first, stop)
    if months_from >= months_to:
        return week_and_day_spans(first, stop)
    return [
        ("month", months_from, months_to),
        *(week_and_day_spans(first, months_from) if first < months_from else []),
        *(week_and_day_spans(months_to, stop) if months_to < stop else []),
    ]


def rows_of_spans(spans: list[Span]) -> Q:
    """The rollup rows of these spans (each grain's rows whose day is in its range)."""
    return functools.reduce(
        operator.or_, (Q(grain=grain, day__gte=low, day__lt=high) for grain, low, high in spans)
    )


def local_days(start: datetime, end: datetime) -> tuple[date, date]:
    """The site's days of two moments (``[start, end)`` as whole local days)."""
    tz = timezone.get_default_timezone()
    return timezone.localdate(start, tz), timezone.localdate(end, tz)


def days_with_previous(start: datetime, end: datetime) -> tuple[date, date, date]:
    """For ``[start, end)`` and the period of the same length before it: the first day of
    that one, the first day of this one, and the day after its last."""
    previous_first, first = local_days(start - (end - start), start)
    return previous_first, first, local_days(start, end)[1]


def weeks_and_days(start: datetime, end: datetime) -> Q:
    """The rows of ``[start, end)`` (local midnights) kept per day and per week: week rows
    for the whole weeks inside it, day rows for the days before the first Monday and after
    the last whole week; the same sums as all its day rows, from about a sixth of the rows."""
    return rows_of_spans(week_and_day_spans(*local_days(start, end)))


@dataclass(frozen=True)
class MedianEstimate:
    """A period's exact median time to resolve, in seconds, from ``n`` resolved requests.

    ``low``/``high`` are the exact durations at the ranks a ``rank_interval`` named (a
    confidence interval for the median); None when none was asked for or ``n`` is too few.
    """

    seconds: float
    n: int
    low: int | None = None
    high: int | None = None

    @property
    def interval(self) -> tuple[int, int] | None:
        return None if self.low is None or self.high is None else (self.low, self.high)


def _rank_span(
    buckets: list[tuple[int, int]], rank: int, needed: int
) -> tuple[int, int | None, int]:
    """``(low, high, offset)``: the durations of 0-based ranks ``rank``..``rank + needed - 1``
    are the ``needed`` after ``offset`` others among those in ``[low, high)`` seconds, the
    buckets from the one holding the first rank to the one holding the last."""
    below, first = 0, None
    for bucket, n in buckets:
        if first is None and rank < below + n:
            first = (bucket, rank - below)
        if first is not None and rank + needed <= below + n:
            return bucket_bounds(first[0])[0], bucket_bounds(bucket)[1], first[1]
        below += n
    raise ValueError(f"ranks {rank}+{needed} beyond {below} durations")


def resolution_medians(
    *, periods: dict, department_id: int | None = None, request_type_id: int | None = None
) -> dict[tuple[int, str], float]:
    """Exact median time to resolve, in seconds, per department and period.

    ``periods`` maps a name to ``[start, end)`` (local midnights, not overlapping). Two
    queries whatever the data; see ``resolution_median_estimates``.
    """
    estimates = resolution_median_estimates(
        periods=periods, department_id=department_id, request_type_id=request_type_id
    )
    return {key: estimate.seconds for key, estimate in estimates.items()}


def resolution_median_estimates(
    *,
    periods: dict,
    department_id: int | None = None,
    request_type_id: int | None = None,
    rank_interval: Callable[[int], tuple[int, int] | None] | None = None,
) -> dict[tuple[int, str], MedianEstimate]:
    """Exact median time to resolve per department and period, with its interval if asked.

    ``periods`` maps a name to ``[start, end)`` (local midnights, not overlapping).
    ``rank_interval(n)`` names the 1-based ranks (lo, hi) whose durations bound the median
    of ``n``, e.g. ``insights.stats.median_rank_interval``; the estimate's ``low``/``high``
    are the exact durations at those ranks.
    Two queries whatever the data: the per-day histogram summed per bucket tells in which
    bucket each wanted rank lies; then one query reads, in duration order, only the tickets
    of those buckets (an index range each) and keeps the wanted ranks. Each process keeps
    the estimates per department until its resolutions in the periods change (see
    ``_KEPT``); two small queries ask whether they did.
    """
    keys = _estimate_keys(periods, department_id, request_type_id, rank_interval)
    estimates: dict[tuple[int, str], MedianEstimate] = {}
    unread = []
    with _kept_lock:
        for department, (slot, stamps) in keys.items():
            kept = _kept.get(slot)
            if kept is None or kept[0] != stamps:
                unread.append(department)
            else:
                _kept.move_to_end(slot)
                estimates.update(kept[1])
    if not unread:
        return estimates
    read = _read_estimates(periods, unread, request_type_id, rank_interval)
    with _kept_lock:
        for department in unread:
            slot, stamps = keys[department]
            _kept[slot] = (stamps, {k: e for k, e in read.items() if k[0] == department})
            _kept.move_to_end(slot)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return estimates | read


# Exact medians read tickets in duration order, more of them as the data grows. Each process
# keeps them per department and question (periods, filter, interval) with what moves with
# every change to its histogram in the periods: the sums of TicketDay.resolution_changes
# over each period (every resolution counted or taken back adds one to its day) and the
# rebuilds of the department's SurveyCountsStamp (an answer or an invitation changes no
# median), both read before the histogram. Estimates read after a change replace those
# they supersede.
KEPT = 512
_kept: OrderedDict[tuple, tuple[tuple, dict[tuple[int, str], MedianEstimate]]] = OrderedDict()
_kept_lock = threading.Lock()


def _estimate_keys(
    periods: dict, department_id: int | None, request_type_id: int | None, rank_interval
) -> dict[int, tuple[tuple, tuple]]:
    """Per department with requests in the periods: where its estimates are kept, and the
    stamps they were read under.
    Two statements by hand: every view of both dashboards asks them, and the ORM took
    longer to build them than the database to answer them."""
    spans = [local_days(start, end) for start, end in periods.values()]
    stamps_sql, changes_sql = _estimate_key_sql(
        len(spans), department_id is not None, request_type_id is not None
    )
    stamps_params = [] if department_id is None else [department_id]
    changes_params: list[date | int] = [
        *(day for span in spans for day in span),  # each period's sum
        *(day for span in spans for day in span),  # the days of any of them
        *(value for value in (department_id, request_type_id) if value is not None),
    ]
    with connection.cursor() as cursor:
        cursor.execute(stamps_sql, stamps_params)
        stamp_of = dict(cursor.fetchall())
        cursor.execute(changes_sql, changes_params)
        changes = cursor.fetchall()
    shared = (
        tuple((name, *period) for name, period in periods.items()),
        request_type_id,
        rank_interval,
        timezone.get_default_timezone_name(),
    )
    # A department without a stamp has had no rebuild since it was made: 0 until one.
    return {
        department: ((department, *shared), (stamp_of.get(department, 0), *per_period))
        for department, *per_period in changes
    }


# ``_estimate_keys``' statements: names in braces from the models' metadata, values as
# parameters (a sum and a span per period).
_ESTIMATE_STAMPS_SQL = "SELECT {department}, {rebuilds} FROM {table}{of_department}"
_ESTIMATE_CHANGES_SUM = (
    "COALESCE(SUM(CASE WHEN {day} >= %s AND {day} < %s THEN {resolution_changes} END), 0)"
)
_ESTIMATE_SPAN = "({day} >= %s AND {day} < %s)"
_ESTIMATE_CHANGES_SQL = (
    "SELECT {department}, {sums} FROM {table} WHERE ({spans}){of_department}{of_type} GROUP BY 1"
)


@functools.cache
def _estimate_key_sql(periods: int, of_department: bool, of_type: bool) -> tuple[str, str]:
    stamp, day = quoted_names(SurveyCountsStamp), quoted_names(TicketDay)
    stamps = _ESTIMATE_STAMPS_SQL.format(
        **stamp, of_department=f" WHERE {stamp['department']} = %s" if of_department else ""
    )
    changes = _ESTIMATE_CHANGES_SQL.format(
        **day,
        sums=", ".join([_ESTIMATE_CHANGES_SUM.format(**day)] * periods),
        spans=" OR ".join([_ESTIMATE_SPAN.format(**day)] * periods),
        of_department=f" AND {day['department']} = %s" if of_department else "",
        of_type=f" AND {day['request_type']} = %s" if of_type else "",
    )
    return stamps, changes


def _read_estimates(
    periods: dict, department_ids: list[int], request_type_id: int | None, rank_interval
) -> dict[tuple[int, str], MedianEstimate]:
    """The estimates of these departments, read (two queries, by hand where the ORM took
    longer to build them than the database to answer them: every page after a resolve
    asks them again)."""
    counts: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for department, bucket, *per_period in _histogram(periods, department_ids, request_type_id):
        for name, n in zip(periods, per_period, strict=True):
            if n > 0:
                counts.setdefault((department, name), []).append((bucket, n))
    if not counts:
        return {}

    # per department and period: what to read, as (0-based first rank, how many) per role
    wanted: dict[tuple[int, str], dict[str, tuple[int, int]]] = {}
    for key, buckets in counts.items():
        total = sum(n for _bucket, n in buckets)
        reads = {"median": ((total - 1) // 2, 1 if total % 2 else 2)}
        ranks = rank_interval(total) if rank_interval else None
        if ranks:
            reads |= {"low": (ranks[0] - 1, 1), "high": (ranks[1] - 1, 1)}
        wanted[key] = reads
    if connection.features.supports_slicing_ordering_in_compound:
        found = _ranks_by_offset(periods, counts, wanted, request_type_id)
    else:
        tickets = Ticket.objects.filter(kind=Ticket.Kind.REQUEST, resolution_seconds__isnull=False)
        if request_type_id is not None:
            tickets = tickets.filter(request_type_id=request_type_id)
        found = _ranks_by_window(tickets, periods, counts, wanted)

    estimates = {}
    for key, reads in wanted.items():
        values = {role: found.get((*key, role), []) for role in reads}
        if any(len(values[role]) != needed for role, (_rank, needed) in reads.items()):
            continue  # tickets changed without their rollup: no figure, not a wrong one
        estimates[key] = MedianEstimate(
            seconds=sum(values["median"]) / len(values["median"]),
            n=sum(n for _bucket, n in counts[key]),
            low=values["low"][0] if "low" in values else None,
            high=values["high"][0] if "high" in values else None,
        )
    return estimates


# The histogram's statement: names in braces from the models' metadata, what each call
# fills in double ones, every value a parameter.
_HISTOGRAM_SQL = """
    SELECT {department}, {bucket}, {{sums}}
    FROM {table}
    WHERE {department} IN ({{departments}}) AND ({{spans}}){{of_type}}
    GROUP BY 1, 2
    ORDER BY 1, 2
"""
_HISTOGRAM_SPAN = "({grain} = %s AND {day} >= %s AND {day} < %s)"
_HISTOGRAM_SUM = "COALESCE(SUM(CASE WHEN {{spans}} THEN {tickets} END), 0)"


@functools.cache
def _histogram_names() -> tuple[str, str, str, str]:
    names = quoted_names(ResolutionDay)
    return (
        _HISTOGRAM_SQL.format(**names),
        _HISTOGRAM_SPAN.format(**names),
        _HISTOGRAM_SUM.format(**names),
        names["request_type"],
    )


def _histogram(
    periods: dict, department_ids: list[int], request_type_id: int | None
) -> list[tuple]:
    """Per department and duration bucket (in that order): the resolved requests of each
    period, from its week rows and day rows."""
    sql, span, total, request_type = _histogram_names()
    spans = [week_and_day_spans(*local_days(start, end)) for start, end in periods.values()]
    of_spans = [" OR ".join([span] * len(each)) for each in spans]
    params: list = [value for each in spans for one in each for value in one]
    params += department_ids
    params += [value for each in spans for one in each for value in one]
    if request_type_id is not None:
        params.append(request_type_id)
    statement = sql.format(
        sums=", ".join(total.format(spans=f"({one})") for one in of_spans),
        departments=", ".join(["%s"] * len(department_ids)),
        spans=" OR ".join(of_spans),
        of_type=f" AND {request_type} = %s" if request_type_id is not None else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _span_q(key: tuple[int, str], periods: dict, low: int, high: int | None) -> Q:
    department, name = key
    start, end = periods[name]
    span = Q(
        department_id=department,
        resolved_at__gte=start,
        resolved_at__lt=end,
        resolution_seconds__gte=low,
    )
    return span if high is None else span & Q(resolution_seconds__lt=high)


# A department's median and its interval's ranks lie close together (±1,000 of 1,500,000):
# read them in one walk when they are at most this many ranks apart, instead of walking
# the same entries up to the median three times.
SPAN_READ = 10_000


def _ranks_by_offset(periods, counts, wanted, request_type_id) -> dict[tuple, list[int]]:
    """PostgreSQL: per department and period, an index-only walk in duration order that
    skips ``offset`` entries and reads the wanted ranks (one walk from the lowest to the
    highest when they are close, else one per role); all in one UNION ALL, by hand."""
    walk, within, of_type = _walk_sql()
    parts, params = [], []
    firsts = {}
    for key, reads in wanted.items():
        first = firsts[key] = min(rank for rank, _needed in reads.values())
        last = max(rank + needed - 1 for rank, needed in reads.values())
        if last - first < SPAN_READ:
            walks = [("span", first, last - first + 1)]
        else:
            walks = [(role, rank, needed) for role, (rank, needed) in reads.items()]
        department, name = key
        start, end = periods[name]
        for label, rank, needed in walks:
            low, high, offset = _rank_span(counts[key], rank, needed)
            parts.append(
                walk.format(
                    within=within if high is not None else "",
                    of_type=of_type if request_type_id is not None else "",
                )
            )
            params += [name, label, Ticket.Kind.REQUEST, department, low]
            params += [high] if high is not None else []
            params += [start, end]
            params += [request_type_id] if request_type_id is not None else []
            params += [needed, offset]
    read: dict[tuple, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for department, name, label, seconds in cursor:
            read.setdefault((department, name, label), []).append(seconds)
    found: dict[tuple, list[int]] = {}
    for key, reads in wanted.items():
        span = read.get((*key, "span"))
        if span is not None:
            span.sort()  # duration order (ties are equal values): position = rank - first
        for role, (rank, needed) in reads.items():
            if span is not None:
                position = rank - firsts[key]
                found[(*key, role)] = span[position : position + needed]
            elif (*key, role) in read:
                found[(*key, role)] = read[(*key, role)]
    return found


# One walk of ``_ranks_by_offset``: the conditions of the tickets' partial index on
# (department, resolution_seconds), so the walk reads that index alone.
_WALK_SQL = """(
    SELECT {department}, %s, %s, {resolution_seconds}
    FROM {table}
    WHERE {kind} = %s AND {resolution_seconds} IS NOT NULL AND {department} = %s
      AND {resolution_seconds} >= %s{{within}}
      AND {resolved_at} >= %s AND {resolved_at} < %s{{of_type}}
    ORDER BY 4
    LIMIT %s OFFSET %s
)"""


@functools.cache
def _walk_sql() -> tuple[str, str, str]:
    names = quoted_names(Ticket)
    return (
        _WALK_SQL.format(**names),
        f" AND {names['resolution_seconds']} < %s",
        f" AND {names['request_type']} = %s",
    )


def _ranks_by_window(tickets, periods, counts, wanted) -> dict[tuple, list[int]]:
    """Backends without LIMIT inside UNION (SQLite): per department and period, number the
    durations of the buckets from the lowest wanted rank to the highest with ROW_NUMBER()
    and keep the wanted positions."""
    spans: list[Q] = []
    columns: dict[tuple, list[int]] = {}
    roles_at: dict[tuple, dict[int, list]] = {}
    for key, reads in wanted.items():
        first = min(rank for rank, _needed in reads.values())
        last = max(rank + needed - 1 for rank, needed in reads.values())
        low, high, offset = _rank_span(counts[key], first, last - first + 1)
        spans.append(_span_q(key, periods, low, high))
        base = first - offset  # the 0-based rank of position 1
        positions = roles_at[key] = {}
        for role, (rank, needed) in reads.items():
            for position in range(rank - base + 1, rank - base + 1 + needed):
                positions.setdefault(position, []).append(role)
        columns[key] = sorted(positions)
    width = max(len(positions) for positions in columns.values())
    here = {key: Q(department_id=key[0], period=key[1]) for key in wanted}
    keep = {
        f"keep{i}": Case(
            *[When(here[key], then=Value(p[min(i, len(p) - 1)])) for key, p in columns.items()],
            output_field=IntegerField(),
        )
        for i in range(width)
    }
    in_period = [
        When(resolved_at__gte=start, resolved_at__lt=end, then=Value(name))
        for name, (start, end) in periods.items()
    ]
    rows = (
        tickets.filter(functools.reduce(operator.or_, spans))
        .order_by()
        .annotate(period=Case(*in_period, output_field=CharField()))
        .annotate(**keep)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("department_id"), F("period")],
                order_by=F("resolution_seconds").asc(),
            )
        )
        .filter(functools.reduce(operator.or_, [Q(position=F(name)) for name in keep]))
        .values_list("department_id", "period", "position", "resolution_seconds")
    )
    found: dict[tuple, list[int]] = {}
    for department, name, position, seconds in rows:
        for role in roles_at[(department, name)][position]:
            found.setdefault((department, name, role), []).append(seconds)
    return found
