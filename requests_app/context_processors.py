from . import permissions


def navigation(request):
    """What the navigation offers this person; nothing for the signed-out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import departments_worked_by

    worked = departments_worked_by(user)
    roles = permissions.roles_by_department(user)
    return {
        "nav_queues": worked,
        "nav_led": [d for d in worked if roles.get(d.pk) == "lead"],
        "nav_is_hr_admin": permissions.is_hr_admin(user),
        "nav_is_associate": permissions.is_associate(user),
        "nav_can_handoff": permissions.can_use_directory(user),
    }
