"""Hidden cells decided by one web process and read by the others from the site's cache.

Each web process keeps what it read and decided of a department's survey counts; another
process has nothing kept (here: ``survey_counts._remembered`` cleared), reads the rows and
finds the decision in the cache, keyed by the rows themselves. So a decision can only ever
be read beside exactly the rows it was made from, whatever the stamps say.
"""

import logging
import socket
import uuid
from datetime import timedelta

import pytest

from icsat.settings import cache_config
from insights.models import SurveyCountsStamp
from insights.scorecards import shared_decisions, survey_counts
from insights.services.rebuild import rollups_rebuild
from surveys.models import Response

from ..requests_app.test_signin_protection import _test_redis_url
from .test_dashboard_views import FEBRUARY, START, Data, get_csv, tile

pytestmark = pytest.mark.django_db

CSAT = "CSAT (answers of 4–5)"


@pytest.fixture
def data(department, request_type):
    return Data(department, request_type)


@pytest.fixture
def searches(monkeypatch) -> list:
    """One entry per department whose answers' tables were searched for hidden cells."""
    from insights.scorecards import protection

    runs = []
    real = protection._protect_answers

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(protection, "_protect_answers", counted)
    return runs


def another_process():
    """What a second web process has kept of the survey counts: nothing yet."""
    survey_counts._remembered.clear()


def csat(client, user, data, request_type=None) -> str:
    params = {"request_type": request_type.pk} if request_type else {}
    _response, rows = get_csv(client, user, data.it, **FEBRUARY, **params)
    return tile(rows, CSAT)[2]


def test_a_second_process_reads_the_hidden_cells_the_first_decided(client, data, it_lead, searches):
    data.seed([5, 5, 4, 4, 2, 5])  # access: 5 of 6
    data.seed([5, 1, 1, 2], request_type=data.laptop)  # laptop: 4 answers, too few
    # Laptop is withheld, so access is too: else laptop = all − access.
    shown = [csat(client, it_lead, data, kind) for kind in (None, data.access, data.laptop)]
    assert shown == ["60", "", ""]
    assert len(searches) == 1

    another_process()
    again = [csat(client, it_lead, data, kind) for kind in (None, data.access, data.laptop)]
    assert again == shown
    assert len(searches) == 1  # read from the cache, not searched again


def test_after_an_answer_one_process_decides_and_the_others_read_it(
    client, data, it_lead, searches, first_of_march
):
    data.seed([5, 5, 4, 4, 2, 5])
    data.seed([5, 1, 1, 2], request_type=data.laptop)
    assert csat(client, it_lead, data, data.access) == ""
    data.answer(5, at=START + timedelta(days=5, hours=12), request_type=data.laptop)
    # Laptop now has 5 answers: both types may be shown, decided once, from the new rows.
    assert csat(client, it_lead, data, data.access) == "83"
    assert csat(client, it_lead, data, data.laptop) == "40"
    assert len(searches) == 2
    another_process()
    assert csat(client, it_lead, data, data.access) == "83"
    assert len(searches) == 2


def test_rows_under_stamps_seen_before_are_decided_again(client, data, it_lead, searches):
    """A database restored from a backup, or made again, starts its stamps again: the
    decision read must be the one of the rows read, not of the stamps."""
    data.seed([5, 5, 4, 4, 2, 5])
    data.seed([5, 1, 1, 2, 4], request_type=data.laptop)
    assert csat(client, it_lead, data, data.access) == "83"  # all shown
    stamps = list(SurveyCountsStamp.objects.values_list("department_id", "changes"))

    # One laptop answer goes: 4 left, so access must be hidden again. The rebuild moves
    # the stamps, which are then set back to what they were, as after a restore.
    Response.objects.filter(request_type=data.laptop, headline_score=4).delete()
    rollups_rebuild()
    for department_id, changes in stamps:
        SurveyCountsStamp.objects.filter(department_id=department_id).update(changes=changes)

    another_process()
    assert csat(client, it_lead, data, data.access) == ""
    assert csat(client, it_lead, data) == "60"
    assert len(searches) == 2


