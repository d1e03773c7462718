"""The disclosure tables of one department and period: every view a reader can reach.

A lead can open the dashboard unfiltered, filtered by request type, by survey version or
both, and download each as CSV; all of those are margins of the same tables of
request type × version (× breakdown value). This module reads those tables from the
rollups in a fixed number of queries and decides, once for all views, which cells are
shown (``insights.disclosure``). The department scorecard then reads the view it was
asked for out of them, so every view hides the same cells.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from surveys.models import SurveyVersion

from ..disclosure import (
    TOTAL,
    Suppression,
    Table,
    counters,
    protect,
    protect_linked,
    with_margins,
)
from ..models import ResponseDay
from ..stats import min_responses
from .common import HEADLINE_FIELDS, Periods
from .shared_decisions import shared_each
from .survey_counts import (
    BREAKDOWNS,
    Entry,
    Invited,
    Rows,
    decided,
    decided_each,
    entries,
    no_invitations,
    stamps_of,
)
from .trend_units import (
    READABLE_SHARE,
    TREND_UNITS,
    TrendChoice,
    choose_trend_unit,
    part_bucket,
    trend_buckets,
)

Dimension = ResponseDay.Dimension
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


@dataclass(frozen=True)
class _Sums:
    """One table's atoms (rows of ResponseDay counters by key) and every margin of theirs,
    summed once: the page's figures (``rows``) and each measure's disclosure table
    (``table``) are both read from them."""

    atoms: dict[tuple, dict]
    names: tuple[str, ...]
    cells: dict[tuple, tuple[int, ...]]

    @classmethod
    def of(cls, atoms: dict[tuple, dict]) -> "_Sums":
        names = tuple(next(iter(atoms.values()), ()))
        summed = with_margins(
            (key, tuple(row[name] for name in names)) for key, row in atoms.items()
        )
        return cls(atoms=atoms, names=names, cells=summed)

    def rows(self) -> "_Rows":
        """Every cell (each coordinate or TOTAL) with its summed counters by name."""
        return _Rows(self.names, self.cells)

    def table(self, measure: str, unpublished=None) -> Table:
        """One measure's table; each axis holds the values that measure has answers for
        (so a version without CSAT answers is not a CSAT group of its own)."""
        n_name = f"{measure}_n"
        width = len(unpublished) if unpublished else len(next(iter(self.atoms), (TOTAL, TOTAL)))
        answered = [key for key, row in self.atoms.items() if row.get(n_name)]
        axes = tuple(tuple(sorted({key[i] for key in answered}, key=str)) for i in range(width))
        margins = {}
        if self.cells:
            n, project = _projection(self.names, measure)
            margins = {key: project(v) for key, v in self.cells.items() if v[n]}
        return Table(
            axes=axes,
            atoms={},
            unpublished=tuple(unpublished or (frozenset() for _ in range(width))),
            margins=margins,
        )


def _projection(names: tuple[str, ...], measure: str) -> tuple[int, Callable]:
    """Where a summed cell (counters in ``names``' order) holds the measure's answers, and
    how to read its counters as the measure's disclosure cell."""
    at = names.index
    n = at(f"{measure}_n")
    if measure == "csat":
        good, total = at("csat_good"), at("csat_sum")
        return n, lambda v: counters(
            responses=v[n], csat_n=v[n], csat_good=v[good], csat_sum=v[total]
        )
    up, down = at("nps_promoters"), at("nps_detractors")
    return n, lambda v: counters(
        responses=v[n], nps_n=v[n], nps_promoters=v[up], nps_detractors=v[down]
    )


class _Rows(Mapping[tuple, dict]):
    """Cells' summed counters by name, each made when asked: a page reads a few of the
    many cells its tables have (one view's), and the organisation view only the totals."""

    __slots__ = ("cells", "names")

    def __init__(self, names: tuple[str, ...], cells: dict[tuple, tuple[int, ...]]):
        self.names, self.cells = names, cells

    def __getitem__(self, key: tuple) -> dict:
        return dict(zip(self.names, self.cells[key], strict=True))

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)


