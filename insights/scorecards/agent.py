"""An agent's own feedback: their headline figures over time and the comments on the
requests they resolved — never a colleague's.

Each figure is the agent's own row of their department's per-agent breakdown, read from
the department's disclosure tables (``department_scorecard``): the same cell the lead's
dashboard shows, hidden the same way (too few answers, or protected so that a smaller
group cannot be worked out), so this page can tell nothing the dashboard would not.
Comments come from named surveys only: an anonymous answer is never tied to its agent.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from requests_app.models import Department
from requests_app.zones import site_midnight
from surveys.models import Response

from .department import department_scorecard
from .results import BreakdownRow

QUARTERS = 4
LATEST_OWN_COMMENTS = 20


@dataclass(frozen=True)
class OwnPeriod:
    first: date
    last: date
    row: BreakdownRow | None  # None: no answers about them in the period


@dataclass(frozen=True)
class OwnDepartment:
    department: Department
    periods: list[OwnPeriod]


def quarter_starts(today: date, count: int = QUARTERS) -> list[date]:
    """The first days of the last ``count`` quarters, the current one last."""
    year, quarter = today.year, (today.month - 1) // 3
    starts = []
    for _ in range(count):
        starts.append(date(year, quarter * 3 + 1, 1))
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
    return starts[::-1]


def agent_own_figures(user, departments, today: date) -> list[OwnDepartment]:
    """The agent's CSAT and NPS per quarter in each department they work in.

    One department scorecard per department and quarter (a fixed number of queries each).
    """
    starts = quarter_starts(today)
    bounds = [*starts[1:], today + timedelta(days=1)]
    result = []
    for department in departments:
        periods = []
        for first, after in zip(starts, bounds, strict=True):
            start, end = site_midnight(first), site_midnight(after)
            card = department_scorecard(
                department=department, start=start, end=end, include_low_scores=False
            )
            own = next((row for row in card.by_agent or [] if row.key == user.pk), None)
            periods.append(OwnPeriod(first=first, last=after - timedelta(days=1), row=own))
        result.append(OwnDepartment(department=department, periods=periods))
    return result


def agent_own_comments(user, since: datetime) -> list[Response]:
    """Named surveys' comments on requests the agent resolved, newest first."""
    return list(
        Response.objects.filter(agent=user, anonymous=False, submitted_at__gte=since)
        .exclude(comment="")
        .select_related("invitation__ticket", "department")
        .order_by("-submitted_at", "-pk")[:LATEST_OWN_COMMENTS]
    )
