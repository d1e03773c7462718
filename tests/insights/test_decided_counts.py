"""A worker decides a department's survey counts after an answer and shares them: the web
processes' pages then load what it read and decided, show exactly what they would have
decided themselves, and never use what was shared before a later answer."""

import logging
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.scorecards import survey_counts
from insights.selectors import medians
from insights.services.decided_counts import survey_counts_decide
from requests_app.models import Ticket
from surveys.models import Invitation
from surveys.services.invitations import invitation_send
from surveys.services.responses import response_submit
from tests import factories

pytestmark = pytest.mark.django_db

# random per response: the CSRF token and the scripts' nonce
RANDOM = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


class Data:
    """IT with answers over the last days, from HR's people."""

    def __init__(self, department, request_type):
        self.it = department
        self.access = request_type
        self.hr = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
        self.agent = factories.agent(department, first_name="Alice", last_name="Agent")
        self.requester = factories.employee(home_department=self.hr)
        self.version = factories.survey(name="CSAT", departments=[department]).versions.get()

    def answer(self, score, days_ago=1):
        factories.answered_csat(
            score=score,
            at=timezone.now() - timedelta(days=days_ago, hours=1),
            version=self.version,
            department=self.it,
            request_type=self.access,
            requester=self.requester,
            agent=self.agent,
            customer_department=self.hr,
        )


@pytest.fixture
def data(department, request_type):
    made = Data(department, request_type)
    for index, score in enumerate([5, 4, 5, 3, 5, 4, 5, 2, 5, 4, 5, 5]):
        made.answer(score, days_ago=1 + index % 20)
    return made


def dashboard(client, user, department, **params) -> tuple[str, int]:
    """The page's HTML (what is random per response left out) and its queries."""
    client.force_login(user)
    url = reverse("insights:department_dashboard", args=[department.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return RANDOM.sub("", response.content.decode()), len(queries)


def decided_by_itself(client, user, department, **params) -> tuple[str, int]:
    """The page of a web process that finds nothing kept or shared."""
    from django.core.cache import cache

    another_process()
    cache.clear()
    return dashboard(client, user, department, **params)


def another_process():
    """What a web process other than the worker's keeps: nothing yet."""
    survey_counts._remembered.clear()
    medians._kept.clear()


def test_page_after_the_worker_decided_loads_it_and_shows_the_same(client, data, it_lead):
    dashboard(client, it_lead, data.it)  # content types, session: as in a running process
    data.answer(1)
    assert survey_counts_decide([data.it.pk]) > 0
    shared = {}
    for range_key in ("30d", "90d", "12m"):  # every standard range was decided
        another_process()
        shared[range_key] = dashboard(client, it_lead, data.it, range=range_key)
    for range_key, (shared_html, shared_queries) in shared.items():
        own_html, own_queries = decided_by_itself(client, it_lead, data.it, range=range_key)
        assert shared_html == own_html
        # the answers' three rows queries, the invitations' and the questions' answers
        assert shared_queries == own_queries - 5


def test_what_was_shared_before_a_later_answer_is_not_used(client, data, it_lead):
    survey_counts_decide([data.it.pk])
    before, _queries = decided_by_itself(client, it_lead, data.it)
    survey_counts_decide([data.it.pk])
    data.answer(1)  # counted after the worker decided; its own task has not run yet
    another_process()
    html, queries = dashboard(client, it_lead, data.it)
    own_html, own_queries = decided_by_itself(client, it_lead, data.it)
    assert html == own_html != before
    assert queries == own_queries


def test_organisation_view_loads_what_the_worker_decided(client, data):
    client.force_login(factories.hr_admin())
    url = reverse("insights:organisation_dashboard")
    client.get(url)
    data.answer(2)
    survey_counts_decide([data.it.pk])
    another_process()
    with CaptureQueriesContext(connection) as shared:
        shared_html = RANDOM.sub("", client.get(url).content.decode())
    from django.core.cache import cache

    cache.clear()
    another_process()
    with CaptureQueriesContext(connection) as own:
        own_html = RANDOM.sub("", client.get(url).content.decode())
    assert shared_html == own_html
    # HR has a stamp but no answers of its own: its rows are read either way
    assert len(shared) < len(own)


def test_a_cache_that_does_not_answer_leaves_the_page_to_decide(
    client, data, it_lead, settings, caplog
):
    survey_counts_decide([data.it.pk])
    expected, _queries = decided_by_itself(client, it_lead, data.it)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    another_process()
    with caplog.at_level(logging.WARNING, logger="insights.scorecards.survey_counts"):
        html, _queries = dashboard(client, it_lead, data.it)
    assert html == expected
    assert "Shared survey counts not read" in caplog.text


def test_something_else_under_the_key_is_not_used(client, data, it_lead):
    import pickle

    from django.core.cache import cache

    survey_counts_decide([data.it.pk])
    expected, own_queries = decided_by_itself(client, it_lead, data.it)
    survey_counts_decide([data.it.pk])
    other = factories.DepartmentFactory(name="Legal", slug="legal", prefix="LG")
    strangers = [
        "not an entry",
        ("a key", b"not a pickle"),
        None,  # replaced below: the right key beside another department's entry
    ]
    for index, (key, entry) in enumerate(list(survey_counts._remembered.items())):
        wrong = survey_counts.Entry(key=(other.pk, *key[1:]), rows=entry.rows)
        stranger = strangers[index % 3] or (key, pickle.dumps(wrong))
        cache.set(survey_counts._shared_key(key), stranger)
    another_process()
    html, queries = dashboard(client, it_lead, data.it)
    assert html == expected
    assert queries == own_queries


def test_an_answer_asks_a_worker_to_decide(data, django_capture_on_commit_callbacks):
    import pickle

    from django.core.cache import cache

    ticket = factories.make_ticket(request_type=data.access, status=Ticket.Status.RESOLVED)
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation_send(invitation_id=invitation.pk)
    headline = data.version.questions.get(is_headline=True)
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(invitation_id=invitation.pk, raw_answers={headline.pk: "5"}, revision=None)
    # the callbacks published the task and it ran as a worker runs it: shared under the
    # department's stamps after this answer
    stamps = survey_counts.stamps_of(data.it)
    period = next(iter(survey_counts._remembered))[-1]
    key = survey_counts._shared_key((data.it.pk, stamps[data.it.pk][0], period))
    shared_key, pickled = cache.get(key)
    entry = pickle.loads(pickled)  # noqa: S301
    assert shared_key == entry.key == (data.it.pk, stamps[data.it.pk][0], period)
    assert entry.decided and entry.also
