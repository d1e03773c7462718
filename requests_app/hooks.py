"""Extension points other apps register with, so requests_app imports none of them.

A receiver runs inside the transaction of the change, after the ticket row is
written and locked, so anything it writes commits or rolls back with it.
"""

from collections.abc import Callable
from contextlib import contextmanager

_resolved: list[Callable] = []
_reopened: list[Callable] = []


def on_ticket_resolved(receiver: Callable) -> Callable:
    """Register ``receiver(ticket=..., actor=...)`` to run when a ticket is resolved."""
    if receiver not in _resolved:
        _resolved.append(receiver)
    return receiver


def on_ticket_reopened(receiver: Callable) -> Callable:
    """Register ``receiver(ticket=..., actor=...)`` to run when a ticket is reopened."""
    if receiver not in _reopened:
        _reopened.append(receiver)
    return receiver


def ticket_resolved(*, ticket, actor) -> None:
    for receiver in list(_resolved):
        receiver(ticket=ticket, actor=actor)


def ticket_reopened(*, ticket, actor) -> None:
    for receiver in list(_reopened):
        receiver(ticket=ticket, actor=actor)


@contextmanager
def suspended():
    """Run no receivers inside the block, e.g. while demo history is replayed."""
    saved = list(_resolved), list(_reopened)
    _resolved.clear()
    _reopened.clear()
    try:
        yield
    finally:
        _resolved[:], _reopened[:] = saved
