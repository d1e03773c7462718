"""Did it work? An action's department before and after its date, in whole weeks, with the
dashboards' tests and the minimum-answers rule."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from insights.scorecards.effects import action_effect, effect_windows
from loop.models import Action, Theme, ThemeTag
from surveys.models import Response
from surveys.selectors import current_version
from tests import factories

pytestmark = pytest.mark.django_db

EFFECTIVE = date(2026, 3, 4)  # a Wednesday: the windows start on Monday March 2
TODAY = date(2026, 4, 15)  # six whole weeks later (Mar 2 – Apr 12)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11)), timezone.get_default_timezone())


@pytest.fixture
def setting(department, request_type, it_agent):
    survey = factories.survey()
    theme = Theme.objects.create(department=department, name="Slow laptop delivery")
    action = Action.objects.create(
        department=department,
        theme=theme,
        heard="You told us laptops took weeks.",
        changed="We keep ten laptops in stock.",
        effective_on=EFFECTIVE,
        status=Action.Status.PUBLISHED,
    )

    def answer(scores, first_day, *, tagged=0, comments=0):
        for i, score in enumerate(scores):
            factories.answered_csat(
                score=score,
                at=_at(first_day + timedelta(days=i % 42)),
                version=current_version(survey),
                department=department,
                request_type=request_type,
                requester=factories.employee(),
                agent=it_agent,
                comment="About the laptop" if i < comments else "",
            )
            if i < tagged:
                ThemeTag.objects.create(theme=theme, response=Response.objects.latest("pk"))

    return action, answer


def test_windows_are_whole_weeks_from_the_actions_monday():
    assert effect_windows(EFFECTIVE, date(2026, 3, 8)) is None  # its week has not ended
    assert effect_windows(EFFECTIVE, date(2026, 3, 9)) == (date(2026, 3, 2), date(2026, 3, 9))
    assert effect_windows(EFFECTIVE, TODAY) == (date(2026, 3, 2), date(2026, 4, 13))
    # At most a quarter (13 weeks), however long ago.
    assert effect_windows(EFFECTIVE, date(2027, 1, 1)) == (date(2026, 3, 2), date(2026, 6, 1))


def test_a_clear_rise_and_the_themes_share_falling(setting):
    action, answer = setting
    # Before (Jan 19 – Mar 1): 12 of 30 satisfied; 10 of 12 comments about laptops.
    answer([5] * 12 + [2] * 18, date(2026, 1, 19), tagged=10, comments=12)
    # After (Mar 2 – Apr 12): 27 of 30 satisfied; 1 of 12 comments about laptops.
    answer([5] * 27 + [2] * 3, date(2026, 3, 2), tagged=1, comments=12)
    effect = action_effect(action, TODAY)
    assert effect.weeks == 6
    assert (effect.before_first, effect.after_first, effect.after_last) == (
        date(2026, 1, 19),
        date(2026, 3, 2),
        date(2026, 4, 12),
    )
    assert effect.headline_kind == "csat"
    assert (effect.headline.previous.value, effect.headline.current.value) == (0.4, 0.9)
    assert effect.headline.change.clear and effect.headline.change.direction == "up"
    assert effect.theme.previous.n == effect.theme.current.n == 12
    assert effect.theme.change.clear and effect.theme.change.direction == "down"

    with translation.override("en"):
        html = Template("{% load effects %}{% action_effect_section action %}").render(
            Context({"action": action})
        )
    assert "Did it work?" in html
    assert "up 50 points" in html  # the dashboards' own wording
    assert "Share of comments about “Slow laptop delivery”" in html


def test_too_few_answers_tell_nothing(setting):
    action, answer = setting
    answer([5, 5, 1], date(2026, 1, 19), comments=3, tagged=2)
    answer([5, 5, 5, 1], date(2026, 3, 2), comments=4, tagged=1)
    effect = action_effect(action, TODAY)
    assert not effect.headline.current.shown and not effect.headline.previous.shown
    assert effect.headline.change is None
    assert not effect.theme.current.shown and effect.theme.change is None
    html = Template("{% load effects %}{% action_effect_section action %}").render(
        Context({"action": action})
    )
    assert "not enough answers yet" in html
    assert "25 %" not in html and "67 %" not in html


def test_the_actions_page_says_whether_it_worked(client, setting, department):
    action, answer = setting
    answer([5] * 12 + [2] * 18, date(2026, 1, 19), tagged=10, comments=12)
    answer([5] * 27 + [2] * 3, date(2026, 3, 2), tagged=1, comments=12)
    client.force_login(factories.employee())
    page = client.get(
        reverse("loop:action_detail", kwargs={"department_slug": department.slug, "pk": action.pk})
    ).content.decode()
    assert "Did it work?" in page and "up 50 points" in page
    # A draft has not taken effect for anyone: no section.
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DRAFT)
    lead = factories.lead(department)
    client.force_login(lead)
    draft = client.get(
        reverse("loop:action_detail", kwargs={"department_slug": department.slug, "pk": action.pk})
    ).content.decode()
    assert "Did it work?" not in draft


def test_the_figure_the_action_was_heard_in_is_shown_beside_the_headline(setting):
    action, answer = setting
    Action.objects.filter(pk=action.pk).update(theme=None, figure=Action.Figure.RESOLUTION)
    action.refresh_from_db()
    answer([5] * 12 + [2] * 18, date(2026, 1, 19))
    answer([5] * 27 + [2] * 3, date(2026, 3, 2))
    effect = action_effect(action, TODAY)
    assert effect.figure_kind == "resolution"
    # Every answered ticket of the factory took 5 hours: the same before and after.
    assert effect.figure.current.value == effect.figure.previous.value == 5 * 3600
    assert effect.theme is None
    with translation.override("en"):
        html = Template("{% load effects %}{% action_effect_section action %}").render(
            Context({"action": action})
        )
    assert html.index("CSAT (answers of 4–5)") < html.index("Median time to resolve")
    assert "Share of comments" not in html
    # Heard in the headline itself: shown once, not twice.
    Action.objects.filter(pk=action.pk).update(figure=Action.Figure.CSAT)
    action.refresh_from_db()
    effect = action_effect(action, TODAY)
    assert effect.figure is None and effect.figure_kind == ""


def test_the_windows_are_written_in_the_pages_date_format(setting):
    action, answer = setting
    answer([5] * 6, date(2026, 3, 2))
    with translation.override("en"):
        html = Template("{% load effects %}{% action_effect_section action %}").render(
            Context({"action": action})
        )
    # Written like the action page's "In effect from …" (DATE_FORMAT), not 02.03.2026.
    # Today is long after the action: the whole quarter after it is compared.
    monday, last = date_format(date(2026, 3, 2), "DATE_FORMAT"), date(2026, 5, 31)
    assert f"from {monday} to {date_format(last, 'DATE_FORMAT')}" in html, html


def _dashboard(client, department) -> str:
    return client.get(
        reverse("insights:department_dashboard", args=[department.slug])
    ).content.decode()


ACTION_QUERIES = 20  # the latest action, its windows' scorecard and the theme's shares


def test_the_dashboard_shows_the_latest_actions_before_and_after(
    client, setting, department, django_assert_max_num_queries
):
    action, answer = setting
    answer([5] * 12 + [2] * 18, date(2026, 1, 19), tagged=10, comments=12)
    answer([5] * 27 + [2] * 3, date(2026, 3, 2), tagged=1, comments=12)
    client.force_login(factories.lead(department))
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DRAFT)
    with CaptureQueriesContext(connection) as without_action:
        assert "Your latest change" not in _dashboard(client, department)  # not a draft
    without = len(without_action)  # now: each request empties the connection's query log

    Action.objects.filter(pk=action.pk).update(status=Action.Status.PUBLISHED)
    page = _dashboard(client, department)
    assert "Your latest change" in page and "up 50 points" in page
    assert "Share of comments about “Slow laptop delivery”" in page
    # An older action and a draft change nothing: one action's windows are read.
    for days, status in ((30, Action.Status.PUBLISHED), (1, Action.Status.DRAFT)):
        Action.objects.create(
            department=department,
            heard="Older",
            changed="Older change",
            effective_on=EFFECTIVE - timedelta(days=days),
            status=status,
        )
    with django_assert_max_num_queries(without + ACTION_QUERIES):
        page = _dashboard(client, department)
    assert "We keep ten laptops in stock." in page and "Older change" not in page
    # A change that takes effect next week is not the latest one yet.
    Action.objects.create(
        department=department,
        heard="Soon",
        changed="Planned change",
        effective_on=timezone.localdate() + timedelta(days=7),
        status=Action.Status.PUBLISHED,
    )
    assert "Planned change" not in _dashboard(client, department)
