"""A department's survey counts as the disclosure protection reads them, and what each
process keeps of them and of what was decided from them (``insights.scorecards.protection``)."""

import functools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from icsat.sql import as_date, quoted_names

from ..models import InvitationDay, ResponseDay, SurveyCountsStamp
from ..selectors import breakdown_spans, days_with_previous
from .common import HEADLINE_FIELDS, Periods

Dimension = ResponseDay.Dimension
BREAKDOWNS = (Dimension.CUSTOMER, Dimension.AGENT, Dimension.RESOLUTION, Dimension.SLA)


@dataclass
class Rows:
    """One department's rollup rows of answers, as read by ``protections``."""

    headline: Periods[dict[tuple, dict]] = field(default_factory=lambda: Periods({}, {}))
    breakdowns: dict[str, dict[tuple, dict]] = field(
        default_factory=lambda: {d: {} for d in BREAKDOWNS}
    )
    # Answers per request type and part (a week's days within one month), all versions:
    # the trend's atoms in any unit, ~5× fewer rows than per day.
    trend_parts: list[dict] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (any(self.headline) or any(self.breakdowns.values()) or self.trend_parts)

    def plus(self, other: "Rows") -> "Rows":
        """The sums of both (rows of different days of the same period); neither changes."""
        return Rows(
            headline=Periods(
                _added(self.headline.current, other.headline.current),
                _added(self.headline.previous, other.headline.previous),
            ),
            breakdowns={d: _added(self.breakdowns[d], other.breakdowns[d]) for d in BREAKDOWNS},
            trend_parts=[*self.trend_parts, *other.trend_parts],
        )


def _added(sums: dict[tuple, dict], more: dict[tuple, dict]) -> dict[tuple, dict]:
    added = dict(sums)
    for key, row in more.items():
        kept = added.get(key)
        added[key] = (
            row if kept is None else {name: kept[name] + row[name] for name in HEADLINE_FIELDS}
        )
    return added


Invited = Periods[dict[tuple, tuple[int, int]]]  # (type, version) → (sent, answered)


def no_invitations() -> Invited:
    return Periods({}, {})


Stamps = tuple[int, int, int]  # a department's changes, invitation_changes and rebuilds


def stamps_of(department) -> dict[int, Stamps]:
    stamps = SurveyCountsStamp.objects.all()
    if department is not None:
        stamps = stamps.filter(department=department)
    return {
        department_id: (changes, invitation_changes, rebuilds)
        for department_id, changes, invitation_changes, rebuilds in stamps.values_list(
            "department_id", "changes", "invitation_changes", "rebuilds"
        )
    }


def read_answers(
    start: datetime, end: datetime, department_ids: list[int], split_at: date = date.max
) -> dict[int, Rows]:
    """These departments' rows of answers for ``[start, end)`` (and the period before for
    the headline): three queries whatever the data size. With ``split_at`` (a month's
    first), read apart on either side of it and added, as a page does after an answer."""
    read: dict[int, Rows] = {}
    sides = read_answer_sides(start, end, department_ids, boundary=split_at)
    for (department_id, _recent), rows in sorted(sides.items(), key=lambda side: side[0][1]):
        read[department_id] = read[department_id].plus(rows) if department_id in read else rows
    return read


