"""{% load dashboard_rows %}: the rows of the department dashboard's longer tables, drawn in
Python. A year's trend by week is 52 rows and the breakdowns as many again; the variables
and conditions their template rows read were ~1/3 of the page's rendering."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

ROW = '<tr>{}<th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td>{}{}</tr>'


def _figure(text, withheld: bool) -> SafeString:
    """A figure's cell: in italics where it is withheld (its text says why)."""
    if withheld:
        return format_html('<td class="fst-italic">{}</td>', text)
    return format_html("<td>{}</td>", text)


def _rows(table: dict, rows: Iterable[tuple[str, dict, bool, bool]]) -> SafeString:
    """A row per (first cell, row, CSAT withheld, NPS withheld): the row's label and
    answers, then its CSAT and NPS where the table shows them."""
    show_csat, show_nps = table["show_csat"], table["show_nps"]
    return format_html_join(
        "\n",
        ROW,
        (
            (
                first,
                row["label"],
                row["responses"],
                _figure(row["csat"], csat_withheld) if show_csat else "",
                _figure(row["nps"], nps_withheld) if show_nps else "",
            )
            for first, row, csat_withheld, nps_withheld in rows
        ),
    )


@register.simple_tag
def trend_rows(shown: dict) -> SafeString:
    """The trend table's rows, numbered oldest first as the chart's bars are."""
    return _rows(
        shown,
        (
            (
                format_html("<td>{}</td>", number),
                point,
                not point["csat_figure"].shown,
                not point["nps_figure"].shown,
            )
            for number, point in enumerate(shown["trend"], start=1)
        ),
    )


@register.simple_tag
def breakdown_rows(breakdown: dict) -> SafeString:
    """One breakdown table's rows (a group per row)."""
    return _rows(
        breakdown,
        (("", row, row["suppressed"], row["nps_suppressed"]) for row in breakdown["rows"]),
    )
