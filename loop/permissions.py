"""Who may see and change follow-ups, themes and actions: the one place for these rules.

Leads and HR admins see and work a department's follow-ups; an agent sees and works the
follow-ups they own. Themes are a department's leads' (and HR admins'). Drafts of actions
are the leads'; published actions are every employee's, and an associate's only for the
departments they have filed to.
"""

from requests_app.models import Department, Membership, Ticket
from requests_app.permissions import can_manage_department, is_associate, is_hr_admin

from .models import Action, FollowUp


def can_see_department_follow_ups(user, department: Department) -> bool:
    return can_manage_department(user, department)


def can_work_follow_up(user, follow_up: FollowUp) -> bool:
    if not user.is_authenticated:
        return False
    if follow_up.owner_id == user.pk:
        return Membership.objects.filter(user=user, department_id=follow_up.department_id).exists()
    return can_manage_department(user, follow_up.department)


def can_manage_themes(user, department: Department) -> bool:
    return can_manage_department(user, department)


def can_manage_actions(user, department: Department) -> bool:
    return can_manage_department(user, department)


def can_see_published_actions(user, department: Department) -> bool:
    """Every employee; an associate only for a department they have filed a request to."""
    if not user.is_authenticated:
        return False
    if is_associate(user):
        return Ticket.objects.filter(requester=user, department=department).exists()
    return True


def can_see_action(user, action: Action) -> bool:
    if action.status == Action.Status.PUBLISHED:
        return can_see_published_actions(user, action.department)
    return can_manage_actions(user, action.department) or is_hr_admin(user)
