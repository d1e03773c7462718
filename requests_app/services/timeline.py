"""Entries other apps write on a ticket's timeline (the survey pipeline's, for one)."""

from ..models import TicketEvent
from ..phrases import Phrase


def ticket_log_event(
    *,
    ticket_id: int,
    note: Phrase,
    body: str = "",
    data: dict | None = None,
    internal: bool = True,
    actor=None,
) -> TicketEvent:
    """Record what another app did about a ticket on its audit trail; changes no state.

    ``note`` is written in each reader's language when read; ``body`` is someone's own
    words, shown under it as they wrote them."""
    return TicketEvent.objects.create(
        ticket_id=ticket_id,
        actor=actor,
        kind=TicketEvent.Kind.SURVEY,
        body=body,
        is_internal=internal,
        data={**(data or {}), "phrase": note},
    )