def test_a_decision_under_another_minimum_count_is_not_read(
    client, data, it_lead, searches, settings
):
    data.seed([5, 5, 4, 4, 2, 5])
    data.seed([5, 1, 1, 2], request_type=data.laptop)
    assert csat(client, it_lead, data, data.laptop) == ""
    settings.ICSAT_MIN_RESPONSES = 4
    another_process()
    assert csat(client, it_lead, data, data.laptop) == "25"
    assert csat(client, it_lead, data, data.access) == "83"


def test_a_cache_that_is_down_costs_no_page_and_one_warning(
    client, data, it_lead, searches, settings, monkeypatch, caplog
):
    """Nothing listens on port 1: every cache call fails at once. The page decides for
    itself and says so once; the next pages do not try the cache for a while."""
    monkeypatch.setattr(shared_decisions, "_paused_until", 0.0)
    data.seed([5, 5, 4, 4, 2, 5])
    data.seed([5, 1, 1, 2], request_type=data.laptop)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.WARNING, logger=shared_decisions.__name__):
        assert csat(client, it_lead, data) == "60"
        another_process()
        assert csat(client, it_lead, data, data.access) == ""
    assert len(searches) == 2
    warnings = [r for r in caplog.records if r.name == shared_decisions.__name__]
    assert len(warnings) == 1
    assert "deciding in this process for 30 s" in warnings[0].getMessage()


class HangingServer:
    """A server that takes connections and never answers, as a hung Redis does."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.setblocking(False)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.taken = []

    def new_connections(self) -> int:
        before = len(self.taken)
        while True:
            try:
                self.taken.append(self.listener.accept()[0])
            except BlockingIOError:
                return len(self.taken) - before

    def close(self):
        for connection in self.taken:
            connection.close()
        self.listener.close()


@pytest.fixture
def hanging_server():
    server = HangingServer()
    yield server
    server.close()


def test_a_cache_that_hangs_is_given_up_on_and_not_asked_again_for_a_while(
    client, data, it_lead, searches, settings, monkeypatch, caplog, hanging_server
):
    """The site's Redis settings wait half a second for an answer (redis-py's own default
    is 5 s); then this process decides alone for a while, and the next pages do not wait."""
    monkeypatch.setattr(shared_decisions, "_paused_until", 0.0)
    data.seed([5, 5, 4, 4, 2, 5])
    settings.CACHES = cache_config(hanging_server.url, settings.VAR_DIR)
    with caplog.at_level(logging.WARNING, logger=shared_decisions.__name__):
        assert csat(client, it_lead, data) == "83"
        assert hanging_server.new_connections() >= 1
        another_process()
        assert csat(client, it_lead, data) == "83"
        assert hanging_server.new_connections() == 0
    assert len(searches) == 2
    assert len([r for r in caplog.records if r.name == shared_decisions.__name__]) == 1


@pytest.mark.skipif(
    not _test_redis_url(), reason="needs Redis: set REDIS_URL (.ci/run's second pass does)"
)
def test_on_redis_a_second_process_reads_what_the_first_decided(
    client, data, it_lead, searches, settings
):
    caches = cache_config(_test_redis_url(), settings.VAR_DIR)
    # A key prefix of this run's own, and no clear(): the database may be shared.
    caches["default"]["KEY_PREFIX"] = f"icsat-test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    data.seed([5, 5, 4, 4, 2, 5])
    data.seed([5, 1, 1, 2], request_type=data.laptop)
    assert [csat(client, it_lead, data, kind) for kind in (None, data.access)] == ["60", ""]
    another_process()
    assert [csat(client, it_lead, data, kind) for kind in (None, data.access)] == ["60", ""]
    assert len(searches) == 1
