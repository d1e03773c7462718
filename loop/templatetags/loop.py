"""Actions ("you said, we did") in other apps' templates, without their Python importing loop.

surveys' thank-you page and invitation e-mail, and requests_app's start and New request
pages, ``{% load loop %}`` and ask here; surveys and requests_app sit below loop and must
not import it.
"""

from django import template

from ..selectors import actions as selectors

register = template.Library()


@register.simple_tag
def department_actions(department):
    """``{% department_actions ticket.department as actions %}``: the department's recently
    published actions (see selectors.recent_actions); department-level, so the same for an
    anonymous survey."""
    if department is None:
        return []
    return selectors.recent_actions(department)


@register.simple_tag(takes_context=True)
def latest_actions(context):
    """``{% latest_actions as actions %}``: the newest published actions the reader may see."""
    user = context.get("user")
    if user is None:
        return []
    return selectors.latest_actions_visible_to(user)


@register.simple_tag(takes_context=True)
def departments_with_actions(context):
    """``{% departments_with_actions as ids %}``: ids of departments with a published action
    the reader may see, so their pages are linked only when there is something on them."""
    user = context.get("user")
    if user is None:
        return set()
    return selectors.department_ids_with_actions(user)
