"""The theme suggested for a dashboard comment: found through word stems in three
languages, silent when unsure, and offered only to those who may tag."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.scorecards import questions
from loop.services.themes import comment_tag, theme_create
from loop.suggestions import Example, ThemeSuggester, stems
from tests import factories

from .test_themes import FEBRUARY, Data

LAPTOPS = SimpleNamespace(
    pk=1,
    name="Slow laptop delivery",
    name_es="Entrega lenta de portátiles",
    name_nb="Treg levering av bærbare PC-er",
)
FORMS = SimpleNamespace(pk=2, name="Unclear forms", name_es="", name_nb="Uklare skjemaer")


def test_words_meet_across_inflections_in_the_three_languages():
    assert stems("Laptops") & stems("laptop")
    assert stems("portátiles") & stems("portátil")
    assert stems("bærbare") & stems("bærbar")
    # The most common small words say nothing about a theme.
    assert not stems("the and que ikke")


def test_a_comment_gets_the_theme_its_words_belong_to():
    suggester = ThemeSuggester(
        [LAPTOPS, FORMS],
        [
            Example(1, "The laptop took three weeks to arrive."),
            Example(2, "The form asks for things I don't know."),
        ],
    )
    assert suggester.suggest("Mi portátil tardó tres semanas.") is LAPTOPS
    assert suggester.suggest("Den bærbare kom etter tre uker.") is LAPTOPS
    assert suggester.suggest("Which form should I have used?") is FORMS
    # Nothing in common: no suggestion rather than a guess.
    assert suggester.suggest("Quick and friendly, thank you!") is None
    # A theme the comment already has is not suggested again.
    assert suggester.suggest("The laptop took weeks.", exclude=[1]) is None


def test_no_suggestion_when_two_themes_are_about_as_close():
    alpha = SimpleNamespace(pk=3, name="Alpha", name_es="", name_nb="")
    omega = SimpleNamespace(pk=4, name="Omega", name_es="", name_nb="")
    suggester = ThemeSuggester(
        [alpha, omega], [Example(3, "laptop form"), Example(4, "laptop form")]
    )
    closeness = suggester.similarities("laptop form")
    assert closeness[3] == pytest.approx(closeness[4]) and closeness[3] > 0.3
    assert suggester.suggest("laptop form") is None
    # One more example of Alpha's makes it clearly the closer one.
    suggester = ThemeSuggester(
        [alpha, omega],
        [Example(3, "laptop form"), Example(3, "laptop late"), Example(4, "form unclear")],
    )
    assert suggester.suggest("laptop") is alpha


@pytest.fixture
def data(db, department, request_type):
    return Data(department, request_type)


def _dashboard(client, department) -> str:
    url = reverse("insights:department_dashboard", args=[department.slug])
    return client.get(url, FEBRUARY).content.decode()


def test_the_dashboard_chooses_the_suggested_theme_for_those_who_tag(
    client, data, department, it_lead, it_agent
):
    laptops = theme_create(actor=it_lead, department=department, name="Slow laptop delivery")
    theme_create(actor=it_lead, department=department, name="Unclear forms")
    tagged = data.answer(2, at=data.day(3), comment="The laptop took three weeks.")
    comment_tag(actor=it_lead, response=tagged, theme=laptops)
    data.answer(2, at=data.day(10), comment="Still no laptop after two weeks")
    for day in range(11, 16):
        data.answer(5, at=data.day(day), comment="Fine")

    client.force_login(it_lead)
    page = _dashboard(client, department)
    assert f'<option value="{laptops.pk}" selected>Slow laptop delivery (suggested)' in page
    assert page.count("(suggested)") == 1  # "Fine" is like no theme
    # An agent of the department reads the comments but does not tag: no suggestion.
    client.force_login(it_agent)
    assert "(suggested)" not in _dashboard(client, department)


def test_suggesting_reads_one_query_whatever_the_tags(
    client, data, department, it_lead, first_of_march
):
    laptops = theme_create(actor=it_lead, department=department, name="Slow laptop delivery")
    for day in range(1, 8):
        data.answer(2, at=data.day(day), comment=f"Laptop number {day} was late")
    client.force_login(it_lead)
    with CaptureQueriesContext(connection) as few_tags:
        _dashboard(client, department)
    few = len(few_tags)
    for day in range(8, 20):
        response = data.answer(2, at=data.day(day), comment=f"Laptop number {day} was late")
        comment_tag(actor=it_lead, response=response, theme=laptops)
    questions._answered.clear()  # read again, as at the first view: like for like
    with CaptureQueriesContext(connection) as many_tags:
        _dashboard(client, department)
    assert len(many_tags) == few


def test_an_anonymous_comments_suggestion_names_nobody(client, data, department, it_lead):
    """Suggesting reads comment texts only: the page gains no name, date or count."""
    laptops = theme_create(actor=it_lead, department=department, name="Slow laptop delivery")
    requester = factories.employee(first_name="Sigrid", last_name="Undset")
    for day in range(2, 9):
        response = data.answer(
            2, at=data.day(day), comment="The laptop was late", anonymous=True, requester=requester
        )
    comment_tag(actor=it_lead, response=response, theme=laptops)
    client.force_login(it_lead)
    page = _dashboard(client, department)
    assert "Undset" not in page and "Sigrid" not in page
