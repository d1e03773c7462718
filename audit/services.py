"""The one write of the audit app: a row for a configuration change, in its transaction."""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.db import models, transaction

from .models import AuditEntry

Kind = AuditEntry.Kind
Changes = dict[str, list[Any]]


class Named(Protocol):
    """A department, without audit importing requests_app."""

    pk: Any
    name: str


def person_name(user) -> str:
    """How the actor is shown; empty for the system."""
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


def audited_fields(model: type[models.Model]) -> tuple[str, ...]:
    """A model's own settings: its concrete fields but the key, relations and timestamps.

    Taken from the model, so a setting added later is audited without anyone
    remembering to list it here.
    """
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if not (field.primary_key or field.is_relation)
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    )


def values_of(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def changes_between(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Changes:
    """{field: [old, new]} for each field whose value differs.

    ``before`` None means the object is new: every field given a value counts, with
    old None (empty strings and lists are left out, they say nothing).
    """
    if before is None:
        return {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_record(
    *,
    actor,
    kind: str,
    target: models.Model,
    changes: Mapping[str, list[Any]],
    name: str | None = None,
    department: Named | None = None,
) -> AuditEntry | None:
    """Record that ``actor`` changed ``target``; nothing when ``changes`` is empty.

    Call it inside the transaction of the change, after the change is written, so the
    row exists exactly when the change does. Never pass secrets (tokens, passwords) in
    ``changes``: HR admins read every row.
    """
    if not changes:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record runs inside the transaction of the change it records")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=person_name(actor)[:150],
        kind=kind,
        object_type=target._meta.label_lower,
        object_id=target.pk,
        object_name=(name if name is not None else str(target))[:300],
        department_id=department.pk if department is not None else None,
        department_name=department.name[:100] if department is not None else "",
        changes=dict(changes),
    )


def audit_saved(
    *,
    actor,
    target: models.Model,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    created: str,
    changed: str,
    own_kinds: Mapping[str, str | tuple[str, str]] | None = None,
    name: str | None = None,
    department: Named | None = None,
) -> list[AuditEntry]:
    """Record a saved object: its creation (``before`` None) or what changed, one row a kind.

    ``own_kinds`` gives a field an event of its own, found by itself in the log: a kind,
    or (kind when switched on, kind when switched off) for an on/off field, e.g.
    archiving a request type. The other changed fields share one ``changed`` row.
    An unchanged save records nothing.
    """
    changes = changes_between(before, after)
    groups: dict[str, Changes] = {}
    for field, pair in changes.items():
        kind = created if before is None else (own_kinds or {}).get(field, changed)
        if isinstance(kind, tuple):
            kind = kind[0] if pair[1] else kind[1]
        groups.setdefault(kind, {})[field] = pair
    entries = [
        audit_record(
            actor=actor,
            kind=kind,
            target=target,
            changes=group,
            name=name,
            department=department,
        )
        for kind, group in groups.items()
    ]
    return [entry for entry in entries if entry is not None]
