"""Dashboard selectors: a department's scorecard, the organisation overview, the matrix.

Every figure is a SQL aggregate (conditional ``Count``/``Avg`` with ``filter=``); no rows
are loaded to be counted, and each selector runs a fixed number of queries whatever
the data size. The current period is ``[start, end)``; the previous period is the one of
the same length just before it. Rates are ``stats.Figure`` objects, suppressed below
``ICSAT_MIN_RESPONSES``; callers scope access (who may see which department) before
calling.

Medians of time to resolve are exact. On PostgreSQL they come from
``percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_at - created_at)`` inside the
same aggregate query as the other ticket figures. Elsewhere (SQLite) one extra query
numbers the durations with ``ROW_NUMBER()``/``COUNT(*)`` windows per group and keeps only
the middle one or two rows of each group, which are averaged: the database sorts, at
most two rows per group come back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, Trunc
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models import Department, Ticket

from .models import Answer, Invitation, Question, Response
from .stats import Change, Figure, change, min_responses

Kind = Question.Kind
HOUR = 3600
DAY = 24 * HOUR
# (key, label, lower bound in seconds inclusive, upper bound exclusive)
RESOLUTION_BUCKETS = (
    ("lt_4h", _("< 4 h"), 0, 4 * HOUR),
    ("4h_24h", _("4–24 h"), 4 * HOUR, DAY),
    ("1d_3d", _("1–3 days"), DAY, 3 * DAY),
    ("gt_3d", _("> 3 days"), 3 * DAY, None),
)
DISTRIBUTION_KINDS = (Kind.CSAT, Kind.NPS, Kind.YES_NO, Kind.CHOICE)
LATEST_COMMENTS = 20


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Tile:
    """A headline figure for the period and the previous period of the same length."""

    current: Figure
    previous: Figure

    @property
    def change(self) -> Change | None:
        return change(self.current, self.previous)


@dataclass(frozen=True)
class Tiles:
    """The headline tiles. Shares are 0..1, NPS −100..100, the median in seconds.

    ``responses``, ``sent`` and ``volume`` are plain counts (never suppressed); the others
    are suppressed below the minimum number of observations behind them: answers for
    CSAT/mean/NPS, sent invitations for the response rate, resolved tickets for the
    median, SLA and reopen rate.
    """

    csat: Tile
    csat_mean: Tile
    nps: Tile
    responses: Tile
    sent: Tile
    response_rate: Tile
    volume: Tile
    resolved: Tile
    median_resolve_seconds: Tile
    sla_met: Tile
    reopen_rate: Tile


@dataclass(frozen=True)
class BreakdownRow:
    """CSAT (and NPS) of one group of the period's responses."""

    key: object
    label: str
    responses: int
    csat: Figure
    nps: Figure


@dataclass(frozen=True)
class TrendPoint:
    bucket: date
    responses: int
    csat: Figure
    nps: Figure


@dataclass(frozen=True)
class CommentRow:
    """A comment; on anonymous surveys reference, requester and agent are always None."""

    text: str
    submitted_at: datetime
    headline_kind: str
    score: int | None
    request_type: str | None
    anonymous: bool
    ticket_reference: str | None
    requester_name: str | None
    agent_name: str | None


@dataclass(frozen=True)
class QuestionResult:
    """How often each value was chosen; ``counts`` is empty when suppressed."""

    question_id: int
    version_number: int
    position: int
    kind: str
    text: str
    n: int
    counts: list[tuple[str, int]]
    suppressed: bool


@dataclass(frozen=True)
class DepartmentScorecard:
    department: Department
    start: datetime
    end: datetime
    previous_start: datetime
    request_type_id: int | None
    version_id: int | None
    tiles: Tiles
    by_request_type: list[BreakdownRow]
    by_customer_department: list[BreakdownRow]
    by_agent: list[BreakdownRow] | None
    by_resolution_time: list[BreakdownRow]
    by_sla: list[BreakdownRow]
    questions: list[QuestionResult]
    trend: list[TrendPoint]
    comments: list[CommentRow]
    comments_suppressed: bool
    median_is_exact: bool = True


