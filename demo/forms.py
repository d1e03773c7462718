"""Filled-in request forms, by the answer specs of the data tables, and texts with blanks."""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from demo import data as demo
from demo.files import upload

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class _Blank(dict):
    def __missing__(self, key):
        return ""


def fill(template: str, words: dict) -> str:
    """The template with {names} from words; unknown names become empty."""
    return template.format_map(_Blank(words)).strip()


def form_answers(
    type_spec: dict, created: datetime, overrides: dict, requester, title, *, rng: random.Random
):
    """(Ticket.data, field_files, words for texts) for one filled-in form."""
    data, field_files, words = {}, {}, {}
    specs = type_spec.get("answers", {})
    for spec in type_spec["fields"]:
        name = spec["name"]
        if name in overrides:
            value = overrides[name]
        else:
            answer_spec = specs.get(name) or _default_spec(spec)
            value = _answer(answer_spec, created, rng=rng) if answer_spec else None
        if value is None:
            continue
        if spec["kind"] == "file":
            kind, filename = value
            field_files[name] = upload(
                kind,
                filename,
                about=title,
                person=requester,
                day=timezone.localdate(created),
                rng=rng,
            )
            words[name] = filename
        elif isinstance(value, date):
            data[name] = value.isoformat()
            words[name] = f"{value.day} {MONTHS[value.month - 1]}"
        elif isinstance(value, bool):
            data[name] = value
            words[name] = "yes" if value else "no"
        else:
            data[name] = value
            words[name] = value
    return data, field_files, words


def _default_spec(spec: dict):
    """The answer spec for a field the data tables say nothing about, by its kind."""
    kind, required = spec["kind"], spec.get("required")
    if kind == "choice":
        default = demo.pick(*spec["choices"])
    elif kind == "yes_no":
        default = demo.yes(0.7)
    elif kind == "date":
        default = demo.days(3, 30)
    elif kind == "number":
        default = demo.amount(1, 10)
    else:
        return None
    return default if required else demo.maybe(0.6, default)


def _answer(spec, created: datetime, *, rng: random.Random):
    tag = spec[0]
    if tag == "pick":
        return rng.choice(spec[1])
    if tag == "days":
        return timezone.localdate(created) + timedelta(days=rng.randint(spec[1], spec[2]))
    if tag == "amount":
        _tag, lo, hi, decimals = spec
        value = rng.uniform(lo, hi)
        return f"{value:.{decimals}f}" if decimals else str(round(value))
    if tag == "serial":
        return spec[1].format(n=rng.randint(spec[2], spec[3]))
    if tag == "month":
        day = timezone.localdate(created)
        index = day.year * 12 + day.month - 1 - rng.randint(spec[1], spec[2])
        return f"{MONTHS[index % 12]} {index // 12}"
    if tag == "yes":
        return rng.random() < spec[1]
    if tag == "file":
        return spec[1:]
    if tag == "maybe":
        return _answer(spec[2], created, rng=rng) if rng.random() < spec[1] else None
    raise ValueError(f"unknown answer spec {spec!r}")
