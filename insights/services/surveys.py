"""Per-day rollups of invitations, responses and answers, and their rebuild.

The survey services' hooks call the ``rollup_*`` functions inside the same transaction as
the change they count, with ``+ n`` increments, so the dashboards' sums are always those
of the rows beneath them. ``rollups_rebuild_surveys`` recomputes them from the rows.
"""

import logging

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from surveys.models import Answer, Invitation, Question, Response

from ..buckets import breakdown_bucket, breakdown_bucket_case
from ..models import (
    DISTRIBUTION_KINDS,
    AnswerDay,
    Grain,
    InvitationDay,
    ResponseDay,
    SurveyCountsStamp,
)
from .counters import bump, bump_many, local_day, monday_of, month_of

logger = logging.getLogger(__name__)
Dimension = ResponseDay.Dimension
Kind = Question.Kind


def _headline_deltas(kind: str, score: int | None) -> dict:
    csat = kind == Kind.CSAT and score is not None
    nps = kind == Kind.NPS and score is not None
    value = score or 0
    return {
        "responses": 1,
        "csat_n": int(csat),
        "csat_good": int(csat and value >= 4),
        "csat_sum": value if csat else 0,
        "csat_sum_sq": value * value if csat else 0,
        "nps_n": int(nps),
        "nps_promoters": int(nps and value >= 9),
        "nps_detractors": int(nps and value <= 6),
    }


def _dimension_values(response: Response) -> list[tuple[str, int]]:
    values: list[tuple[str, int]] = [
        (Dimension.ALL, 0),
        (Dimension.CUSTOMER, response.customer_department_id or 0),
        (Dimension.AGENT, response.agent_id or 0),
    ]
    if response.resolution_seconds is not None:
        values.append((Dimension.RESOLUTION, breakdown_bucket(response.resolution_seconds)))
    if response.sla_met is not None:
        values.append((Dimension.SLA, int(response.sla_met)))
    return values


def rollup_response(response: Response, answers: list[Answer]) -> None:
    """Count a new response and its answers (``Answer`` objects, ``question`` loaded)."""
    if response.request_type_id is None:
        logger.warning("Response %s has no request type; not in the dashboards", response.pk)
        return
    day = local_day(response.submitted_at)
    keys = {
        "department_id": response.department_id,
        "request_type_id": response.request_type_id,
        "day": day,
    }
    deltas = _headline_deltas(response.headline_kind, response.headline_score)
    spans = ((Grain.WEEK, monday_of(day)), (Grain.MONTH, month_of(day)))
    rows = []
    for dimension, value in _dimension_values(response):
        row = {**keys, "version_id": response.version_id, "dimension": dimension, "value": value}
        rows.append(({**row, "grain": Grain.DAY}, deltas))
        if dimension in ResponseDay.BREAKDOWN_DIMENSIONS:
            rows.extend(({**row, "grain": grain, "day": first}, deltas) for grain, first in spans)
    bump_many(ResponseDay, rows)
    bump_many(
        AnswerDay,
        [
            (
                {
                    **keys,
                    "question_id": answer.question_id,
                    "value": answer.text if answer.number is None else str(answer.number),
                },
                {"answers": 1},
            )
            for answer in answers
            if answer.question.kind in DISTRIBUTION_KINDS
        ],
    )


def _invitation_keys(invitation: Invitation) -> dict | None:
    request_type_id = invitation.ticket.request_type_id
    if request_type_id is None or invitation.sent_at is None:
        return None
    return {
        "department_id": invitation.department_id,
        "request_type_id": request_type_id,
        "version_id": invitation.version_id,
        "day": local_day(invitation.sent_at),
    }


def rollup_invitation_sent(invitation: Invitation) -> None:
    """Count an invitation whose e-mail just went out (``sent_at`` set)."""
    keys = _invitation_keys(invitation)
    if keys:
        bump(InvitationDay, keys, sent=1)


def rollup_invitation_answered(invitation: Invitation) -> None:
    """Count an answer against the day its invitation was sent."""
    keys = _invitation_keys(invitation)
    if keys:
        bump(InvitationDay, keys, answered=1)


def survey_counts_changed(department_ids, *, answers: bool = True, rebuild: bool = False) -> None:
    """Move the stamps of these departments' counts (SurveyCountsStamp), making them where
    missing: the invitations' always, the answers' unless ``answers`` is False (an
    invitation sent changes no answer), the rebuilds' with ``rebuild``. Call it last in the
    transaction that changed the counts: two changes of one department then take their
    counter rows before its stamp, always in that order, and never wait on each other in a
    circle."""
    moved = {"changes": int(answers), "invitation_changes": 1, "rebuilds": int(rebuild)}
    bump_many(
        SurveyCountsStamp,
        [({"department_id": department_id}, moved) for department_id in department_ids],
    )


# ---------------------------------------------------------------- rebuild


