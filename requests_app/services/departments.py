"""Writes that shape a department: its settings, request types and members."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import permissions
from ..exceptions import NotAllowed, TicketError
from ..models import Department, Employee, Membership, ReferenceCounter, RequestType, Ticket


@transaction.atomic
def department_save(*, actor, department: Department | None = None, **fields) -> Department:
    """Create or update a department (HR admins); creates its reference counter."""
    if not permissions.can_manage_departments(actor):
        raise NotAllowed()
    if (
        department is not None
        and "prefix" in fields
        and (fields["prefix"].upper() != department.prefix)
    ):
        # Issued references carry the prefix; changing it would orphan them.
        raise TicketError(_("A department's reference prefix never changes."))
    department = department or Department()
    for name, value in fields.items():
        setattr(department, name, value)
    department.prefix = department.prefix.upper()
    if department.prefix == Ticket.HANDOFF_PREFIX:
        raise TicketError(_("FH is reserved for file handoffs."))
    department.save()
    ReferenceCounter.objects.get_or_create(prefix=department.prefix)
    return department


@transaction.atomic
def request_type_save(
    *, actor, department: Department, request_type: RequestType | None = None, **fields
) -> RequestType:
    """Create or update a request type with its form fields (leads, HR admins)."""
    if not permissions.can_manage_department(actor, department):
        raise NotAllowed()
    request_type = request_type or RequestType(department=department)
    if request_type.department_id != department.pk:
        raise NotAllowed()
    for name, value in fields.items():
        setattr(request_type, name, value)
    if not request_type.slug:
        request_type.slug = slugify(request_type.name)[:60] or "type"
    request_type.save()
    return request_type


def _lead_count(department: Department) -> int:
    return Membership.objects.filter(department=department, role=Membership.Role.LEAD).count()


@transaction.atomic
def membership_set(*, actor, department: Department, user, role: str) -> Membership:
    """Add a person to the department or change their role; keeps at least one lead."""
    if not permissions.can_manage_department(actor, department):
        raise NotAllowed()
    Department.objects.select_for_update().get(pk=department.pk)
    membership, created = Membership.objects.get_or_create(
        user=user, department=department, defaults={"role": role}
    )
    if created or membership.role == role:
        return membership
    if membership.role == Membership.Role.LEAD and _lead_count(department) == 1:
        raise TicketError(_("A department keeps at least one lead."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, actor, department: Department, user) -> None:
    """Take a person out of the department; safe to run twice."""
    if not permissions.can_manage_department(actor, department):
        raise NotAllowed()
    Department.objects.select_for_update().get(pk=department.pk)
    membership = Membership.objects.filter(user=user, department=department).first()
    if membership is None:
        return
    if membership.role == Membership.Role.LEAD and _lead_count(department) == 1:
        raise TicketError(_("A department keeps at least one lead."))
    membership.delete()


def employee_ensure(user) -> Employee:
    """The profile of a user, created with defaults the first time it is needed."""
    employee, _created = Employee.objects.get_or_create(user=user)
    return employee


def employee_set_language(*, user, language: str) -> None:
    """Remember a person's language, used for pages and for every e-mail they get."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        return
    Employee.objects.update_or_create(user=user, defaults={"language": language})
