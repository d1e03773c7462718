"""What the apps that send e-mail tell the outbox, so the outbox imports none of them.

Each template has a context builder: given the ids stored on the row and the
recipient, it loads what the e-mail shows when it is sent (or returns None when
that is gone, and the e-mail is cancelled). An owner kind (e.g. a survey
invitation) can follow its e-mails: told, inside the transaction that records it,
when one was sent or given up on.
"""

from collections.abc import Callable
from typing import Any

ContextBuilder = Callable[[dict, Any], dict | None]
OwnerReceiver = Callable[..., None]

_builders: dict[str, ContextBuilder] = {}
_on_sent: dict[str, OwnerReceiver] = {}
_on_failed: dict[str, OwnerReceiver] = {}


def register_template(template: str, builder: ContextBuilder) -> None:
    """``builder(stored_context, recipient)`` makes the template's context at send time."""
    _builders[template] = builder


def register_owner(kind: str, *, sent: OwnerReceiver, failed: OwnerReceiver) -> None:
    """``sent(email=...)`` and ``failed(email=..., error=...)`` follow the kind's e-mails."""
    _on_sent[kind] = sent
    _on_failed[kind] = failed


def builder_for(template: str) -> ContextBuilder:
    return _builders[template]


def owner_sent(email) -> None:
    if email.owner_kind:
        _on_sent[email.owner_kind](email=email)


def owner_failed(email, error: str) -> None:
    if email.owner_kind:
        _on_failed[email.owner_kind](email=email, error=error)