def _sums(prefix: str = "") -> dict:
    csat = Q(headline_kind=Kind.CSAT, headline_score__isnull=False)
    nps = Q(headline_kind=Kind.NPS, headline_score__isnull=False)
    return {
        "responses": Count("pk"),
        "csat_n": Count("pk", filter=csat),
        "csat_good": Count("pk", filter=csat & Q(headline_score__gte=4)),
        "csat_sum": Sum("headline_score", filter=csat, default=0),
        "csat_sum_sq": Sum(F("headline_score") * F("headline_score"), filter=csat, default=0),
        "nps_n": Count("pk", filter=nps),
        "nps_promoters": Count("pk", filter=nps & Q(headline_score__gte=9)),
        "nps_detractors": Count("pk", filter=nps & Q(headline_score__lte=6)),
    }


def _response_days() -> list[ResponseDay]:
    tz = timezone.get_default_timezone()
    responses = Response.objects.filter(request_type__isnull=False).annotate(
        day=TruncDate("submitted_at", tzinfo=tz)
    )
    sources = {
        Dimension.ALL: (responses.annotate(value=Value(0)), "value"),
        Dimension.CUSTOMER: (responses, "customer_department_id"),
        Dimension.AGENT: (responses, "agent_id"),
        Dimension.RESOLUTION: (
            responses.filter(resolution_seconds__isnull=False).annotate(
                bucket=breakdown_bucket_case()
            ),
            "bucket",
        ),
        Dimension.SLA: (responses.filter(sla_met__isnull=False), "sla_met"),
    }
    rows = []
    for dimension, (queryset, value_field) in sources.items():
        grouped = (
            queryset.order_by()
            .values("department_id", "request_type_id", "version_id", "day", value_field)
            .annotate(**_sums())
        )
        for row in grouped:
            value = row.pop(value_field)
            rows.append(ResponseDay(dimension=dimension, value=int(value or 0), **row))
    return rows + _spans_of(rows, Grain.WEEK, monday_of) + _spans_of(rows, Grain.MONTH, month_of)


def _spans_of(day_rows: list[ResponseDay], grain: str, first_day_of) -> list[ResponseDay]:
    """The week (or month) rows of the breakdown dimensions: their day rows summed per
    span, each kept under its first day (``first_day_of(day)``)."""
    spans: dict[tuple, ResponseDay] = {}
    for row in day_rows:
        if row.dimension not in ResponseDay.BREAKDOWN_DIMENSIONS:
            continue
        first = first_day_of(row.day)
        key = (
            row.department_id,
            row.request_type_id,
            row.version_id,
            row.dimension,
            row.value,
            first,
        )
        span = spans.get(key)
        if span is None:
            span = spans[key] = ResponseDay(
                department_id=row.department_id,
                request_type_id=row.request_type_id,
                version_id=row.version_id,
                dimension=row.dimension,
                value=row.value,
                day=first,
                grain=grain,
            )
        for name in ResponseDay.COUNTERS:
            setattr(span, name, getattr(span, name) + getattr(row, name))
    return list(spans.values())


def _answer_days() -> list[AnswerDay]:
    tz = timezone.get_default_timezone()
    grouped = (
        Answer.objects.filter(
            question__kind__in=DISTRIBUTION_KINDS, response__request_type__isnull=False
        )
        .annotate(day=TruncDate("response__submitted_at", tzinfo=tz))
        .order_by()
        .values_list(
            "response__department_id",
            "response__request_type_id",
            "question_id",
            "day",
            "number",
            "text",
        )
        .annotate(n=Count("pk"))
    )
    rows: dict[tuple, AnswerDay] = {}
    for department_id, request_type_id, question_id, day, number, text, n in grouped:
        value = text if number is None else str(number)
        key = (department_id, request_type_id, question_id, day, value)
        if key in rows:  # a choice stored both ways would be one value
            rows[key].answers += n
            continue
        rows[key] = AnswerDay(
            department_id=department_id,
            request_type_id=request_type_id,
            question_id=question_id,
            day=day,
            value=value,
            answers=n,
        )
    return list(rows.values())


def _invitation_days() -> list[InvitationDay]:
    tz = timezone.get_default_timezone()
    grouped = (
        Invitation.objects.filter(sent_at__isnull=False, ticket__request_type__isnull=False)
        .annotate(day=TruncDate("sent_at", tzinfo=tz))
        .order_by()
        .values_list("department_id", "ticket__request_type_id", "version_id", "day")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(status=Invitation.Status.ANSWERED)),
        )
    )
    return [
        InvitationDay(
            department_id=department_id,
            request_type_id=request_type_id,
            version_id=version_id,
            day=day,
            sent=sent,
            answered=answered,
        )
        for department_id, request_type_id, version_id, day, sent, answered in grouped
    ]


def rollups_rebuild_surveys() -> dict[str, int]:
    """Recompute the survey rollups from the rows beneath them; returns rows written per table."""
    response_days, answer_days, invitation_days = (
        _response_days(),
        _answer_days(),
        _invitation_days(),
    )
    ResponseDay.objects.all().delete()
    AnswerDay.objects.all().delete()
    InvitationDay.objects.all().delete()
    ResponseDay.objects.bulk_create(response_days, batch_size=5000)
    AnswerDay.objects.bulk_create(answer_days, batch_size=5000)
    InvitationDay.objects.bulk_create(invitation_days, batch_size=5000)
    return {
        "responses": len(response_days),
        "answers": len(answer_days),
        "invitations": len(invitation_days),
    }
