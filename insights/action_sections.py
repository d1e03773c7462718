"""insights' section of an action's page (loop.action_sections): "Did it work?"."""

from loop.action_sections import Section

from .views.action_effects import effect_context


def did_it_work(user, action) -> Section | None:
    """Published actions only: a draft has not taken effect for anyone yet."""
    if action.status != action.Status.PUBLISHED:
        return None
    return Section(template="insights/_action_effect_section.html", context=effect_context(action))
