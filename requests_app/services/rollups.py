"""Per-day rollups of requests, kept current by the ticket services, and their rebuild.

Dashboards read figures from these rows instead of scanning a million tickets. Every
change is a pair of increments (``F() + n``) on rows keyed by local day, so concurrent
resolves of one department never lose a count; ``rollups_rebuild_tickets`` recomputes
everything from the tickets (after a bulk load, or to repair) and must always agree.
"""

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import RESOLUTION_BOUNDS, ResolutionDay, Ticket, TicketDay, resolution_bucket


def local_day(moment):
    return timezone.localdate(moment, timezone.get_default_timezone())


def bump(model, keys: dict, **deltas: int) -> None:
    """Add ``deltas`` to the row of ``model`` with ``keys``, creating it first if needed."""
    bump_many(model, [(keys, deltas)])


def bump_many(model, rows: list[tuple[dict, dict]]) -> None:
    """Add to many rows of ``model`` in one statement; ``rows`` are (keys, deltas) pairs.

    ``INSERT … ON CONFLICT (keys) DO UPDATE SET n = n + excluded.n`` (PostgreSQL, and
    SQLite since 3.24): each row is created at its deltas or added to, atomically, so
    concurrent changes never lose a count. Rows go in key order, so two transactions
    bumping the same rows never wait on each other in a circle.
    """
    rows = [(keys, deltas) for keys, deltas in rows if any(deltas.values())]
    if not rows:
        return
    rows.sort(key=lambda row: tuple(str(value) for value in row[0].values()))
    meta = model._meta
    quote = connection.ops.quote_name
    key_names = list(rows[0][0])
    counters = [
        field.name
        for field in meta.concrete_fields
        if isinstance(field, IntegerField)
        and not field.primary_key
        and not field.is_relation
        and field.name not in key_names
    ]
    columns = [meta.get_field(name).column for name in [*key_names, *counters]]
    params = []
    for keys, deltas in rows:
        params += [keys[name] for name in key_names]
        params += [deltas.get(name, 0) for name in counters]
    table = quote(meta.db_table)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    conflict = ", ".join(quote(meta.get_field(name).column) for name in key_names)
    add = ", ".join(
        f"{quote(column)} = {table}.{quote(column)} + excluded.{quote(column)}"
        for column in columns[len(key_names) :]
    )
    # Names come from the model's metadata, quoted by the backend; values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
        f"VALUES {', '.join([one_row] * len(rows))} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {add}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _counted(ticket: Ticket) -> bool:
    return ticket.kind == Ticket.Kind.REQUEST and ticket.request_type_id is not None


def _keys(ticket: Ticket, moment) -> dict:
    return {
        "department_id": ticket.department_id,
        "request_type_id": ticket.request_type_id,
        "day": local_day(moment),
    }


def resolution_seconds(ticket: Ticket) -> int | None:
    if ticket.resolved_at is None:
        return None
    return max(0, int((ticket.resolved_at - ticket.created_at).total_seconds()))


def rollup_ticket_created(ticket: Ticket) -> None:
    if _counted(ticket):
        bump(TicketDay, _keys(ticket, ticket.created_at), created=1)


def rollup_ticket_resolution(ticket: Ticket, sign: int = 1) -> None:
    """Count (sign 1) or take back (sign −1, before a reopen) the ticket's resolution."""
    if not _counted(ticket) or ticket.resolved_at is None:
        return
    keys = _keys(ticket, ticket.resolved_at)
    with_due = ticket.due_at is not None
    bump(
        TicketDay,
        keys,
        resolved=sign,
        with_due=sign * with_due,
        sla_met=sign
        * bool(ticket.due_at and ticket.resolved_at and ticket.resolved_at <= ticket.due_at),
        reopened=sign * (ticket.reopen_count > 0),
    )
    bump(
        ResolutionDay,
        {**keys, "bucket": resolution_bucket(ticket.resolution_seconds or 0)},
        tickets=sign,
    )


def _bucket_case():
    whens = [
        When(resolution_seconds__lt=high, then=Value(index))
        for index, high in enumerate(RESOLUTION_BOUNDS[1:])
    ]
    return Case(*whens, default=Value(len(RESOLUTION_BOUNDS) - 1), output_field=IntegerField())


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
        seconds = resolution_seconds(ticket)
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
    histogram = (
        requests.filter(resolved_at__isnull=False)
        .annotate(day=TruncDate("resolved_at", tzinfo=tz), bucket=_bucket_case())
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
    TicketDay.objects.all().delete()
    ResolutionDay.objects.all().delete()
    TicketDay.objects.bulk_create(days.values(), batch_size=5000)
    ResolutionDay.objects.bulk_create(buckets, batch_size=5000)
    return len(days) + len(buckets)
