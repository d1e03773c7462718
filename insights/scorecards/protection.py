"""The disclosure tables of one department and period: every view a reader can reach.

A lead can open the dashboard unfiltered, filtered by request type, by survey version or
both, and download each as CSV; all of those are margins of the same tables of
request type × version (× breakdown value). This module reads those tables from the
rollups in a fixed number of queries and decides, once for all views, which cells are
shown (``insights.disclosure``). The department scorecard then reads the view it was
asked for out of them, so every view hides the same cells.
"""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import product

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from surveys.models import SurveyVersion

from ..disclosure import TOTAL, Suppression, Table, counters, protect, protect_linked
from ..models import InvitationDay, ResponseDay, SurveyCountsStamp
from ..selectors import rollup_days, weeks_and_days
from ..stats import min_responses
from .common import HEADLINE_FIELDS, Periods, headline_sums
from .trend_units import (
    READABLE_SHARE,
    TREND_UNITS,
    TrendChoice,
    choose_trend_unit,
    part_bucket,
    trend_buckets,
)

Dimension = ResponseDay.Dimension
BREAKDOWNS = (Dimension.CUSTOMER, Dimension.AGENT, Dimension.RESOLUTION, Dimension.SLA)
# Breakdowns that do not cover every response: the rest is an unpublished value, so the
# breakdown's total is the headline (responses without a due date are not "by SLA").
NOT_COVERED = "none"
MEASURES = ("csat", "nps")


@dataclass
class Protection:
    """The suppression of every table a reader of one department's period can see.

    Each measure (CSAT, NPS) has its own tables: a group's CSAT and NPS stand on
    different answers, and may be hidden apart. Cells are keyed (request type id or
    TOTAL, version id or TOTAL[, value]); ``sums`` hold the ResponseDay counters of the
    headline cells, by period, for the figures.
    """

    headline: dict[str, Suppression]  # measure → suppression
    previous: dict[str, Suppression]
    invitations: Suppression
    invitations_previous: Suppression
    breakdowns: dict[str, dict[str, Suppression]]  # dimension → measure → suppression
    trend: dict[str, Suppression]
    trend_choice: TrendChoice
    sums: Periods[dict[tuple, dict]]  # cell → {counter: n}, per period
    breakdown_sums: dict[str, dict[tuple, dict]]  # dimension → (t, v, value) → counters
    trend_sums: dict[tuple, dict]  # (t, v, bucket) → counters
    invitation_sums: Periods[dict[tuple, tuple[int, int]]]  # cell → (sent, answered)
    request_types: list[int]
    versions: list[int]
    anonymous: bool
    # (department id, stamp, period) of the survey counts it was decided from, while this
    # process keeps them (see kept_with_counts)
    counts_key: tuple | None = None


def _measure_counters(row: dict, measure: str) -> tuple[int, ...]:
    """The counters of one measure: its answers and what the page shows of them."""
    if measure == "csat":
        n = row.get("csat_n") or 0
        return counters(
            responses=n,
            csat_n=n,
            csat_good=row.get("csat_good") or 0,
            csat_sum=row.get("csat_sum") or 0,
        )
    n = row.get("nps_n") or 0
    return counters(
        responses=n,
        nps_n=n,
        nps_promoters=row.get("nps_promoters") or 0,
        nps_detractors=row.get("nps_detractors") or 0,
    )


def _margins(atoms: dict[tuple, dict]) -> dict[tuple, dict]:
    """Every cell (each coordinate or TOTAL) of the atoms' table, with summed counters."""
    cells: dict[tuple, dict] = {}
    for key, row in atoms.items():
        for cell in product(*(((c, TOTAL) if c != TOTAL else (TOTAL,)) for c in key)):
            target = cells.setdefault(cell, dict.fromkeys(row, 0))
            for name, n in row.items():
                target[name] += n
    return cells


def _table(atoms: dict[tuple, dict], measure: str, unpublished=None) -> Table:
    """One measure's table of the atoms; each axis holds the values that measure has
    answers for (so a version without CSAT answers is not a CSAT group of its own)."""
    data = {key: _measure_counters(row, measure) for key, row in atoms.items()}
    data = {key: value for key, value in data.items() if value[0]}
    width = len(unpublished) if unpublished else len(next(iter(atoms), (TOTAL, TOTAL)))
    axes = tuple(tuple(sorted({key[i] for key in data}, key=str)) for i in range(width))
    return Table(
        axes=axes,
        atoms=data,
        unpublished=tuple(unpublished or (frozenset() for _ in range(width))),
    )


