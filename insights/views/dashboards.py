"""A department's satisfaction dashboard, for its lead and HR admins.

The page and its CSV (``dashboard_csv``) render the same presentation rows built here from
``department_scorecard``, so the CSV holds exactly what the page shows, with the same
suppression.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from loop.selectors.themes import week_of
from requests_app.permissions import can_work_queue
from requests_app.selectors import department_get
from requests_app.views.common import require
from requests_app.zones import site_today
from surveys.models import Question

from .. import charts
from ..forms import DashboardFilterForm
from ..permissions import can_view_department_dashboard
from ..scorecards import department_scorecard
from ..selectors import versions_answered_for
from ..stats import Figure, min_responses
from .dashboard_followups import follow_up_section
from .figures import (
    UNIT_NAMES,
    count_text,
    duration_figure_text,
    duration_text,
    mean_text,
    not_enough,
    nps_text,
    number,
    period_label,
    request_share_text,
    sent_share_text,
    share_text,
)
from .themes import dashboard_themes

Kind = Question.Kind


@dataclass(frozen=True)
class Kinds:
    """How a tile's figure, its change and the change's interval are written."""

    text: object
    delta: object
    signed: object = None


def _signed(value: float, digits: int = 0) -> str:
    return f"{'+' if round(value, digits) > 0 else ''}{number(value, digits)}"


SHARE = Kinds(
    share_text,
    lambda d: _("%(n)s points") % {"n": number(abs(d) * 100)},
    lambda d: _signed(d * 100),
)
REQUEST_SHARE = Kinds(request_share_text, SHARE.delta, SHARE.signed)
SENT_SHARE = Kinds(sent_share_text, SHARE.delta, SHARE.signed)
MEAN = Kinds(mean_text, lambda d: number(abs(d), 1), lambda d: _signed(d, 1))
NPS = Kinds(nps_text, lambda d: _("%(n)s points") % {"n": number(abs(d))}, _signed)
COUNT = Kinds(count_text, lambda d: number(abs(d)))
DURATION = Kinds(duration_figure_text, duration_text)

# Each headline tile (``Tiles`` attribute) as every page and e-mail names and writes it:
# (key of the presentation row, label, how its figure and change are written).
TILE_VIEWS = {
    "csat": ("csat", gettext_lazy("CSAT (answers of 4–5)"), SHARE),
    "csat_mean": ("mean", gettext_lazy("Mean score (1–5)"), MEAN),
    "nps": ("nps", gettext_lazy("NPS (−100 to +100)"), NPS),
    "responses": ("responses", gettext_lazy("Responses"), COUNT),
    "response_rate": ("response_rate", gettext_lazy("Response rate"), SENT_SHARE),
    "volume": ("volume", gettext_lazy("Requests received"), COUNT),
    "median_resolve_seconds": ("median", gettext_lazy("Median time to resolve"), DURATION),
    "sla_met": ("sla", gettext_lazy("SLA met"), REQUEST_SHARE),
    "reopen_rate": ("reopen", gettext_lazy("Reopen rate"), REQUEST_SHARE),
}


def _change_text(tile, kind: Kinds) -> tuple[str, str]:
    """An arrow and words for the change; the words alone carry the meaning.

    "up"/"down" only when the kind's test says the change is clear (an interval of the
    difference that excludes zero; non-overlapping median intervals; counts are exact),
    with the interval where there is one; "no change" when the two values read the same.
    """
    change = tile.change
    if change is None:
        return "", _("no comparison")
    if change.direction == "flat" or kind.text(tile.current) == kind.text(tile.previous):
        return "→", _("no change")
    if not change.clear:
        return "→", _("no clear change")
    words = _("up %(amount)s") if change.direction == "up" else _("down %(amount)s")
    text = words % {"amount": kind.delta(change.delta)}
    if change.low is not None and kind.signed is not None:
        text += " " + _("(95 %% interval of the change: %(low)s to %(high)s)") % {
            "low": kind.signed(change.low),
            "high": kind.signed(change.high),
        }
    arrow = "↑" if change.direction == "up" else "↓"
    return arrow, text


# The CSV's numbers in the unit and to the precision the page shows them (shares in whole
# %, a mean to one decimal, times in hours), so the file says no more than the page; and
# not localised: a spreadsheet parses "4.5" in every locale once it is a number, while
# "4,5" or "80 %" stay text that neither sorts nor sums.
RAW = {
    SHARE: lambda v: round(v * 100),
    REQUEST_SHARE: lambda v: round(v * 100),
    SENT_SHARE: lambda v: round(v * 100),
    MEAN: lambda v: round(v, 1),
    NPS: lambda v: round(v),
    COUNT: lambda v: int(v),
    DURATION: lambda v: round(v / 3600, 1),
}


def _raw(figure: Figure, kind: Kinds):
    """The figure as a plain number for the CSV; None where the page withholds it (a
    suppressed Figure carries no value, so nothing withheld can get here)."""
    if kind is COUNT:
        return int(figure.value or 0)
    if not figure.shown or figure.value is None:
        return None
    return RAW[kind](figure.value)


def _raw_interval(figure: Figure, kind: Kinds) -> tuple:
    """The figure's 95 % interval as plain numbers, like ``_raw``; (None, None) where the
    page shows none."""
    if kind is COUNT or not figure.shown or figure.low is None or figure.high is None:
        return None, None
    return RAW[kind](figure.low), RAW[kind](figure.high)


def present_tile(
    key: str, label: str, tile, kind: Kinds, note: str = "", show_n: bool = True
) -> dict:
    arrow, change = _change_text(tile, kind)
    write = kind.text if kind is COUNT or show_n else (lambda f: kind.text(f, show_n))
    return {
        "key": key,
        "label": label,
        "unit": "%" if kind in (SHARE, REQUEST_SHARE, SENT_SHARE) else "",
        "value": write(tile.current),
        "raw": _raw(tile.current, kind),
        "previous_raw": _raw(tile.previous, kind),
        "raw_interval": _raw_interval(tile.current, kind),
        "suppressed": not tile.current.shown and kind is not COUNT,
        "previous": write(tile.previous),
        "arrow": arrow,
        "change": change,
        "note": note,
    }


def present_named_tile(name: str, tile, show_n: bool = True) -> dict:
    """``present_tile`` for the headline tile ``name`` (a ``Tiles`` attribute)."""
    key, label, kind = TILE_VIEWS[name]
    return present_tile(key, str(label), tile, kind, show_n=show_n)


def _tiles(tiles, headline: str, anonymous: bool) -> list[dict]:
    show_n = not anonymous
    sent = tiles.sent.current.value
    responses_note = _(
        "%(answered)s of the %(sent)s surveys sent in this period answered; response rate %(rate)s"
    ) % {
        "answered": count_text(tiles.answered.current),
        "sent": count_text(tiles.sent.current),
        "rate": sent_share_text(tiles.response_rate.current),
    }
    has_nps = bool(tiles.nps.current.n or tiles.nps.previous.n)
    has_csat = bool(tiles.csat.current.n or tiles.csat.previous.n) or not has_nps
    csat = [
        present_named_tile("csat", tiles.csat, show_n=show_n),
        present_named_tile("csat_mean", tiles.csat_mean, show_n=show_n),
    ]
    nps = [present_named_tile("nps", tiles.nps, show_n=show_n)]
    # The headline first, the other kind after it only where it was asked.
    rows = [*nps, *(csat if has_csat else [])] if headline == "nps" else [*csat, *nps[:has_nps]]
    rows[0]["headline"] = True
    rows[0]["note"] = responses_note if sent else ""
    responses = present_named_tile("responses", tiles.responses)
    if anonymous and rows[0]["suppressed"] and tiles.responses.current.value:
        responses["value"] = responses["previous"] = _("hidden (anonymous survey)")
        responses["raw"] = responses["previous_raw"] = None
        responses["change"], responses["arrow"] = _("no comparison"), ""
    rows[1:1] = [
        responses,
        present_named_tile("response_rate", tiles.response_rate),
    ]
    rows += [
        *(
            present_named_tile(name, getattr(tiles, name))
            for name in ("volume", "median_resolve_seconds", "sla_met", "reopen_rate")
        ),
    ]
    return rows


def _trend_reason(choice) -> str:
    """Why the trend is by this unit, in the words the page uses."""
    good, total = choice.readable[choice.unit]
    text = _(
        "By %(unit)s: %(good)s of %(total)s points can be shown (at least %(k)s answers, "
        "and not hidden to protect a smaller group)."
    ) % {"unit": UNIT_NAMES[choice.unit], "good": good, "total": total, "k": min_responses()}
    units = ("week", "month", "quarter")
    finer = units[: units.index(choice.unit)]
    if finer:
        unit = finer[-1]
        text += " " + _(
            "By %(unit)s only %(good)s of %(total)s could, so the trend uses the finest unit "
            "in which most points can be shown."
        ) % {
            "unit": UNIT_NAMES[unit],
            "good": choice.readable[unit][0],
            "total": choice.readable[unit][1],
        }
    return text


def _count_cell(responses: int, hidden: str, anonymous: bool) -> str:
    """A group's number of answers; anonymous surveys hide it with the group's figures."""
    if anonymous and hidden:
        return "—"
    return number(responses)


def _breakdown(title: str, rows, show_csat: bool, show_nps: bool, anonymous: bool) -> dict:
    show_n = not anonymous
    return {
        "title": title,
        "show_csat": show_csat,
        "show_nps": show_nps,
        "rows": [
            {
                "label": _(row.label) if isinstance(row.key, bool | str) else row.label,
                "responses": _count_cell(row.responses, row.hidden, anonymous),
                "responses_raw": None if anonymous and row.hidden else row.responses,
                "csat_raw": _raw(row.csat, SHARE),
                "nps_raw": _raw(row.nps, NPS),
                "csat": share_text(row.csat, show_n),
                "nps": nps_text(row.nps, show_n),
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


def _question(result, anonymous: bool) -> dict:
    figure = Figure(value=None, n=result.n, suppressed=True, hidden=result.hidden)
    return {
        "title": _("Version %(version)s, question %(position)s: %(text)s")
        % {"version": result.version_number, "position": result.position + 1, "text": result.text},
        "n": "—" if anonymous and result.suppressed else result.n,
        "n_raw": None if anonymous and result.suppressed else result.n,
        "suppressed": result.suppressed,
        "summary": not_enough(figure, not anonymous) if result.suppressed else "",
        "counts": [
            {"value": _value_label(result.kind, value), "count": count}
            for value, count in result.counts
        ],
    }


def _comment(row, link_tickets: bool) -> dict:
    if row.anonymous:
        submitted = _("week of %(day)s") % {"day": formats.date_format(row.week_of, "DATE_FORMAT")}
    else:
        # The site's day, as the dashboard's periods and weeks count it (not the reader's).
        submitted = formats.date_format(
            timezone.localtime(row.submitted_at, timezone.get_default_timezone()), "DATE_FORMAT"
        )
    return {
        "submitted": submitted,
        "score": "" if row.score is None else str(row.score),
        "request_type": row.request_type or "",
        "text": row.text,
        "anonymous": row.anonymous,
        "who": _("Anonymous") if row.anonymous else (row.requester_name or ""),
        "reference": None if row.anonymous else row.ticket_reference,
        "link": link_tickets and not row.anonymous and bool(row.ticket_reference),
        "response_id": row.response_id,
        # The week the tagging form names the comment by (anonymous: the only date kept).
        "week": row.week_of if row.anonymous else week_of(row.submitted_at),
    }


def _present_figures(card) -> dict:
    """Everything shown of the figures, as text, in the order shown (no comments)."""
    headline = card.tiles.headline_kind
    anonymous = card.anonymous
    # Each kind's columns only where it was asked; the headline's always.
    show_nps = bool(card.tiles.nps.current.n) or headline == "nps"
    show_csat = bool(card.tiles.csat.current.n) or headline == "csat"
    columns = {"show_csat": show_csat, "show_nps": show_nps, "anonymous": anonymous}
    breakdowns = [_breakdown(_("By request type"), card.by_request_type, **columns)]
    if not card.breakdowns_by_version_withheld:
        breakdowns.append(
            _breakdown(_("By customer department"), card.by_customer_department, **columns)
        )
        if card.by_agent is not None:
            breakdowns.append(_breakdown(_("By agent"), card.by_agent, **columns))
        breakdowns += [
            _breakdown(_("By time to resolve"), card.by_resolution_time, **columns),
            _breakdown(_("By SLA"), card.by_sla, **columns),
        ]
    unit = card.trend_choice.unit
    show_n = not anonymous
    trend = [
        {
            "label": period_label(point.bucket, unit),
            "responses": _count_cell(point.responses, point.hidden, anonymous),
            "responses_raw": None if anonymous and point.hidden else point.responses,
            "csat_raw": _raw(point.csat, SHARE),
            "nps_raw": _raw(point.nps, NPS),
            "csat": share_text(point.csat, show_n),
            "csat_figure": point.csat,
            "nps": nps_text(point.nps, show_n),
            "nps_figure": point.nps,
        }
        for point in card.trend
    ]
    comments_n = card.tiles.responses.current.value
    if card.comments_hidden:
        comments_note = not_enough(
            Figure(value=None, n=comments_n, suppressed=True, hidden=card.comments_hidden),
            show_n,
        )
    else:
        comments_note = not_enough(Figure.of(None, comments_n), show_n)
    return {
        "show_csat": show_csat,
        "show_nps": show_nps,
        "headline": headline,
        "anonymous": anonymous,
        "tiles": _tiles(card.tiles, headline, anonymous),
        "trend": trend,
        "trend_unit": unit,
        "trend_reason": _trend_reason(card.trend_choice),
        "breakdowns": breakdowns,
        "questions": [_question(result, anonymous) for result in card.questions],
        "questions_note": _(
            "Answers per question are shown for all request types together, so a small "
            "type's answers can't be worked out by difference."
        )
        if card.questions_by_type_withheld
        else "",
        "by_version_note": _(
            "Breakdowns and the trend are shown for all survey versions together, so that "
            "no smaller group can be worked out from them; clear the version filter to see "
            "them."
        )
        if card.breakdowns_by_version_withheld
        else "",
        "comments_suppressed": card.comments_suppressed,
        "comments_note": comments_note,
        "anonymous_note": _(
            "Anonymous survey: groups too small to show hide their number of answers too, "
            "and comments show only the week they were given in."
        )
        if anonymous
        else "",
    }


@functools.lru_cache(maxsize=32)
def _figures(card, language: str) -> tuple[dict, str]:
    """What is shown of ``card``'s figures and their HTML, kept per process by the
    scorecard itself and the language: equal scorecards show alike, and a dashboard read
    again without a change in between builds an equal one. Nothing kept may be changed
    (the page and the CSV only read it); the comments are presented for each reader."""
    shown = _present_figures(card)
    html = render_to_string(
        "insights/_dashboard_figures.html", {"shown": shown, "chart": _chart(shown)}
    )
    return shown, mark_safe(html.strip())  # noqa: S308 (rendered by the template engine)


@receiver(setting_changed)
def _forget_figures(**_kwargs) -> None:
    """What the figures say also depends on settings (the minimum of answers, the site's
    time zone, number formats): tests change them within one process."""
    _figures.cache_clear()


def _present(card, link_tickets: bool) -> tuple[dict, str]:
    """Everything shown, as text, in the order shown, and the figures' HTML."""
    figures, html = _figures(card, translation.get_language())
    comments = [_comment(row, link_tickets) for row in card.comments]
    return {**figures, "comments": comments, "named_low_scores": card.named_low_scores}, html


