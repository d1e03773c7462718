"""The organisation view for HR admins: every department in one table, and the matrix.

The table comes from ``organisation_overview`` and the matrix from
``satisfaction_matrix``: a fixed number of queries whatever the data size. Suppressed
figures say "not enough answers yet (n = …)" and never carry a value; sorting puts
them last whichever way the column sorts.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from requests_app.content import translated
from requests_app.models import Department
from requests_app.permissions import is_hr_admin
from requests_app.views.common import require
from requests_app.zones import site_today

from ..forms import DashboardFilterForm
from ..scorecards import organisation_overview, protections, satisfaction_matrix
from ..stats import Figure
from .figures import (
    duration_figure_text,
    nps_text,
    number,
    percent,
    request_share_text,
    sent_share_text,
    share_text,
)

# key: (column label, the row's figure for sorting, higher first?)
SORTS = {
    "name": (gettext_lazy("Department"), None, False),
    "headline": (gettext_lazy("Headline (CSAT or NPS)"), lambda row: row.headline, True),
    "response_rate": (gettext_lazy("Response rate"), lambda row: row.response_rate, True),
    "volume": (gettext_lazy("Requests received"), lambda row: row.volume, True),
    "median": (
        gettext_lazy("Median time to resolve"),
        lambda row: row.median_resolve_seconds,
        False,
    ),
    "sla": (gettext_lazy("SLA met"), lambda row: row.sla_met, True),
}
DEFAULT_SORT = "name"
# (lowest CSAT share of the band, CSS class, legend text)
BANDS = (
    (0.8, "bg-success-subtle", gettext_lazy("CSAT ≥ 80 %")),
    (0.6, "bg-warning-subtle", gettext_lazy("CSAT 60–80 %")),
    (0.0, "bg-danger-subtle", gettext_lazy("CSAT < 60 %")),
)
# (lowest NPS of the band, CSS class, legend text): the same colours on NPS's own scale
NPS_BANDS = (
    (30, "bg-success-subtle", gettext_lazy("NPS ≥ +30")),
    (0, "bg-warning-subtle", gettext_lazy("NPS 0 to +30")),
    (-100, "bg-danger-subtle", gettext_lazy("NPS < 0")),
)


class OrganisationFilterForm(DashboardFilterForm):
    """The department dashboard's date range alone: period, from and to."""

    def __init__(self, data):
        none = Department.objects.none()
        super().__init__(data, request_types=none, versions=none)
        for name in ("request_type", "version"):
            del self.fields[name]


def _trend_text(row) -> tuple[str, str]:
    """An arrow and words for the headline against the previous period (Newcombe's test
    for CSAT, adjusted Wald for NPS); the words carry the meaning."""
    change = row.trend
    if change is None:
        return "", _("no comparison")
    if change.direction == "flat":
        return "→", _("no change")
    if not change.clear:
        return "→", _("no clear change")
    if change.direction == "up":
        return "↑", _("up")
    return "↓", _("down")


def _sort_key(key: str, row):
    """Shown figures by value, suppressed (or empty) ones after them; ties by name. The
    headline column sorts CSAT departments before NPS ones (the scales differ)."""
    _label, figure_of, descending = SORTS[key]
    name = translated(row.department, "name").casefold()
    if figure_of is None:
        return (0, 0, 0, name)
    figure = figure_of(row)
    group = 0 if key != "headline" else ("csat", "nps").index(row.measure)
    if isinstance(figure, int):
        return (0, group, -figure if descending else figure, name)
    if not figure.shown:
        return (1, group, 0, name)
    return (0, group, -figure.value if descending else figure.value, name)


MEASURE_NAMES = {"csat": gettext_lazy("CSAT"), "nps": gettext_lazy("NPS")}


def _headline_text(figure: Figure, measure: str) -> str:
    return share_text(figure) if measure == "csat" else nps_text(figure)


def _table_row(row) -> dict:
    arrow, trend = _trend_text(row)
    median = row.median_resolve_seconds
    return {
        "department": row.department,
        "measure": MEASURE_NAMES[row.measure],
        "headline": _headline_text(row.headline, row.measure),
        "headline_suppressed": not row.headline.shown,
        "responses": row.responses,
        "sent": row.sent,
        "response_rate": sent_share_text(row.response_rate),
        "response_rate_suppressed": not row.response_rate.shown,
        "volume": number(row.volume),
        "median": duration_figure_text(median),
        "median_suppressed": not median.shown,
        "sla": request_share_text(row.sla_met),
        "sla_suppressed": not row.sla_met.shown,
        "arrow": arrow,
        "trend": trend,
    }


def _band(figure: Figure, measure: str) -> str:
    if measure == "nps":
        return next(css for low, css, _label in NPS_BANDS if figure.value >= low)
    return next(css for low, css, _label in BANDS if figure.value >= low)


def _matrix(matrix, slugs: dict) -> dict:
    columns = [
        {"name": name, "slug": slugs.get(column_id), "measure": MEASURE_NAMES[measure]}
        for column_id, name, measure, _anonymous in matrix.columns
    ]
    rows = []
    for row_id, name in matrix.rows:
        cells = []
        for column_id, _column, measure, anonymous in matrix.columns:
            figure = matrix.cell(row_id, column_id)
            value = ""
            if figure.shown:
                value = percent(figure.value) if measure == "csat" else nps_text(figure)
            cells.append(
                {
                    "shown": figure.shown,
                    "hidden": figure.hidden if figure.n else "",
                    "n": None if anonymous and not figure.shown else figure.n,
                    "text": _("%(value)s · %(n)s") % {"value": value, "n": figure.n}
                    if figure.shown
                    else "",
                    "band": _band(figure, measure) if figure.shown else "",
                }
            )
        label = name if row_id is not None else _("No home department")
        rows.append({"name": label, "cells": cells})
    return {"columns": columns, "rows": rows}


@login_required
@require_GET
def organisation_dashboard(request):
    require(is_hr_admin(request.user))
    form = OrganisationFilterForm(request.GET)
    filters = form.filters(site_today())
    period = filters.period
    sort = request.GET.get("sort")
    if sort not in SORTS:
        sort = DEFAULT_SORT
    tables = protections(start=period.start, end=period.end)
    overview = organisation_overview(start=period.start, end=period.end, tables=tables)
    overview.sort(key=lambda row: _sort_key(sort, row))
    matrix = satisfaction_matrix(start=period.start, end=period.end, tables=tables)

    range_params = {
        name: request.GET[name] for name in ("range", "start", "end") if request.GET.get(name)
    }
    headers = [
        {
            "key": key,
            "label": label,
            "url": "?" + urlencode({**range_params, "sort": key}),
            "aria_sort": ("descending" if descending else "ascending") if key == sort else "",
        }
        for key, (label, _figure_of, descending) in SORTS.items()
    ]
    slugs = {row.department.pk: row.department.slug for row in overview}
    return render(
        request,
        "insights/dashboard_organisation.html",
        {
            "form": form,
            "period": period,
            "sort": sort,
            "headers": headers,
            "rows": [_table_row(row) for row in overview],
            "matrix": _matrix(matrix, slugs),
            "bands": [{"css": css, "label": label} for _low, css, label in (*BANDS, *NPS_BANDS)],
            "range_query": urlencode(range_params),
        },
    )