def department_protection(
    *, department, start: datetime, end: datetime, trend_unit: str | None = None
) -> Protection:
    """Read one department's tables for ``[start, end)`` and the period before, and
    decide which cells every view may show. Five queries whatever the data size."""
    return protections(start=start, end=end, department=department, trend_unit=trend_unit)[
        department.pk
    ]


@dataclass
class _Rows:
    """One department's rollup rows, as read by ``protections``."""

    headline: Periods[dict[tuple, dict]] = field(default_factory=lambda: Periods({}, {}))
    breakdowns: dict[str, dict[tuple, dict]] = field(
        default_factory=lambda: {d: {} for d in BREAKDOWNS}
    )
    # Answers per request type and part (a week's days within one month), all versions:
    # the trend's atoms in any unit, ~5× fewer rows than per day.
    trend_parts: list[dict] = field(default_factory=list)
    invited: Periods[dict[tuple, tuple[int, int]]] = field(default_factory=lambda: Periods({}, {}))

    def is_empty(self) -> bool:
        return not (
            any(self.headline)
            or any(self.breakdowns.values())
            or self.trend_parts
            or any(self.invited)
        )


def protections(
    *, start: datetime, end: datetime, department=None, trend_unit: str | None = None
) -> dict[int, Protection]:
    """The protection of every department (or of ``department``) for ``[start, end)``,
    keyed by department id (a department without answers gets an empty one when asked
    for by name). The organisation view uses it, so its figures hide exactly what each
    department's dashboard hides. Reads only: the departments' stamps, the rows of those
    whose stamp moved since this process last read them (four queries, none when no stamp
    moved) and which survey versions are anonymous."""
    period = (start, end, timezone.get_default_timezone_name())
    stamps = _stamps(department)
    known: dict[int, _Rows] = {}
    with _remembered_lock:
        for department_id, changes in stamps.items():
            entry = _remembered.get((department_id, changes, period))
            if entry is not None:
                _remembered.move_to_end((department_id, changes, period))
                known[department_id] = entry.rows
    # Only departments with a stamp have survey counts (see SurveyCountsStamp).
    unread = [department_id for department_id in stamps if department_id not in known]
    read = _read_rows(start, end, unread) if unread else {}
    with _remembered_lock:
        for department_id in unread:
            rows = read.get(department_id) or _Rows()
            known[department_id] = rows
            _remember((department_id, stamps[department_id], period), _Remembered(rows))
    if department is not None:
        known.setdefault(department.pk, _Rows())
    else:
        known = {
            department_id: rows for department_id, rows in known.items() if not rows.is_empty()
        }
    # Which of these versions are anonymous (their small counts are hidden too): asked
    # every time, as a survey's anonymity is not a count.
    versions = {key[1] for one in known.values() for period_ in one.headline for key in period_}
    anonymous = set(
        SurveyVersion.objects.filter(pk__in=versions, survey__anonymous=True).values_list(
            "pk", flat=True
        )
        if versions
        else ()
    )
    return {
        department_id: _protect_remembered(
            department_id, stamps.get(department_id), period, rows, anonymous, trend_unit
        )
        for department_id, rows in known.items()
    }


def _stamps(department) -> dict[int, int]:
    stamps = SurveyCountsStamp.objects.all()
    if department is not None:
        stamps = stamps.filter(department=department)
    return dict(stamps.values_list("department_id", "changes"))


