"""One department's scorecard: tiles, trend, breakdowns, questions and comments."""

import operator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loop.selectors.followups import named_low_score_counts
from requests_app.content import translated
from requests_app.models import Department
from requests_app.zones import site_midnight
from surveys.models import Question

from ..buckets import RESOLUTION_BUCKETS
from ..disclosure import TOTAL, Suppression
from ..models import ResponseDay
from ..selectors import resolution_median_estimates, whole_weeks
from ..selectors.comments import latest_comment_answers
from ..selectors.labels import breakdown_labels
from ..stats import (
    Figure,
    mean_change,
    median_rank_interval,
    nps_change,
    share_change,
)
from .common import (
    EMPTY_HEADLINE,
    Periods,
    TicketSums,
    count,
    csat,
    csat_mean,
    guarded,
    nps,
    person,
    ticket_sums_by_period,
)
from .protection import BREAKDOWNS, NOT_COVERED, department_protection
from .questions import question_results, state_of
from .results import (
    UNKNOWN_GROUP,
    BreakdownRow,
    CommentRow,
    DepartmentScorecard,
    Tile,
    Tiles,
    TrendPoint,
)
from .survey_counts import kept_in_parts
from .tiles import count_change, median_tile, share_tile
from .trend_units import TREND_UNITS, bucket_of, trend_buckets

Kind = Question.Kind
Dimension = ResponseDay.Dimension
LATEST_COMMENTS = 20


@dataclass(frozen=True)
class _Cells:
    """What one period's tiles read for the view shown: the disclosure decisions and sums."""

    suppressions: dict[str, Suppression]  # measure → which cells are hidden
    sums: dict  # the view's ResponseDay counters
    invitations: Suppression
    invited: tuple[int, int]  # (sent, answered)
    tickets: TicketSums


