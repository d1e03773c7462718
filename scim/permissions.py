"""Who may set up provisioning: the one place that says so."""

from requests_app.permissions import is_hr_admin


def can_manage_provisioning(user) -> bool:
    """HR admins (and superusers): tokens reach every person, mappings grant roles."""
    return is_hr_admin(user)
