"""Did it work? An action's department before and after its date, in whole weeks, with the
dashboards' tests and the minimum-answers rule."""

from datetime import date, datetime, time, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

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