def read_answer_sides(
    start: datetime, end: datetime, department_ids: list[int], boundary: date, *, recent_only=False
) -> dict[tuple[int, bool], Rows]:
    """These departments' rows of answers for ``[start, end)`` (and the period before for
    the headline), apart by the side of ``boundary`` (a month's first day) they are on:
    keyed by department id and whether of the days from ``boundary`` on; only those when
    ``recent_only``. Up to three queries whatever the data size, none for no days."""
    previous_first, first_day, stop_day = days_with_previous(start, end)
    low = boundary if recent_only else date.min
    headline_from = max(previous_first, low)
    period_from = max(first_day, low)
    rows: dict[tuple[int, bool], Rows] = defaultdict(Rows)
    if headline_from >= stop_day:
        return rows
    sql = _answer_rows_sql()
    departments = ", ".join(["%s"] * len(department_ids))
    with connection.cursor() as cursor:
        # 1. headline atoms of both periods, per request type and version
        cursor.execute(
            sql["headline"].format(departments=departments),
            [boundary, first_day, *department_ids, headline_from, stop_day, Dimension.ALL],
        )
        for department, recent, request_type, version, current, *sums in cursor.fetchall():
            headline = rows[department, bool(recent)].headline.of(bool(current))
            headline[(request_type, version)] = dict(zip(HEADLINE_FIELDS, sums, strict=True))
        if period_from >= stop_day:
            return rows
        # 2. breakdown atoms of the period (month rows for whole months, week and day rows
        # at the ends), none across the boundary
        sides = [(period_from, min(boundary, stop_day)), (max(period_from, boundary), stop_day)]
        spans = [span for low, high in sides if low < high for span in breakdown_spans(low, high)]
        cursor.execute(
            sql["breakdowns"].format(
                departments=departments,
                spans=" OR ".join([sql["span"]] * len(spans)),
                dimensions=", ".join(["%s"] * len(BREAKDOWNS)),
            ),
            [boundary, *department_ids, *BREAKDOWNS, *(value for span in spans for value in span)],
        )
        for department, recent, dimension, value, request_type, version, *sums in cursor:
            breakdown = rows[department, bool(recent)].breakdowns[dimension]
            breakdown[(request_type, version, value)] = dict(
                zip(HEADLINE_FIELDS, sums, strict=True)
            )
        # 3. responses per request type and part of a week within a month: the trend's atoms
        week, week_params = connection.ops.date_trunc_sql("week", sql["day"], ())
        month, month_params = connection.ops.date_trunc_sql("month", sql["day"], ())
        cursor.execute(
            sql["trend"].format(departments=departments, week=week, month=month),
            [
                boundary,
                *week_params,
                *month_params,
                *department_ids,
                period_from,
                stop_day,
                Dimension.ALL,
            ],
        )
        for department, recent, request_type, week_start, month_start, *sums in cursor:
            rows[department, bool(recent)].trend_parts.append(
                {
                    "request_type": request_type,
                    "week": as_date(week_start),
                    "month": as_date(month_start),
                    **dict(zip(HEADLINE_FIELDS, sums, strict=True)),
                }
            )
    return rows


# The three queries of ``read_answer_sides``: names in single braces (from the model's
# metadata), what each call fills in double ones, every value a parameter.
_ANSWER_ROWS_SQL = {
    "headline": """
        SELECT {department}, ({day} >= %s), {request_type}, {version}, ({day} >= %s), {sums}
        FROM {table}
        WHERE {department} IN ({{departments}}) AND {day} >= %s AND {day} < %s
          AND {dimension} = %s
        GROUP BY 1, 2, 3, 4, 5
    """,
    "span": "({grain} = %s AND {day} >= %s AND {day} < %s)",
    "breakdowns": """
        SELECT {department}, ({day} >= %s), {dimension}, {value}, {request_type}, {version},
               {sums}
        FROM {table}
        WHERE {department} IN ({{departments}}) AND {dimension} IN ({{dimensions}})
          AND ({{spans}})
        GROUP BY 1, 2, 3, 4, 5, 6
    """,
    "trend": """
        SELECT {department}, ({day} >= %s), {request_type}, {{week}}, {{month}}, {sums}
        FROM {table}
        WHERE {department} IN ({{departments}}) AND {day} >= %s AND {day} < %s
          AND {dimension} = %s
        GROUP BY 1, 2, 3, 4, 5
    """,
}


@functools.cache
def _answer_rows_sql() -> dict[str, str]:
    """The queries of ``read_answer_sides`` by hand: every page after an answer asks them,
    and the ORM took longer to build them than the database to answer them (IT at 1M, this
    month's rows: 13.4 ms against 1.8 ms for the same statements alone)."""
    names = quoted_names(ResponseDay)
    names["sums"] = ", ".join(f"COALESCE(SUM({names[name]}), 0)" for name in HEADLINE_FIELDS)
    return {
        "day": names["day"],
        **{name: template.format(**names) for name, template in _ANSWER_ROWS_SQL.items()},
    }


def read_invited(start: datetime, end: datetime, department_ids: list[int]) -> dict[int, Invited]:
    """These departments' invitations sent in ``[start, end)`` and the period before, and
    answered since: one query (by hand, as the answers' rows: every resolve sends an
    invitation, and a page read after one asks it again)."""
    previous_first, first_day, stop_day = days_with_previous(start, end)
    invited: dict[int, Invited] = defaultdict(no_invitations)
    with connection.cursor() as cursor:
        cursor.execute(
            _invited_sql().format(departments=", ".join(["%s"] * len(department_ids))),
            [first_day, *department_ids, previous_first, stop_day],
        )
        for department, request_type, version, current, sent, answered in cursor:
            invited[department].of(bool(current))[(request_type, version)] = (sent, answered)
    return invited


# Names in single braces (from the model's metadata), the departments' placeholders in double.
_INVITED_SQL = """
    SELECT {department}, {request_type}, {version}, ({day} >= %s),
           COALESCE(SUM({sent}), 0), COALESCE(SUM({answered}), 0)
    FROM {table}
    WHERE {department} IN ({{departments}}) AND {day} >= %s AND {day} < %s
    GROUP BY 1, 2, 3, 4
"""


@functools.cache
def _invited_sql() -> str:
    return _INVITED_SQL.format(**quoted_names(InvitationDay))


