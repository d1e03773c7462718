"""Who may read the audit log: the one place that says so."""

from requests_app.permissions import is_hr_admin


def can_view_audit_log(user) -> bool:
    """HR admins (and superusers): every department's configuration history."""
    return is_hr_admin(user)
