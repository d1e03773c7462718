"""The organisation view for HR admins: every department in one table, and the matrix.

The table comes from ``organisation_overview`` and the matrix from
``satisfaction_matrix``: a fixed number of queries whatever the data size. Suppressed
figures say "not enough answers yet (n = …)" and never carry a value; sorting puts
them last whichever way the column sorts.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from requests_app.models import Department
from requests_app.permissions import is_hr_admin
from requests_app.views.common import require

from ..dashboard_forms import DashboardFilterForm
from ..scorecards import organisation_overview, satisfaction_matrix
from ..stats import Figure
from .figures import (
    duration_figure_text,
    number,
    percent,
    request_share_text,
    sent_share_text,
    share_text,
)

# key: (column label, the row's figure for sorting, higher first?)
SORTS = {
    "name": (gettext_lazy("Department"), None, False),
    "csat": (gettext_lazy("CSAT"), lambda row: row.csat, True),
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
    (0.8, "bg-success-subtle", gettext_lazy("≥ 80 %")),
    (0.6, "bg-warning-subtle", gettext_lazy("60–80 %")),
    (0.0, "bg-danger-subtle", gettext_lazy("< 60 %")),
)


class OrganisationFilterForm(DashboardFilterForm):
    """The department dashboard's date range alone: period, from and to."""

    def __init__(self, data):
        none = Department.objects.none()
        super().__init__(data, request_types=none, versions=none)
        for name in ("request_type", "version"):
            del self.fields[name]


def _trend_text(row) -> tuple[str, str]:
    """An arrow and words for CSAT against the previous period; the words carry the meaning."""
    change = row.trend
    if change is None:
        return "", _("no comparison")
    if change.direction == "flat" or not change.clear:
        return "→", _("no clear change")
    if change.direction == "up":
        return "↑", _("up")
    return "↓", _("down")


def _sort_key(key: str, row):
    """Shown figures by value, suppressed (or empty) ones after them; ties by name."""
    _label, figure_of, descending = SORTS[key]
    name = row.department.name.casefold()
    if figure_of is None:
        return (0, 0, name)
    figure = figure_of(row)
    if isinstance(figure, int):
        return (0, -figure if descending else figure, name)
    if not figure.shown:
        return (1, 0, name)
    return (0, -figure.value if descending else figure.value, name)


def _table_row(row) -> dict:
    arrow, trend = _trend_text(row)
    median = row.median_resolve_seconds
    csat = share_text(row.csat)
    if row.csat.n == 0 and row.responses:  # answered, but its surveys ask NPS, not CSAT
        csat = _("no CSAT answers (n = 0); see its dashboard")
    return {
        "department": row.department,
        "csat": csat,
        "csat_suppressed": not row.csat.shown,
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


def _band(figure: Figure) -> str:
    return next(css for low, css, _label in BANDS if figure.value >= low)


def _matrix(matrix, slugs: dict) -> dict:
    columns = [{"name": name, "slug": slugs.get(column_id)} for column_id, name in matrix.columns]
    rows = []
    for row_id, name in matrix.rows:
        cells = []
        for column_id, _column in matrix.columns:
            figure = matrix.cell(row_id, column_id)
            cells.append(
                {
                    "shown": figure.shown,
                    "n": figure.n,
                    "text": _("%(csat)s · %(n)s") % {"csat": percent(figure.value), "n": figure.n}
                    if figure.shown
                    else "",
                    "band": _band(figure) if figure.shown else "",
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
    filters = form.filters(timezone.localdate())
    period = filters["period"]
    sort = request.GET.get("sort")
    if sort not in SORTS:
        sort = DEFAULT_SORT
    overview = organisation_overview(start=period.start, end=period.end)
    overview.sort(key=lambda row: _sort_key(sort, row))
    matrix = satisfaction_matrix(start=period.start, end=period.end)

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
        "surveys/dashboard_organisation.html",
        {
            "form": form,
            "period": period,
            "sort": sort,
            "headers": headers,
            "rows": [_table_row(row) for row in overview],
            "matrix": _matrix(matrix, slugs),
            "bands": [{"css": css, "label": label} for _low, css, label in BANDS],
            "range_query": urlencode(range_params),
        },
    )