def _read_rows(start: datetime, end: datetime, department_ids: list[int]) -> dict[int, _Rows]:
    """These departments' rollup rows for ``[start, end)`` and the period before: four
    queries whatever the data size."""
    previous_start = start - (end - start)
    first_day = timezone.localdate(start, timezone.get_default_timezone())
    responses = ResponseDay.objects.filter(department__in=department_ids)
    invitations = InvitationDay.objects.filter(department__in=department_ids)
    rows: dict[int, _Rows] = defaultdict(_Rows)
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
    # 2. breakdown atoms of the period (week rows for whole weeks, day rows at the ends)
    for row in (
        responses.filter(weeks_and_days(start, end), dimension__in=BREAKDOWNS)
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
    # 4. invitations sent in each period and answered since
    for row in (
        invitations.filter(rollup_days(previous_start, end))
        .annotate(current=current)
        .order_by()
        .values("department", "request_type", "version", "current")
        .annotate(sent=Sum("sent"), answered=Sum("answered"))
    ):
        invited = rows[row["department"]].invited.of(row["current"])
        invited[(row["request_type"], row["version"])] = (
            row["sent"] or 0,
            row["answered"] or 0,
        )
    return rows


# Reading a department's rows and searching for its hidden cells are most of a dashboard's
# and the organisation view's work, and both depend only on its survey counts. So each
# process keeps what it read and decided per department and period, under the department's
# stamp (SurveyCountsStamp), read before the rows: a change commits its rows with a new
# stamp, so rows kept under a stamp are never older than it, and a page read again before
# anything new was counted reads no rows and runs no search.
REMEMBERED = 512


@dataclass
class _Remembered:
    rows: _Rows
    # (anonymous versions among them, trend unit, k) → the protection decided from the rows
    decided: dict[tuple, Protection] = field(default_factory=dict)
    # other reads of the same counts, by what they are (kept_with_counts)
    also: dict[tuple, object] = field(default_factory=dict)


_remembered: OrderedDict[tuple, _Remembered] = OrderedDict()
_remembered_lock = threading.Lock()


def _remember(key: tuple, entry: _Remembered) -> None:
    _remembered[key] = entry
    while len(_remembered) > REMEMBERED:
        _remembered.popitem(last=False)


def _protect_remembered(
    department_id: int, changes: int | None, period: tuple, rows: _Rows, anonymous: set, trend_unit
) -> Protection:
    start, end, _zone = period
    versions = {key[1] for periods in (rows.headline, rows.invited) for p in periods for key in p}
    decision = (tuple(sorted(versions & anonymous)), trend_unit, min_responses())
    with _remembered_lock:
        entry = _remembered.get((department_id, changes, period))
        if entry is not None and entry.rows is rows and decision in entry.decided:
            return entry.decided[decision]
    protection = _protect(rows, start, end, anonymous, trend_unit)
    if entry is not None and entry.rows is rows:
        protection.counts_key = (department_id, changes, period)
        with _remembered_lock:
            entry.decided[decision] = protection
    return protection


def kept_with_counts[T](protection: Protection, what: tuple, read: Callable[[], T]) -> T:
    """``read()`` of the same department's survey counts for the same period (e.g. the
    questions' answers, bumped with them), kept with the rows ``protection`` was decided
    from until its stamp moves; read afresh when they are not kept."""
    key = protection.counts_key
    with _remembered_lock:
        entry = _remembered.get(key) if key is not None else None
        if entry is not None and what in entry.also:
            return entry.also[what]  # type: ignore[return-value]
    value = read()
    if entry is not None:
        with _remembered_lock:
            entry.also[what] = value
    return value


def _protect(rows: _Rows, start, end, anonymous_versions: set, trend_unit) -> Protection:
    """Decide, for one department, which cells of its tables every view may show."""
    k = min_responses()
    tz = timezone.get_default_timezone()
    first_day = timezone.localdate(start, tz)
    last_day = timezone.localdate(end, tz) - timedelta(days=1)
    headline, invited, parts = rows.headline, rows.invited, rows.trend_parts
    request_types = sorted(
        {key[0] for period in headline for key in period}
        | {key[0] for period in invited for key in period}
    )
    versions = sorted(
        {key[1] for period in headline for key in period}
        | {key[1] for period in invited for key in period}
    )
    anonymous = any(version in anonymous_versions for version in versions)
    prev = {m: protect(_table(headline.previous, m), k) for m in MEASURES}

    def invitation_table(atoms):
        return Table(
            axes=(tuple(request_types), tuple(versions)),
            atoms={
                key: counters(responses=sent, csat_n=sent, csat_good=answered)
                for key, (sent, answered) in atoms.items()
            },
        )

    # The breakdowns' atoms, each covering every response (the rest unpublished). They
    # are for all survey versions together (the version filter narrows the headline and
    # the questions only): a third filter axis would hide far more to stay safe.
    linked_atoms, unpublished = {}, {}
    breakdown_sums = {}
    for dimension in BREAKDOWNS:
        atoms = _all_versions(rows.breakdowns[dimension])
        unpublished[dimension] = frozenset()
        if dimension in (Dimension.RESOLUTION, Dimension.SLA):
            atoms = _with_rest(atoms, _all_versions(headline.current))
            unpublished[dimension] = frozenset({NOT_COVERED})
        linked_atoms[dimension] = atoms
        breakdown_sums[dimension] = _margins(atoms)
    per_part: dict[tuple[date, date], int] = defaultdict(int)
    for row in parts:
        per_part[(row["week"], row["month"])] += row["responses"] or 0
    choice = choose_trend_unit(per_part, first_day, last_day)
    readable = dict(choice.readable)
    # The unit with enough answers may still have its points hidden to protect smaller
    # groups; then the next coarser unit, until most of the trend can be shown.
    units = [trend_unit] if trend_unit else list(TREND_UNITS[TREND_UNITS.index(choice.unit) :])
    for unit in units:
        trend_atoms = _trend_atoms(parts, unit)
        linked_atoms["trend"], unpublished["trend"] = trend_atoms, frozenset()
        head, linked = _protect_linked(headline.current, linked_atoms, unpublished, k)
        buckets = trend_buckets(first_day, last_day, unit)
        trend_sums = _margins(trend_atoms)
        shown = sum(_shown_point(trend_sums, linked["trend"], bucket, k) for bucket in buckets)
        readable[unit] = (shown, len(buckets))
        if shown > READABLE_SHARE * len(buckets):
            break
    trend = linked.pop("trend")
    breakdowns = linked
    choice = TrendChoice(unit=unit, readable=readable)

    return Protection(
        headline=head,
        previous=prev,
        invitations=protect(invitation_table(invited.current), k),
        invitations_previous=protect(invitation_table(invited.previous), k),
        breakdowns=breakdowns,
        trend=trend,
        trend_choice=choice,
        sums=headline.map(_margins),
        breakdown_sums=breakdown_sums,
        trend_sums=trend_sums,
        invitation_sums=invited.map(_invitation_margins),
        request_types=request_types,
        versions=versions,
        anonymous=anonymous,
    )


def _invitation_margins(atoms: dict[tuple, tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
    """(sent, answered) of every cell, summed from the atoms as ``_margins`` sums counters."""
    margins = _margins({key: {"sent": s, "answered": a} for key, (s, a) in atoms.items()})
    return {key: (row["sent"], row["answered"]) for key, row in margins.items()}


def _all_versions(atoms: dict[tuple, dict]) -> dict[tuple, dict]:
    """The atoms summed over survey versions (the version coordinate becomes TOTAL)."""
    out: dict[tuple, dict] = {}
    for (request_type, _version, *rest), row in atoms.items():
        target = out.setdefault((request_type, TOTAL, *rest), dict.fromkeys(row, 0))
        for name, n in row.items():
            target[name] += n or 0
    return out


def _trend_atoms(parts: list[dict], unit: str) -> dict[tuple, dict]:
    """The trend's atoms: sums per request type and bucket of ``unit`` (all versions)."""
    atoms: dict[tuple, dict] = {}
    for row in parts:
        key = (row["request_type"], TOTAL, part_bucket((row["week"], row["month"]), unit))
        target = atoms.setdefault(key, dict.fromkeys(HEADLINE_FIELDS, 0))
        for name in HEADLINE_FIELDS:
            target[name] += row[name] or 0
    return atoms


def _protect_linked(headline: dict, linked_atoms: dict, unpublished: dict, k: int):
    """One linked protection per measure: the headline, every breakdown and the trend."""
    head, linked = {}, {name: {} for name in linked_atoms}
    for measure in MEASURES:
        tables = [
            _table(atoms, measure, [frozenset(), frozenset(), unpublished[name]])
            for name, atoms in linked_atoms.items()
        ]
        head[measure], suppressions = protect_linked(_table(headline, measure), tables, k, axis=2)
        for name, suppression in zip(linked_atoms, suppressions, strict=True):
            linked[name][measure] = suppression
    return head, linked


def _shown_point(trend_sums: dict, suppressions: dict, bucket, k: int) -> bool:
    """Does the unfiltered trend show this bucket's figure (a measure with ≥ k answers,
    not hidden)?"""
    key = (TOTAL, TOTAL, bucket)
    sums = trend_sums.get(key)
    if not sums:
        return False
    return any(
        sums[f"{measure}_n"] >= k and not suppression.of(key)
        for measure, suppression in suppressions.items()
    )


def _with_rest(atoms: dict[tuple, dict], headline: dict[tuple, dict]) -> dict[tuple, dict]:
    """The breakdown's atoms plus, per type and version, the responses it does not cover."""
    covered: dict[tuple, dict] = {}
    for (request_type, version, _value), row in atoms.items():
        target = covered.setdefault((request_type, version), dict.fromkeys(HEADLINE_FIELDS, 0))
        for name in HEADLINE_FIELDS:
            target[name] += row[name] or 0
    out = dict(atoms)
    for key, row in headline.items():
        seen = covered.get(key, {})
        rest = {name: (row[name] or 0) - (seen.get(name) or 0) for name in HEADLINE_FIELDS}
        if rest["responses"]:
            out[(*key, NOT_COVERED)] = rest
    return out
