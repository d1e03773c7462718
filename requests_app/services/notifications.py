"""E-mails about tickets, sent after the change has committed.

Each function takes ids, reloads what it needs and sends plain-text + HTML twins
in each recipient's language. A failing mail server is logged, never raised:
the change itself is already saved and visible in the app.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ..models import Membership, Ticket, TicketEvent

logger = logging.getLogger(__name__)


def ticket_url(ticket: Ticket) -> str:
    path = reverse("requests_app:ticket_detail", kwargs={"reference": ticket.reference})
    return f"{settings.ICSAT_BASE_URL}{path}"


def _language_of(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.language if employee else settings.LANGUAGE_CODE


def _send(*, template: str, recipients, context: dict, exclude=None) -> int:
    sent = 0
    seen = set()
    for user in recipients:
        if user is None or not user.email or not user.is_active:
            continue
        if (exclude is not None and user.pk == exclude.pk) or user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(_language_of(user)):
            ctx = {**context, "recipient": user, "base_url": settings.ICSAT_BASE_URL}
            subject = render_to_string(f"email/{template}_subject.txt", ctx).strip()
            message = EmailMultiAlternatives(
                subject=" ".join(subject.split()),
                body=render_to_string(f"email/{template}.txt", ctx),
                to=[user.email],
            )
            message.attach_alternative(render_to_string(f"email/{template}.html", ctx), "text/html")
        try:
            message.send()
            sent += 1
        except Exception:
            logger.exception("Could not send %s e-mail to user %s", template, user.pk)
    return sent


def _ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related(
        "requester__employee", "assignee__employee", "department", "request_type"
    ).get(pk=ticket_id)


def _department_agents(ticket: Ticket):
    return [
        m.user
        for m in Membership.objects.filter(department_id=ticket.department_id).select_related(
            "user__employee"
        )
    ]


def ticket_created(*, ticket_id: int) -> int:
    """New request → the department's agents; new handoff → the named colleague."""
    ticket = _ticket(ticket_id)
    if ticket.kind == Ticket.Kind.HANDOFF:
        recipients = [ticket.assignee]
    else:
        recipients = _department_agents(ticket)
    return _send(
        template="ticket_created",
        recipients=recipients,
        context={"ticket": ticket, "url": ticket_url(ticket)},
        exclude=ticket.requester,
    )


def ticket_assigned(*, ticket_id: int) -> int:
    ticket = _ticket(ticket_id)
    return _send(
        template="ticket_assigned",
        recipients=[ticket.assignee],
        context={"ticket": ticket, "url": ticket_url(ticket)},
    )


def public_reply(*, event_id: int) -> int:
    """A public reply goes to the other side: requester and cc, or the staff on it."""
    event = TicketEvent.objects.select_related("actor").get(pk=event_id)
    if event.is_internal:
        return 0
    ticket = _ticket(event.ticket_id)
    requester_side = [ticket.requester, *ticket.cc.select_related("employee")]
    if event.actor_id in {u.pk for u in requester_side}:
        recipients = [ticket.assignee] if ticket.assignee else _department_agents(ticket)
    else:
        recipients = requester_side
    return _send(
        template="ticket_reply",
        recipients=recipients,
        context={
            "ticket": ticket,
            "event": event,
            "url": ticket_url(ticket),
            "attachments": list(event.attachments.all()),
        },
        exclude=event.actor,
    )


def status_changed(*, event_id: int) -> int:
    """Status changes (including resolve and cancel) → the requester and cc."""
    event = TicketEvent.objects.select_related("actor").get(pk=event_id)
    ticket = _ticket(event.ticket_id)
    recipients = [ticket.requester, *ticket.cc.select_related("employee")]
    if event.actor_id == ticket.requester_id and ticket.assignee:
        recipients = [ticket.assignee]
    return _send(
        template="ticket_status",
        recipients=recipients,
        context={"ticket": ticket, "event": event, "url": ticket_url(ticket)},
        exclude=event.actor,
    )


def ticket_reopened(*, event_id: int) -> int:
    event = TicketEvent.objects.select_related("actor").get(pk=event_id)
    ticket = _ticket(event.ticket_id)
    recipients = [ticket.assignee] if ticket.assignee else _department_agents(ticket)
    return _send(
        template="ticket_status",
        recipients=recipients,
        context={"ticket": ticket, "event": event, "url": ticket_url(ticket)},
        exclude=event.actor,
    )
