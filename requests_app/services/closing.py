"""Closing resolved requests whose reopen window has passed (beat, every 15 minutes)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Department, Ticket, TicketEvent
from .tickets import Status, record_event, save_changes


def tickets_close_resolved(*, now=None) -> int:
    """Close resolved tickets whose reopen window has passed; returns how many.

    Safe to run twice and from two workers at once: each row is claimed with
    skip_locked and re-checked under its lock.
    """
    now = now or timezone.now()
    closed = 0
    for department in Department.objects.all():
        cutoff = now - timedelta(days=department.reopen_days)
        due_ids = Ticket.objects.filter(
            department=department, status=Status.RESOLVED, resolved_at__lt=cutoff
        ).values_list("pk", flat=True)
        for pk in due_ids:
            with transaction.atomic():
                ticket = (
                    Ticket.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Status.RESOLVED)
                    .first()
                )
                if ticket is None:
                    continue
                ticket.status = Status.CLOSED
                ticket.closed_at = now
                save_changes(ticket, ["status", "closed_at"])
                record_event(
                    ticket,
                    None,
                    TicketEvent.Kind.CLOSED,
                    from_status=Status.RESOLVED,
                    to_status=Status.CLOSED,
                )
                closed += 1
    return closed
