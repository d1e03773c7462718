from .selectors import inbox_counts


def survey_inbox(request):
    """Surveys waiting and unread notifications, for the navigation; one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    waiting, unread = inbox_counts(user)
    return {"nav_surveys_waiting": waiting, "nav_notifications_unread": unread}
