"""One department's scorecard: tiles, trend, breakdowns, questions and comments."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import DateField, Sum
from django.db.models.functions import Trunc
from django.utils.translation import gettext_lazy as _

from requests_app.models import Department, TicketDay
from requests_app.selectors import resolution_medians, rollup_days

from ..models import (
    RESOLUTION_BUCKETS,
    AnswerDay,
    InvitationDay,
    Question,
    Response,
    ResponseDay,
)
from ..stats import Figure, min_responses
from .common import (
    EMPTY_HEADLINE,
    HEADLINE_FIELDS,
    count,
    csat,
    csat_mean,
    headline_sums,
    nps,
    person,
    sums_by_period,
    trend_buckets,
    weeks_and_days,
)
from .results import (
    BreakdownRow,
    CommentRow,
    DepartmentScorecard,
    QuestionResult,
    Tile,
    Tiles,
    TrendPoint,
)

Kind = Question.Kind
Dimension = ResponseDay.Dimension
LATEST_COMMENTS = 20


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

    ``start`` and ``end`` are local midnights. ``request_type`` and ``version`` (objects or
    ids) narrow every figure they apply to; tickets have no survey version, so volume,
    median, SLA and reopen rate ignore ``version``. ``include_agents=False`` skips the
    per-agent breakdown for viewers who may not see it. At most 13 queries whatever the
    data size, all over the per-day rollups except the median's indexed lookup and the
    latest comments; reads only.
    """
    if trend_unit not in ("week", "month"):
        raise ValueError("trend_unit must be 'week' or 'month'")
    request_type_id = getattr(request_type, "pk", request_type)
    version_id = getattr(version, "pk", version)
    previous_start = start - (end - start)
    current, both = rollup_days(start, end), rollup_days(previous_start, end)

    sums = ResponseDay.objects.filter(department=department)
    if request_type_id is not None:
        sums = sums.filter(request_type_id=request_type_id)
    if version_id is not None:
        sums = sums.filter(version_id=version_id)
    in_period = sums.filter(current)

    # 1. headline figures of both periods
    headline = sums_by_period(sums.filter(both, dimension=Dimension.ALL), start, HEADLINE_FIELDS)

    # 2. response rate: of the invitations sent in the period, the share answered by now
    invitations = InvitationDay.objects.filter(department=department)
    if request_type_id is not None:
        invitations = invitations.filter(request_type_id=request_type_id)
    if version_id is not None:
        invitations = invitations.filter(version_id=version_id)
    sent = sums_by_period(invitations.filter(both), start, ("sent", "answered"))

    # 3. tickets: volume by creation day, resolution figures by resolution day
    ticket_days = TicketDay.objects.filter(department=department)
    if request_type_id is not None:
        ticket_days = ticket_days.filter(request_type_id=request_type_id)
    ticket_row = sums_by_period(
        ticket_days.filter(both),
        start,
        ("created", "resolved", "with_due", "sla_met", "reopened"),
    )
    # 4–6. exact medians: one histogram query, one indexed lookup per period with tickets
    medians = resolution_medians(
        periods={"cur_": (start, end), "prev_": (previous_start, start)},
        department_id=department.pk,
        request_type_id=request_type_id,
    )

    def tile(build) -> Tile:
        return Tile(current=build("cur_"), previous=build("prev_"))

    tiles = Tiles(
        csat=tile(lambda p: csat(headline, p)),
        csat_mean=tile(lambda p: csat_mean(headline, p)),
        nps=tile(lambda p: nps(headline, p)),
        responses=tile(lambda p: count(headline[f"{p}responses"])),
        sent=tile(lambda p: count(sent[f"{p}sent"])),
        response_rate=tile(lambda p: Figure.share(sent[f"{p}answered"], sent[f"{p}sent"])),
        volume=tile(lambda p: count(ticket_row[f"{p}created"])),
        resolved=tile(lambda p: count(ticket_row[f"{p}resolved"])),
        median_resolve_seconds=tile(
            lambda p: Figure.of(medians.get((department.pk, p)), ticket_row[f"{p}resolved"])
        ),
        sla_met=tile(lambda p: Figure.share(ticket_row[f"{p}sla_met"], ticket_row[f"{p}with_due"])),
        reopen_rate=tile(
            lambda p: Figure.share(ticket_row[f"{p}reopened"], ticket_row[f"{p}resolved"])
        ),
    )

    # 7–12. breakdowns of the period's responses (with the names they need)
    by_request_type = _by_request_type(in_period)
    dimensions = [Dimension.CUSTOMER, Dimension.RESOLUTION, Dimension.SLA]
    if include_agents:
        dimensions.append(Dimension.AGENT)
    by_value = _by_dimension(sums.filter(weeks_and_days(start, end)), dimensions)
    by_customer = _by_customer(by_value[Dimension.CUSTOMER])
    by_agent = _by_agent(by_value[Dimension.AGENT]) if include_agents else None
    by_resolution = _fixed_rows(
        by_value[Dimension.RESOLUTION],
        [(index, key, label) for index, (key, label, _low, _high) in enumerate(RESOLUTION_BUCKETS)],
    )
    by_sla = _fixed_rows(
        by_value[Dimension.SLA], [(1, True, _("SLA met")), (0, False, _("SLA missed"))]
    )

    # 13–14. per-question distributions, 15. trend, 16. latest comments
    questions = _question_results(department, current, request_type_id, version_id)
    trend = _trend(in_period, start, end, trend_unit)
    comments_suppressed = headline["cur_responses"] < min_responses()
    comments = (
        []
        if comments_suppressed
        else _latest_comments(department, start, end, request_type_id, version_id)
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
        trend=trend,
        comments=comments,
        comments_suppressed=comments_suppressed,
    )


