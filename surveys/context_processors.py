from .selectors import invitations_waiting_for, unread_notifications


def survey_inbox(request):
    """Surveys waiting and unread notifications, for the navigation; two counting queries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_surveys_waiting": invitations_waiting_for(user).count(),
        "nav_notifications_unread": unread_notifications(user).count(),
    }