# Reading a department's rows and searching for its hidden cells are most of a dashboard's
# and the organisation view's work, and both depend only on its survey counts. So each
# process keeps what it read and decided per department and period, under the department's
# stamps (SurveyCountsStamp), read before the rows: a change commits its rows with new
# stamps, so rows kept under a stamp are never older than it, and a page read again before
# anything new was counted reads no rows and runs no search. The answers and the invitations
# are kept apart, under a stamp each: every resolve sends an invitation, which changes only
# the response rate, so the search over the answers' tables (the dearest part) runs again
# only when an answer comes in.
#
# And an answer changes only the rows of its own local day (and of that day's week and
# month): the rows of the days before ``open_from`` change only with a rebuild. So what is
# read of those is kept under the rebuilds' stamp, and after an answer a page reads the
# rows of this month (of last month too on the first of a month), not of the whole period.
REMEMBERED = 1024
INVITED = "invited"  # in the key of what is kept of a department's invitations
CLOSED = "closed"  # in the key of what is kept of the days before open_from


def open_from(today: date) -> date:
    """The first day whose rows an answer may still change: the first of yesterday's month.
    Yesterday's, as an answer begun before midnight may commit its day's rows after it; the
    first of a month, so the month rows are whole on either side."""
    return (today - timedelta(days=1)).replace(day=1)


@dataclass
class Entry:
    key: tuple | None  # (department id, stamp, period); INVITED after the id for invitations
    rows: object
    # of a department's answers: the key of what is kept of their days before open_from,
    # (department id, CLOSED, rebuilds stamp, period, that open_from)
    closed_key: tuple | None = None
    # what was decided from the rows, by what it depended on besides them
    decided: dict[tuple, object] = field(default_factory=dict)
    # other reads of the same counts, by what they are (kept_with_counts)
    also: dict[tuple, object] = field(default_factory=dict)


# Kept by slot: a key without its stamps (see ``_slot``), so that rows read under newer
# stamps replace those they supersede. Kept by whole key, every answer left the department's
# old rows and decisions behind until 1,024 entries pushed them out: ~140,000 objects in a
# web process, which the collector's full passes walked (~55 ms each, measured at 100k).
_remembered: OrderedDict[tuple, Entry] = OrderedDict()
_remembered_lock = threading.Lock()


def _slot(key: tuple) -> tuple:
    """Where the entry of ``key`` is kept: the department, what it holds and the period."""
    department_id, kind, *rest = key
    if kind in (INVITED, CLOSED):  # (id, kind, stamp, period[, boundary])
        return (department_id, kind, rest[1])
    return (department_id, rest[0])  # (id, stamp, period)


def _kept_entry(key: tuple | None) -> Entry | None:
    """The entry kept under ``key`` (its stamps included), if any; call under the lock."""
    if key is None:
        return None
    slot = _slot(key)
    entry = _remembered.get(slot)
    if entry is None or entry.key != key:
        return None
    _remembered.move_to_end(slot)
    return entry


def entries(stamps: dict[int, Stamps], period: tuple) -> tuple[dict[int, Entry], dict[int, Entry]]:
    """The rows of answers and of invitations of the departments with these stamps (see
    ``stamps_of``) for ``period`` (start, end, time zone name): those kept under the same
    stamps, the others read now (three queries for answers, one for invitations) and
    kept."""
    start, end, _zone = period
    answers: dict[int, Entry] = {}
    invited: dict[int, Entry] = {}
    with _remembered_lock:
        for department_id, (changes, invitation_changes, _rebuilds) in stamps.items():
            for kept, key in (
                (answers, (department_id, changes, period)),
                (invited, (department_id, INVITED, invitation_changes, period)),
            ):
                entry = _kept_entry(key)
                if entry is not None:
                    kept[department_id] = entry
    # Only departments with a stamp have survey counts (see SurveyCountsStamp).
    unread_answers = [department_id for department_id in stamps if department_id not in answers]
    unread_invited = [department_id for department_id in stamps if department_id not in invited]
    boundary = open_from(timezone.localdate(timezone.now(), timezone.get_default_timezone()))
    closed_keys = {i: (i, CLOSED, stamps[i][2], period, boundary) for i in unread_answers}
    rows = _read_answers_kept(period, boundary, closed_keys) if unread_answers else {}
    invitations = read_invited(start, end, unread_invited) if unread_invited else {}
    with _remembered_lock:
        for department_id in unread_answers:
            key = (department_id, stamps[department_id][0], period)
            read = rows.get(department_id) or Rows()
            answers[department_id] = _remember(key, read, closed_keys[department_id])
        for department_id in unread_invited:
            key = (department_id, INVITED, stamps[department_id][1], period)
            read = invitations.get(department_id) or no_invitations()
            invited[department_id] = _remember(key, read)
    return answers, invited


