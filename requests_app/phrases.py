"""Sentences the system writes for people, kept as words to translate, not as finished text.

A phrase is stored as its English message id and parameters, and written in the
reader's language and time zone each time it is read or e-mailed: a Norwegian lead
reads a notification created while a Spanish requester's page was active in Norwegian,
and a time in it in their own zone. Call sites mark the message with ``gettext_noop``
so ``makemessages`` finds it.

Parameters: text and numbers as they are; a datetime (shown in the active zone); a
nested phrase; or a model's translated text by reference (``content_ref``), so a
department renamed or translated later reads as it is now.
"""

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from .content import translated

Phrase = dict[str, Any]


def phrase(msgid: str, **params: Any) -> Phrase:
    """What to store for ``gettext(msgid) % params``."""
    return {"msgid": msgid, "params": {k: _stored(v) for k, v in params.items()}}


def plural_phrase(singular: str, plural: str, count: str, **params: Any) -> Phrase:
    """What to store for ``ngettext(singular, plural, params[count]) % params``; our
    makemessages knows this name, so call it with the two forms written out."""
    return phrase(singular, **params) | {"plural": plural, "count": count}


def content_ref(instance: models.Model, attr: str) -> dict:
    """A parameter that reads ``instance.attr`` in the reader's language when shown."""
    return {"model": instance._meta.label_lower, "pk": instance.pk, "attr": attr}


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, models.Model):
        raise TypeError("store a model by content_ref(instance, attr)")
    return value


def render(stored: Phrase | None) -> str:
    """The phrase in the active language and time zone; "" for none."""
    if not stored or "msgid" not in stored:
        return ""
    params = {k: _shown(v) for k, v in (stored.get("params") or {}).items()}
    if stored.get("plural"):
        text = ngettext(stored["msgid"], stored["plural"], int(params.get(stored["count"]) or 0))
    else:
        text = gettext(stored["msgid"])
    return text % params if params else text


def _shown(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        moment = datetime.fromisoformat(value["datetime"])
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if "msgid" in value:
        return render(value)
    if "model" in value:
        model = apps.get_model(value["model"])
        instance = model.objects.filter(pk=value["pk"]).first()
        return translated(instance, value["attr"]) if instance else "—"
    return value