@dataclass(frozen=True)
class OverviewRow:
    department: Department
    csat: Figure
    csat_previous: Figure
    responses: int
    sent: int
    response_rate: Figure
    volume: int
    median_resolve_seconds: Figure
    sla_met: Figure
    median_is_exact: bool = True

    @property
    def trend(self) -> Change | None:
        return change(self.csat, self.csat_previous)


@dataclass(frozen=True)
class Matrix:
    """Customer department (rows) × provider department (columns); cells keyed (row, col)."""

    rows: list[tuple[int | None, str]]
    columns: list[tuple[int, str]]
    cells: dict[tuple[int | None, int], Figure] = field(default_factory=dict)

    def cell(self, row_id, column_id) -> Figure:
        return self.cells.get((row_id, column_id), Figure.of(None, 0))


# ---------------------------------------------------------------- building blocks


class Median(Aggregate):
    """PostgreSQL's exact ``percentile_cont(0.5)``; takes ``filter=`` like any aggregate."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"


def _duration():
    return ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


def _between(field_name: str, start, end) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _headline_aggregates(prefix: str = "", when: Q | None = None) -> dict:
    """Conditional aggregates for CSAT, mean score, NPS and responses of one slice."""

    def only(condition: Q | None) -> Q | None:
        if when is None:
            return condition
        return when if condition is None else when & condition

    csat = Q(headline_kind=Kind.CSAT, headline_score__isnull=False)
    nps = Q(headline_kind=Kind.NPS, headline_score__isnull=False)
    return {
        f"{prefix}responses": Count("pk", filter=only(None)),
        f"{prefix}csat_n": Count("pk", filter=only(csat)),
        f"{prefix}csat_good": Count("pk", filter=only(csat & Q(headline_score__gte=4))),
        f"{prefix}csat_mean": Avg("headline_score", filter=only(csat)),
        f"{prefix}nps_n": Count("pk", filter=only(nps)),
        f"{prefix}nps_promoters": Count("pk", filter=only(nps & Q(headline_score__gte=9))),
        f"{prefix}nps_detractors": Count("pk", filter=only(nps & Q(headline_score__lte=6))),
    }


def _csat(row: dict, prefix: str = "") -> Figure:
    return Figure.share(row[f"{prefix}csat_good"], row[f"{prefix}csat_n"])


def _nps(row: dict, prefix: str = "") -> Figure:
    return Figure.net_promoter(
        row[f"{prefix}nps_promoters"], row[f"{prefix}nps_detractors"], row[f"{prefix}nps_n"]
    )


def _count(n: int | None) -> Figure:
    """A plain count: shown whatever its size."""
    return Figure(value=n or 0, n=n or 0)


def _seconds(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000  # a bare microsecond count from a backend


def _medians(tickets, group: str, when: Q) -> dict:
    """Exact median duration per value of ``group`` among ``tickets`` matching ``when``.

    One query: window functions number each group's durations and count them; only the
    middle row (odd count) or two rows (even count) come back and are averaged here.
    """
    ranked = (
        tickets.filter(when)
        .annotate(
            duration=_duration(),
            rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F("duration").asc()]),
            total=Window(Count("pk"), partition_by=[F(group)]),
        )
        .filter(rank__gte=(F("total") + 1) / 2, rank__lte=(F("total") + 2) / 2)
        .values_list(group, "duration")
    )
    middles: dict = {}
    for key, duration in ranked:
        middles.setdefault(key, []).append(_seconds(duration))
    return {key: sum(values) / len(values) for key, values in middles.items()}


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _buckets(start: datetime, end: datetime, unit: str) -> list[date]:
    """Every week (Mondays) or month start from ``start`` up to ``end``, local time."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end - timedelta(microseconds=1)).date()
    if unit == "week":
        day = first - timedelta(days=first.weekday())
        out = []
        while day <= last:
            out.append(day)
            day += timedelta(days=7)
        return out
    day = first.replace(day=1)
    out = []
    while day <= last:
        out.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _bucket_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _person(first: str | None, last: str | None, username: str | None) -> str | None:
    name = f"{first or ''} {last or ''}".strip()
    return name or username


# ---------------------------------------------------------------- department scorecard


