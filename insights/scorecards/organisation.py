"""Every department side by side, and who serves whom how well (the matrix).

Both read the departments' disclosure tables (``protection.protections``), so a figure
hidden on a department's dashboard is hidden here too, and each department is shown in
its headline measure: NPS where its surveys' headline question is NPS, CSAT otherwise.
"""

from datetime import datetime

from django.db.models import Sum

from requests_app.content import translated
from requests_app.models import Department

from ..disclosure import TOTAL
from ..models import TicketDay
from ..selectors import resolution_medians, rollup_days
from ..stats import Figure, nps_change, share_change
from .common import EMPTY_HEADLINE, csat, guarded, nps
from .protection import Protection, protections
from .results import Matrix, OverviewRow

ALL = (TOTAL, TOTAL)


def headline_measure(sums: dict) -> str:
    """ "nps" where a group's headline answers are mostly NPS, else "csat"."""
    return "nps" if sums["nps_n"] > sums["csat_n"] else "csat"


def _figure(protection: Protection | None, key: tuple, measure: str, *, current=True) -> Figure:
    """A headline figure of the period shown (``current``) or of the one before."""
    if protection is None:
        return Figure.of(None, 0)
    sums = protection.sums.of(current).get(key, EMPTY_HEADLINE)
    build = csat if measure == "csat" else nps
    suppression = (protection.headline if current else protection.previous)[measure]
    return guarded(build(sums), suppression.of(key))


def organisation_overview(
    *, start: datetime, end: datetime, tables: dict[int, Protection] | None = None
) -> list[OverviewRow]:
    """One row per department for ``[start, end)``, by name; its headline compared with the
    period before.

    Seven queries over the per-day rollups (departments, the five of the disclosure
    tables unless ``tables`` are given, tickets, the resolution histogram) plus one
    indexed lookup per department with resolved requests for its exact median.
    """
    if tables is None:
        tables = protections(start=start, end=end)
    departments = sorted(Department.objects.all(), key=lambda d: translated(d, "name").casefold())
    tickets = {
        row["department"]: row
        for row in TicketDay.objects.filter(rollup_days(start, end))
        .order_by()
        .values("department")
        .annotate(
            volume=Sum("created"),
            resolved=Sum("resolved"),
            with_due=Sum("with_due"),
            sla_met=Sum("sla_met"),
        )
    }
    medians = resolution_medians(periods={"current": (start, end)})
    rows = []
    for department in departments:
        protection = tables.get(department.pk)
        sums, previous = (
            protection.sums.map(lambda cells: cells.get(ALL, EMPTY_HEADLINE))
            if protection
            else (EMPTY_HEADLINE, EMPTY_HEADLINE)
        )
        measure = headline_measure(
            {name: sums[name] + previous[name] for name in ("csat_n", "nps_n")}
        )
        sent, answered = (
            protection.invitation_sums.current.get(ALL, (0, 0)) if protection else (0, 0)
        )
        rate = Figure.share(answered, sent)
        if protection is not None:
            rate = guarded(rate, protection.invitations.of(ALL))
        ticket = tickets.get(
            department.pk, {"volume": 0, "resolved": 0, "with_due": 0, "sla_met": 0}
        )
        headline = _figure(protection, ALL, measure)
        headline_previous = _figure(protection, ALL, measure, current=False)
        trend = None
        if headline.shown and headline_previous.shown:
            trend = (
                share_change(
                    sums["csat_good"], sums["csat_n"], previous["csat_good"], previous["csat_n"]
                )
                if measure == "csat"
                else nps_change(
                    *(sums["nps_promoters"], sums["nps_detractors"], sums["nps_n"]),
                    *(previous["nps_promoters"], previous["nps_detractors"], previous["nps_n"]),
                )
            )
        rows.append(
            OverviewRow(
                department=department,
                measure=measure,
                headline=headline,
                headline_previous=headline_previous,
                trend=trend,
                csat=_figure(protection, ALL, "csat"),
                nps=_figure(protection, ALL, "nps"),
                responses=sums["responses"],
                sent=sent,
                response_rate=rate,
                volume=ticket["volume"],
                median_resolve_seconds=Figure.of(
                    medians.get((department.pk, "current")), ticket["resolved"]
                ),
                sla_met=Figure.share(ticket["sla_met"], ticket["with_due"]),
            )
        )
    return rows


def satisfaction_matrix(
    *, start: datetime, end: datetime, tables: dict[int, Protection] | None = None
) -> Matrix:
    """Every customer department × provider department pair in ``[start, end)``, each
    column in its provider's headline measure (CSAT or NPS).

    The cells are the providers' "by customer department" cells, hidden where their
    dashboards hide them; one query (the names) when ``tables`` are given. A row key of
    None gathers responses whose requester had no home department.
    """
    if tables is None:
        tables = protections(start=start, end=end)
    names = {d.pk: translated(d, "name") for d in Department.objects.all()}
    rows, columns, figures = {}, {}, {}
    for department_id, protection in tables.items():
        cells = protection.breakdown_sums["customer"]
        total, previous = protection.sums.map(lambda cells: cells.get(ALL, EMPTY_HEADLINE))
        measure = headline_measure(
            {name: total[name] + previous[name] for name in ("csat_n", "nps_n")}
        )
        build = csat if measure == "csat" else nps
        suppression = protection.breakdowns["customer"][measure]
        for cell in cells:  # the keys first: a row is made when asked
            request_type, version, value = cell
            if (request_type, version) != ALL or value in (TOTAL, "none"):
                continue
            sums = cells[cell]
            if not sums[f"{measure}_n"]:
                continue
            row_id = value or None
            rows[row_id] = names.get(row_id, "—") if row_id else "—"
            columns[department_id] = (names[department_id], measure, protection.anonymous)
            key = (TOTAL, TOTAL, value)
            figures[(row_id, department_id)] = guarded(build(sums), suppression.of(key))
    return Matrix(
        rows=sorted(rows.items(), key=lambda item: (item[0] is None, item[1])),
        columns=[
            (column_id, *rest) for column_id, rest in sorted(columns.items(), key=lambda c: c[1][0])
        ],
        cells=figures,
    )
