"""The ticket history: the planned stories run through the services, then moved in time.

Every ticket is filed and worked through requests_app.services, exactly as the
pages do it, in the order the story happened. The services stamp the real
time; the clock records which real moments belong to which simulated moment
and the stamps are rewritten afterwards. Resolved tickets are then closed by
the same service the periodic task runs, at the simulated times it would have
run.
"""

from datetime import UTC, datetime, timedelta

from django.db.models import F, OuterRef, Subquery

from demo.clock import Clock
from demo.people import Company
from demo.stories import Plan
from requests_app.models import Attachment, Ticket, TicketEvent
from requests_app.services.closing import tickets_close_resolved

Status = Ticket.Status
# The periodic close task runs every 15 minutes (CELERY_BEAT_SCHEDULE).
CLOSE_TASK_EVERY = timedelta(minutes=15)
# Tickets whose stamps are rewritten together: bounds the clock's memory and the updates.
BATCH = 100


def tickets_replay(plans: list[Plan], *, now: datetime) -> None:
    """File and work every planned ticket up to now, with simulated stamps."""
    clock = Clock()
    batch = []
    for plan in plans:
        with clock.at(plan.at):
            ticket = plan.create()
        for step in plan.steps:
            if step.at >= now:
                break  # the rest of this story has not happened yet
            with clock.at(step.at):
                step.run(ticket.pk)
        batch.append(ticket.pk)
        if len(batch) >= BATCH:
            _backdate(batch, clock)
            batch = []
    if batch:
        _backdate(batch, clock)


def _backdate(ticket_ids: list[int], clock: Clock) -> None:
    """Rewrite the real stamps of these tickets, events and files to simulated ones."""
    sim = clock.simulated
    tickets = []
    rows = Ticket.objects.filter(pk__in=ticket_ids).values_list(
        "pk",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "request_type__sla_hours",
    )
    for pk, created, updated, first_response, resolved, closed, sla_hours in rows:
        created = sim(created)
        tickets.append(
            Ticket(
                pk=pk,
                created_at=created,
                updated_at=sim(updated),
                due_at=created + timedelta(hours=sla_hours) if sla_hours is not None else None,
                first_response_at=sim(first_response),
                resolved_at=sim(resolved),
                closed_at=sim(closed),
            )
        )
    Ticket.objects.bulk_update(
        tickets,
        ["created_at", "updated_at", "due_at", "first_response_at", "resolved_at", "closed_at"],
        batch_size=250,
    )
    events = [
        TicketEvent(pk=pk, created_at=sim(created))
        for pk, created in TicketEvent.objects.filter(ticket_id__in=ticket_ids).values_list(
            "pk", "created_at"
        )
    ]
    TicketEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    attachments = [
        Attachment(pk=pk, created_at=sim(created))
        for pk, created in Attachment.objects.filter(ticket_id__in=ticket_ids).values_list(
            "pk", "created_at"
        )
    ]
    Attachment.objects.bulk_update(attachments, ["created_at"], batch_size=500)
    clock.reset()


def close_run_after(resolved_at: datetime, reopen_days: int) -> datetime:
    """When the periodic close task first finds the ticket: strictly after its window."""
    every = CLOSE_TASK_EVERY.total_seconds()
    due = (resolved_at + timedelta(days=reopen_days)).timestamp()
    return datetime.fromtimestamp((due // every + 1) * every, tz=UTC)


def resolved_close(company: Company, *, now: datetime) -> None:
    """Run the periodic close task at the simulated moments it would have found work."""
    reopen_days = {d.pk: d.reopen_days for d in company.departments.values()}
    runs = set()
    for department_id, resolved_at in Ticket.objects.filter(status=Status.RESOLVED).values_list(
        "department_id", "resolved_at"
    ):
        run = close_run_after(resolved_at, reopen_days[department_id])
        if run <= now:
            runs.add(run)
    for run in sorted(runs):
        tickets_close_resolved(now=run)
    closed_at = Ticket.objects.filter(pk=OuterRef("ticket_id")).values("closed_at")[:1]
    TicketEvent.objects.filter(kind=TicketEvent.Kind.CLOSED).update(created_at=Subquery(closed_at))
    Ticket.objects.filter(status=Status.CLOSED).update(updated_at=F("closed_at"))
