"""Actions ("you said, we did") in other apps' templates, without their Python importing loop.

surveys' thank-you page and invitation e-mail, and requests_app's start and New request
pages, ``{% load loop %}`` and ask here; surveys and requests_app sit below loop and must
not import it.
"""

from django import template

from ..selectors import actions as selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def department_actions(context, department):
    """``{% department_actions ticket.department as actions %}``: the department's recently
    published actions (see selectors.recent_actions); department-level, so the same for an
    anonymous survey. Read once per batch of e-mails (the outbox's ``shared`` dict), not
    once per e-mail and part."""
    if department is None:
        return []
    shared = context.get("shared")
    if shared is None:
        return selectors.recent_actions(department)
    key = ("department_actions", department.pk)
    if key not in shared:
        shared[key] = selectors.recent_actions(department)
    return shared[key]


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
