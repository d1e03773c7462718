"""The whole demo seed: a demo company with six months of history, built through the services.

People and departments first, then every ticket's story replayed through the
ticket services and moved back in time (with a request in every status), then
the surveys and what their pipeline would have done with those six months of
resolves.
"""

import random
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation

from demo import data as demo
from demo.clock import Calendar
from demo.loop import LoopHistory
from demo.people import company_create
from demo.statuses import statuses_check, statuses_ensure
from demo.stories import Stories
from demo.surveys import SurveyHistory
from demo.tickets import resolved_close, tickets_replay
from insights.services.rebuild import rollups_rebuild
from requests_app import hooks


def demo_seed(*, now: datetime) -> None:
    """Create the demo company with its history up to now, in one transaction.

    The same SEED and now give the same data. Sends nothing itself, but the
    services it calls queue their usual notifications after commit: the caller
    silences them. Not safe to run twice: the caller checks the database is empty.
    """
    # One random stream for the whole seed: the order of its draws makes the data.
    rng = random.Random(demo.SEED)  # noqa: S311 - reproducible demo data
    calendar = Calendar(now=now, rng=rng)
    # The survey history is written after the tickets, so their replay runs without
    # the hooks that would invite (or explain why not) on every historical resolve.
    # Texts written into the history (audit lines, notifications) are in the
    # site's language, whatever language the calling thread happens to have active.
    with (
        hooks.suspended(),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        company = company_create()
        plans = Stories(company=company, calendar=calendar, rng=rng).plans()
        statuses_ensure(plans, now=now)
        tickets_replay(plans, now=now)
        resolved_close(company, now=now)
        statuses_check()
        SurveyHistory(company=company, calendar=calendar, rng=rng, now=now).run()
        LoopHistory(company=company, now=now, rng=rng).run()
        # The history wrote its timestamps directly: count it all once at the end.
        rollups_rebuild(recompute_durations=True)
