"""The department dashboard's "Follow-ups of low scores" section (loop's figures).

Named surveys only: anonymous answers open no follow-up, so a department whose answers
in the period were all anonymous shows a note and no figure about people. The period's
figures follow the page's filters and are withheld exactly where the page withholds its
latest comments (fewer than ICSAT_MIN_RESPONSES answers, or a smaller group could be
worked out): a count of low scores beside the count of answers would otherwise give away
a hidden CSAT. Open and overdue follow-ups are today's work, shown like request counts.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from loop.selectors.followups import department_follow_up_figures
from requests_app.zones import site_today

from .figures import number


def _pk(value):
    return getattr(value, "pk", value)


def follow_up_section(department, filters, shown: dict) -> dict:
    """What the section shows, as text; two queries whatever the number of answers (the
    low scores are the scorecard's, ``shown["named_low_scores"]``)."""
    period = filters.period
    figures = department_follow_up_figures(
        department,
        start=period.start,
        end=period.end,
        today=site_today(),
        request_type_id=_pk(filters.request_type),
        version_id=_pk(filters.version),
        low_scores=shown["named_low_scores"],
    )
    only_anonymous = shown["anonymous"] and not figures.has_named_answers and not figures.open_now
    withheld = shown["comments_suppressed"]
    if withheld:
        low = closed = median = shown["comments_note"]
    else:
        low, closed = number(figures.low_scores), number(figures.closed)
        if figures.median_days is not None:
            median = _("%(days)s days") % {"days": number(figures.median_days, 1)}
        else:
            median = _("not enough closed follow-ups yet (n = %(n)s)") % {"n": figures.closed}
    return {
        "only_anonymous": only_anonymous,
        "rows": []
        if only_anonymous
        else [
            (_("Low scores on named surveys in this period"), low, withheld),
            (_("Of these, follow-ups closed"), closed, withheld),
            (_("Median days from the answer to the close"), median, withheld),
            (_("Open now"), number(figures.open_now), False),
            (_("Overdue now"), number(figures.overdue_now), False),
        ],
        "overdue": figures.overdue_now,
        "median_note": _("The median is shown from %(k)s closed follow-ups on.")
        % {"k": settings.ICSAT_MIN_RESPONSES},
        "list_url": reverse("loop:followup_list", args=[department.slug]),
    }
