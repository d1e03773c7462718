"""An agent's own feedback: their figures with intervals and the minimum-answers rule, the
comments of named surveys on their work, and never a colleague's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.selectors import current_version
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("insights:my_feedback")
# Four quarterly scorecards of the department (a fixed number each), whatever the data.
QUERIES_PER_DEPARTMENT = 4 * 24


@pytest.fixture
def team(department, request_type):
    survey = factories.survey()
    return {
        "version": current_version(survey),
        "ola": factories.agent(department, first_name="Ola", last_name="Nordmann"),
        "kari": factories.agent(department, first_name="Kari", last_name="Colleague"),
        "requester": factories.employee(),
    }


def _answers(team, agent, scores, department, request_type, **extra):
    for score in scores:
        factories.answered_csat(
            score=score,
            at=timezone.now() - timedelta(minutes=5),
            version=team["version"],
            department=department,
            request_type=request_type,
            requester=team["requester"],
            agent=agent,
            **extra,
        )


def test_an_agent_sees_their_own_figures_and_comments_only(
    client, team, department, request_type, django_assert_max_num_queries
):
    # Ola: 8 of 10 satisfied; Kari: 2 of 6.
    _answers(team, team["ola"], [5] * 7 + [2, 1], department, request_type)
    _answers(team, team["ola"], [5], department, request_type, comment="Ola fixed it fast")
    _answers(team, team["kari"], [5, 5, 1, 1, 2, 2], department, request_type)
    _answers(team, team["kari"], [1], department, request_type, comment="Kari was rude")
    _answers(
        team, team["ola"], [1], department, request_type, comment="Secret words", anonymous=True
    )

    client.force_login(team["ola"])
    with django_assert_max_num_queries(QUERIES_PER_DEPARTMENT + 10):
        page = client.get(URL).content.decode()
    # 8 of 10 named + 1 anonymous answer about Ola: 8 of 11 satisfied → 73 %, with its interval.
    assert "73 % (" in page
    assert "Ola fixed it fast" in page
    # Never a colleague's figures or comments, never an anonymous comment.
    assert "Kari" not in page and "Kari was rude" not in page
    assert "29 %" not in page  # Kari's 2 of 7
    assert "Secret words" not in page


def test_too_few_answers_show_no_figure(client, team, department, request_type):
    _answers(team, team["ola"], [5, 5, 1], department, request_type)
    client.force_login(team["ola"])
    page = client.get(URL).content.decode()
    assert "not enough answers yet (n = 3)" in page
    assert "67 %" not in page


def test_only_people_who_work_requests_have_the_page(client, team):
    client.force_login(team["requester"])
    assert client.get(URL).status_code == 404
    client.force_login(factories.associate())
    assert client.get(URL).status_code == 404
