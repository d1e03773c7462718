"""Every department side by side, and who serves whom how well (the matrix)."""

from datetime import datetime

from django.db.models import Sum

from requests_app.models import Department, TicketDay
from requests_app.selectors import resolution_medians, rollup_days

from ..models import InvitationDay, ResponseDay
from ..stats import Figure
from .common import EMPTY_HEADLINE, csat, headline_sums, weeks_and_days
from .results import Matrix, OverviewRow

Dimension = ResponseDay.Dimension


def organisation_overview(*, start: datetime, end: datetime) -> list[OverviewRow]:
    """One row per department for ``[start, end)``, by name; CSAT compared with the period before.

    Five queries over the per-day rollups (departments, responses, invitations, tickets,
    the resolution histogram) plus one indexed lookup per department with resolved
    requests for its exact median.
    """
    previous_start = start - (end - start)
    current, previous = rollup_days(start, end), rollup_days(previous_start, start)
    departments = list(Department.objects.order_by("name"))

    responses = {
        row["department"]: row
        for row in ResponseDay.objects.filter(
            rollup_days(previous_start, end), dimension=Dimension.ALL
        )
        .order_by()
        .values("department")
        .annotate(**headline_sums("cur_", current), **headline_sums("prev_", previous))
    }
    invitations = {
        row["department"]: row
        for row in InvitationDay.objects.filter(current)
        .order_by()
        .values("department")
        .annotate(sent=Sum("sent"), answered=Sum("answered"))
    }
    tickets = {
        row["department"]: row
        for row in TicketDay.objects.filter(current)
        .order_by()
        .values("department")
        .annotate(
            volume=Sum("created"),
            resolved=Sum("resolved"),
            with_due=Sum("with_due"),
            sla_met=Sum("sla_met"),
        )
    }
    medians = resolution_medians(periods={"cur": (start, end)})

    empty_headline = {
        **{f"cur_{name}": n for name, n in EMPTY_HEADLINE.items()},
        **{f"prev_{name}": n for name, n in EMPTY_HEADLINE.items()},
    }
    rows = []
    for department in departments:
        headline = responses.get(department.pk, empty_headline)
        invited = invitations.get(department.pk, {"sent": 0, "answered": 0})
        ticket = tickets.get(
            department.pk, {"volume": 0, "resolved": 0, "with_due": 0, "sla_met": 0}
        )
        rows.append(
            OverviewRow(
                department=department,
                csat=csat(headline, "cur_"),
                csat_previous=csat(headline, "prev_"),
                responses=headline["cur_responses"],
                sent=invited["sent"],
                response_rate=Figure.share(invited["answered"], invited["sent"]),
                volume=ticket["volume"],
                median_resolve_seconds=Figure.of(
                    medians.get((department.pk, "cur")), ticket["resolved"]
                ),
                sla_met=Figure.share(ticket["sla_met"], ticket["with_due"]),
            )
        )
    return rows


def satisfaction_matrix(*, start: datetime, end: datetime) -> Matrix:
    """CSAT of every customer department × provider department pair in ``[start, end)``.

    Two queries (the cells from the per-day rollup, then the departments' names). Rows
    and columns are the departments that have answers; a row key of None gathers
    responses whose requester had no home department.
    """
    cells = (
        ResponseDay.objects.filter(weeks_and_days(start, end), dimension=Dimension.CUSTOMER)
        .order_by()
        .values("value", "department")
        .annotate(csat_n=Sum("csat_n"), csat_good=Sum("csat_good"))
    )
    names = dict(Department.objects.values_list("pk", "name"))
    rows, columns, figures = {}, {}, {}
    for cell in cells:
        row_id, column_id = cell["value"] or None, cell["department"]
        rows[row_id] = names.get(row_id, "—") if row_id else "—"
        columns[column_id] = names[column_id]
        figures[(row_id, column_id)] = csat(cell)
    return Matrix(
        rows=sorted(rows.items(), key=lambda item: (item[0] is None, item[1])),
        columns=sorted(columns.items(), key=lambda item: item[1]),
        cells=figures,
    )
