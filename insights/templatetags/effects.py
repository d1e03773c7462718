"""{% load effects %}: "Did it work?" for a published action, on pages of other apps (the
action's page in loop) without their Python importing insights."""

from django import template

from ..views.action_effects import effect_context, latest_action

register = template.Library()


@register.inclusion_tag("insights/_action_effect.html")
def action_effect_section(action):
    """Before and after the action: the headline, the action's own figure and the theme's
    share, with the dashboards' wording of the change."""
    return effect_context(action)


@register.inclusion_tag("insights/_latest_action.html")
def latest_action_section(department):
    """The dashboard's "Your latest change": the department's newest published action in
    effect, and whether it worked; nothing when it has none."""
    return {"section": latest_action(department)}
