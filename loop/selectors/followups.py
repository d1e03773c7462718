"""Reads of follow-ups: a department's, a person's own, one with its history, and the
dashboard's figures. Every read is already scoped to named answers: a follow-up on an
anonymous answer (there should be none) is never listed, opened or counted."""

import functools
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from icsat.sql import as_moment, quoted_names
from requests_app.models import Department, Membership
from requests_app.permissions import can_view_ticket
from requests_app.zones import site_today  # noqa: F401 (the views read it here)
from surveys.models import LOW_SCORE_AT_MOST, Question, Response

from ..models import FollowUp
from ..permissions import can_see_department_follow_ups, can_work_follow_up

Status = FollowUp.Status

OPEN = "open"
CLOSED = "closed"
ALL = "all"
STATES = (OPEN, CLOSED, ALL)


def _named() -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(response__anonymous=False)


def _listed(follow_ups: QuerySet[FollowUp], state: str) -> QuerySet[FollowUp]:
    """Open ones first (oldest due first), then closed ones, last closed first."""
    if state == OPEN:
        follow_ups = follow_ups.filter(status__in=FollowUp.OPEN_STATUSES)
    elif state == CLOSED:
        follow_ups = follow_ups.filter(status=Status.CLOSED)
    return (
        follow_ups.select_related("owner", "ticket", "department", "response")
        .annotate(
            is_closed=Case(
                When(status=Status.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("is_closed", "due_on", "-closed_at", "pk")
    )


@dataclass(frozen=True)
class FollowUpRow:
    """A follow-up as the lists show it."""

    follow_up: FollowUp
    age_days: int
    overdue: bool
    score: str


def score_text(response: Response) -> str:
    if response.headline_score is None:
        return "—"
    scale = 5 if response.headline_kind == Question.Kind.CSAT else 10
    return f"{response.headline_score}/{scale}"


def row_of(follow_up: FollowUp, today: date) -> FollowUpRow:
    """Age counts the site's days since the answer, up to its close for a closed one."""
    tz = timezone.get_default_timezone()
    opened = timezone.localdate(follow_up.response.submitted_at, tz)
    until = timezone.localdate(follow_up.closed_at, tz) if follow_up.closed_at else today
    return FollowUpRow(
        follow_up=follow_up,
        age_days=max((until - opened).days, 0),
        overdue=follow_up.is_open and follow_up.due_on < today,
        score=score_text(follow_up.response),
    )


def department_follow_ups(department: Department, *, state: str = OPEN) -> QuerySet[FollowUp]:
    """A department's follow-ups for its leads and HR admins (the view checks who)."""
    return _listed(_named().filter(department=department), state)


def follow_ups_owned_by(user, *, state: str = OPEN) -> QuerySet[FollowUp]:
    """The follow-ups a person owns in departments they still belong to."""
    if not user.is_authenticated:
        return FollowUp.objects.none()
    departments = Membership.objects.filter(user=user).values("department_id")
    return _listed(_named().filter(owner=user, department_id__in=departments), state)


def department_follow_up_counts(department: Department, today: date) -> dict[str, int]:
    """{"open", "overdue", "closed"} for the list's filter tabs, in one query."""
    open_q = Q(status__in=FollowUp.OPEN_STATUSES)
    return (
        _named()
        .filter(department=department)
        .aggregate(
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
        )
    )


def follow_up_get(user, follow_up_id: int) -> FollowUp:
    """The follow-up if the user may work it (Http404 otherwise: whether it exists is not
    revealed)."""
    follow_up = (
        _named()
        .select_related("department", "owner", "closed_by", "ticket__requester", "response")
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None or not can_work_follow_up(user, follow_up):
        raise Http404
    return follow_up


@dataclass(frozen=True)
class FollowUpPage:
    row: FollowUpRow
    owners: list
    others: list[FollowUpRow]
    may_open_request: bool
    may_see_department: bool


def follow_up_page(user, follow_up: FollowUp, today: date) -> FollowUpPage:
    """What the follow-up page shows: the owners it may go to, and the request's other
    follow-ups (a request reopened and answered low again has one per answer)."""
    owners = [
        m.user
        for m in Membership.objects.filter(department=follow_up.department, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    ]
    others = [
        row_of(other, today)
        for other in _named()
        .filter(ticket_id=follow_up.ticket_id)
        .exclude(pk=follow_up.pk)
        .select_related("response", "owner")
        .order_by("response__submitted_at")
    ]
    return FollowUpPage(
        row=row_of(follow_up, today),
        owners=owners,
        others=others,
        may_open_request=can_view_ticket(user, follow_up.ticket),
        may_see_department=can_see_department_follow_ups(user, follow_up.department),
    )


@dataclass(frozen=True)
class FollowUpFigures:
    """The dashboard's follow-up figures of a period's named low scores, and now.

    ``median_days`` is None below ICSAT_MIN_RESPONSES closed follow-ups (the plain
    threshold every duration on the dashboards keeps)."""

    has_named_answers: bool
    low_scores: int
    closed: int
    median_days: float | None
    open_now: int
    overdue_now: int


def _answers_where(
    department_id: int, start: datetime, end: datetime, request_type_id, version_id
) -> tuple[str, list]:
    """The named answers of ``[start, end)`` (of one type and version where given): the
    condition on ``r`` and its parameters."""
    sql = _figures_sql()
    answers = sql["answers"]
    params: list = [
        department_id,
        False,
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    for column, value in (("request_type", request_type_id), ("version", version_id)):
        if value is not None:
            answers += f" AND {sql[column]} = %s"
            params.append(value)
    return answers, params


def named_low_score_counts(
    department_id: int,
    *,
    start: datetime,
    end: datetime,
    split_at: datetime,
    request_type_id: int | None = None,
    version_id: int | None = None,
) -> tuple[int, int]:
    """How many named answers submitted in ``[start, end)`` had a low headline score:
    those before ``split_at`` and those from it (one query, from the index of named low
    scores alone). The dashboard keeps the first until a rebuild and reads only the
    second after an answer (``insights.scorecards.survey_counts.kept_in_parts``)."""
    sql = _figures_sql()
    answers, params = _answers_where(department_id, start, end, request_type_id, version_id)
    moment = connection.ops.adapt_datetimefield_value(split_at)
    with connection.cursor() as cursor:
        cursor.execute(
            sql["low_counts"].format(answers=answers, low=sql["low"]),
            [moment, moment, *params, *_low_params()],
        )
        before, after = cursor.fetchone()
    return before or 0, after or 0


def _low_params() -> list:
    return [value for kind_and_most in LOW_SCORE_AT_MOST.items() for value in kind_and_most]


def department_follow_up_figures(
    department: Department,
    *,
    start: datetime,
    end: datetime,
    today: date,
    request_type_id: int | None = None,
    version_id: int | None = None,
    low_scores: int | None = None,
) -> FollowUpFigures:
    """Of the named answers submitted in ``[start, end)`` with a low headline score: how
    many (``low_scores`` when the caller has counted them, see ``named_low_score_counts``),
    how many got their follow-up closed and in how many days (median, from the answer to
    the close); and the department's follow-ups open and overdue today.

    Two queries whatever the number of answers (one more to count the low scores when
    not given, one more when the period has none: whether it has named answers at all);
    the closed follow-ups and the open ones are read, not the answers. Anonymous answers
    are not counted: they have no follow-up, and their low scores are told in the weekly
    digest only."""
    sql = _figures_sql()
    answers, params = _answers_where(department.pk, start, end, request_type_id, version_id)
    if low_scores is None:
        low_scores = sum(
            named_low_score_counts(
                department.pk,
                start=start,
                end=end,
                split_at=end,
                request_type_id=request_type_id,
                version_id=version_id,
            )
        )
    closed, open_statuses = Status.CLOSED, FollowUp.OPEN_STATUSES
    with connection.cursor() as cursor:
        # Only whether there were named answers matters (a page of anonymous ones shows a
        # note): a low score says so already, else one row of the index is enough.
        has_named_answers = bool(low_scores)
        if not has_named_answers:
            cursor.execute(sql["any"].format(answers=answers), params)
            has_named_answers = cursor.fetchone() is not None
        cursor.execute(
            sql["spans"].format(answers=answers, low=sql["low"]),
            [closed, department.pk, *params, *_low_params()],
        )
        closed_spans = cursor.fetchall()
        spans = [
            (as_moment(closed_at) - as_moment(submitted_at)).total_seconds() / 86400
            for submitted_at, closed_at in closed_spans
            if closed_at is not None  # a closed follow-up always has it; the column may not
        ]
        cursor.execute(
            sql["now"].format(open=", ".join(["%s"] * len(open_statuses))),
            [connection.ops.adapt_datefield_value(today), *open_statuses, department.pk, False],
        )
        open_now, overdue_now = cursor.fetchone()
    median = (
        statistics.median(spans) if spans and len(spans) >= settings.ICSAT_MIN_RESPONSES else None
    )
    return FollowUpFigures(
        has_named_answers=has_named_answers,
        low_scores=low_scores,
        closed=len(closed_spans),
        median_days=median,
        open_now=open_now or 0,
        overdue_now=overdue_now or 0,
    )


# The figures' queries, by hand: the dashboard asks them on every view, and the ORM took
# longer to build them than the database to answer them (IT at 1M: 6.7 ms against 2.0 ms
# for the same three statements alone). Names in single braces (from the models'
# metadata), what each call fills in double ones, every value a parameter.
_FIGURES_SQL = {
    "answers": "r.{department} = %s AND r.{anonymous} = %s AND r.{submitted_at} >= %s"
    " AND r.{submitted_at} < %s",
    "low": "(r.{headline_kind} = %s AND r.{headline_score} <= %s)",  # one per kind, ORed
    # The low scores in WHERE, not in a FILTER: response_named_low_idx then answers from
    # the index alone, a tenth of the department's answers.
    "low_counts": """
        SELECT COUNT(CASE WHEN r.{submitted_at} < %s THEN 1 END),
               COUNT(CASE WHEN r.{submitted_at} >= %s THEN 1 END)
        FROM {responses} r WHERE {{answers}} AND {{low}}
    """,
    "any": "SELECT 1 FROM {responses} r WHERE {{answers}} LIMIT 1",
    # The closed follow-ups of the period's named low scores: the department's closed ones
    # (followup_dept_status_idx) or its low scores' (response_named_low_idx), whichever
    # the planner finds fewer; the closed count is the number of rows.
    "spans": """
        SELECT r.{submitted_at}, f.{closed_at}
        FROM {follow_ups} f JOIN {responses} r ON r.{id} = f.{response}
        WHERE f.{status} = %s AND f.{follow_up_department} = %s AND {{answers}} AND {{low}}
    """,
    # The open ones only: closed follow-ups pile up with the years, open ones do not.
    "now": """
        SELECT COUNT(*), COUNT(CASE WHEN f.{due_on} < %s THEN 1 END)
        FROM {follow_ups} f JOIN {responses} r ON r.{id} = f.{response}
        WHERE f.{status} IN ({{open}}) AND f.{follow_up_department} = %s
          AND r.{anonymous} = %s
    """,
}


@functools.cache
def _figures_sql() -> dict[str, str]:
    response, follow_up = quoted_names(Response), quoted_names(FollowUp)
    names = response | {
        name: follow_up[name] for name in ("response", "status", "closed_at", "due_on")
    }
    names["follow_up_department"] = follow_up["department"]
    names["responses"], names["follow_ups"] = response["table"], follow_up["table"]
    sql = {name: template.format(**names) for name, template in _FIGURES_SQL.items()}
    sql["low"] = f"({' OR '.join([sql['low']] * len(LOW_SCORE_AT_MOST))})"
    sql["request_type"], sql["version"] = f"r.{names['request_type']}", f"r.{names['version']}"
    return sql
