"""Every read a page needs, already scoped to what the user may see.

Each selector runs a fixed number of queries whatever the data size.
"""

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone

from . import permissions
from .models import (
    Attachment,
    Department,
    Membership,
    RequestType,
    ResolutionDay,
    Ticket,
    TicketEvent,
    bucket_bounds,
)

User = get_user_model()

LIST_RELATED = ("department", "request_type", "assignee", "requester")


def _search(qs: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    query = query.strip()
    if not query:
        return qs
    return qs.filter(
        Q(reference__iexact=query) | Q(title__icontains=query) | Q(reference__icontains=query)
    )


def departments_accepting_requests() -> QuerySet[Department]:
    active_types = RequestType.objects.filter(department=OuterRef("pk"), is_active=True)
    return Department.objects.filter(is_active=True).filter(Exists(active_types))


def department_get(slug: str, *, active_only: bool = True) -> Department:
    qs = Department.objects.filter(is_active=True) if active_only else Department.objects.all()
    try:
        return qs.get(slug=slug)
    except Department.DoesNotExist:
        raise Http404 from None


def request_types_offered(department: Department) -> QuerySet[RequestType]:
    return department.request_types.filter(is_active=True)


def request_type_get(department: Department, slug: str, *, active_only: bool = True) -> RequestType:
    qs = department.request_types.all()
    if active_only:
        qs = qs.filter(is_active=True)
    try:
        return qs.select_related("department").get(slug=slug)
    except RequestType.DoesNotExist:
        raise Http404 from None


def ticket_get_for(user, reference: str) -> Ticket:
    """The ticket if the user may see it; 404 otherwise, so its existence stays hidden."""
    ticket = (
        permissions.tickets_visible_to(user)
        .select_related(
            "department",
            "request_type",
            "assignee",
            "requester",
            "resolved_by",
            "customer_department",
        )
        .filter(reference=reference)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def ticket_timeline(ticket: Ticket, *, include_internal: bool) -> list[TicketEvent]:
    events = ticket.events.select_related("actor").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if not include_internal:
        events = events.filter(is_internal=False)
    return list(events)


def ticket_cc_names(ticket: Ticket) -> list[str]:
    return [u.get_full_name() or u.username for u in ticket.cc.all()]


def attachment_get_for(user, attachment_id: int) -> Attachment:
    """The file if the user may see its ticket (and, for notes, the note); 404 otherwise."""
    attachment = (
        Attachment.objects.select_related("ticket", "event")
        .filter(ticket__in=permissions.tickets_visible_to(user), pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    if (
        attachment.event
        and attachment.event.is_internal
        and not (permissions.can_see_internal_notes(user, attachment.ticket))
    ):
        raise Http404
    return attachment


def my_requests(user, *, status: str = "", query: str = "") -> QuerySet[Ticket]:
    """What the user asked for or is cc'd on, newest first."""
    # The cc'd ids first (a short list): an OR with a correlated subquery made
    # PostgreSQL scan every ticket (bench: 818 ms at 1M tickets).
    cc_ids = list(
        Ticket.cc.through.objects.filter(user_id=user.pk).values_list("ticket_id", flat=True)
    )
    qs = Ticket.objects.filter(Q(requester=user) | Q(pk__in=cc_ids))
    if status == "active":
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    elif status in Ticket.Status.values:
        qs = qs.filter(status=status)
    return _search(qs, query).select_related(*LIST_RELATED).order_by("-created_at", "-pk")


def assigned_to(user, *, status: str = "active", query: str = "") -> QuerySet[Ticket]:
    """Requests and handoffs assigned to the user."""
    qs = Ticket.objects.filter(assignee=user)
    if status == "active":
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    elif status in Ticket.Status.values:
        qs = qs.filter(status=status)
    # Handoffs have no due date: they come after dated work on every database.
    return (
        _search(qs, query)
        .select_related(*LIST_RELATED)
        .order_by(F("due_at").asc(nulls_last=True), "-created_at")
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = "active"
    request_type: str = ""
    assignee: str = "any"
    overdue: bool = False
    query: str = ""
    sort: str = "due"


QUEUE_SORTS = {
    "due": ("due_at", "-created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "updated": ("-updated_at",),
    "priority": ("-priority_rank", "due_at"),
}


def queue_tickets(department: Department, user, filters: QueueFilters) -> QuerySet[Ticket]:
    """The department's requests as the queue page filters and sorts them."""
    qs = Ticket.objects.filter(department=department, kind=Ticket.Kind.REQUEST)
    if filters.status == "active":
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    elif filters.status in Ticket.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.request_type:
        qs = qs.filter(request_type__slug=filters.request_type)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if filters.overdue:
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES, due_at__lt=timezone.now())
    if filters.query.strip():
        q = filters.query.strip()
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(requester__first_name__icontains=q)
            | Q(requester__last_name__icontains=q)
        )
    qs = qs.annotate(
        priority_rank=Case(
            *[When(priority=p, then=Value(i)) for i, p in enumerate(Ticket.Priority.values)],
            output_field=IntegerField(),
        )
    )
    order = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["due"])
    return qs.select_related(*LIST_RELATED).order_by(*order, "-pk")


def queue_status_counts(department: Department) -> dict[str, int]:
    """{status: count} for the statuses the queue has tabs for, plus 'active' and 'overdue'.

    One query.
    """
    now = timezone.now()
    # Closed and cancelled requests pile up forever and have no tab: leaving them
    # out lets the (department, status) index answer (bench: 1M tickets).
    shown = [*Ticket.ACTIVE_STATUSES, Ticket.Status.RESOLVED]
    base = Ticket.objects.filter(department=department, kind=Ticket.Kind.REQUEST, status__in=shown)
    # Counting the (never null) status, not the id: the id is not in the queue index,
    # so COUNT(id) would read every row from the table.
    aggregates = {s: Count("status", filter=Q(status=s)) for s in shown}
    aggregates["overdue"] = Count(
        "status", filter=Q(status__in=Ticket.ACTIVE_STATUSES, due_at__lt=now)
    )
    counts = base.aggregate(**aggregates)
    counts["active"] = sum(counts[s] for s in Ticket.ACTIVE_STATUSES)
    return counts


def department_members(department: Department) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(department=department)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def departments_worked_by(user) -> QuerySet[Department]:
    return Department.objects.filter(pk__in=list(permissions.roles_by_department(user)))


def colleagues_matching(user, query: str, *, limit: int = 10) -> list:
    """People a handoff can go to: active, not associates, with a home department."""
    query = query.strip()
    if len(query) < 2:
        return []
    words = query.split()
    qs = User.objects.filter(
        is_active=True,
        employee__is_associate=False,
        employee__home_department__isnull=False,
    ).exclude(pk=user.pk)
    for word in words:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return list(
        qs.select_related("employee__home_department").order_by("first_name", "last_name")[:limit]
    )


def colleague_get(user_id) -> User:
    try:
        return User.objects.select_related("employee__home_department").get(
            pk=user_id, is_active=True
        )
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def user_get(user_id: int):
    """An active user by id, or None; services decide whether they may take part."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def users_not_in(department: Department, query: str, *, limit: int = 10) -> list:
    """Candidates to add as members: active employees who are not associates."""
    query = query.strip()
    if len(query) < 2:
        return []
    qs = (
        User.objects.filter(is_active=True)
        .exclude(employee__is_associate=True)
        .exclude(memberships__department=department)
    )
    for word in query.split():
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return list(qs.order_by("first_name", "last_name")[:limit])


def home_summary(user) -> dict:
    """Counts for the start page; three queries."""
    mine = my_requests(user).filter(status__in=Ticket.ACTIVE_STATUSES)
    return {
        "my_active": list(mine[:5]),
        "my_active_count": mine.count(),
        "assigned": list(assigned_to(user)[:5]),
    }


def departments_overview() -> QuerySet[Department]:
    """Every department with its member, type and open-ticket counts; one query."""
    members = Membership.objects.filter(department=OuterRef("pk")).values("department")
    types = RequestType.objects.filter(department=OuterRef("pk")).values("department")
    active = Ticket.objects.filter(
        department=OuterRef("pk"), status__in=Ticket.ACTIVE_STATUSES, kind=Ticket.Kind.REQUEST
    ).values("department")

    def count_of(qs):
        return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n")[:1]), 0)

    return Department.objects.annotate(
        member_count=count_of(members), type_count=count_of(types), active_count=count_of(active)
    ).order_by("name")


def rollup_days(start, end) -> Q:
    """The per-day rollup rows of ``[start, end)``; both ends are local midnights."""
    tz = timezone.get_default_timezone()
    return Q(day__gte=timezone.localdate(start, tz), day__lt=timezone.localdate(end, tz))


@dataclass(frozen=True)
class MedianEstimate:
    """A period's exact median time to resolve, in seconds, from ``n`` resolved requests.

    ``low``/``high`` are the exact durations at the ranks a ``rank_interval`` named (a
    confidence interval for the median); None when none was asked for or ``n`` is too few.
    """

    seconds: float
    n: int
    low: int | None = None
    high: int | None = None

    @property
    def interval(self) -> tuple[int, int] | None:
        return None if self.low is None or self.high is None else (self.low, self.high)


def _rank_span(
    buckets: list[tuple[int, int]], rank: int, needed: int
) -> tuple[int, int | None, int]:
    """``(low, high, offset)``: the durations of 0-based ranks ``rank``..``rank + needed - 1``
    are the ``needed`` after ``offset`` others among those in ``[low, high)`` seconds, the
    buckets from the one holding the first rank to the one holding the last."""
    below, first = 0, None
    for bucket, n in buckets:
        if first is None and rank < below + n:
            first = (bucket, rank - below)
        if first is not None and rank + needed <= below + n:
            return bucket_bounds(first[0])[0], bucket_bounds(bucket)[1], first[1]
        below += n
    raise ValueError(f"ranks {rank}+{needed} beyond {below} durations")


def resolution_medians(
    *, periods: dict, department_id: int | None = None, request_type_id: int | None = None
) -> dict[tuple[int, str], float]:
    """Exact median time to resolve, in seconds, per department and period.

    ``periods`` maps a name to ``[start, end)`` (local midnights, not overlapping). Two
    queries whatever the data; see ``resolution_median_estimates``.
    """
    estimates = resolution_median_estimates(
        periods=periods, department_id=department_id, request_type_id=request_type_id
    )
    return {key: estimate.seconds for key, estimate in estimates.items()}


def resolution_median_estimates(
    *,
    periods: dict,
    department_id: int | None = None,
    request_type_id: int | None = None,
    rank_interval: Callable[[int], tuple[int, int] | None] | None = None,
) -> dict[tuple[int, str], MedianEstimate]:
    """Exact median time to resolve per department and period, with its interval if asked.

    ``periods`` maps a name to ``[start, end)`` (local midnights, not overlapping).
    ``rank_interval(n)`` names the 1-based ranks (lo, hi) whose durations bound the median
    of ``n``, e.g. ``surveys.stats.median_rank_interval`` (passed in: requests_app does not
    import surveys); the estimate's ``low``/``high`` are the exact durations at those ranks.
    Two queries whatever the data: the per-day histogram summed per bucket tells in which
    bucket each wanted rank lies; then one query reads, in duration order, only the tickets
    of those buckets (an index range each) and keeps the wanted ranks.
    """
    days = [rollup_days(start, end) for start, end in periods.values()]
    histogram = ResolutionDay.objects.filter(functools.reduce(operator.or_, days))
    if department_id is not None:
        histogram = histogram.filter(department_id=department_id)
    if request_type_id is not None:
        histogram = histogram.filter(request_type_id=request_type_id)
    rows = (
        histogram.order_by()
        .values_list("department_id", "bucket")
        .annotate(
            **{f"n{i}": Sum("tickets", filter=when, default=0) for i, when in enumerate(days)}
        )
        .order_by("department_id", "bucket")
    )
    counts: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for department, bucket, *per_period in rows:
        for name, n in zip(periods, per_period, strict=True):
            if n > 0:
                counts.setdefault((department, name), []).append((bucket, n))
    if not counts:
        return {}

    # per department and period: what to read, as (0-based first rank, how many) per role
    wanted: dict[tuple[int, str], dict[str, tuple[int, int]]] = {}
    for key, buckets in counts.items():
        total = sum(n for _bucket, n in buckets)
        reads = {"median": ((total - 1) // 2, 1 if total % 2 else 2)}
        ranks = rank_interval(total) if rank_interval else None
        if ranks:
            reads |= {"low": (ranks[0] - 1, 1), "high": (ranks[1] - 1, 1)}
        wanted[key] = reads
    tickets = Ticket.objects.filter(kind=Ticket.Kind.REQUEST, resolution_seconds__isnull=False)
    if request_type_id is not None:
        tickets = tickets.filter(request_type_id=request_type_id)
    if connection.features.supports_slicing_ordering_in_compound:
        found = _ranks_by_offset(tickets, periods, counts, wanted)
    else:
        found = _ranks_by_window(tickets, periods, counts, wanted)

    estimates = {}
    for key, reads in wanted.items():
        values = {role: found.get((*key, role), []) for role in reads}
        if any(len(values[role]) != needed for role, (_rank, needed) in reads.items()):
            continue  # tickets changed without their rollup: no figure, not a wrong one
        estimates[key] = MedianEstimate(
            seconds=sum(values["median"]) / len(values["median"]),
            n=sum(n for _bucket, n in counts[key]),
            low=values["low"][0] if "low" in values else None,
            high=values["high"][0] if "high" in values else None,
        )
    return estimates


def _span_q(key: tuple[int, str], periods: dict, low: int, high: int | None) -> Q:
    department, name = key
    start, end = periods[name]
    span = Q(
        department_id=department,
        resolved_at__gte=start,
        resolved_at__lt=end,
        resolution_seconds__gte=low,
    )
    return span if high is None else span & Q(resolution_seconds__lt=high)


def _ranks_by_offset(tickets, periods, counts, wanted) -> dict[tuple, list[int]]:
    """PostgreSQL: per department, period and role, an index-only walk in duration order
    that skips ``offset`` entries and reads the wanted one or two; all in one UNION ALL."""
    parts = []
    for key, reads in wanted.items():
        for role, (rank, needed) in reads.items():
            low, high, offset = _rank_span(counts[key], rank, needed)
            parts.append(
                tickets.filter(_span_q(key, periods, low, high))
                .annotate(
                    period=Value(key[1], output_field=CharField()),
                    role=Value(role, output_field=CharField()),
                )
                .order_by("resolution_seconds")
                .values_list("department_id", "period", "role", "resolution_seconds")[
                    offset : offset + needed
                ]
            )
    rows = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True).order_by()
    found: dict[tuple, list[int]] = {}
    for department, name, role, seconds in rows:
        found.setdefault((department, name, role), []).append(seconds)
    return found


def _ranks_by_window(tickets, periods, counts, wanted) -> dict[tuple, list[int]]:
    """Backends without LIMIT inside UNION (SQLite): per department and period, number the
    durations of the buckets from the lowest wanted rank to the highest with ROW_NUMBER()
    and keep the wanted positions."""
    spans, columns, roles_at = [], {}, {}
    for key, reads in wanted.items():
        first = min(rank for rank, _needed in reads.values())
        last = max(rank + needed - 1 for rank, needed in reads.values())
        low, high, offset = _rank_span(counts[key], first, last - first + 1)
        spans.append(_span_q(key, periods, low, high))
        base = first - offset  # the 0-based rank of position 1
        positions = roles_at[key] = {}
        for role, (rank, needed) in reads.items():
            for position in range(rank - base + 1, rank - base + 1 + needed):
                positions.setdefault(position, []).append(role)
        columns[key] = sorted(positions)
    width = max(len(positions) for positions in columns.values())
    here = {key: Q(department_id=key[0], period=key[1]) for key in wanted}
    keep = {
        f"keep{i}": Case(
            *[When(here[key], then=Value(p[min(i, len(p) - 1)])) for key, p in columns.items()],
            output_field=IntegerField(),
        )
        for i in range(width)
    }
    in_period = [
        When(resolved_at__gte=start, resolved_at__lt=end, then=Value(name))
        for name, (start, end) in periods.items()
    ]
    rows = (
        tickets.filter(functools.reduce(operator.or_, spans))
        .order_by()
        .annotate(period=Case(*in_period, output_field=CharField()))
        .annotate(**keep)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("department_id"), F("period")],
                order_by=F("resolution_seconds").asc(),
            )
        )
        .filter(functools.reduce(operator.or_, [Q(position=F(name)) for name in keep]))
        .values_list("department_id", "period", "position", "resolution_seconds")
    )
    found: dict[tuple, list[int]] = {}
    for department, name, position, seconds in rows:
        for role in roles_at[(department, name)][position]:
            found.setdefault((department, name, role), []).append(seconds)
    return found