def department_scorecard(
    *,
    department: Department,
    start: datetime,
    end: datetime,
    request_type=None,
    version=None,
    trend_unit: str | None = None,
    include_agents: bool = True,
    include_low_scores: bool = True,
) -> DepartmentScorecard:
    """Everything a department's dashboard shows for ``[start, end)`` and the period before.

    ``start`` and ``end`` are local midnights. ``request_type`` and ``version`` (objects or
    ids) narrow every figure they apply to; tickets have no survey version, so volume,
    median, SLA and reopen rate ignore ``version``. Survey figures come out of the
    department's disclosure tables (``protection.department_protection``), which decide
    for every view at once which cells are hidden, so no view can be subtracted from
    another. ``trend_unit`` None chooses the unit from the data (the page's only choice).
    ``include_agents=False`` skips the per-agent breakdown for viewers who may not see it;
    ``include_low_scores=False`` the count of named low scores, which only the dashboard's
    follow-ups show. A fixed number of queries whatever the data size; reads only.
    """
    if trend_unit not in (None, *TREND_UNITS):
        raise ValueError("trend_unit must be None, 'week', 'month' or 'quarter'")
    request_type_id = getattr(request_type, "pk", request_type)
    version_id = getattr(version, "pk", version)
    previous_start = start - (end - start)
    protection = department_protection(
        department=department, start=start, end=end, trend_unit=trend_unit
    )
    view = (
        TOTAL if request_type_id is None else request_type_id,
        TOTAL if version_id is None else version_id,
    )

    # tickets: volume by creation day, resolution figures by resolution day
    tickets = ticket_sums_by_period(department.pk, request_type_id, start, end)
    # exact medians and their intervals: one histogram query, one indexed lookup
    estimates = resolution_median_estimates(
        periods={"current": (start, end), "previous": (previous_start, start)},
        department_id=department.pk,
        request_type_id=request_type_id,
        rank_interval=median_rank_interval,
    )
    medians = Periods(
        current=estimates.get((department.pk, "current")),
        previous=estimates.get((department.pk, "previous")),
    )

    def period_cells(current: bool) -> _Cells:
        return _Cells(
            protection.headline if current else protection.previous,
            protection.sums.of(current).get(view, EMPTY_HEADLINE),
            protection.invitations if current else protection.invitations_previous,
            protection.invitation_sums.of(current).get(view, (0, 0)),
            tickets.of(current),
        )

    cells = Periods(current=period_cells(True), previous=period_cells(False))

    def survey_figure(cell: _Cells, build, measure) -> Figure:
        return guarded(build(cell.sums), cell.suppressions[measure].of(view))

    def rate(cell: _Cells) -> Figure:
        sent, answered = cell.invited
        return guarded(Figure.share(answered, sent), cell.invitations.of(view))

    def tile(build, compare=None) -> Tile:
        """A tile; ``compare(now, before)`` takes the two periods' sums and gives the change."""
        current, previous = cells.map(build)
        shown = current.shown and previous.shown
        return Tile(
            current=current,
            previous=previous,
            change=compare(*sums) if compare and shown else None,
        )

    def responses(cell: _Cells) -> Figure:
        return count(cell.sums["responses"])

    sums = cells.map(lambda cell: cell.sums)
    tiles = Tiles(
        csat=tile(
            lambda p: survey_figure(p, csat, "csat"),
            lambda a, b: share_change(a["csat_good"], a["csat_n"], b["csat_good"], b["csat_n"]),
        ),
        csat_mean=tile(
            lambda p: survey_figure(p, csat_mean, "csat"),
            lambda a, b: mean_change(
                *(a["csat_sum"], a["csat_sum_sq"], a["csat_n"]),
                *(b["csat_sum"], b["csat_sum_sq"], b["csat_n"]),
            ),
        ),
        nps=tile(
            lambda p: survey_figure(p, nps, "nps"),
            lambda a, b: nps_change(
                *(a["nps_promoters"], a["nps_detractors"], a["nps_n"]),
                *(b["nps_promoters"], b["nps_detractors"], b["nps_n"]),
            ),
        ),
        responses=tile(responses, lambda a, b: count_change(a["responses"], b["responses"])),
        sent=tile(lambda cell: count(cell.invited[0])),
        answered=tile(lambda cell: count(cell.invited[1])),
        response_rate=Tile(*cells.map(rate)),
        volume=tile(
            lambda cell: count(cell.tickets.created),
            lambda _a, _b: count_change(tickets.current.created, tickets.previous.created),
        ),
        resolved=tile(lambda cell: count(cell.tickets.resolved)),
        median_resolve_seconds=median_tile(medians, tickets),
        sla_met=share_tile(tickets, "sla_met", "with_due"),
        reopen_rate=share_tile(tickets, "reopened", "resolved"),
    )
    rate_now, rate_before = tiles.response_rate.current, tiles.response_rate.previous
    if rate_now.shown and rate_before.shown:
        (sent_now, answered_now), (sent_before, answered_before) = (cell.invited for cell in cells)
        tiles = replace(
            tiles,
            response_rate=replace(
                tiles.response_rate,
                change=share_change(answered_now, sent_now, answered_before, sent_before),
            ),
        )

    request_types = [view[0]] if view[0] != TOTAL else protection.request_types
    # Breakdowns and the trend are kept for all survey versions together (see protection):
    # a view filtered by version shows none rather than figures of other versions.
    by_version = version_id is not None
    by_value = {
        dimension: {} if by_version else _breakdown_cells(protection, dimension, view)
        for dimension in BREAKDOWNS
    }
    labels = breakdown_labels(
        request_types,
        [value for value in by_value[Dimension.CUSTOMER] if value],
        [value for value in by_value[Dimension.AGENT] if value] if include_agents else [],
    )
    type_names = {pk: translated(row, "name") for pk, row in labels.request_types.items()}
    by_request_type = _by_request_type(protection, view, request_types, type_names)
    by_customer = _by_customer(by_value[Dimension.CUSTOMER], labels.departments)
    by_agent = _by_agent(by_value[Dimension.AGENT], labels.agents) if include_agents else None
    by_resolution, by_sla = [], []
    if not by_version:
        by_resolution = _fixed_rows(
            by_value[Dimension.RESOLUTION],
            [
                (index, key, label)
                for index, (key, label, _low, _high) in enumerate(RESOLUTION_BUCKETS)
            ],
        )
        by_sla = _fixed_rows(
            by_value[Dimension.SLA], [(1, True, _("SLA met")), (0, False, _("SLA missed"))]
        )

    # per-question distributions: only for all request types together (see question_results)
    questions = (
        question_results(department, start, end, version_id, protection)
        if request_type_id is None
        else []
    )
    trend = [] if by_version else _trend(protection, view, start, end)
    low_scores = (
        _named_low_scores(department, start, end, request_type_id, version_id, protection)
        if include_low_scores
        else None
    )
    view_hidden = state_of(protection.headline, view)
    comments_suppressed = bool(view_hidden) or not responses(cells.current).value
    comments = (
        []
        if comments_suppressed
        else _latest_comments(
            department, start, end, request_type_id, version_id, protection, type_names
        )
    )

    return DepartmentScorecard(
        department=department,
        start=start,
        end=end,
        previous_start=previous_start,
        request_type_id=request_type_id,
        version_id=version_id,
        tiles=tiles,
        by_request_type=by_request_type,
        by_customer_department=by_customer,
        by_agent=by_agent,
        by_resolution_time=by_resolution,
        by_sla=by_sla,
        questions=questions,
        questions_by_type_withheld=request_type_id is not None,
        breakdowns_by_version_withheld=by_version,
        trend=trend,
        trend_choice=protection.trend_choice,
        comments=comments,
        comments_suppressed=comments_suppressed,
        comments_hidden=view_hidden,
        anonymous=protection.anonymous,
        named_low_scores=low_scores,
    )


