"""How "Did it work?" is shown: on an action's page (through ``insights.action_sections``
and ``{% action_effect_section %}``) and for a department's latest action on its dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from loop.selectors.actions import department_latest_action
from requests_app.zones import site_today

from ..scorecards.effects import action_effect
from .dashboards import SHARE, present_named_tile, present_tile


def effect_context(action) -> dict:
    """What ``insights/_action_effect.html`` shows for ``action``."""
    effect = action_effect(action, site_today())
    if effect is None:
        return {"effect": None, "action": action}
    headline = _present(effect.headline_kind, effect.headline)
    figure = _present(effect.figure_kind, effect.figure) if effect.figure else None
    theme = None
    if effect.theme is not None:
        theme = present_tile(
            "theme",
            _("Share of comments about “%(theme)s”") % {"theme": action.theme},
            effect.theme,
            SHARE,
        )
    rows = [row for row in (headline, figure, theme) if row]
    return {"effect": effect, "action": action, "rows": rows}


def latest_action(department) -> dict | None:
    """The dashboard's "Your latest change": the department's newest published action that
    has taken effect, with its before and after; None when it has none."""
    action = department_latest_action(department, site_today())
    if action is None:
        return None
    return {
        **effect_context(action),
        "url": reverse(
            "loop:action_detail", kwargs={"department_slug": department.slug, "pk": action.pk}
        ),
        "all_url": reverse("loop:department_actions", args=[department.slug]),
    }


def _present(kind: str, tile) -> dict:
    """``kind`` is "csat", "nps" or an action's figure "resolution"."""
    return present_named_tile("median_resolve_seconds" if kind == "resolution" else kind, tile)
