"""Celery tasks of insights: each calls one service and is safe to run twice."""

from celery import shared_task

from requests_app.zones import site_today

from .forms import RANGE_DAYS, period_for
from .scorecards.protection import protections
from .services import weekly_digest


@shared_task
def send_weekly_digests() -> int:
    return weekly_digest.weekly_digests_send()


@shared_task(ignore_result=True)
def decide_hidden_cells() -> None:
    """After an answer, decide every changed department's hidden cells for the periods the
    dashboards offer, so that the web processes read the decision from the cache
    (``insights.scorecards.shared_decisions``) instead of each making it on a page. Safe
    to run twice, late or never: a decision is read only beside the rows it was made from,
    and a page decides for itself what it does not find."""
    today = site_today()
    for range_key in RANGE_DAYS:
        period = period_for(range_key, today)
        protections(start=period.start, end=period.end)
