"""Did it work? A published action's department before and after the action's date.

The after-window starts on the Monday of the week the action took effect and runs for
whole weeks up to ``EFFECT_WEEKS`` (or until last week); the before-window is the same
number of whole weeks just before. Whole weeks, so that two actions a day apart cannot
be subtracted to isolate a day's answers (an anonymous comment is never dated finer than
its week anyway). The headline (CSAT or NPS, the department's headline kind) comes out of
``department_scorecard`` for the after-window, whose "previous period" is exactly the
before-window, so its change uses the dashboards' own tests and wording. The theme's
share is the share of the window's commented responses tagged with the action's theme,
compared with Newcombe's interval; both figures follow the minimum-answers rule.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loop.models import Action, ThemeTag
from requests_app.zones import site_midnight
from surveys.models import Response

from ..stats import Figure, share_change
from .department import department_scorecard
from .results import Tile

EFFECT_WEEKS = 13  # a quarter
MIN_WEEKS = 1


@dataclass(frozen=True)
class ActionEffect:
    before_first: date
    after_first: date
    after_last: date
    weeks: int
    headline_kind: str  # "csat" or "nps"
    headline: Tile
    # The figure the action was heard in, when it is not the headline: "csat", "nps" or
    # "resolution" (the median time to resolve), else "".
    figure_kind: str
    figure: Tile | None
    theme: Tile | None  # the theme's share of commented answers, when the action names one


def effect_windows(effective_on: date, today: date) -> tuple[date, date] | None:
    """(first day of the after-window, the day after its end); None until a whole week
    has passed since the action's week began."""
    first = effective_on - timedelta(days=effective_on.weekday())
    this_monday = today - timedelta(days=today.weekday())
    weeks = min(EFFECT_WEEKS, (this_monday - first).days // 7)
    if weeks < MIN_WEEKS:
        return None
    return first, first + timedelta(weeks=weeks)


def _theme_share(action: Action, start: datetime, end: datetime) -> Figure:
    commented = Response.objects.filter(
        department_id=action.department_id, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(comment="")
    tagged = ThemeTag.objects.filter(
        theme_id=action.theme_id, response__in=commented.values("pk")
    ).count()
    return Figure.share(tagged, commented.count())


def action_effect(action: Action, today: date) -> ActionEffect | None:
    """The action's before and after; None while it is too early to tell."""
    windows = effect_windows(action.effective_on, today)
    if windows is None:
        return None
    first, after_end = windows
    weeks = (after_end - first).days // 7
    start, end = site_midnight(first), site_midnight(after_end)
    before_start = start - (end - start)
    card = department_scorecard(
        department=action.department,
        start=start,
        end=end,
        include_agents=False,
        include_low_scores=False,
    )
    tiles = card.tiles
    kind = tiles.headline_kind
    figure_kind = action.figure if action.figure != kind else ""
    figure = {
        Action.Figure.CSAT: tiles.csat,
        Action.Figure.NPS: tiles.nps,
        Action.Figure.RESOLUTION: tiles.median_resolve_seconds,
    }.get(figure_kind)
    theme = None
    if action.theme_id is not None:
        after, before = _theme_share(action, start, end), _theme_share(action, before_start, start)
        change = None
        if after.shown and before.shown:
            change = share_change(
                round(after.value * after.n), after.n, round(before.value * before.n), before.n
            )
        theme = Tile(current=after, previous=before, change=change)
    return ActionEffect(
        before_first=first - timedelta(weeks=weeks),
        after_first=first,
        after_last=after_end - timedelta(days=1),
        weeks=weeks,
        headline_kind=kind,
        headline=tiles.nps if kind == "nps" else tiles.csat,
        figure_kind=figure_kind if figure is not None else "",
        figure=figure,
        theme=theme,
    )
