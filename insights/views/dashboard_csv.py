"""A department's dashboard as CSV, for Excel and LibreOffice.

The rows are the page's (``dashboards.dashboard_shown``). The figures are plain numbers
(``_raw`` there) so a spreadsheet sorts and sums them; a withheld figure is an empty cell,
and the page's words for why ("not enough answers yet (n = …)") go in a note.
"""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from icsat.csv_response import csv_response, plain
from requests_app.content import translated

from .dashboards import dashboard_shown


@login_required
@require_GET
def department_dashboard_csv(request, department_slug):
    """The dashboard as CSV: headers and words in the reader's language, figures as plain
    numbers (``_raw``; not localised, so they sort), an empty cell where one is withheld."""
    department, _form, filters, shown, _figures = dashboard_shown(request, department_slug)
    period = filters.period
    filename = f"icsat-{department.slug}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response, writer = csv_response(filename)
    writer.writerow([_("Department"), translated(department, "name")])
    writer.writerow([_("Period"), period.first.isoformat(), period.last.isoformat()])
    if filters.request_type is not None:
        writer.writerow([_("Request type"), translated(filters.request_type, "name")])
    if filters.version is not None:
        version = filters.version
        writer.writerow([_("Survey version"), version.survey.name, version.number])
    writer.writerow([])
    writer.writerow(
        [
            _("Figure"),
            _("Unit"),
            _("This period"),
            _("Previous period"),
            pgettext("between two periods", "Change"),
            _("Note"),
            # Last, so the columns before keep their places for existing spreadsheets.
            _("This period: %(level)s interval from") % {"level": "95 %"},
            _("This period: %(level)s interval to") % {"level": "95 %"},
        ]
    )
    for tile in shown["tiles"]:
        unit = _("hours") if tile["key"] == "median" else tile["unit"]
        # Why a figure is withheld, in the page's words, where the number would be.
        withheld = [
            f"{label}: {text}"
            for label, raw, text in (
                (_("This period"), tile["raw"], tile["value"]),
                (_("Previous period"), tile["previous_raw"], tile["previous"]),
            )
            if raw is None
        ]
        note = "; ".join(filter(None, [tile["note"], *withheld]))
        writer.writerow(
            [
                tile["label"],
                unit,
                plain(tile["raw"]),
                plain(tile["previous_raw"]),
                tile["change"],
                note,
                *(plain(bound) for bound in tile["raw_interval"]),
            ]
        )
    writer.writerow([])
    measures = [key for key in ("csat", "nps") if shown[f"show_{key}"]]
    names = {"csat": _("CSAT (%)"), "nps": _("NPS")}

    def figures(row) -> list:
        """A row's plain numbers, then a note with the words for those withheld."""
        notes = [row[key] for key in measures if row[f"{key}_raw"] is None]
        cells = [plain(row[f"{key}_raw"]) for key in measures]
        return [plain(row["responses_raw"]), *cells, "; ".join(notes)]

    if shown["by_version_note"]:
        writer.writerow([shown["by_version_note"]])
    else:
        writer.writerow([shown["trend_reason"]])
        header = [_("Trend"), _("Responses"), *(names[key] for key in measures), _("Note")]
        writer.writerow(header)
        for point in shown["trend"]:
            writer.writerow([point["label"], *figures(point)])
    for breakdown in shown["breakdowns"]:
        writer.writerow([])
        header = [breakdown["title"], _("Responses"), *(names[k] for k in measures), _("Note")]
        writer.writerow(header)
        for row in breakdown["rows"]:
            writer.writerow([row["label"], *figures(row)])
    if shown["questions_note"]:
        writer.writerow([])
        writer.writerow([shown["questions_note"]])
    for question in shown["questions"]:
        writer.writerow([])
        writer.writerow([question["title"], _("Answers"), plain(question["n_raw"])])
        if question["suppressed"]:
            writer.writerow([question["summary"]])
        for count in question["counts"]:
            writer.writerow([count["value"], plain(count["count"])])
    writer.writerow([])
    writer.writerow(
        [_("Comment"), _("Date"), _("Score"), _("Request type"), _("From"), _("Ticket")]
    )
    if shown["comments_suppressed"]:
        writer.writerow([shown["comments_note"]])
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
