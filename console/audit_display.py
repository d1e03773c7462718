"""How an audit row reads on the page: labels and values in the reader's language.

No queries: field names and choice labels come from the models' definitions.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from requests_app.models import RequestType
from surveys.models import Question

# Keys of ``changes`` that are no model field, or whose field has no translated name.
EXTRA_LABELS = {
    "questions": _("questions"),
    "intro": _("introduction"),
    "version": _("version"),
    "status": _("status"),
    "attempts": _("attempts"),
    "fields": _("form fields"),
}
FLAGS = {"required": _("required"), "is_headline": _("headline")}
# The names of the kinds of a survey's questions and of a request type's form fields.
ITEM_KINDS = {
    "questions": dict(Question.Kind.choices),
    "fields": dict(RequestType.FieldKind.choices),
}


@dataclass(frozen=True)
class Change:
    """One field: ``old`` None when the object was new; ``many`` for a list of items."""

    label: str
    old: list[str] | None
    new: list[str]
    many: bool


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    object_type: str
    changes: list[Change]


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _item(value: dict, kinds: dict) -> str:
    """One question or form field: its text, then its kind and flags."""
    text = value.get("text") or value.get("label") or value.get("name") or ""
    kind = value.get("kind")
    details = [str(kinds.get(kind, kind))] if kind else []
    details += [str(label) for key, label in FLAGS.items() if value.get(key)]
    if value.get("choices"):
        details.append(" / ".join(str(c) for c in value["choices"]))
    return f"{text} ({', '.join(details)})" if details else str(text)


def show(value: Any, field: models.Field | None = None, kinds: dict | None = None) -> list[str]:
    """A stored value as lines of text: choice labels, yes/no, list items, "—" for none."""
    if value is None or value == "" or value == []:
        return ["—"]
    if isinstance(value, bool):
        return [str(_("yes") if value else _("no"))]
    if isinstance(value, list):
        return [_item(v, kinds or {}) if isinstance(v, dict) else str(v) for v in value]
    if field is not None and field.choices:
        return [str(dict(field.flatchoices).get(value, value))]
    return [str(value)]


def row(entry: AuditEntry) -> Row:
    model = _model(entry.object_type)
    changes = []
    for name, pair in entry.changes.items():
        old, new = pair  # audit_record writes [old, new]
        field = _field(model, name)
        label = EXTRA_LABELS.get(name) or (field.verbose_name if field is not None else name)
        many = isinstance(old, list) or isinstance(new, list)
        kinds = ITEM_KINDS.get(name)
        shown_old = None if old is None else show(old, field, kinds)
        changes.append(Change(str(label), shown_old, show(new, field, kinds), many))
    object_type = str(model._meta.verbose_name) if model is not None else entry.object_type
    return Row(entry=entry, object_type=object_type, changes=changes)
