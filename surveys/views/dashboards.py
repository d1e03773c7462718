"""A department's satisfaction dashboard and its CSV export, for its lead and HR admins.

Both render the same presentation rows built here from ``department_scorecard``, so the
CSV holds exactly what the page shows, with the same suppression: a suppressed figure
is the text "not enough answers yet (n = …)", never a value.
"""

import csv
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from requests_app.selectors import department_get
from requests_app.views.common import require

from .. import charts
from ..dashboard_forms import DashboardFilterForm
from ..models import Question
from ..permissions import can_view_department_dashboard
from ..scorecards import department_scorecard
from ..selectors import versions_answered_for
from ..stats import Figure
from .figures import (
    count_text,
    duration_figure_text,
    duration_text,
    mean_text,
    not_enough,
    nps_text,
    number,
    request_share_text,
    sent_share_text,
    share_text,
)

Kind = Question.Kind


@dataclass(frozen=True)
class Kinds:
    """How a tile's figure and its change are written."""

    text: object
    delta: object


SHARE = Kinds(share_text, lambda d: _("%(n)s points") % {"n": number(abs(d) * 100)})
REQUEST_SHARE = Kinds(request_share_text, SHARE.delta)
SENT_SHARE = Kinds(sent_share_text, SHARE.delta)
MEAN = Kinds(mean_text, lambda d: number(abs(d), 1))
NPS = Kinds(nps_text, lambda d: _("%(n)s points") % {"n": number(abs(d))})
COUNT = Kinds(count_text, lambda d: number(abs(d)))
DURATION = Kinds(duration_figure_text, duration_text)


def _change_text(tile, kind: Kinds) -> tuple[str, str]:
    """An arrow and words for the change; the words alone carry the meaning."""
    change = tile.change
    if change is None:
        return "", _("no comparison")
    has_interval = tile.current.low is not None
    if change.direction == "flat" or (has_interval and not change.clear):
        return "→", _("no clear change")
    amount = kind.delta(change.delta)
    if change.direction == "up":
        return "↑", _("up %(amount)s") % {"amount": amount}
    return "↓", _("down %(amount)s") % {"amount": amount}


def _tile(key: str, label: str, tile, kind: Kinds, note: str = "") -> dict:
    arrow, change = _change_text(tile, kind)
    return {
        "key": key,
        "label": label,
        "value": kind.text(tile.current),
        "suppressed": not tile.current.shown and kind is not COUNT,
        "previous": kind.text(tile.previous),
        "arrow": arrow,
        "change": change,
        "note": note,
    }


def _tiles(tiles) -> list[dict]:
    rate = share_text(tiles.response_rate.current)
    responses_note = _("%(responses)s of %(sent)s surveys answered; response rate %(rate)s") % {
        "responses": count_text(tiles.responses.current),
        "sent": count_text(tiles.sent.current),
        "rate": rate,
    }
    has_nps = bool(tiles.nps.current.n or tiles.nps.previous.n)
    only_nps = has_nps and not (tiles.csat.current.n or tiles.csat.previous.n)
    csat = [
        _tile("csat", _("CSAT (answers of 4–5)"), tiles.csat, SHARE),
        _tile("mean", _("Mean score (1–5)"), tiles.csat_mean, MEAN),
    ]
    nps = [_tile("nps", _("NPS"), tiles.nps, NPS)] if has_nps else []
    # The headline first (NPS where only NPS was asked), response figures beside it.
    rows = [*nps, *csat] if only_nps else [*csat, *nps]
    rows[0]["note"] = responses_note
    rows[1:1] = [
        _tile("responses", _("Responses"), tiles.responses, COUNT),
        _tile("response_rate", _("Response rate"), tiles.response_rate, SENT_SHARE),
    ]
    rows += [
        _tile("volume", _("Requests received"), tiles.volume, COUNT),
        _tile("median", _("Median time to resolve"), tiles.median_resolve_seconds, DURATION),
        _tile("sla", _("SLA met"), tiles.sla_met, REQUEST_SHARE),
        _tile("reopen", _("Reopen rate"), tiles.reopen_rate, REQUEST_SHARE),
    ]
    return rows