def _row(key, label, row: dict, states: dict | None = None) -> BreakdownRow:
    """A breakdown row; ``states`` maps each measure to its hidden state."""
    states = states or {}
    return BreakdownRow(
        key=key,
        label=label,
        responses=row["responses"],
        csat=guarded(csat(row), states.get("csat", "")),
        nps=guarded(nps(row), states.get("nps", "")),
        hidden=min((state for state in states.values() if state), default=""),
    )


def _most_answers_first(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    return sorted(
        rows, key=lambda row: (-row.responses, row.label == UNKNOWN_GROUP, str(row.label))
    )


def _by_request_type(protection, view, request_types, names: dict) -> list[BreakdownRow]:
    """One row per request type answered in the period (only the filtered one, if any)."""
    sums = protection.sums.current
    rows = []
    for request_type in request_types:
        key = (request_type, view[1])
        if not sums.get(key, EMPTY_HEADLINE)["responses"]:
            continue
        states = {m: suppression.of(key) for m, suppression in protection.headline.items()}
        rows.append(_row(request_type, names.get(request_type, UNKNOWN_GROUP), sums[key], states))
    return _most_answers_first(rows)


def _breakdown_cells(protection, dimension, view) -> dict[int, tuple[dict, dict]]:
    """The view's cells of one breakdown: {value: (sums, hidden state per measure)}."""
    suppressions = protection.breakdowns[dimension]
    out = {}
    sums = protection.breakdown_sums[dimension]
    for key in sums:  # the keys first: a row is made when asked
        request_type, version, value = key
        if (request_type, version) != view or value in (TOTAL, NOT_COVERED):
            continue
        row = sums[key]
        if row["responses"]:
            out[value] = (row, {m: s.of(key) for m, s in suppressions.items()})
    return out


def _by_customer(cells: dict[int, tuple[dict, dict]], labels) -> list[BreakdownRow]:
    names = {pk: translated(row, "name") for pk, row in labels.items()}
    return _most_answers_first(
        [
            _row(
                value or None,
                names.get(value, UNKNOWN_GROUP) if value else UNKNOWN_GROUP,
                row,
                state,
            )
            for value, (row, state) in cells.items()
        ]
    )


def _by_agent(cells: dict[int, tuple[dict, dict]], labels) -> list[BreakdownRow]:
    people = {
        pk: person(row["first_name"], row["last_name"], row["username"])
        for pk, row in labels.items()
    }
    return _most_answers_first(
        [
            _row(value or None, (people.get(value) if value else None) or UNKNOWN_GROUP, row, state)
            for value, (row, state) in cells.items()
        ]
    )


def _fixed_rows(cells: dict[int, tuple[dict, dict]], entries: list[tuple]) -> list[BreakdownRow]:
    """One row per known value, in the given order, listed even when empty."""
    return [
        _row(key, label, *cells.get(value, (EMPTY_HEADLINE, {}))) for value, key, label in entries
    ]


def _trend(protection, view, start: datetime, end: datetime) -> list[TrendPoint]:
    """CSAT, NPS and responses per bucket of the chosen unit, gaps filled."""
    tz = timezone.get_default_timezone()
    first = timezone.localdate(start, tz)
    last = timezone.localdate(end, tz) - timedelta(days=1)
    points = []
    for bucket in trend_buckets(first, last, protection.trend_choice.unit):
        key = (*view, bucket)
        row = protection.trend_sums.get(key, EMPTY_HEADLINE)
        states = {m: s.of(key) for m, s in protection.trend.items()} if row["responses"] else {}
        points.append(
            TrendPoint(
                bucket=bucket,
                responses=row["responses"],
                csat=guarded(csat(row), states.get("csat", "")),
                nps=guarded(nps(row), states.get("nps", "")),
                hidden=min((state for state in states.values() if state), default=""),
            )
        )
    return points


def _named_low_scores(department, start, end, request_type_id, version_id, protection) -> int:
    """The period's named answers with a low headline score, kept with the survey counts
    they change with (an answer moves their stamp): after an answer only the days from the
    rows' boundary are counted again, so the count costs the same at any data size."""
    tz = timezone.get_default_timezone()
    last_day = timezone.localdate(end, tz)

    def read(boundary: date, recent_only: bool) -> tuple[int, int]:
        split_at = end if boundary >= last_day else site_midnight(boundary)
        return named_low_score_counts(
            department.pk,
            start=max(start, split_at) if recent_only else start,
            end=end,
            split_at=split_at,
            request_type_id=request_type_id,
            version_id=version_id,
        )

    return kept_in_parts(
        protection.counts_key,
        ("named low scores", request_type_id, version_id),
        read,
        operator.add,
    )


def _latest_comments(
    department, start, end, request_type_id, version_id, protection, type_names: dict
) -> list[CommentRow]:
    """The newest comments; read from the responses (an index walk that stops at 20).

    Anonymous comments carry only the week they were given in, and their request type
    only where that type's group is shown in this view, so a comment cannot be matched
    to a ticket by its time or narrowed to a small group. They are listed only when their
    whole week lies in the period: otherwise moving the period's first or last day one
    day at a time would show the day a comment came in. ``type_names``: the request types'
    names in the reader's language, by id.
    """
    tz = timezone.get_default_timezone()
    first_day, after_last = timezone.localdate(start, tz), timezone.localdate(end, tz)
    whole_weeks_from, whole_weeks_to = whole_weeks(first_day, after_last)
    answers = latest_comment_answers(
        department_id=department.pk,
        start=start,
        end=end,
        anonymous_from=site_midnight(whole_weeks_from),
        anonymous_to=site_midnight(whole_weeks_to),
        request_type_id=request_type_id,
        version_id=version_id,
        limit=LATEST_COMMENTS,
    )
    version = TOTAL if version_id is None else version_id
    comments = []
    for answer in answers:
        anonymous = answer.anonymous
        request_type = type_names.get(answer.request_type_id)
        if anonymous:
            submitted_on = bucket_of(timezone.localdate(answer.submitted_at, tz), "week")
            if state_of(protection.headline, (answer.request_type_id, version)):
                request_type = None
        comments.append(
            CommentRow(
                text=answer.text,
                submitted_at=None if anonymous else answer.submitted_at,
                week_of=submitted_on if anonymous else None,
                headline_kind=answer.headline_kind,
                score=answer.score,
                request_type=request_type,
                anonymous=anonymous,
                ticket_reference=None if anonymous else answer.ticket_reference,
                requester_name=None
                if anonymous or answer.requester is None
                else person(*answer.requester),
                response_id=answer.response_id,
            )
        )
    if any(comment.anonymous for comment in comments):
        # Newest week first and, within a week, by text: the order says nothing of the
        # time an anonymous comment was given.
        def week(comment):
            return comment.week_of or bucket_of(
                timezone.localdate(comment.submitted_at, tz), "week"
            )

        comments.sort(key=lambda comment: (week(comment), comment.text), reverse=True)
    return comments
