"""A department's survey counts as the disclosure protection reads them, and what each
process keeps of them and of what was decided from them (``insights.scorecards.protection``)."""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from ..models import InvitationDay, ResponseDay, SurveyCountsStamp
from ..selectors import months_weeks_and_days, rollup_days
from .common import HEADLINE_FIELDS, Periods, headline_sums

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


Invited = Periods[dict[tuple, tuple[int, int]]]  # (type, version) → (sent, answered)


def no_invitations() -> Invited:
    return Periods({}, {})


def stamps_of(department) -> dict[int, tuple[int, int]]:
    stamps = SurveyCountsStamp.objects.all()
    if department is not None:
        stamps = stamps.filter(department=department)
    return {
        department_id: (changes, invitation_changes)
        for department_id, changes, invitation_changes in stamps.values_list(
            "department_id", "changes", "invitation_changes"
        )
    }


def read_answers(start: datetime, end: datetime, department_ids: list[int]) -> dict[int, Rows]:
    """These departments' rows of answers for ``[start, end)`` (and the period before for
    the headline): three queries whatever the data size."""
    previous_start = start - (end - start)
    first_day = timezone.localdate(start, timezone.get_default_timezone())
    responses = ResponseDay.objects.filter(department__in=department_ids)
    rows: dict[int, Rows] = defaultdict(Rows)
    current = ExpressionWrapper(Q(day__gte=first_day), output_field=BooleanField())

    # 1. headline atoms of both periods, per request type and version
    for row in (
        responses.filter(rollup_days(previous_start, end), dimension=Dimension.ALL)
        .annotate(current=current)
        .order_by()
        .values("department", "request_type", "version", "current")
        .annotate(**headline_sums())
    ):
        headline = rows[row["department"]].headline.of(row["current"])
        headline[(row["request_type"], row["version"])] = {
            name: row[name] for name in HEADLINE_FIELDS
        }
    # 2. breakdown atoms of the period (month rows for whole months, week and day rows at
    # the ends)
    for row in (
        responses.filter(months_weeks_and_days(start, end), dimension__in=BREAKDOWNS)
        .order_by()
        .values("department", "dimension", "value", "request_type", "version")
        .annotate(**headline_sums())
    ):
        key = (row["request_type"], row["version"], row["value"])
        rows[row["department"]].breakdowns[row["dimension"]][key] = {
            name: row[name] for name in HEADLINE_FIELDS
        }
    # 3. responses per request type and part of a week within a month: the trend's atoms
    for row in (
        responses.filter(rollup_days(start, end), dimension=Dimension.ALL)
        .order_by()
        .values("department", "request_type", week=TruncWeek("day"), month=TruncMonth("day"))
        .annotate(**headline_sums())
    ):
        rows[row["department"]].trend_parts.append(row)
    return rows


def read_invited(start: datetime, end: datetime, department_ids: list[int]) -> dict[int, Invited]:
    """These departments' invitations sent in ``[start, end)`` and the period before, and
    answered since: one query."""
    previous_start = start - (end - start)
    first_day = timezone.localdate(start, timezone.get_default_timezone())
    current = ExpressionWrapper(Q(day__gte=first_day), output_field=BooleanField())
    invited: dict[int, Invited] = defaultdict(no_invitations)
    sent = InvitationDay.objects.filter(rollup_days(previous_start, end))
    for row in (
        sent.filter(department__in=department_ids)
        .annotate(current=current)
        .order_by()
        .values("department", "request_type", "version", "current")
        .annotate(sent=Sum("sent"), answered=Sum("answered"))
    ):
        invited[row["department"]].of(row["current"])[(row["request_type"], row["version"])] = (
            row["sent"] or 0,
            row["answered"] or 0,
        )
    return invited


