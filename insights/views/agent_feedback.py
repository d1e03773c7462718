"""An agent's own feedback page: their figures over time and the comments on their work."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from requests_app.selectors import departments_worked_by
from requests_app.views.common import require

from ..permissions import can_see_own_feedback
from ..scorecards.agent import agent_own_comments, agent_own_figures
from .figures import nps_text, share_text

COMMENT_DAYS = 90


@login_required
@require_GET
def my_feedback(request):
    require(can_see_own_feedback(request.user))
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    own = agent_own_figures(request.user, list(departments_worked_by(request.user)), today)
    departments = [
        {
            "department": item.department,
            # An NPS column only where an NPS question was answered about them.
            "has_nps": any(p.row and p.row.nps.n for p in item.periods),
            "periods": [
                {
                    "label": _("Q%(quarter)s %(year)s")
                    % {"quarter": (period.first.month - 1) // 3 + 1, "year": period.first.year},
                    "first": period.first,
                    "last": period.last,
                    "responses": period.row.responses if period.row else 0,
                    "csat": share_text(period.row.csat) if period.row else "—",
                    "nps": nps_text(period.row.nps) if period.row and period.row.nps.n else "—",
                }
                for period in item.periods
            ],
        }
        for item in own
    ]
    since = timezone.now() - timedelta(days=COMMENT_DAYS)
    return render(
        request,
        "insights/my_feedback.html",
        {
            "departments": departments,
            "comments": agent_own_comments(request.user, since),
            "comment_days": COMMENT_DAYS,
        },
    )
