"""Extension points other apps register with, so requests_app imports none of them.

A receiver runs inside the transaction of the change, after the ticket row is
locked, so anything it writes commits or rolls back with it (and counts kept by a
receiver stay exact under concurrency). Other apps declare their own hooks with
``Hook`` (e.g. surveys/hooks.py), so ``suspended()`` silences theirs too.
"""

from collections.abc import Callable
from contextlib import contextmanager

_hooks: list["Hook"] = []


class Hook:
    """One kind of change; its receivers run in the order they were registered."""

    def __init__(self, name: str):
        self.name = name
        self.receivers: list[Callable] = []
        _hooks.append(self)

    def connect(self, receiver: Callable) -> Callable:
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def remove(self, receiver: Callable) -> None:
        self.receivers.remove(receiver)

    def send(self, **kwargs) -> None:
        for receiver in list(self.receivers):
            receiver(**kwargs)


_created = Hook("ticket created")
_resolved = Hook("ticket resolved")
_reopened = Hook("ticket reopened")
_person_left = Hook("person left")


def on_ticket_created(receiver: Callable) -> Callable:
    """Register ``receiver(ticket=...)`` to run when a ticket is created."""
    return _created.connect(receiver)


def on_ticket_resolved(receiver: Callable) -> Callable:
    """Register ``receiver(ticket=..., actor=...)`` to run when a ticket is resolved."""
    return _resolved.connect(receiver)


def on_ticket_reopened(receiver: Callable) -> Callable:
    """Register ``receiver(ticket=..., actor=...)`` to run when a ticket is reopened.

    It runs before the ticket's fields change: the ticket is still resolved, so a
    receiver can take back what it counted for that resolution.
    """
    return _reopened.connect(receiver)


def on_person_left(receiver: Callable) -> Callable:
    """Register ``receiver(user=..., actor=...)`` to run when a person is deactivated."""
    return _person_left.connect(receiver)


def person_left(*, user, actor) -> None:
    _person_left.send(user=user, actor=actor)


def ticket_created(*, ticket) -> None:
    _created.send(ticket=ticket)


def ticket_resolved(*, ticket, actor) -> None:
    _resolved.send(ticket=ticket, actor=actor)


def ticket_reopened(*, ticket, actor) -> None:
    _reopened.send(ticket=ticket, actor=actor)


@contextmanager
def suspended():
    """Run no receivers of any hook inside the block, e.g. while demo history is replayed."""
    saved = [(hook, list(hook.receivers)) for hook in _hooks]
    for hook, _receivers in saved:
        hook.receivers.clear()
    try:
        yield
    finally:
        for hook, receivers in saved:
            hook.receivers[:] = receivers