def department_protection(
    *, department, start: datetime, end: datetime, trend_unit: str | None = None
) -> Protection:
    """Read one department's tables for ``[start, end)`` and the period before, and
    decide which cells every view may show. Five queries at most whatever the data size."""
    return protections(start=start, end=end, department=department, trend_unit=trend_unit)[
        department.pk
    ]


def protections(
    *, start: datetime, end: datetime, department=None, trend_unit: str | None = None
) -> dict[int, Protection]:
    """The protection of every department (or of ``department``) for ``[start, end)``,
    keyed by department id (a department without answers gets an empty one when asked
    for by name). The organisation view uses it, so its figures hide exactly what each
    department's dashboard hides. Reads only: the departments' stamps, the rows of those
    whose stamps moved since this process last read them (four queries at most, none when
    no stamp moved, the answers' of recent days only when the rest is kept: see
    ``survey_counts``; seven when some departments' earlier days are kept and others' not)
    and which survey versions are anonymous."""
    period = (start, end, timezone.get_default_timezone_name())
    stamps = stamps_of(department)
    answers, invited = entries(stamps, period)
    empty = Entry(key=None, rows=Rows()), Entry(key=None, rows=no_invitations())
    if department is not None:
        wanted = [department.pk]
    else:
        wanted = [
            department_id
            for department_id in stamps
            if not answers[department_id].rows.is_empty() or any(invited[department_id].rows)
        ]
    found = {
        department_id: (
            answers.get(department_id, empty[0]),
            invited.get(department_id, empty[1]),
        )
        for department_id in wanted
    }
    # Which of these versions are anonymous (their small counts are hidden too): asked
    # every time, as a survey's anonymity is not a count.
    versions = {
        key[1]
        for answered, sent in found.values()
        for periods in (answered.rows.headline, sent.rows)
        for one in periods
        for key in one
    }
    anonymous = set(
        SurveyVersion.objects.filter(pk__in=versions, survey__anonymous=True).values_list(
            "pk", flat=True
        )
        if versions
        else ()
    )
    k = min_responses()
    # Decided by one web process for all: after an answer, each would decide the same
    # again from the same rows (see shared_decisions).
    of_answers = decided_each(
        {department_id: answered for department_id, (answered, _sent) in found.items()},
        (trend_unit, k),
        lambda undecided: shared_each(
            {department_id: entry.rows for department_id, entry in undecided.items()},
            (start, end, period[2], trend_unit, k),
            lambda rows: _protect_answers(rows, start, end, trend_unit, k),
        ),
    )
    return {
        department_id: _protection(answered, sent, of_answers[department_id], anonymous, k)
        for department_id, (answered, sent) in found.items()
    }


@dataclass
class _AnswersProtection:
    """What the answers' rows decide: every table but the invitations'."""

    headline: dict[str, Suppression]
    previous: dict[str, Suppression]
    breakdowns: dict[str, dict[str, Suppression]]
    trend: dict[str, Suppression]
    trend_choice: TrendChoice
    sums: Periods[dict[tuple, dict]]
    breakdown_sums: dict[str, dict[tuple, dict]]
    trend_sums: dict[tuple, dict]


def _protection(
    answered: Entry,
    sent: Entry,
    of_answers: _AnswersProtection,
    anonymous_versions: set,
    k: int,
) -> Protection:
    """One department's protection from its kept (or just read) rows and what was decided
    from its answers' rows."""
    rows: Rows = answered.rows  # type: ignore[assignment]
    invited: Invited = sent.rows  # type: ignore[assignment]
    request_types = sorted(
        {key[0] for period in rows.headline for key in period}
        | {key[0] for period in invited for key in period}
    )
    versions = sorted(
        {key[1] for period in rows.headline for key in period}
        | {key[1] for period in invited for key in period}
    )

    def invitation_tables() -> Periods[Suppression]:
        # axes of every type and version with answers or invitations: the answers' stamp
        # is part of what this is decided under
        return invited.map(
            lambda atoms: protect(
                Table(
                    axes=(tuple(request_types), tuple(versions)),
                    atoms={
                        key: counters(responses=sent, csat_n=sent, csat_good=answered)
                        for key, (sent, answered) in atoms.items()
                    },
                ),
                k,
            )
        )

    of_invitations = decided(sent, (answered.key, k), invitation_tables)
    return Protection(
        headline=of_answers.headline,
        previous=of_answers.previous,
        invitations=of_invitations.current,
        invitations_previous=of_invitations.previous,
        breakdowns=of_answers.breakdowns,
        trend=of_answers.trend,
        trend_choice=of_answers.trend_choice,
        sums=of_answers.sums,
        breakdown_sums=of_answers.breakdown_sums,
        trend_sums=of_answers.trend_sums,
        invitation_sums=invited.map(_invitation_margins),
        request_types=request_types,
        versions=versions,
        anonymous=any(version in anonymous_versions for version in versions),
        counts_key=answered.key,
    )


