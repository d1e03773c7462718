"""Who may use the HR admins' console (audit log, e-mail delivery): the one place that says so."""

from requests_app.permissions import is_hr_admin


def can_view_audit_log(user) -> bool:
    """HR admins (and superusers): every department's configuration history."""
    return is_hr_admin(user)


def can_monitor_email(user) -> bool:
    """HR admins see every e-mail's delivery and may send a failed one again."""
    return is_hr_admin(user)
