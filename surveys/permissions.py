"""Who may configure surveys and see survey operations: the one place that says so."""

from requests_app.permissions import is_hr_admin


def can_configure_surveys(user) -> bool:
    return is_hr_admin(user)


def can_answer_invitation(user, invitation) -> bool:
    """In the app, only the person asked may answer."""
    return user.is_authenticated and user.pk == invitation.recipient_id
