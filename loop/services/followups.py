"""Follow-ups of low scores: opened by the answer, worked by the department's people."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from requests_app.models import Membership
from surveys.models import Response
from surveys.services.responses import is_low_score

from ..models import FollowUp


def follow_up_open_for(response: Response) -> FollowUp | None:
    """A follow-up for a named survey's low headline score, owned by the agent who
    resolved the request while they are still in the department; none for anonymous
    answers or other scores. Runs inside the answer's transaction (surveys' hook)."""
    if response.anonymous or not is_low_score(response.headline_kind, response.headline_score):
        return None
    owner_id = response.agent_id
    if (
        owner_id is not None
        and not Membership.objects.filter(
            user_id=owner_id, department_id=response.department_id, user__is_active=True
        ).exists()
    ):
        owner_id = None
    today = timezone.localdate()
    return FollowUp.objects.create(
        response=response,
        department_id=response.department_id,
        ticket_id=response.invitation.ticket_id,
        owner_id=owner_id,
        due_on=today + timedelta(days=settings.ICSAT_FOLLOW_UP_DAYS),
    )