def _period_label(bucket, unit: str) -> str:
    if unit == "month":
        return formats.date_format(bucket, "YEAR_MONTH_FORMAT")
    return _("week of %(day)s") % {"day": formats.date_format(bucket, "DATE_FORMAT")}


def _breakdown(title: str, rows, show_csat: bool, show_nps: bool) -> dict:
    return {
        "title": title,
        "show_csat": show_csat,
        "show_nps": show_nps,
        "rows": [
            {
                "label": _(row.label) if isinstance(row.key, bool | str) else row.label,
                "responses": row.responses,
                "csat": share_text(row.csat),
                "nps": nps_text(row.nps),
                "nps_suppressed": not row.nps.shown,
                "suppressed": not row.csat.shown,
            }
            for row in rows
        ],
    }


def _value_label(kind: str, value: str) -> str:
    if kind == Kind.YES_NO:
        return _("Yes") if value == "1" else _("No")
    return value


def _question(result) -> dict:
    return {
        "title": _("Version %(version)s, question %(position)s: %(text)s")
        % {"version": result.version_number, "position": result.position + 1, "text": result.text},
        "n": result.n,
        "suppressed": result.suppressed,
        "summary": not_enough(Figure.of(None, result.n)) if result.suppressed else "",
        "counts": [
            {"value": _value_label(result.kind, value), "count": count}
            for value, count in result.counts
        ],
    }


def _comment(row) -> dict:
    return {
        "submitted": formats.date_format(timezone.localtime(row.submitted_at), "DATE_FORMAT"),
        "score": "" if row.score is None else str(row.score),
        "request_type": row.request_type or "",
        "text": row.text,
        "anonymous": row.anonymous,
        "who": _("Anonymous") if row.anonymous else (row.requester_name or ""),
        "reference": None if row.anonymous else row.ticket_reference,
    }


def _present(card, unit: str) -> dict:
    """Everything shown, as text, in the order shown."""
    # NPS columns only when NPS was asked; CSAT columns unless only NPS was asked.
    show_nps = bool(card.tiles.nps.current.n)
    show_csat = bool(card.tiles.csat.current.n) or not show_nps
    columns = {"show_csat": show_csat, "show_nps": show_nps}
    breakdowns = [
        _breakdown(_("By request type"), card.by_request_type, **columns),
        _breakdown(_("By customer department"), card.by_customer_department, **columns),
    ]
    if card.by_agent is not None:
        breakdowns.append(_breakdown(_("By agent"), card.by_agent, **columns))
    breakdowns += [
        _breakdown(_("By time to resolve"), card.by_resolution_time, **columns),
        _breakdown(_("By SLA"), card.by_sla, **columns),
    ]
    trend = [
        {
            "label": _period_label(point.bucket, unit),
            "responses": point.responses,
            "csat": share_text(point.csat),
            "csat_figure": point.csat,
            "nps": nps_text(point.nps),
            "nps_figure": point.nps,
        }
        for point in card.trend
    ]
    return {
        **columns,
        "tiles": _tiles(card.tiles),
        "trend": trend,
        "breakdowns": breakdowns,
        "questions": [_question(result) for result in card.questions],
        "comments": [_comment(row) for row in card.comments],
        "comments_suppressed": card.comments_suppressed,
        "comments_n": card.tiles.responses.current.value,
    }


def _chart(shown: dict):
    """CSAT bars per period, or NPS bars when only NPS was asked."""
    key, measure, scale = "csat", _("CSAT"), charts.SHARE_SCALE
    if not shown["show_csat"]:
        key, measure, scale = "nps", _("NPS"), charts.NPS_SCALE
    points = [
        {"label": p["label"], "text": p[key], "figure": p[f"{key}_figure"]} for p in shown["trend"]
    ]
    title = _("%(measure)s per period") % {"measure": measure}
    svg = charts.trend_svg(points, title=title, measure=measure, scale=scale)
    return {"svg": svg, "measure": measure, "summary": charts.summary(points, measure)}


