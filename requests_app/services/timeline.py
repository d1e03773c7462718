"""Entries other apps write on a ticket's timeline (the survey pipeline's, for one)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..models import TicketEvent
from ..phrases import Phrase

_this_thread = threading.local()


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
    words, shown under it as they wrote them. Inside ``recorded_with`` the entry is
    inserted with the change's own event, after it."""
    event = TicketEvent(
        ticket_id=ticket_id,
        actor=actor,
        kind=TicketEvent.Kind.SURVEY,
        body=body,
        is_internal=internal,
        data={**(data or {}), "phrase": note},
    )
    waiting = getattr(_this_thread, "waiting", None)
    if waiting is None:
        event.save()
    else:
        waiting.append(event)
    return event


@contextmanager
def recorded_with(event: TicketEvent) -> Iterator[None]:
    """Insert ``event`` (not saved yet) and the entries other apps log inside the block in
    one statement when it ends, ``event`` first: a resolve and its hooks' entries cost one
    round trip. Nothing is inserted if the block raises."""
    outer = getattr(_this_thread, "waiting", None)
    waiting: list[TicketEvent] = []
    _this_thread.waiting = waiting
    try:
        yield
    finally:
        _this_thread.waiting = outer
    TicketEvent.objects.bulk_create([event, *waiting])
