"""Deciding a department's survey counts in a worker, right after an answer, instead of in
the next page of every web process.

After an answer every dashboard of its department, and the organisation view, must read the
department's rows again and search its tables for the cells to hide (30-100 ms at 1M
tickets), and each web process did that on its own. A worker now does it once, for every
standard range ending today, and shares what it read and decided
(``insights.scorecards.survey_counts.share``); the pages load it (~1 ms). A page asked
before the worker is done, or for a chosen range, reads and decides for itself as before:
both ways give the same figures and hide the same cells, as both decide from the rows
counted under the same stamp.
"""

from django.utils import timezone

from outbox.publishing import publish_on_commit
from requests_app.models import Department
from requests_app.zones import site_today

from ..periods import RANGE_DAYS, period_for
from ..scorecards.protection import department_protection
from ..scorecards.questions import question_results
from ..scorecards.survey_counts import share, stamps_of
from ..selectors import rollup_days

DECIDE_TASK = "insights.tasks.decide_survey_counts"


def survey_counts_decide_later(department_ids) -> None:
    """Ask a worker to decide these departments' counts once the current transaction
    commits (a lost message only leaves the work to the next page)."""
    publish_on_commit(DECIDE_TASK, {"department_ids": sorted(department_ids)}, refused=_pass)


def _pass() -> None:
    """Nothing waits for the message: without it the pages decide for themselves."""


def survey_counts_decide(department_ids) -> int:
    """Read and decide these departments' survey counts for every standard range ending
    today, as their dashboards (unfiltered) and the organisation view ask for them, and
    share it with the web processes; the number of entries shared."""
    today = site_today()
    zone = timezone.get_default_timezone_name()
    departments = list(Department.objects.filter(pk__in=department_ids))
    # Read before deciding: what is shared is kept under these stamps, so a later answer's
    # stamp makes it unused, never wrong.
    stamps = {
        department_id: stamp
        for department_id, stamp in stamps_of(None).items()
        if department_id in department_ids
    }
    shared = 0
    for range_key in RANGE_DAYS:
        period = period_for(range_key, today)
        for department in departments:
            protection = department_protection(
                department=department, start=period.start, end=period.end
            )
            question_results(department, rollup_days(period.start, period.end), None, protection)
        shared += share(stamps, (period.start, period.end, zone))
    return shared
