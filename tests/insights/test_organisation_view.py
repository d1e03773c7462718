"""The organisation view for HR admins: access, hand-computed figures, suppression, sorting."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 2, 1, tzinfo=OSLO)
FEBRUARY = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}
URL = "insights:organisation_dashboard"


class Data:
    """Providers IT and Facilities, customers HR and Finance, one CSAT survey each."""

    def __init__(self, department):
        self.it = department
        self.facilities = factories.DepartmentFactory(
            name="Facilities", slug="facilities", prefix="FA"
        )
        self.hr = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
        self.finance = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FI")
        self.setup = {}
        for provider in (self.it, self.facilities):
            self.setup[provider.pk] = (
                factories.RequestTypeFactory(department=provider, name="General"),
                factories.agent(provider),
                factories.survey(
                    name=f"CSAT {provider.name}", departments=[provider]
                ).versions.get(),
            )
        self.requesters = {
            customer.pk: factories.employee(home_department=customer)
            for customer in (self.hr, self.finance)
        }

    def answer(self, score, *, provider, customer, at):
        request_type, agent, version = self.setup[provider.pk]
        factories.answered_csat(
            score=score,
            at=at,
            version=version,
            department=provider,
            request_type=request_type,
            requester=self.requesters[customer.pk],
            agent=agent,
            customer_department=customer,
        )

    def seed(self, scores, *, provider, customer):
        for index, score in enumerate(scores):
            at = START + timedelta(days=index % 28, hours=12)
            self.answer(score, provider=provider, customer=customer, at=at)


@pytest.fixture
def data(department):
    return Data(department)


def get_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse(URL), params)


def html_of(client, **params):
    response = get_page(client, factories.hr_admin(), **params)
    assert response.status_code == 200
    return response.content.decode()


def row_html(html, slug) -> str:
    match = re.search(rf'<tr data-department="{slug}">(.*?)</tr>', html, re.S)
    assert match, slug
    return match.group(1)


def matrix_html(html) -> str:
    return html[html.index('id="matrix"') :]


# ---------------------------------------------------------------- access


def test_organisation_view_redirects_signed_out_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["employee", "agent", "lead", "associate"])
def test_organisation_view_is_404_for_all_but_hr_admins(client, department, who):
    user = {
        "employee": lambda: factories.employee(),
        "agent": lambda: factories.agent(department),
        "lead": lambda: factories.lead(department),
        "associate": lambda: factories.associate(),
    }[who]()
    assert get_page(client, user).status_code == 404


def test_organisation_view_opens_for_hr_admin(client, department):
    response = get_page(client, factories.hr_admin())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Last 30 days" in html


# ---------------------------------------------------------------- figures


def test_table_shows_hand_computed_csat_and_links_to_department(client, data):
    data.seed([5, 5, 5, 5, 5, 5, 5, 5, 2, 3], provider=data.it, customer=data.hr)
    html = html_of(client, **FEBRUARY)
    it = row_html(html, "it")
    assert "80 % (49–94 %)" in it  # 8 of 10, Wilson 49.0–94.3 %
    assert "10 of 10" in it
    assert "rate 100 % (72–100 %)" in it  # 10 of 10 invitations answered
    assert "5 h" in it  # every ticket took five hours
    assert "no comparison" in it  # January had no answers
    dashboard = reverse("insights:department_dashboard", args=["it"])
    assert f'href="{dashboard}?range=custom&amp;start=2026-02-01&amp;end=2026-02-28"' in it


def test_matrix_cell_shows_csat_and_answers_in_text(client, data):
    data.seed([5, 5, 4, 4, 1], provider=data.it, customer=data.hr)  # 4 of 5 → 80 %
    data.seed([5, 5, 1, 1, 1], provider=data.facilities, customer=data.hr)  # 2 of 5 → 40 %
    matrix = matrix_html(html_of(client, **FEBRUARY))
    assert '<td class="bg-success-subtle">80 % · 5</td>' in matrix
    assert '<td class="bg-danger-subtle">40 % · 5</td>' in matrix
    assert '<th scope="row">HR</th>' in matrix
    facilities = reverse("insights:department_dashboard", args=["facilities"])
    assert f'href="{facilities}?range=custom' in matrix
    assert "<caption" in matrix


def test_fewer_than_five_answers_are_suppressed_in_table_and_matrix(client, data):
    data.seed([5, 5, 4, 1], provider=data.it, customer=data.finance)  # 3 of 4 is never shown
    html = html_of(client, **FEBRUARY)
    assert "75 %" not in html
    assert "not enough answers yet (n = 4)" in row_html(html, "it")
    matrix = matrix_html(html)
    assert '<span class="visually-hidden">not enough answers yet</span>' in matrix
    assert "(n = 4)" in matrix
    assert "bg-success-subtle" not in matrix.split("</caption>", 1)[1]


# ---------------------------------------------------------------- sorting


def order(html) -> list[str]:
    return re.findall(r'<tr data-department="([\w-]+)">', html)


def test_sort_by_csat_puts_higher_first_and_suppressed_last(client, data):
    data.seed([5, 5, 1, 1, 1], provider=data.it, customer=data.hr)  # 40 %
    data.seed([5, 5, 5, 5, 1], provider=data.facilities, customer=data.hr)  # 80 %
    html = html_of(client, **FEBRUARY, sort="headline")
    slugs = order(html)
    assert slugs[:2] == ["facilities", "it"]
    assert {"finance", "hr"} <= set(slugs[2:])  # no answers: last
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="[^"]*sort=headline', html)
    assert html.count("aria-sort=") == 1
    by_name = order(html_of(client, **FEBRUARY))
    mine = [slug for slug in by_name if slug in {"facilities", "finance", "hr", "it"}]
    assert mine == ["facilities", "finance", "hr", "it"]


def test_unknown_sort_falls_back_to_name(client, data):
    html = html_of(client, sort="nonsense")
    assert 'aria-sort="ascending"><a href="?sort=name"' in html


# ---------------------------------------------------------------- speed


def count_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get_page(client, user, **FEBRUARY).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_answers(client, data):
    from insights.scorecards import survey_counts
    from insights.selectors import medians

    admin = factories.hr_admin()
    data.seed([5, 4, 3, 2, 1] * 2, provider=data.it, customer=data.hr)
    count_queries(client, admin)  # warm the caches (content types, session)
    survey_counts._remembered.clear()
    medians._kept.clear()
    small = count_queries(client, admin)
    data.seed([5, 4, 3, 2, 1] * 9, provider=data.facilities, customer=data.finance)
    data.seed([5, 4, 3, 2, 1] * 9, provider=data.it, customer=data.finance)
    # Two departments' stamps moved: their rows are read again, in as many queries.
    assert count_queries(client, admin) == small
    # Nothing new since: no department's rows are read (the protection's four queries and
    # the medians' two: six fewer).
    assert count_queries(client, admin) == small - 6


def test_a_new_answer_shows_at_once_and_only_its_department_is_read_again(
    client, data, first_of_march
):
    """What the view read of each department is kept under the department's stamp: an
    answer moves IT's, so IT's rows are read again (and show it) and Facilities' are not."""
    data.seed([5, 5, 5, 5, 5, 5, 5, 5, 2, 3], provider=data.it, customer=data.hr)
    data.seed([5, 5, 5, 5, 1], provider=data.facilities, customer=data.hr)
    assert "80 % (49–94 %)" in row_html(html_of(client, **FEBRUARY), "it")
    data.answer(5, provider=data.it, customer=data.hr, at=START + timedelta(days=12, hours=12))
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client, **FEBRUARY)
    assert "82 % (52–95 %)" in row_html(html, "it")  # 9 of 11
    assert "80 % (38–96 %)" in row_html(html, "facilities")  # kept: 4 of 5
    rows_read = [q["sql"] for q in queries if 'FROM "surveys_responseday"' in q["sql"]]
    assert rows_read
    for sql in rows_read:
        assert re.search(rf'"department_id" IN \({data.it.pk}\)', sql), sql
