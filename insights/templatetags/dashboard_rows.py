"""{% load dashboard_rows %}: the rows of the department dashboard's longer tables, drawn in
Python. A year's trend by week is 52 rows and the breakdowns as many again; the variables
and conditions their template rows read were ~1/3 of the page's rendering."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _figure(text, withheld: bool) -> SafeString:
    """A figure's cell: in italics where it is withheld (its text says why)."""
    if withheld:
        return format_html('<td class="fst-italic">{}</td>', text)
    return format_html("<td>{}</td>", text)


ROW = '<tr>{}<th scope="row" class="fw-normal">{}</th><td class="text-end">{}</td>{}{}</tr>'


@register.simple_tag
def trend_rows(shown: dict) -> SafeString:
    """The trend table's rows, numbered oldest first as the chart's bars are."""
    show_csat, show_nps = shown["show_csat"], shown["show_nps"]
    return format_html_join(
        "\n",
        ROW,
        (
            (
                format_html("<td>{}</td>", number),
                point["label"],
                point["responses"],
                _figure(point["csat"], not point["csat_figure"].shown) if show_csat else "",
                _figure(point["nps"], not point["nps_figure"].shown) if show_nps else "",
            )
            for number, point in enumerate(shown["trend"], start=1)
        ),
    )


@register.simple_tag
def breakdown_rows(breakdown: dict) -> SafeString:
    """One breakdown table's rows (a group per row)."""
    show_csat, show_nps = breakdown["show_csat"], breakdown["show_nps"]
    return format_html_join(
        "\n",
        ROW,
        (
            (
                "",
                row["label"],
                row["responses"],
                _figure(row["csat"], row["suppressed"]) if show_csat else "",
                _figure(row["nps"], row["nps_suppressed"]) if show_nps else "",
            )
            for row in breakdown["rows"]
        ),
    )
