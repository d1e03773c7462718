"""The department dashboard's "Follow-ups of low scores" section (loop's figures).

Named surveys only: anonymous answers open no follow-up, so a department whose answers
in the period were all anonymous shows a note and no figure about people. The figures
follow the period, not the request-type or version filters: they count follow-up work
the department's list shows one by one, and one set for every filtered view leaves
nothing to subtract.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from loop.selectors.followups import department_follow_up_figures, site_today

from .figures import number


def follow_up_section(department, period, *, anonymous: bool) -> dict:
    """What the section shows, as text; three queries."""
    figures = department_follow_up_figures(
        department, start=period.start, end=period.end, today=site_today()
    )
    if figures.median_days is not None:
        median = _("%(days)s days") % {"days": number(figures.median_days, 1)}
    else:
        median = _("not enough closed follow-ups yet (n = %(n)s)") % {"n": figures.closed}
    only_anonymous = anonymous and not figures.named_answers and not figures.open_now
    return {
        "only_anonymous": only_anonymous,
        "rows": []
        if only_anonymous
        else [
            (_("Low scores on named surveys in this period"), number(figures.low_scores)),
            (_("Of these, follow-ups closed"), number(figures.closed)),
            (_("Median days from the answer to the close"), median),
            (_("Open now"), number(figures.open_now)),
            (_("Overdue now"), number(figures.overdue_now)),
        ],
        "overdue": figures.overdue_now,
        "median_note": _("The median is shown from %(k)s closed follow-ups on.")
        % {"k": settings.ICSAT_MIN_RESPONSES},
        "list_url": reverse("loop:followup_list", args=[department.slug]),
    }
