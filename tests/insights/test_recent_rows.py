"""What a page reads again after an answer: only the days an answer can still change.

An answer counts on its own local day, so the rows of the days before the first of
yesterday's month (``open_from``) change only with a rebuild: each process keeps what it read
of them under the rebuilds' stamp, and after an answer reads the recent days only.
"""

import random
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.decisions import _plain
from insights.scorecards.protection import _protect_answers
from insights.scorecards.questions import _answer_counts, _plus
from insights.scorecards.survey_counts import (
    Rows,
    open_from,
    read_answers,
)
from insights.services.rebuild import rollups_rebuild
from surveys.models import Response

from .test_dashboard_views import OSLO, Data, get_csv, tile

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 3, 10, 12, tzinfo=OSLO)  # a Tuesday
SINCE_JANUARY = {"range": "custom", "start": "2026-01-01", "end": "2026-03-10"}
JANUARY = {"range": "custom", "start": "2026-01-01", "end": "2026-01-31"}


@pytest.fixture
def data(department, request_type):
    return Data(department, request_type)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.mark.parametrize(
    ("day", "first_open"),
    [
        (date(2026, 3, 10), date(2026, 3, 1)),
        (date(2026, 3, 2), date(2026, 3, 1)),
        # On the first of a month an answer begun last night may still count yesterday.
        (date(2026, 3, 1), date(2026, 2, 1)),
        (date(2026, 1, 1), date(2025, 12, 1)),
    ],
)
def test_open_from_is_the_first_of_yesterdays_month(day, first_open):
    assert open_from(day) == first_open


def _trend_sums(rows: Rows) -> dict:
    sums: dict = {}
    for part in rows.trend_parts:
        key = (part["request_type"], part["week"], part["month"])
        sums[key] = sums.get(key, 0) + part["responses"]
    return sums


def test_the_rows_read_in_two_parts_add_up_to_the_rows_read_at_once_and_decide_the_same(data):
    """Two hundred answers over fourteen months, read for periods of 7 to 400 days split
    at every month's first among them: the same sums, and the same hidden cells."""
    rng = random.Random(20261203)
    first = datetime(2025, 2, 1, 12, tzinfo=OSLO)
    for _ in range(200):
        data.answer(
            rng.choice([1, 2, 3, 4, 5, 5]),
            at=first + timedelta(days=rng.randrange(420), hours=rng.randrange(-6, 6)),
            request_type=rng.choice([data.access, data.laptop]),
        )
    ids = [data.it.pk]
    end = datetime(2026, 4, 1, tzinfo=OSLO)
    boundaries = [date(year, month, 1) for year in (2025, 2026) for month in range(1, 13)]
    for days in (7, 31, 45, 90, 200, 400):
        start = end - timedelta(days=days)
        whole = read_answers(start, end, ids)[data.it.pk]
        for boundary in boundaries:
            parts = read_answers(start, end, ids, boundary).get(data.it.pk, Rows())
            assert parts.headline == whole.headline, (days, boundary)
            assert parts.breakdowns == whole.breakdowns, (days, boundary)
            assert _trend_sums(parts) == _trend_sums(whole), (days, boundary)
        for boundary in boundaries[::5]:
            parts = read_answers(start, end, ids, boundary)[data.it.pk]
            for unit in (None, "month"):
                assert _plain(_protect_answers(parts, start, end, unit, 5)) == _plain(
                    _protect_answers(whole, start, end, unit, 5)
                ), (days, boundary, unit)


def _answer_rows_read(client, user, department, **period) -> tuple[list[str], list]:
    with CaptureQueriesContext(connection) as queries:
        _response, rows = get_csv(client, user, department, **period)
    sums = [q["sql"] for q in queries if 'FROM "surveys_responseday"' in q["sql"]]
    return [sql for sql in sums if "SUM(" in sql], rows


def _days_read_from(sql: str) -> str | None:
    """The first day a query of answer rows reads from (None: from the period's start)."""
    where = sql.split(" WHERE ", 1)[1]
    found = re.findall(r"\"day\" >= '(\d{4}-\d\d-\d\d)", where)
    return min(found) if found else None


def test_after_an_answer_a_page_reads_this_months_rows_only_and_shows_it(
    client, data, it_lead, today
):
    for day, score in [(5, 5), (20, 4), (35, 5), (50, 2), (60, 5), (66, 4)]:
        data.answer(score, at=datetime(2026, 1, 1, 12, tzinfo=OSLO) + timedelta(days=day))
    read, rows = _answer_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert len(read) == 3 and tile(rows, "Responses")[2] == "6"
    data.answer(5, at=TODAY)
    read, rows = _answer_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert tile(rows, "Responses")[2] == "7"
    assert len(read) == 3
    assert {_days_read_from(sql) for sql in read} == {"2026-03-01"}, read