def _protect_answers(rows: Rows, start, end, trend_unit, k: int) -> _AnswersProtection:
    """Decide, for one department, which cells of its answers' tables every view may show."""
    tz = timezone.get_default_timezone()
    first_day = timezone.localdate(start, tz)
    last_day = timezone.localdate(end, tz) - timedelta(days=1)
    headline, parts = rows.headline, rows.trend_parts
    headline_sums = headline.map(_Sums.of)
    prev = {m: protect(headline_sums.previous.table(m), k) for m in MEASURES}

    # The breakdowns' atoms, each covering every response (the rest unpublished). They
    # are for all survey versions together (the version filter narrows the headline and
    # the questions only): a third filter axis would hide far more to stay safe.
    linked_sums, unpublished = {}, {}
    breakdown_sums = {}
    for dimension in BREAKDOWNS:
        atoms = _all_versions(rows.breakdowns[dimension])
        unpublished[dimension] = frozenset()
        if dimension in (Dimension.RESOLUTION, Dimension.SLA):
            atoms = _with_rest(atoms, _all_versions(headline.current))
            unpublished[dimension] = frozenset({NOT_COVERED})
        linked_sums[dimension] = _Sums.of(atoms)
        breakdown_sums[dimension] = linked_sums[dimension].rows()
    per_part: dict[tuple[date, date], int] = defaultdict(int)
    for row in parts:
        per_part[(row["week"], row["month"])] += row["responses"] or 0
    choice = choose_trend_unit(per_part, first_day, last_day)
    readable = dict(choice.readable)
    # The unit with enough answers may still have its points hidden to protect smaller
    # groups; then the next coarser unit, until most of the trend can be shown.
    units = [trend_unit] if trend_unit else list(TREND_UNITS[TREND_UNITS.index(choice.unit) :])
    for unit in units:
        trend_atoms = _Sums.of(_trend_atoms(parts, unit))
        linked_sums["trend"], unpublished["trend"] = trend_atoms, frozenset()
        head, linked = _protect_linked(headline_sums.current, linked_sums, unpublished, k)
        buckets = trend_buckets(first_day, last_day, unit)
        trend_sums = trend_atoms.rows()
        shown = sum(_shown_point(trend_sums, linked["trend"], bucket, k) for bucket in buckets)
        readable[unit] = (shown, len(buckets))
        if shown > READABLE_SHARE * len(buckets):
            break
    trend = linked.pop("trend")
    return _AnswersProtection(
        headline=head,
        previous=prev,
        breakdowns=linked,
        trend=trend,
        trend_choice=TrendChoice(unit=unit, readable=readable),
        sums=headline_sums.map(_Sums.rows),
        breakdown_sums=breakdown_sums,
        trend_sums=trend_sums,
    )


def _invitation_margins(atoms: dict[tuple, tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
    """(sent, answered) of every cell, summed from the atoms."""
    return with_margins(atoms.items())  # type: ignore[return-value]


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


def _protect_linked(headline: _Sums, linked: dict[str, _Sums], unpublished: dict, k: int):
    """One linked protection per measure: the headline, every breakdown and the trend."""
    head, by_name = {}, {name: {} for name in linked}
    for measure in MEASURES:
        tables = [
            sums.table(measure, [frozenset(), frozenset(), unpublished[name]])
            for name, sums in linked.items()
        ]
        head[measure], suppressions = protect_linked(headline.table(measure), tables, k, axis=2)
        for name, suppression in zip(linked, suppressions, strict=True):
            by_name[name][measure] = suppression
    return head, by_name


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