# ---------------------------------------------------------------- views


def _dashboard(request, department_slug: str):
    """Check access, bind the filters, build the scorecard and what is shown of it."""
    department = department_get(department_slug, active_only=False)
    require(can_view_department_dashboard(request.user, department))
    versions = versions_answered_for(department)
    form = DashboardFilterForm(
        request.GET,
        request_types=department.request_types.order_by("name"),
        versions=versions,
    )
    filters = form.filters(timezone.localdate())
    period = filters["period"]
    card = department_scorecard(
        department=department,
        start=period.start,
        end=period.end,
        request_type=filters["request_type"],
        version=filters["version"],
        trend_unit=filters["unit"],
        include_agents=True,  # only its lead and HR admins get this far
    )
    return department, form, filters, _present(card, filters["unit"])


@login_required
@require_GET
def department_dashboard(request, department_slug):
    department, form, filters, shown = _dashboard(request, department_slug)
    period = filters["period"]
    query = request.GET.urlencode()
    return render(
        request,
        "surveys/dashboard_department.html",
        {
            "department": department,
            "form": form,
            "period": period,
            "filters": filters,
            "shown": shown,
            "chart": _chart(shown),
            "csv_url": reverse("surveys:department_dashboard_csv", args=[department.slug])
            + (f"?{query}" if query else ""),
        },
    )


@login_required
@require_GET
def department_dashboard_csv(request, department_slug):
    department, _form, filters, shown = _dashboard(request, department_slug)
    period = filters["period"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"icsat-{department.slug}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_("Department"), department.name])
    writer.writerow([_("Period"), period.first.isoformat(), period.last.isoformat()])
    if filters["request_type"] is not None:
        writer.writerow([_("Request type"), filters["request_type"].name])
    if filters["version"] is not None:
        version = filters["version"]
        writer.writerow([_("Survey version"), version.survey.name, version.number])
    writer.writerow([])
    writer.writerow([_("Figure"), _("This period"), _("Previous period"), _("Change"), _("Note")])
    for tile in shown["tiles"]:
        writer.writerow(
            [tile["label"], tile["value"], tile["previous"], tile["change"], tile["note"]]
        )
    writer.writerow([])
    measures = [key for key in ("csat", "nps") if shown[f"show_{key}"]]
    names = {"csat": _("CSAT"), "nps": _("NPS")}
    writer.writerow([_("Trend"), _("Responses"), *(names[key] for key in measures)])
    for point in shown["trend"]:
        writer.writerow([point["label"], point["responses"], *(point[key] for key in measures)])
    for breakdown in shown["breakdowns"]:
        writer.writerow([])
        writer.writerow([breakdown["title"], _("Responses"), *(names[key] for key in measures)])
        for row in breakdown["rows"]:
            writer.writerow([row["label"], row["responses"], *(row[key] for key in measures)])
    for question in shown["questions"]:
        writer.writerow([])
        writer.writerow([question["title"], _("Answers"), question["n"]])
        if question["suppressed"]:
            writer.writerow([question["summary"]])
        for count in question["counts"]:
            writer.writerow([count["value"], count["count"]])
    writer.writerow([])
    writer.writerow(
        [_("Comment"), _("Date"), _("Score"), _("Request type"), _("From"), _("Ticket")]
    )
    if shown["comments_suppressed"]:
        writer.writerow([not_enough(Figure.of(None, shown["comments_n"]))])
    for comment in shown["comments"]:
        writer.writerow(
            [
                comment["text"],
                comment["submitted"],
                comment["score"],
                comment["request_type"],
                comment["who"],
                comment["reference"] or "",
            ]
        )
    return response
