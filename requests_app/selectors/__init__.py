"""Every read a page needs, already scoped to what the user may see.

Each selector runs a fixed number of queries whatever the data size.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from .. import permissions
from ..models import (
    Attachment,
    Department,
    Membership,
    RequestType,
    Ticket,
    TicketEvent,
)

User = get_user_model()

LIST_RELATED = ("department", "request_type", "assignee", "requester")
QUEUE_RELATED = ("request_type", "assignee", "requester")


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
    # Read by its reference, then checked with the rule every single ticket is checked
    # with: filtered by the list rule's OR and EXISTS, this read took ~1 ms more to build
    # and plan (at 1M: 4.2 ms against 3.1, the user's memberships included). Joined to
    # what the ticket page shows only: PostgreSQL took longer to plan this query with six
    # joined tables (1.25 ms) than to run it (0.2 ms).
    ticket = (
        Ticket.objects.select_related("department", "request_type", "assignee", "requester")
        .filter(reference=reference)
        .first()
    )
    if ticket is None or not permissions.can_view_ticket(user, ticket):
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
    # Not joined to its department, which every row shares: PostgreSQL plans the rows'
    # query in 0.47 ms instead of 0.79 (planning, not running, is most of its time).
    return qs.select_related(*QUEUE_RELATED).order_by(*order, "-pk")


# Rows a list or a count reads at most. A person with 200,000 requests, a queue with
# 100,000 resolved ones or an audit log of millions is shown "more than 10,000": counting
# every row would make a page as slow as its list is long (bench: my requests grew 2.5× and
# the queue 3.4× from 10k to 10M tickets).
COUNT_CAP = 10_000
# The queue's tabs say "1000+" past this: a tab is a count to glance at, and each one
# read up to 10,000 index entries at 10M tickets.
TAB_COUNT_CAP = 1_000


def queue_status_counts(department: Department) -> dict[str, int]:
    """{status: count} for the statuses the queue has tabs for, plus 'active' (their sum)
    and 'overdue'; each counted up to ``TAB_COUNT_CAP + 1`` (more means "more than it").

    One query: a LIMITed index range per count, so a department with 100,000 resolved
    requests costs what one with 1,000 does.
    """
    shown = [*Ticket.ACTIVE_STATUSES, Ticket.Status.RESOLVED]
    limit = TAB_COUNT_CAP + 1
    params: list = []
    for status in shown:
        params += [department.pk, Ticket.Kind.REQUEST, status, limit]
    params += [department.pk, Ticket.Kind.REQUEST, *Ticket.ACTIVE_STATUSES, timezone.now(), limit]
    with connection.cursor() as cursor:
        cursor.execute(_queue_counts_sql(len(shown)), params)
        row = cursor.fetchone()
    counts = {str(status): n for status, n in zip(shown, row, strict=False)}
    counts["overdue"] = row[-1]
    counts["active"] = min(sum(counts[s] for s in Ticket.ACTIVE_STATUSES), limit)
    return counts


def queue_length_from_tabs(filters: QueueFilters, counts: dict[str, int]) -> int | None:
    """How many requests the queue lists, when a tab's count already says it (only the
    status filtered, and fewer than the tabs' cap); None when it must be counted."""
    if filters.request_type or filters.assignee != "any" or filters.overdue:
        return None
    if filters.query.strip():
        return None
    n = counts.get(filters.status)
    return n if n is not None and n <= TAB_COUNT_CAP else None


@functools.cache
def _queue_counts_sql(statuses: int) -> str:
    # Names from the model's metadata, values as parameters; closed and cancelled requests
    # pile up forever and have no tab, and each count stops at its LIMIT inside the
    # (department, status) index.
    quote = connection.ops.quote_name
    meta = Ticket._meta
    table, department = quote(meta.db_table), quote(meta.get_field("department").column)
    where = f"{department} = %s AND kind = %s"
    active = ", ".join(["%s"] * len(Ticket.ACTIVE_STATUSES))
    one = "(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} AND {cond} LIMIT %s) c)"
    parts = [one.format(table=table, where=where, cond="status = %s")] * statuses
    parts.append(one.format(table=table, where=where, cond=f"status IN ({active}) AND due_at < %s"))
    return "SELECT " + ", ".join(parts)


def department_members(department: Department) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(department=department)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def departments_worked_by(user) -> list[Department]:
    return permissions.departments_worked_in(user)


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


def colleague_get(user_id) -> AbstractBaseUser:
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
