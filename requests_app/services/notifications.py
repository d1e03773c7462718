"""E-mails about tickets: who gets which, recorded in the outbox with the change.

Each function runs inside the transaction of the change it tells about, picks the
recipients from the state that change left, and records one outbox row each; a
worker renders and sends them after commit, in each recipient's language (the
builders below make the templates' context then). Nothing here talks to SMTP.
"""

from django.conf import settings
from django.urls import reverse

from outbox import registry
from outbox.services import emails_queue

from ..models import Membership, Ticket, TicketEvent


def ticket_url(ticket: Ticket) -> str:
    path = reverse("requests_app:ticket_detail", kwargs={"reference": ticket.reference})
    return f"{settings.ICSAT_BASE_URL}{path}"


def _ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related(
        "requester__employee", "assignee__employee", "department", "request_type"
    ).get(pk=ticket_id)


def _active(users) -> list:
    return [user for user in users if user is not None and user.is_active]


def _department_agents(ticket: Ticket) -> list:
    return [
        m.user
        for m in Membership.objects.filter(department_id=ticket.department_id).select_related(
            "user"
        )
    ]


def _queue(template: str, recipients, ticket: Ticket, event: TicketEvent | None, exclude=None):
    context = {"ticket_id": ticket.pk, "event_id": event.pk if event else None}
    return emails_queue(
        recipients=_active(recipients), template=template, context=context, exclude=exclude
    )


def ticket_created(*, ticket_id: int) -> int:
    """New request → the department's agents; new handoff → the named colleague."""
    ticket = _ticket(ticket_id)
    if ticket.kind == Ticket.Kind.HANDOFF:
        recipients = [ticket.assignee]
    else:
        recipients = _department_agents(ticket)
    return len(_queue("ticket_created", recipients, ticket, None, exclude=ticket.requester))


def ticket_assigned(*, ticket_id: int) -> int:
    ticket = _ticket(ticket_id)
    return len(_queue("ticket_assigned", [ticket.assignee], ticket, None))


def public_reply(*, event_id: int) -> int:
    """A public reply goes to the other side: requester and cc, or the staff on it."""
    event = TicketEvent.objects.select_related("actor").get(pk=event_id)
    if event.is_internal:
        return 0
    ticket = _ticket(event.ticket_id)
    requester_side = [ticket.requester, *ticket.cc.all()]
    if event.actor_id in {u.pk for u in requester_side}:
        recipients = [ticket.assignee] if ticket.assignee else _department_agents(ticket)
    else:
        recipients = requester_side
    return len(_queue("ticket_reply", recipients, ticket, event, exclude=event.actor))


def status_changed(*, event: TicketEvent) -> int:
    """Status changes (including resolve and cancel) → the requester and cc.

    Takes the event just recorded (its ticket and actor in hand), not its id: on every
    resolve, loading both again was two queries of the request.
    """
    ticket = event.ticket
    cc = ticket.cc.all() if getattr(ticket, "has_cc", True) else ()
    recipients = [ticket.requester, *cc]
    if event.actor_id == ticket.requester_id and ticket.assignee:
        recipients = [ticket.assignee]
    return len(_queue("ticket_status", recipients, ticket, event, exclude=event.actor))


def ticket_reopened(*, event_id: int) -> int:
    event = TicketEvent.objects.select_related("actor").get(pk=event_id)
    ticket = _ticket(event.ticket_id)
    recipients = [ticket.assignee] if ticket.assignee else _department_agents(ticket)
    return len(_queue("ticket_status", recipients, ticket, event, exclude=event.actor))


def _contexts(items) -> list[dict | None]:
    """What ticket e-mails show, loaded when they are sent (three queries for a batch);
    None for one whose ticket or event is gone."""
    tickets = Ticket.objects.select_related(
        "requester", "assignee", "department", "request_type"
    ).in_bulk({stored["ticket_id"] for stored, _recipient in items})
    events = (
        TicketEvent.objects.select_related("actor")
        .prefetch_related("attachments")
        .in_bulk({stored["event_id"] for stored, _recipient in items if stored.get("event_id")})
    )
    contexts: list[dict | None] = []
    for stored, _recipient in items:
        ticket = tickets.get(stored["ticket_id"])
        event = events.get(stored["event_id"]) if stored.get("event_id") else None
        if ticket is None or (stored.get("event_id") and event is None):
            contexts.append(None)
            continue
        context: dict = {"ticket": ticket, "url": ticket_url(ticket)}
        if event is not None:
            context["event"] = event
            context["attachments"] = list(event.attachments.all())
        contexts.append(context)
    return contexts


def _context(stored: dict, recipient) -> dict | None:
    (context,) = _contexts([(stored, recipient)])
    return context


def register_templates() -> None:
    """Tell the outbox how to build the ticket e-mails (from the app's ready())."""
    for template in ("ticket_created", "ticket_assigned", "ticket_reply", "ticket_status"):
        registry.register_template(template, _context, batch_builder=_contexts)