def _chart(shown: dict):
    """Bars of the headline per period (CSAT, or NPS where that is the headline)."""
    key, measure, scale = "csat", _("CSAT"), charts.SHARE_SCALE
    if shown["headline"] == "nps":
        key, measure, scale = "nps", _("NPS"), charts.NPS_SCALE
    points = [
        {"label": p["label"], "text": p[key], "figure": p[f"{key}_figure"]} for p in shown["trend"]
    ]
    title = _("%(measure)s per period") % {"measure": measure}
    svg = charts.trend_svg(points, title=title, measure=measure, scale=scale)
    return {"svg": svg, "measure": measure, "summary": charts.summary(points, measure)}


# ---------------------------------------------------------------- views


def dashboard_shown(request, department_slug: str):
    """Check access, bind the filters, build the scorecard and what is shown of it (and
    the HTML of its figures)."""
    department = department_get(department_slug, active_only=False)
    require(can_view_department_dashboard(request.user, department))
    versions = versions_answered_for(department)
    form = DashboardFilterForm(
        request.GET,
        request_types=department.request_types.order_by("name"),
        versions=versions,
    )
    filters = form.filters(site_today())
    period = filters.period
    card = department_scorecard(
        department=department,
        start=period.start,
        end=period.end,
        request_type=filters.request_type,
        version=filters.version,
        include_agents=True,  # only its lead and HR admins get this far
    )
    # Link comments to tickets only for readers who may open them (not HR admins).
    link_tickets = can_work_queue(request.user, department)
    return department, form, filters, *_present(card, link_tickets)


@login_required
@require_GET
def department_dashboard(request, department_slug):
    department, form, filters, shown, figures = dashboard_shown(request, department_slug)
    period = filters.period
    query = request.GET.urlencode()
    return render(
        request,
        "insights/dashboard_department.html",
        {
            "department": department,
            "form": form,
            "period": period,
            "filters": filters,
            "shown": shown,
            "figures": figures,
            "themes": dashboard_themes(request.user, department, filters, shown),
            "follow_ups": follow_up_section(department, filters, shown),
            "csv_url": reverse("insights:department_dashboard_csv", args=[department.slug])
            + (f"?{query}" if query else ""),
        },
    )
