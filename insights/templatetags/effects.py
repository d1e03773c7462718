"""{% load effects %}: "Did it work?" for a published action, on pages of other apps (the
action's page in loop) without their Python importing insights."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from ..scorecards.effects import action_effect
from ..views.dashboards import NPS, SHARE, present_tile

register = template.Library()


@register.inclusion_tag("insights/_action_effect.html")
def action_effect_section(action):
    """Before and after the action: the headline and the theme's share, with the
    dashboards' wording of the change."""
    return effect_context(action)


def effect_context(action) -> dict:
    """What ``insights/_action_effect.html`` shows for ``action``."""
    today = timezone.localdate(timezone.now(), timezone.get_default_timezone())
    effect = action_effect(action, today)
    if effect is None:
        return {"effect": None, "action": action}
    if effect.headline_kind == "nps":
        headline = present_tile("nps", _("NPS (−100 to +100)"), effect.headline, NPS)
    else:
        headline = present_tile("csat", _("CSAT (answers of 4–5)"), effect.headline, SHARE)
    theme = None
    if effect.theme is not None:
        theme = present_tile(
            "theme",
            _("Share of comments about “%(theme)s”") % {"theme": action.theme},
            effect.theme,
            SHARE,
        )
    return {"effect": effect, "action": action, "rows": [r for r in (headline, theme) if r]}