def _read_answers_kept(period: tuple, boundary: date, keys: dict[int, tuple]) -> dict[int, Rows]:
    """The rows of answers for ``period`` of the departments with these keys of their days
    before ``boundary`` (see ``Entry.closed_key``): those days' rows as kept under the
    key, the others read now (three queries for both sides of the departments with none
    kept, three for the recent side of the others)."""
    start, end, _zone = period
    department_ids = list(keys)
    closed: dict[int, Rows] = {}
    with _remembered_lock:
        for department_id, key in keys.items():
            entry = _kept_entry(key)
            if entry is not None:
                closed[department_id] = entry.rows  # type: ignore[assignment]
    kept = list(closed)
    unread = [department_id for department_id in department_ids if department_id not in closed]
    read: dict[tuple[int, bool], Rows] = {}
    if unread:
        read |= read_answer_sides(start, end, unread, boundary)
        with _remembered_lock:
            for department_id in unread:
                rows = read.get((department_id, False)) or Rows()
                closed[department_id] = _remember(keys[department_id], rows).rows  # type: ignore[assignment]
    if kept:
        read |= read_answer_sides(start, end, kept, boundary, recent_only=True)
    return {
        department_id: closed[department_id].plus(read[department_id, True])
        if (department_id, True) in read
        else closed[department_id]
        for department_id in department_ids
    }


def _remember(key: tuple, rows, closed_key: tuple | None = None) -> Entry:
    slot = _slot(key)
    entry = _remembered[slot] = Entry(key=key, rows=rows, closed_key=closed_key)
    _remembered.move_to_end(slot)
    while len(_remembered) > REMEMBERED:
        _remembered.popitem(last=False)
    return entry


def decided[T](entry: Entry, decision: tuple, decide: Callable[[], T]) -> T:
    """What ``decide()`` decides from ``entry``'s rows (kept with them while kept)."""
    return decided_each({None: entry}, decision, lambda _undecided: {None: decide()})[None]


def decided_each[K, T](
    entries: Mapping[K, Entry],
    decision: tuple,
    decide: Callable[[dict[K, Entry]], dict[K, T]],
) -> dict[K, T]:
    """``decided`` of several entries at once: ``decide(undecided)`` decides, in one go,
    for the entries with nothing kept for ``decision``."""
    out: dict[K, T] = {}
    with _remembered_lock:
        for name, entry in entries.items():
            if decision in entry.decided:
                out[name] = entry.decided[decision]  # type: ignore[assignment]
    undecided = {name: entry for name, entry in entries.items() if name not in out}
    if undecided:
        values = decide(undecided)
        with _remembered_lock:
            for name, entry in undecided.items():
                if entry.key is not None:
                    entry.decided[decision] = values[name]
        out |= values
    return out


def kept_with_counts[U](counts_key: tuple | None, what: tuple, read: Callable[[], U]) -> U:
    """``read()`` of the same department's answers for the same period (e.g. the
    questions' answers, counted with them), kept with the rows a protection was decided
    from (its ``counts_key``) until their stamp moves; read afresh when they are not kept."""
    key = counts_key
    with _remembered_lock:
        entry = _kept_entry(key)
        if entry is not None and what in entry.also:
            return entry.also[what]  # type: ignore[return-value]
    value = read()
    if entry is not None:
        with _remembered_lock:
            entry.also[what] = value
    return value


def kept_in_parts[U](
    counts_key: tuple | None,
    what: tuple,
    read: Callable[[date, bool], tuple[U, U]],
    plus: Callable[[U, U], U],
) -> U:
    """``kept_with_counts`` of a read of the department's rollup rows of answers by day,
    kept in two parts as the rows themselves are: the days before the boundary (the
    ``open_from`` of the rows' ``Entry.closed_key``) under the rebuilds' stamp, so that
    after an answer only the days from the boundary are read again. ``read(boundary,
    recent_only)`` gives the days before ``boundary`` and the days from it, the first
    empty when ``recent_only``; ``plus`` adds them."""

    def read_kept() -> U:
        with _remembered_lock:
            entry = _kept_entry(counts_key)
            closed_key = entry.closed_key if entry is not None else None
            closed_entry = _kept_entry(closed_key)
            closed = closed_entry.also.get(what) if closed_entry is not None else None
        if closed_key is None:
            return plus(*read(date.max, False))
        boundary = closed_key[-1]
        if closed is not None:
            return plus(closed, read(boundary, True)[1])
        closed, recent = read(boundary, False)
        if closed_entry is not None:
            with _remembered_lock:
                closed_entry.also[what] = closed
        return plus(closed, recent)

    return kept_with_counts(counts_key, what, read_kept)
