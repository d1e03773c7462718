"""What the apps that send e-mail tell the outbox, so the outbox imports none of them.

Each template has a context builder: given the ids stored on the row and the
recipient, it loads what the e-mail shows when it is sent (or returns None when
that is gone, and the e-mail is cancelled). A template sent in volume may also
register a builder for a whole batch, which loads what all of them show in a few
queries. An owner kind (e.g. a survey invitation) can follow its e-mails: told,
inside the transaction that records it, when one was sent or given up on.
"""

from collections.abc import Callable, Sequence
from typing import Any

ContextBuilder = Callable[[dict, Any], dict | None]
# (stored context, recipient) pairs → one context (or None) each, in the same order.
BatchContextBuilder = Callable[[Sequence[tuple[dict, Any]]], list[dict | None]]
OwnerReceiver = Callable[..., None]

_builders: dict[str, ContextBuilder] = {}
_batch_builders: dict[str, BatchContextBuilder] = {}
_on_sent: dict[str, OwnerReceiver] = {}
_on_failed: dict[str, OwnerReceiver] = {}


def register_template(
    template: str, builder: ContextBuilder, *, batch_builder: BatchContextBuilder | None = None
) -> None:
    """``builder(stored_context, recipient)`` makes the template's context at send time, in
    the recipient's language and time zone; ``batch_builder``, if given, makes the contexts
    of a batch of its e-mails at once (so it must not depend on the language)."""
    _builders[template] = builder
    if batch_builder is not None:
        _batch_builders[template] = batch_builder
    else:
        _batch_builders.pop(template, None)


def register_owner(kind: str, *, sent: OwnerReceiver, failed: OwnerReceiver) -> None:
    """``sent(email=..., context=...)`` and ``failed(email=..., error=...)`` follow the kind's
    e-mails; ``context`` is what the template's builder made for the e-mail just sent."""
    _on_sent[kind] = sent
    _on_failed[kind] = failed


def builder_for(template: str) -> ContextBuilder:
    return _builders[template]


def batch_builder_for(template: str) -> BatchContextBuilder | None:
    return _batch_builders.get(template)


def owner_sent(email, context: dict) -> None:
    if email.owner_kind:
        _on_sent[email.owner_kind](email=email, context=context)


def owner_failed(email, error: str) -> None:
    if email.owner_kind:
        _on_failed[email.owner_kind](email=email, error=error)
