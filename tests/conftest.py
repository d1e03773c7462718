import contextlib
import os
from datetime import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import translation

from tests import factories
from tests.queue import purge_queued_tasks, run_queued_tasks


@pytest.fixture(scope="session", autouse=True)
def _empty_test_broker():
    """The run's broker starts empty: a Redis test database keeps what earlier runs
    published, and a worker started by a test must not send their leftovers."""
    from icsat.celery import app

    with contextlib.suppress(Exception):  # no broker: the tests that need one say so
        app.control.purge()


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's fixture, and then a worker's turn: with ``execute=True`` the
    callbacks run (they publish tasks to the test broker, e.g. the outbox's
    send_emails) and then the tasks they published run here (tests/queue.py)."""
    purge_queued_tasks()

    @contextlib.contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
            yield callbacks
        if execute:
            run_queued_tasks()

    return capture


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and e-mail files of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(autouse=True)
def _broker_answering():
    """No test starts inside an outage an earlier test's broker left the publisher in."""
    from outbox.publishing import publisher

    publisher.reset()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no throttle counts: the test client always comes from
    127.0.0.1, and one test's wrong guesses must not throttle the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_remembered_protection():
    """Each test computes its disclosure protections afresh: one that changes the search
    (the attack tests switch parts of it off) must not be answered from another's, nor
    from rows another test's rolled-back transaction stamped alike (or gave the same ids)."""
    from insights.scorecards import questions, survey_counts
    from insights.selectors import medians
    from insights.views import dashboards

    survey_counts._remembered.clear()
    medians._kept.clear()
    questions._answered.clear()  # ids come again after a rolled-back transaction
    dashboards._figures.cache_clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in Norwegian through the test
    client leaves LocaleMiddleware's choice active in the thread afterwards."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def department():
    return factories.DepartmentFactory(name="IT", slug="it", prefix="IT")


@pytest.fixture
def request_type(department):
    return factories.RequestTypeFactory(department=department, name="Access request", slug="access")


@pytest.fixture
def requester():
    return factories.employee(username="requester")


@pytest.fixture
def it_agent(department):
    return factories.agent(department, username="it-agent")


@pytest.fixture
def it_lead(department):
    return factories.lead(department, username="it-lead")


@pytest.fixture
def first_of_march():
    """The clock on 1 March 2026, noon in Oslo: tests that read February's pages and then
    add February's answers. An answer counts on its own day, and a page reads again only the
    days an answer may still change, from the first of yesterday's month (see
    insights.scorecards.survey_counts.open_from): on 1 March, all of February."""
    from zoneinfo import ZoneInfo

    import time_machine

    moment = datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("Europe/Oslo"))
    with time_machine.travel(moment, tick=True):
        yield moment


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# What a test checks does not depend on the database, but it costs many seconds: CI runs it
# in its SQLite pass only (its two passes share a 2-core machine and 25 minutes).
sqlite_pass_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="what it checks does not depend on the database: CI runs it in the SQLite pass only",
)

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (.ci/run does)",
)
