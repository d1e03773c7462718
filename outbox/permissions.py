"""Who may watch the outbox and send a failed e-mail again: the one place that says so."""

from typing import Any

from requests_app.permissions import is_hr_admin


def can_monitor_email(user: Any) -> bool:
    """HR admins see every e-mail's delivery and may send a failed one again."""
    return is_hr_admin(user)