# Reading a department's rows and searching for its hidden cells are most of a dashboard's
# and the organisation view's work, and both depend only on its survey counts. So each
# process keeps what it read and decided per department and period, under the department's
# stamps (SurveyCountsStamp), read before the rows: a change commits its rows with new
# stamps, so rows kept under a stamp are never older than it, and a page read again before
# anything new was counted reads no rows and runs no search. The answers and the invitations
# are kept apart, under a stamp each: every resolve sends an invitation, which changes only
# the response rate, so the search over the answers' tables (the dearest part) runs again
# only when an answer comes in.
REMEMBERED = 1024
INVITED = "invited"  # in the key of what is kept of a department's invitations


@dataclass
class Entry:
    key: tuple | None  # (department id, stamp, period); INVITED after the id for invitations
    rows: object
    # what was decided from the rows, by what it depended on besides them
    decided: dict[tuple, object] = field(default_factory=dict)
    # other reads of the same counts, by what they are (kept_with_counts)
    also: dict[tuple, object] = field(default_factory=dict)


_remembered: OrderedDict[tuple, Entry] = OrderedDict()
_remembered_lock = threading.Lock()


def entries(
    stamps: dict[int, tuple[int, int]], period: tuple
) -> tuple[dict[int, Entry], dict[int, Entry]]:
    """The rows of answers and of invitations of the departments with these stamps (see
    ``stamps_of``) for ``period`` (start, end, time zone name): those kept under the same
    stamps, the others read now (three queries for answers, one for invitations) and
    kept."""
    start, end, _zone = period
    answers: dict[int, Entry] = {}
    invited: dict[int, Entry] = {}
    with _remembered_lock:
        for department_id, (changes, invitation_changes) in stamps.items():
            for kept, key in (
                (answers, (department_id, changes, period)),
                (invited, (department_id, INVITED, invitation_changes, period)),
            ):
                entry = _remembered.get(key)
                if entry is not None:
                    _remembered.move_to_end(key)
                    kept[department_id] = entry
    # Only departments with a stamp have survey counts (see SurveyCountsStamp).
    unread_answers = [department_id for department_id in stamps if department_id not in answers]
    unread_invited = [department_id for department_id in stamps if department_id not in invited]
    rows = read_answers(start, end, unread_answers) if unread_answers else {}
    invitations = read_invited(start, end, unread_invited) if unread_invited else {}
    with _remembered_lock:
        for department_id in unread_answers:
            key = (department_id, stamps[department_id][0], period)
            answers[department_id] = _remember(key, rows.get(department_id) or Rows())
        for department_id in unread_invited:
            key = (department_id, INVITED, stamps[department_id][1], period)
            read = invitations.get(department_id) or no_invitations()
            invited[department_id] = _remember(key, read)
    return answers, invited


def _remember(key: tuple, rows) -> Entry:
    entry = _remembered[key] = Entry(key=key, rows=rows)
    while len(_remembered) > REMEMBERED:
        _remembered.popitem(last=False)
    return entry


def decided[T](entry: Entry, decision: tuple, decide: Callable[[], T]) -> T:
    """What ``decide()`` decides from ``entry``'s rows (kept with them while kept)."""
    with _remembered_lock:
        if decision in entry.decided:
            return entry.decided[decision]  # type: ignore[return-value]
    value = decide()
    if entry.key is not None:
        with _remembered_lock:
            entry.decided[decision] = value
    return value


def kept_with_counts[U](counts_key: tuple | None, what: tuple, read: Callable[[], U]) -> U:
    """``read()`` of the same department's answers for the same period (e.g. the
    questions' answers, counted with them), kept with the rows a protection was decided
    from (its ``counts_key``) until their stamp moves; read afresh when they are not kept."""
    key = counts_key
    with _remembered_lock:
        entry = _remembered.get(key) if key is not None else None
        if entry is not None and what in entry.also:
            return entry.also[what]  # type: ignore[return-value]
    value = read()
    if entry is not None:
        with _remembered_lock:
            entry.also[what] = value
    return value
