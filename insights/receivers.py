"""What insights does when requests and surveys change: count the change in the rollups.

Registered with the apps' hooks in ``InsightsConfig.ready``; each runs inside the
transaction of the change it counts, so the counts commit or roll back with it.
"""

from .services import surveys, tickets


def ticket_created(*, ticket) -> None:
    tickets.rollup_ticket_created(ticket)


def ticket_resolved(*, ticket, actor) -> None:
    tickets.rollup_ticket_resolution(ticket)


def ticket_reopened(*, ticket, actor) -> None:
    """Take back the resolution being reopened (the hook runs while it is still known)."""
    tickets.rollup_ticket_resolution(ticket, -1)


def invitation_sent(*, invitation) -> None:
    surveys.rollup_invitation_sent(invitation)
    surveys.survey_counts_changed([invitation.department_id], answers=False)


def response_submitted(*, invitation, response, answers) -> None:
    surveys.rollup_invitation_answered(invitation)
    surveys.rollup_response(response, answers)
    surveys.survey_counts_changed({invitation.department_id, response.department_id})
