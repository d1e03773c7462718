"""The dashboard's themes: the tags and tagging forms of the comment list, and the table
of themes over the latest periods (counts from ``loop.selectors.themes``)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from loop.permissions import can_manage_themes
from loop.selectors import themes as theme_selectors
from requests_app.content import translated

from ..scorecards.trend_units import trend_buckets
from ..stats import min_responses
from .figures import UNIT_NAMES, hidden_text, number, percent, period_label

# The table's columns: the latest periods of the dashboard's trend unit.
RECENT_BUCKETS = 6


def _withheld_text(reason: str) -> str:
    """Why a period's theme shares are not shown; never with its count of comments (a
    count beside a hidden period would let it be subtracted from a longer one)."""
    if reason == theme_selectors.PROTECTED:
        return hidden_text()
    return _("not enough answers yet")


def dashboard_themes(user, department, filters, shown: dict) -> dict:
    """Tag the shown comments with their themes and tagging choices (the suggested theme
    first, chosen), and build the themes table. Five queries whatever the number of comments,
    themes or tags."""
    may_tag = can_manage_themes(user, department)
    themes = theme_selectors.department_themes(department)
    active = [theme for theme in themes if theme.is_active]
    tagged = theme_selectors.themes_of_responses(c["response_id"] for c in shown["comments"])
    suggester = (
        theme_selectors.theme_suggester(department, active)
        if may_tag and active and shown["comments"]
        else None
    )
    for comment in shown["comments"]:
        on = tagged.get(comment["response_id"], [])
        comment["themes"] = [{"pk": t.pk, "name": translated(t, "name")} for t in on]
        comment["token"] = theme_selectors.comment_token(comment["response_id"])
        comment["choices"] = []
        if suggester is not None:
            suggested = suggester.suggest(comment["text"], exclude=[t.pk for t in on])
            choices = [t for t in active if t not in on]
            choices.sort(key=lambda t: t != suggested)  # stable: the rest keep their order
            comment["choices"] = [
                {"pk": t.pk, "name": translated(t, "name"), "suggested": t == suggested}
                for t in choices
            ]
    table = None
    note = ""
    if shown["comments_suppressed"]:
        note = shown["comments_note"]
    elif themes:
        table = _table(department, filters, shown)
    return {"may_tag": may_tag, "has_themes": bool(themes), "table": table, "note": note}


def _table(department, filters, shown: dict) -> dict:
    period = filters.period
    tz = timezone.get_default_timezone()
    first = timezone.localdate(period.start, tz)
    last = timezone.localdate(period.end, tz) - timedelta(days=1)
    unit = shown["trend_unit"]
    buckets = trend_buckets(first, last, unit)[-RECENT_BUCKETS:]
    counts = theme_selectors.theme_counts(
        department=department,
        start=period.start,
        end=period.end,
        buckets=buckets,
        request_type_id=getattr(filters.request_type, "pk", None),
        version_id=getattr(filters.version, "pk", None),
    )
    columns = [
        {
            "label": period_label(column.bucket, unit),
            "commented": "—" if column.withheld else number(column.commented),
            "withheld": _withheld_text(column.withheld) if column.withheld else "",
        }
        for column in counts.columns
    ]
    rows = []
    for row in counts.rows:
        cells = []
        for cell, column in zip(row.cells, columns, strict=True):
            if cell.withheld:
                cells.append({"text": column["withheld"], "withheld": True})
                continue
            share = cell.share or 0.0
            cells.append(
                {
                    "text": _("%(share)s (%(tagged)s of %(commented)s)")
                    % {
                        "share": percent(share),
                        "tagged": number(cell.tagged),
                        "commented": number(cell.commented),
                    },
                    "withheld": False,
                }
            )
        name = translated(row.theme, "name")
        if not row.theme.is_active:
            name = _("%(name)s (retired)") % {"name": name}
        rows.append({"name": name, "cells": cells})
    return {
        "columns": columns,
        "rows": rows,
        "explanation": _(
            "Share of the answers with a comment that were tagged with each theme, per "
            "%(unit)s. A %(unit)s with fewer than %(k)s commented answers shows no share; "
            "anonymous comments count once their whole week is inside the period."
        )
        % {"unit": UNIT_NAMES[unit], "k": min_responses()},
    }
