"""Who may do what with departments, tickets and files: the one place that says so."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Department, Employee, Membership, Ticket

# Where a user object keeps whether they are an HR admin once known: read here, or with
# the signed-in person (selectors.people.signed_in_person).
HR_ADMIN_FLAG = "_icsat_is_hr_admin"


def is_hr_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, HR_ADMIN_FLAG, None)
    if cached is None:
        cached = user.groups.filter(name=settings.ICSAT_HR_ADMIN_GROUP).exists()
        setattr(user, HR_ADMIN_FLAG, cached)
    return cached


def employee_of(user) -> Employee | None:
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def is_associate(user) -> bool:
    employee = employee_of(user)
    return bool(employee and employee.is_associate)


def _memberships(user) -> list[Membership]:
    """The user's memberships of active departments with their departments, by department
    name; read once per user object (one query serves the permissions and the navigation)."""
    cached = getattr(user, "_icsat_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, department__is_active=True)
            .select_related("department")
            .order_by("department__name", "department_id")
        )
        user._icsat_memberships = cached
    return cached


def roles_by_department(user) -> dict[int, str]:
    """{department_id: role} for the user's memberships of active departments, cached on the
    user object (the permission checks of a list ask it once per row)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_icsat_roles", None)
    if cached is None:
        cached = {membership.department_id: membership.role for membership in _memberships(user)}
        user._icsat_roles = cached
    return cached


def departments_worked_in(user) -> list[Department]:
    """The active departments the user is an agent or lead of, by name."""
    if not user.is_authenticated:
        return []
    return [membership.department for membership in _memberships(user)]


def is_agent_of(user, department_id: int) -> bool:
    return department_id in roles_by_department(user)


def is_lead_of(user, department_id: int) -> bool:
    return roles_by_department(user).get(department_id) == Membership.Role.LEAD


def gets_weekly_digest(user) -> bool:
    """Leads and HR admins are sent the weekly digest of clear changes (unless they opt out)."""
    return is_hr_admin(user) or Membership.Role.LEAD in roles_by_department(user).values()


def is_staff_member(user) -> bool:
    return bool(roles_by_department(user))


def can_use_directory(user) -> bool:
    """Associates never see who works here; everyone else may pick a colleague."""
    return user.is_authenticated and not is_associate(user)


def can_manage_departments(user) -> bool:
    return is_hr_admin(user)


def can_manage_department(user, department: Department) -> bool:
    """Request types and member roles: the department's lead or an HR admin."""
    return is_hr_admin(user) or is_lead_of(user, department.pk)


def can_work_queue(user, department: Department) -> bool:
    return is_agent_of(user, department.pk)


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """Tickets the user may open: their own, cc'd, assigned, or their departments' requests."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    cc = Ticket.cc.through.objects.filter(ticket_id=OuterRef("pk"), user_id=user.pk)
    visible = Q(requester=user) | Q(assignee=user) | Q(Exists(cc))
    department_ids = list(roles_by_department(user))
    if department_ids:
        visible |= Q(kind=Ticket.Kind.REQUEST, department_id__in=department_ids)
    return Ticket.objects.filter(visible)


def can_view_ticket(user, ticket: Ticket) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk in (ticket.requester_id, ticket.assignee_id):
        return True
    if ticket.kind == Ticket.Kind.REQUEST and is_agent_of(user, ticket.department_id):
        return True
    return ticket.cc.filter(pk=user.pk).exists()


def can_work_ticket(user, ticket: Ticket) -> bool:
    """Agents of the department work requests; a handoff is worked by its colleague."""
    if ticket.kind == Ticket.Kind.HANDOFF:
        return user.pk == ticket.assignee_id
    return is_agent_of(user, ticket.department_id)


def can_see_internal_notes(user, ticket: Ticket) -> bool:
    return ticket.kind == Ticket.Kind.REQUEST and is_agent_of(user, ticket.department_id)


def can_act_as_requester(user, ticket: Ticket) -> bool:
    """Cancel and reopen belong to the person who asked."""
    return user.pk == ticket.requester_id


def can_manage_people(user) -> bool:
    """HR admins: everyone's home department and roles, leavers and returners."""
    return is_hr_admin(user)
