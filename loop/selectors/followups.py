"""Reads of follow-ups: a department's, a person's own, one with its history, and the
dashboard's figures. Every read is already scoped to named answers: a follow-up on an
anonymous answer (there should be none) is never listed, opened or counted."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from requests_app.models import Department, Membership
from requests_app.permissions import can_view_ticket
from requests_app.zones import site_today  # noqa: F401 (the views read it here)
from surveys.models import Question, Response, low_score_q

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


def department_follow_up_figures(
    department: Department,
    *,
    start: datetime,
    end: datetime,
    today: date,
    request_type_id: int | None = None,
    version_id: int | None = None,
) -> FollowUpFigures:
    """Of the named answers submitted in ``[start, end)`` with a low headline score: how
    many, how many got their follow-up closed and in how many days (median, from the
    answer to the close); and the department's follow-ups open and overdue today.

    Three queries whatever the number of follow-ups (four when the period has no low
    score: whether it has named answers at all). Anonymous answers are not counted:
    they have no follow-up, and their low scores are told in the weekly digest only."""
    answers = Response.objects.filter(
        department=department, anonymous=False, submitted_at__gte=start, submitted_at__lt=end
    )
    if request_type_id is not None:
        answers = answers.filter(request_type_id=request_type_id)
    if version_id is not None:
        answers = answers.filter(version_id=version_id)
    # The low scores in WHERE, not in a FILTER: response_named_low_idx then answers from
    # the index alone, a tenth of the department's answers.
    low_answers = answers.filter(low_score_q())
    counted = low_answers.aggregate(
        low=Count("pk"), closed=Count("pk", filter=Q(follow_up__status=Status.CLOSED))
    )
    # Only whether there were named answers matters (a page of anonymous ones shows a
    # note): a low score says so already, else one row of the index is enough.
    has_named_answers = bool(counted["low"]) or answers.exists()
    spans = [
        (closed_at - submitted_at).total_seconds() / 86400
        for submitted_at, closed_at in low_answers.filter(
            follow_up__status=Status.CLOSED
        ).values_list("submitted_at", "follow_up__closed_at")
        if closed_at is not None  # a closed follow-up always has it; the type does not know
    ]
    median = (
        statistics.median(spans) if spans and len(spans) >= settings.ICSAT_MIN_RESPONSES else None
    )
    open_q = Q(status__in=FollowUp.OPEN_STATUSES)
    now = (
        _named()
        .filter(department=department)
        .aggregate(
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
        )
    )
    return FollowUpFigures(
        has_named_answers=has_named_answers,
        low_scores=counted["low"],
        closed=counted["closed"],
        median_days=median,
        open_now=now["open"],
        overdue_now=now["overdue"],
    )