def _row(key, label, row: dict) -> BreakdownRow:
    return BreakdownRow(
        key=key, label=label, responses=row["responses"], csat=csat(row), nps=nps(row)
    )


def _most_answers_first(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    return sorted(rows, key=lambda row: (-row.responses, row.label == "—", str(row.label)))


def _by_request_type(in_period) -> list[BreakdownRow]:
    rows = (
        in_period.filter(dimension=Dimension.ALL)
        .order_by()
        .values("request_type", "request_type__name")
        .annotate(**headline_sums())
    )
    return _most_answers_first(
        [_row(row["request_type"], row["request_type__name"], row) for row in rows]
    )


def _by_dimension(in_period, dimensions: list[str]) -> dict[str, dict[int, dict]]:
    """The period's sums per value of each breakdown dimension, in one grouped query
    (``in_period`` holds the period's week and day rows, see ``weeks_and_days``)."""
    grouped: dict[str, dict[int, dict]] = {dimension: {} for dimension in dimensions}
    rows = (
        in_period.filter(dimension__in=dimensions)
        .order_by()
        .values("dimension", "value")
        .annotate(**headline_sums())
    )
    for row in rows:
        grouped[row["dimension"]][row["value"]] = row
    return grouped


def _by_customer(rows: dict[int, dict]) -> list[BreakdownRow]:
    names = dict(Department.objects.filter(pk__in=rows).values_list("pk", "name"))
    return _most_answers_first(
        [
            _row(value or None, names.get(value, "—") if value else "—", row)
            for value, row in rows.items()
        ]
    )


def _by_agent(rows: dict[int, dict]) -> list[BreakdownRow]:
    people = {
        pk: person(first, last, username)
        for pk, first, last, username in get_user_model()
        .objects.filter(pk__in=rows)
        .values_list("pk", "first_name", "last_name", "username")
    }
    return _most_answers_first(
        [
            _row(value or None, (people.get(value) if value else None) or "—", row)
            for value, row in rows.items()
        ]
    )


def _fixed_rows(rows: dict[int, dict], entries: list[tuple]) -> list[BreakdownRow]:
    """One row per known value, in the given order, listed even when empty."""
    return [_row(key, label, rows.get(value, EMPTY_HEADLINE)) for value, key, label in entries]


def _question_results(department, current, request_type_id, version_id) -> list[QuestionResult]:
    """Counts per value of each question answered in the period (two queries)."""
    answers = AnswerDay.objects.filter(current, department=department)
    if request_type_id is not None:
        answers = answers.filter(request_type_id=request_type_id)
    if version_id is not None:
        answers = answers.filter(question__version_id=version_id)
    per_question: dict[int, dict[str, int]] = {}
    for question_id, value, n in (
        answers.order_by().values_list("question_id", "value").annotate(n=Sum("answers"))
    ):
        if n:
            per_question.setdefault(question_id, {})[value] = n
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


def _trend(in_period, start: datetime, end: datetime, unit: str) -> list[TrendPoint]:
    """CSAT, NPS and responses per week (starting Monday) or month, gaps filled."""
    rows = (
        in_period.filter(dimension=Dimension.ALL)
        .annotate(bucket=Trunc("day", unit, output_field=DateField()))
        .order_by()
        .values("bucket")
        .annotate(**headline_sums())
    )
    by_bucket = {row["bucket"]: row for row in rows}
    points = []
    for bucket in trend_buckets(start, end, unit):
        row = by_bucket.get(bucket)
        if row is None:
            points.append(
                TrendPoint(
                    bucket=bucket, responses=0, csat=Figure.of(None, 0), nps=Figure.of(None, 0)
                )
            )
        else:
            points.append(
                TrendPoint(bucket=bucket, responses=row["responses"], csat=csat(row), nps=nps(row))
            )
    return points


def _latest_comments(department, start, end, request_type_id, version_id) -> list[CommentRow]:
    """The newest comments; read from the responses (an index walk that stops at 20)."""
    responses = Response.objects.filter(
        department=department, submitted_at__gte=start, submitted_at__lt=end
    )
    if request_type_id is not None:
        responses = responses.filter(request_type_id=request_type_id)
    if version_id is not None:
        responses = responses.filter(version_id=version_id)
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
                else person(
                    row["invitation__recipient__first_name"],
                    row["invitation__recipient__last_name"],
                    row["invitation__recipient__username"],
                ),
                agent_name=None
                if anonymous
                else person(
                    row["agent__first_name"], row["agent__last_name"], row["agent__username"]
                ),
            )
        )
    return comments