def test_after_an_answer_a_page_of_an_earlier_month_reads_no_answer_rows(
    client, data, it_lead, today
):
    for day in range(0, 30, 3):
        data.answer(4, at=datetime(2026, 1, 1, 12, tzinfo=OSLO) + timedelta(days=day))
    read, rows = _answer_rows_read(client, it_lead, data.it, **JANUARY)
    assert read and tile(rows, "Responses")[2] == "10"
    data.answer(1, at=TODAY)
    read, rows = _answer_rows_read(client, it_lead, data.it, **JANUARY)
    assert read == [] and tile(rows, "Responses")[2] == "10"


def test_a_rebuild_makes_a_page_read_the_earlier_days_again(client, data, it_lead, today):
    """The earlier days' rows change only in a rebuild (e.g. after history was corrected):
    what was kept of them is not used after one."""
    tickets = [
        data.answer(4, at=datetime(2026, 1, 5, 12, tzinfo=OSLO) + timedelta(days=day))
        for day in range(0, 50, 5)
    ]
    _read, rows = _answer_rows_read(client, it_lead, data.it, **JANUARY)
    assert tile(rows, "Responses")[2] == "6"  # 5 to 30 January
    moved = Response.objects.filter(invitation__ticket__in=tickets[:3]).update(
        submitted_at=datetime(2026, 2, 20, 12, tzinfo=OSLO)
    )
    assert moved == 3
    rollups_rebuild()
    read, rows = _answer_rows_read(client, it_lead, data.it, **JANUARY)
    assert read and tile(rows, "Responses")[2] == "3"


def _score_counts(rows) -> dict[str, str]:
    """The CSV's answers per score of the survey's one question (value → count)."""
    at = next(i for i, row in enumerate(rows) if row and row[0].startswith("Version 1, question"))
    counts = {}
    for row in rows[at + 1 :]:
        if not row:
            return counts
        counts[row[0]] = row[1]
    return counts


def _question_rows_read(client, user, department, **period) -> tuple[list[str], list]:
    with CaptureQueriesContext(connection) as queries:
        _response, rows = get_csv(client, user, department, **period)
    return [q["sql"] for q in queries if 'FROM "surveys_answerday"' in q["sql"]], rows


def test_the_answers_per_question_read_in_two_parts_add_up_to_those_read_at_once(data):
    rng = random.Random(20261203)
    first = date(2025, 2, 1)
    for _ in range(120):
        data.answer(
            rng.choice([1, 2, 3, 4, 5, 5]),
            at=datetime.combine(first, datetime.min.time(), OSLO)
            + timedelta(days=rng.randrange(420), hours=rng.randrange(1, 23)),
            request_type=rng.choice([data.access, data.laptop]),
        )
    stop = date(2026, 4, 1)
    for days in (7, 45, 200, 400):
        span = (stop - timedelta(days=days), stop)
        earlier, whole = _answer_counts(data.it, span, None, date.max, recent_only=False)
        assert whole == {} and sum(sum(v.values()) for v in earlier.values()) > 0
        for boundary in [date(year, month, 1) for year in (2025, 2026) for month in range(1, 13)]:
            parts = _answer_counts(data.it, span, None, boundary, recent_only=False)
            assert _plus(*parts) == earlier, (days, boundary)
            _none, recent = _answer_counts(data.it, span, None, boundary, recent_only=True)
            assert _none == {} and recent == parts[1], (days, boundary)


def test_after_an_answer_a_page_reads_this_months_answers_per_question_only(
    client, data, it_lead, today
):
    for day, score in [(5, 5), (20, 4), (35, 5), (50, 2), (60, 5), (66, 4)]:
        data.answer(score, at=datetime(2026, 1, 1, 12, tzinfo=OSLO) + timedelta(days=day))
    read, rows = _question_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert len(read) == 1 and _days_read_from(read[0]) == "2026-01-01"
    assert _score_counts(rows) == {"1": "0", "2": "1", "3": "0", "4": "2", "5": "3"}
    data.answer(4, at=TODAY)
    read, rows = _question_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert len(read) == 1 and _days_read_from(read[0]) == "2026-03-01", read
    assert _score_counts(rows) == {"1": "0", "2": "1", "3": "0", "4": "3", "5": "3"}
    # Read again with nothing new: nothing read at all.
    read, rows = _question_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert read == [] and _score_counts(rows)["4"] == "3"


def test_a_rebuild_makes_a_page_read_the_earlier_answers_per_question_again(
    client, data, it_lead, today
):
    tickets = [
        data.answer(score, at=datetime(2026, 1, 5, 12, tzinfo=OSLO) + timedelta(days=day))
        for day, score in zip(range(0, 60, 6), [5, 5, 5, 4, 4, 4, 3, 2, 1, 5], strict=True)
    ]
    _read, rows = _question_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert _score_counts(rows)["5"] == "4"
    Response.objects.filter(invitation__ticket__in=tickets[:3]).update(
        submitted_at=datetime(2025, 12, 20, 12, tzinfo=OSLO)
    )
    rollups_rebuild()
    read, rows = _question_rows_read(client, it_lead, data.it, **SINCE_JANUARY)
    assert read and _days_read_from(read[0]) == "2026-01-01"
    assert _score_counts(rows)["5"] == "1"
