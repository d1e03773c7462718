"""Per-day rollups of requests, kept current by hooks of the ticket services, and their rebuild.

Dashboards read figures from these rows instead of scanning a million tickets. Every
change is a pair of increments (``F() + n``) on rows keyed by local day, so concurrent
resolves of one department never lose a count; ``rollups_rebuild_tickets`` recomputes
everything from the tickets (after a bulk load, or to repair) and must always agree.
"""

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from requests_app import timing
from requests_app.models import Ticket

from ..buckets import resolution_bucket, resolution_bucket_case
from ..models import Grain, ResolutionDay, TicketDay
from .counters import bump, bump_many, local_day, monday_of


def _counted(ticket: Ticket) -> bool:
    return ticket.kind == Ticket.Kind.REQUEST and ticket.request_type_id is not None


def _keys(ticket: Ticket, moment) -> dict:
    return {
        "department_id": ticket.department_id,
        "request_type_id": ticket.request_type_id,
        "day": local_day(moment),
    }


def rollup_ticket_created(ticket: Ticket) -> None:
    if _counted(ticket):
        bump(TicketDay, _keys(ticket, ticket.created_at), created=1)


def rollup_ticket_resolution(ticket: Ticket, sign: int = 1) -> None:
    """Count (sign 1) or take back (sign −1, before a reopen) the ticket's resolution."""
    if not _counted(ticket) or ticket.resolved_at is None:
        return
    keys = _keys(ticket, ticket.resolved_at)
    bump(
        TicketDay,
        keys,
        resolved=sign,
        with_due=sign * (ticket.due_at is not None),
        sla_met=sign * bool(timing.sla_met(ticket.resolved_at, ticket.due_at)),
        reopened=sign * (ticket.reopen_count > 0),
        resolution_changes=1,  # a reopen too: the histogram changed either way
    )
    histogram = {**keys, "bucket": resolution_bucket(ticket.resolution_seconds or 0)}
    bump_many(
        ResolutionDay,
        [
            ({**histogram, "grain": Grain.DAY}, {"tickets": sign}),
            ({**histogram, "grain": Grain.WEEK, "day": monday_of(keys["day"])}, {"tickets": sign}),
        ],
    )


def _resolution_weeks(day_rows) -> list[ResolutionDay]:
    """The week rows (``day`` the Monday) summing these day rows of the histogram."""
    weeks: dict[tuple, int] = {}
    for row in day_rows:
        key = (row.department_id, row.request_type_id, monday_of(row.day), row.bucket)
        weeks[key] = weeks.get(key, 0) + row.tickets
    return [
        ResolutionDay(
            department_id=department_id,
            request_type_id=request_type_id,
            grain=Grain.WEEK,
            day=monday,
            bucket=bucket,
            tickets=n,
        )
        for (department_id, request_type_id, monday, bucket), n in weeks.items()
    ]


def _recompute_durations() -> None:
    """Store each resolved ticket's time to resolve again, from its timestamps.

    Row by row in Python (portable, and only needed where timestamps were written
    directly, like the demo's history); bulk loads should write the column themselves.
    """
    resolved = Ticket.objects.filter(resolved_at__isnull=False).only(
        "pk", "created_at", "resolved_at", "resolution_seconds"
    )
    batch = []
    for ticket in resolved.iterator(chunk_size=2000):
        seconds = timing.resolution_seconds(ticket.created_at, ticket.resolved_at)
        if ticket.resolution_seconds != seconds:
            ticket.resolution_seconds = seconds
            batch.append(ticket)
    Ticket.objects.bulk_update(batch, ["resolution_seconds"], batch_size=2000)
    Ticket.objects.filter(resolved_at__isnull=True, resolution_seconds__isnull=False).update(
        resolution_seconds=None
    )


@transaction.atomic
def rollups_rebuild_tickets(*, recompute_durations: bool = False) -> int:
    """Recompute every request rollup from the tickets; returns the rows written."""
    if recompute_durations:
        _recompute_durations()
    tz = timezone.get_default_timezone()
    requests = Ticket.objects.filter(kind=Ticket.Kind.REQUEST, request_type__isnull=False)
    days: dict[tuple, TicketDay] = {}

    def row(department_id, request_type_id, day) -> TicketDay:
        key = (department_id, request_type_id, day)
        if key not in days:
            days[key] = TicketDay(
                department_id=department_id, request_type_id=request_type_id, day=day
            )
        return days[key]

    created = (
        requests.annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values_list("department_id", "request_type_id", "day")
        .annotate(n=Count("pk"))
    )
    for department_id, request_type_id, day, n in created:
        row(department_id, request_type_id, day).created = n
    resolved = (
        requests.filter(resolved_at__isnull=False)
        .annotate(day=TruncDate("resolved_at", tzinfo=tz))
        .order_by()
        .values_list("department_id", "request_type_id", "day")
        .annotate(
            resolved=Count("pk"),
            with_due=Count("pk", filter=Q(due_at__isnull=False)),
            sla_met=Count("pk", filter=Q(due_at__isnull=False, resolved_at__lte=F("due_at"))),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        )
    )
    for department_id, request_type_id, day, n, with_due, sla_met, reopened in resolved:
        entry = row(department_id, request_type_id, day)
        entry.resolved, entry.with_due, entry.sla_met, entry.reopened = (
            n,
            with_due,
            sla_met,
            reopened,
        )
        entry.resolution_changes = n  # any count: rollups_rebuild moves every stamp's rebuilds
    histogram = (
        requests.filter(resolved_at__isnull=False)
        .annotate(day=TruncDate("resolved_at", tzinfo=tz), bucket=resolution_bucket_case())
        .order_by()
        .values_list("department_id", "request_type_id", "day", "bucket")
        .annotate(n=Count("pk"))
    )
    buckets = [
        ResolutionDay(
            department_id=department_id,
            request_type_id=request_type_id,
            day=day,
            bucket=bucket,
            tickets=n,
        )
        for department_id, request_type_id, day, bucket, n in histogram
    ]
    buckets += _resolution_weeks(buckets)
    TicketDay.objects.all().delete()
    ResolutionDay.objects.all().delete()
    TicketDay.objects.bulk_create(days.values(), batch_size=5000)
    ResolutionDay.objects.bulk_create(buckets, batch_size=5000)
    return len(days) + len(buckets)
