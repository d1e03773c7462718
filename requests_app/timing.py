"""How long a ticket took, and whether it met its due date: the one definition of each.

Tickets store the first (``Ticket.resolution_seconds``), survey responses copy both, the
dashboards count them; everything computes them here.
"""

from datetime import datetime


def resolution_seconds(created_at: datetime, resolved_at: datetime | None) -> int | None:
    """Whole seconds from creation to resolution; None while unresolved."""
    if resolved_at is None:
        return None
    return max(0, int((resolved_at - created_at).total_seconds()))


def sla_met(resolved_at: datetime | None, due_at: datetime | None) -> bool | None:
    """Whether a resolution came by the due date; None without either."""
    if resolved_at is None or due_at is None:
        return None
    return resolved_at <= due_at