def department_scorecard(
    *,
    department: Department,
    start: datetime,
    end: datetime,
    request_type=None,
    version=None,
    trend_unit: str = "week",
    include_agents: bool = True,
) -> DepartmentScorecard:
    """Everything a department's dashboard shows for ``[start, end)`` and the period before.

    ``request_type`` and ``version`` (objects or ids) narrow every figure they apply to;
    tickets have no survey version, so volume, median, SLA and reopen rate ignore
    ``version``. ``include_agents=False`` skips the per-agent breakdown for viewers who
    may not see it. Runs at most 12 queries on PostgreSQL and 13 elsewhere, whatever the
    data size (fewer when there is nothing to show); reads only.
    """
    if trend_unit not in ("week", "month"):
        raise ValueError("trend_unit must be 'week' or 'month'")
    request_type_id = getattr(request_type, "pk", request_type)
    version_id = getattr(version, "pk", version)
    previous_start = start - (end - start)
    current = _between("submitted_at", start, end)
    previous = _between("submitted_at", previous_start, start)

    responses = Response.objects.filter(department=department)
    if request_type_id is not None:
        responses = responses.filter(request_type_id=request_type_id)
    if version_id is not None:
        responses = responses.filter(version_id=version_id)
    in_period = responses.filter(current)

    # 1. headline figures from the responses of both periods
    headline = responses.filter(_between("submitted_at", previous_start, end)).aggregate(
        **_headline_aggregates("cur_", current), **_headline_aggregates("prev_", previous)
    )

    # 2. response rate: of the invitations sent in the period, the share answered by now
    invitations = Invitation.objects.filter(department=department)
    if request_type_id is not None:
        invitations = invitations.filter(ticket__request_type_id=request_type_id)
    if version_id is not None:
        invitations = invitations.filter(version_id=version_id)
    sent_now = _between("sent_at", start, end)
    sent_before = _between("sent_at", previous_start, start)
    answered = Q(status=Invitation.Status.ANSWERED)
    sent = invitations.filter(_between("sent_at", previous_start, end)).aggregate(
        cur_sent=Count("pk", filter=sent_now),
        cur_answered=Count("pk", filter=sent_now & answered),
        prev_sent=Count("pk", filter=sent_before),
        prev_answered=Count("pk", filter=sent_before & answered),
    )

    # 3. tickets: volume by creation, resolution figures by resolution in the period
    tickets = Ticket.objects.filter(department=department, kind=Ticket.Kind.REQUEST)
    if request_type_id is not None:
        tickets = tickets.filter(request_type_id=request_type_id)
    ticket_figures = {}
    periods = {"cur_": (start, end), "prev_": (previous_start, start)}
    for prefix, (low, high) in periods.items():
        resolved = _between("resolved_at", low, high)
        with_due = resolved & Q(due_at__isnull=False)
        ticket_figures |= {
            f"{prefix}volume": Count("pk", filter=_between("created_at", low, high)),
            f"{prefix}resolved": Count("pk", filter=resolved),
            f"{prefix}with_due": Count("pk", filter=with_due),
            f"{prefix}sla_met": Count("pk", filter=with_due & Q(resolved_at__lte=F("due_at"))),
            f"{prefix}reopened": Count("pk", filter=resolved & Q(reopen_count__gt=0)),
        }
        if _is_postgres():
            ticket_figures[f"{prefix}median"] = Median(_duration(), filter=resolved)
    ticket_row = tickets.filter(
        _between("created_at", previous_start, end) | _between("resolved_at", previous_start, end)
    ).aggregate(**ticket_figures)
    if _is_postgres():
        medians = {p: _seconds(ticket_row[f"{p}median"]) for p in periods}
    else:
        # 4. (not PostgreSQL) the exact medians of both periods in one windowed query
        by_period = _medians(
            tickets.annotate(
                period=Case(
                    When(resolved_at__gte=start, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            "period",
            _between("resolved_at", previous_start, end),
        )
        medians = {"cur_": by_period.get(1), "prev_": by_period.get(0)}

    def tile(build) -> Tile:
        return Tile(current=build("cur_"), previous=build("prev_"))

    tiles = Tiles(
        csat=tile(lambda p: _csat(headline, p)),
        csat_mean=tile(lambda p: Figure.mean(headline[f"{p}csat_mean"], headline[f"{p}csat_n"])),
        nps=tile(lambda p: _nps(headline, p)),
        responses=tile(lambda p: _count(headline[f"{p}responses"])),
        sent=tile(lambda p: _count(sent[f"{p}sent"])),
        response_rate=tile(lambda p: Figure.share(sent[f"{p}answered"], sent[f"{p}sent"])),
        volume=tile(lambda p: _count(ticket_row[f"{p}volume"])),
        resolved=tile(lambda p: _count(ticket_row[f"{p}resolved"])),
        median_resolve_seconds=tile(lambda p: Figure.of(medians[p], ticket_row[f"{p}resolved"])),
        sla_met=tile(lambda p: Figure.share(ticket_row[f"{p}sla_met"], ticket_row[f"{p}with_due"])),
        reopen_rate=tile(
            lambda p: Figure.share(ticket_row[f"{p}reopened"], ticket_row[f"{p}resolved"])
        ),
    )

    # 5–9. breakdowns of the period's responses
    by_request_type = _breakdown(
        in_period, "request_type", lambda r: r["request_type__name"], "request_type__name"
    )
    by_customer = _breakdown(
        in_period,
        "customer_department",
        lambda r: r["customer_department__name"],
        "customer_department__name",
    )
    by_agent = None
    if include_agents:
        by_agent = _breakdown(
            in_period,
            "agent",
            lambda r: _person(r["agent__first_name"], r["agent__last_name"], r["agent__username"]),
            "agent__first_name",
            "agent__last_name",
            "agent__username",
        )
    by_resolution = _resolution_breakdown(in_period)
    by_sla = _sla_breakdown(in_period)

    # 10–11. per-question distributions, 12. trend, 13. latest comments (SQLite numbering)
    questions = _question_results(in_period)
    trend = _trend(in_period, start, end, trend_unit)
    comments_suppressed = headline["cur_responses"] < min_responses()
    comments = [] if comments_suppressed else _latest_comments(in_period)

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
        trend=trend,
        comments=comments,
        comments_suppressed=comments_suppressed,
    )


def _breakdown(responses, key: str, label, *label_fields: str) -> list[BreakdownRow]:
    """One grouped query: a row per value of ``key``, most answers first."""
    rows = (
        responses.order_by()
        .values(key, *label_fields)
        .annotate(**_headline_aggregates())
        .order_by("-responses", *label_fields)
    )
    return [
        BreakdownRow(
            key=row[key],
            label=(label(row) if row[key] is not None else None) or "—",
            responses=row["responses"],
            csat=_csat(row),
            nps=_nps(row),
        )
        for row in rows
    ]


def _resolution_breakdown(responses) -> list[BreakdownRow]:
    """CSAT per resolution-time bucket, every bucket listed even when empty."""
    whens = []
    for index, (_key, _label, low, high) in enumerate(RESOLUTION_BUCKETS):
        condition = Q(resolution_seconds__gte=low)
        if high is not None:
            condition &= Q(resolution_seconds__lt=high)
        whens.append(When(condition, then=Value(index)))
    rows = {
        row["bucket"]: row
        for row in responses.filter(resolution_seconds__isnull=False)
        .annotate(bucket=Case(*whens, output_field=IntegerField()))
        .order_by()
        .values("bucket")
        .annotate(**_headline_aggregates())
    }
    return [
        _row_or_empty(rows.get(index), key, label)
        for index, (key, label, _low, _high) in enumerate(RESOLUTION_BUCKETS)
    ]


def _sla_breakdown(responses) -> list[BreakdownRow]:
    rows = {
        row["sla_met"]: row
        for row in responses.filter(sla_met__isnull=False)
        .order_by()
        .values("sla_met")
        .annotate(**_headline_aggregates())
    }
    return [
        _row_or_empty(rows.get(True), True, _("SLA met")),
        _row_or_empty(rows.get(False), False, _("SLA missed")),
    ]


def _row_or_empty(row: dict | None, key, label: str) -> BreakdownRow:
    if row is None:
        return BreakdownRow(
            key=key, label=label, responses=0, csat=Figure.of(None, 0), nps=Figure.of(None, 0)
        )
    return BreakdownRow(
        key=key, label=label, responses=row["responses"], csat=_csat(row), nps=_nps(row)
    )


def _question_results(responses) -> list[QuestionResult]:
    """Counts per value of each question answered in the period (two queries)."""
    counts = (
        Answer.objects.filter(
            response__in=responses.order_by().values("pk"),
            question__kind__in=DISTRIBUTION_KINDS,
        )
        .order_by()
        .values("question_id", "number", "text")
        .annotate(n=Count("pk"))
    )
    per_question: dict[int, dict[str, int]] = {}
    for row in counts:
        value = row["text"] if row["number"] is None else str(row["number"])
        per_question.setdefault(row["question_id"], {})[value] = row["n"]
    if not per_question:
        return []
    questions = Question.objects.filter(pk__in=per_question).select_related("version")
    results = []
    for question in sorted(questions, key=lambda q: (-q.version.number, q.position, q.pk)):
        seen = per_question[question.pk]
        n = sum(seen.values())
        if question.kind in (Kind.CSAT, Kind.NPS):
            values = [str(v) for v in question.scale]
        elif question.kind == Kind.YES_NO:
            values = ["1", "0"]
        else:
            values = [*question.choices, *(v for v in seen if v not in question.choices)]
        suppressed = n < min_responses()
        results.append(
            QuestionResult(
                question_id=question.pk,
                version_number=question.version.number,
                position=question.position,
                kind=question.kind,
                text=question.text,
                n=n,
                counts=[] if suppressed else [(v, seen.get(v, 0)) for v in values],
                suppressed=suppressed,
            )
        )
    return results


def _trend(responses, start: datetime, end: datetime, unit: str) -> list[TrendPoint]:
    """CSAT, NPS and responses per week (starting Monday) or month, gaps filled."""
    rows = (
        responses.annotate(
            bucket=Trunc("submitted_at", unit, tzinfo=timezone.get_current_timezone())
        )
        .order_by()
        .values("bucket")
        .annotate(**_headline_aggregates())
    )
    by_bucket = {_bucket_date(row["bucket"]): row for row in rows}
    points = []
    for bucket in _buckets(start, end, unit):
        row = by_bucket.get(bucket)
        if row is None:
            points.append(
                TrendPoint(
                    bucket=bucket, responses=0, csat=Figure.of(None, 0), nps=Figure.of(None, 0)
                )
            )
        else:
            points.append(
                TrendPoint(
                    bucket=bucket, responses=row["responses"], csat=_csat(row), nps=_nps(row)
                )
            )
    return points


def _latest_comments(responses) -> list[CommentRow]:
    rows = (
        responses.exclude(comment="")
        .order_by("-submitted_at", "-pk")
        .values(
            "comment",
            "submitted_at",
            "headline_kind",
            "headline_score",
            "anonymous",
            "request_type__name",
            "invitation__ticket__reference",
            "invitation__recipient__first_name",
            "invitation__recipient__last_name",
            "invitation__recipient__username",
            "agent__first_name",
            "agent__last_name",
            "agent__username",
        )[:LATEST_COMMENTS]
    )
    comments = []
    for row in rows:
        anonymous = row["anonymous"]
        comments.append(
            CommentRow(
                text=row["comment"],
                submitted_at=row["submitted_at"],
                headline_kind=row["headline_kind"],
                score=row["headline_score"],
                request_type=row["request_type__name"],
                anonymous=anonymous,
                ticket_reference=None if anonymous else row["invitation__ticket__reference"],
                requester_name=None
                if anonymous
                else _person(
                    row["invitation__recipient__first_name"],
                    row["invitation__recipient__last_name"],
                    row["invitation__recipient__username"],
                ),
                agent_name=None
                if anonymous
                else _person(
                    row["agent__first_name"], row["agent__last_name"], row["agent__username"]
                ),
            )
        )
    return comments


# ---------------------------------------------------------------- organisation


def organisation_overview(*, start: datetime, end: datetime) -> list[OverviewRow]:
    """One row per department for ``[start, end)``, by name; CSAT compared with the period before.

    Four queries on PostgreSQL whatever the number of departments (departments, responses,
    invitations, tickets with the exact median via ``percentile_cont``); other backends add
    one windowed query for the exact medians of all departments. Every median is
    exact, so ``median_is_exact`` is True; the field stays for a future rollup-based,
    approximate implementation.
    """
    previous_start = start - (end - start)
    current = _between("submitted_at", start, end)
    previous = _between("submitted_at", previous_start, start)
    departments = list(Department.objects.order_by("name"))

    responses = {
        row["department"]: row
        for row in Response.objects.filter(_between("submitted_at", previous_start, end))
        .order_by()
        .values("department")
        .annotate(
            **_headline_aggregates("cur_", current), **_headline_aggregates("prev_", previous)
        )
    }
    invitations = {
        row["department"]: row
        for row in Invitation.objects.filter(_between("sent_at", start, end))
        .order_by()
        .values("department")
        .annotate(
            sent=Count("pk"), answered=Count("pk", filter=Q(status=Invitation.Status.ANSWERED))
        )
    }
    resolved = _between("resolved_at", start, end)
    with_due = resolved & Q(due_at__isnull=False)
    ticket_figures = {
        "volume": Count("pk", filter=_between("created_at", start, end)),
        "resolved": Count("pk", filter=resolved),
        "with_due": Count("pk", filter=with_due),
        "sla_met": Count("pk", filter=with_due & Q(resolved_at__lte=F("due_at"))),
    }
    if _is_postgres():
        ticket_figures["median"] = Median(_duration(), filter=resolved)
    requests = Ticket.objects.filter(kind=Ticket.Kind.REQUEST)
    tickets = {
        row["department"]: row
        for row in requests.filter(_between("created_at", start, end) | resolved)
        .order_by()
        .values("department")
        .annotate(**ticket_figures)
    }
    if _is_postgres():
        medians = {key: _seconds(row["median"]) for key, row in tickets.items()}
    else:
        medians = _medians(requests, "department", resolved)

    empty_headline = {
        key: 0 for key in [*_headline_aggregates("cur_"), *_headline_aggregates("prev_")]
    }
    rows = []
    for department in departments:
        headline = responses.get(department.pk, empty_headline)
        invited = invitations.get(department.pk, {"sent": 0, "answered": 0})
        ticket = tickets.get(
            department.pk, {"volume": 0, "resolved": 0, "with_due": 0, "sla_met": 0}
        )
        rows.append(
            OverviewRow(
                department=department,
                csat=_csat(headline, "cur_"),
                csat_previous=_csat(headline, "prev_"),
                responses=headline["cur_responses"],
                sent=invited["sent"],
                response_rate=Figure.share(invited["answered"], invited["sent"]),
                volume=ticket["volume"],
                median_resolve_seconds=Figure.of(medians.get(department.pk), ticket["resolved"]),
                sla_met=Figure.share(ticket["sla_met"], ticket["with_due"]),
            )
        )
    return rows


def satisfaction_matrix(*, start: datetime, end: datetime) -> Matrix:
    """CSAT of every customer department × provider department pair in ``[start, end)``.

    One query. Rows and columns are the departments that have answers; a row key of None
    gathers responses whose requester had no home department.
    """
    csat = Q(headline_kind=Kind.CSAT, headline_score__isnull=False)
    cells = (
        Response.objects.filter(_between("submitted_at", start, end))
        .order_by()
        .values(
            "customer_department", "customer_department__name", "department", "department__name"
        )
        .annotate(
            csat_n=Count("pk", filter=csat),
            csat_good=Count("pk", filter=csat & Q(headline_score__gte=4)),
        )
    )
    rows, columns, figures = {}, {}, {}
    for cell in cells:
        row_id, column_id = cell["customer_department"], cell["department"]
        rows[row_id] = cell["customer_department__name"] or "—"
        columns[column_id] = cell["department__name"]
        figures[(row_id, column_id)] = _csat(cell)
    return Matrix(
        rows=sorted(rows.items(), key=lambda item: (item[0] is None, item[1])),
        columns=sorted(columns.items(), key=lambda item: item[1]),
        cells=figures,
    )
