"""What a survey response copies from its ticket and invitation, for the dashboards to group by.

The one definition: the answer service, the demo seed, the benchmark's bulk load and the
test factories all store these values through ``response_dimensions``.
"""

from datetime import datetime
from typing import Any, Protocol

from requests_app import timing


class TicketFacts(Protocol):
    """A ticket, or anything with its fields (a row from ``.values()``, a bulk load's tuple)."""

    created_at: datetime
    resolved_at: datetime | None
    due_at: datetime | None
    reopen_count: int
    request_type_id: int | None
    customer_department_id: int | None


class InvitationFacts(Protocol):
    department_id: int
    agent_id: int | None


def response_dimensions(ticket: TicketFacts, invitation: InvitationFacts) -> dict[str, Any]:
    """The ``Response`` fields copied from its ticket and invitation, by field name."""
    return {
        "department_id": invitation.department_id,
        "agent_id": invitation.agent_id,
        "request_type_id": ticket.request_type_id,
        "customer_department_id": ticket.customer_department_id,
        "resolution_seconds": timing.resolution_seconds(ticket.created_at, ticket.resolved_at),
        "sla_met": timing.sla_met(ticket.resolved_at, ticket.due_at),
        "reopened": ticket.reopen_count > 0,
    }
