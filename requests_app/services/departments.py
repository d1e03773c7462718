"""Writes that shape a department: its settings, request types and members."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import (
    Kind,
    audit_record,
    audit_saved,
    audited_fields,
    person_name,
    values_of,
)

from .. import permissions, zones
from ..content import TRANSLATED_LANGUAGES, translation_key
from ..exceptions import NotAllowed, TicketError
from ..models import Department, Employee, Membership, ReferenceCounter, RequestType, Ticket

DEPARTMENT_AUDITED = audited_fields(Department)
REQUEST_TYPE_AUDITED = audited_fields(RequestType)
FIELD_SPEC_DEFAULTS = {
    "name": "",
    "label": "",
    "kind": "",
    "required": False,
    "choices": [],
    "help": "",
    # Translations (requests_app.content); empty = English.
    **{
        translation_key(attr, code): [] if attr == "choices" else ""
        for attr in ("label", "help", "choices")
        for code in TRANSLATED_LANGUAGES
    },
}


def _audited_type(values: dict) -> dict:
    """A request type's audited values with each form field spelt out in full.

    The editor posts every key of a field; types made elsewhere may leave empty ones
    out. Compared in full, saving an unchanged form records no change.
    """
    specs = [
        {k: spec.get(k) or default for k, default in FIELD_SPEC_DEFAULTS.items()}
        for spec in values["fields"] or []
    ]
    return {**values, "fields": specs}


def _saved_values(model, instance, fields) -> dict | None:
    """The row's values before this change, locked; None for a new object.

    Read from the database: a bound ModelForm has already written the new values
    onto the instance the view passes in.
    """
    if instance is None or instance.pk is None:
        return None
    return model.objects.select_for_update().filter(pk=instance.pk).values(*fields).first()


@transaction.atomic
def department_save(*, actor, department: Department | None = None, **fields) -> Department:
    """Create or update a department (HR admins); creates its reference counter."""
    if not permissions.can_manage_departments(actor):
        raise NotAllowed()
    before = _saved_values(Department, department, DEPARTMENT_AUDITED)
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
    audit_saved(
        actor=actor,
        target=department,
        before=before,
        after=values_of(department, DEPARTMENT_AUDITED),
        created=Kind.DEPARTMENT_CREATED,
        changed=Kind.DEPARTMENT_CHANGED,
        own_kinds={"is_active": (Kind.DEPARTMENT_OPENED, Kind.DEPARTMENT_CLOSED)},
        department=department,
    )
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
    before = _saved_values(RequestType, request_type, REQUEST_TYPE_AUDITED)
    for name, value in fields.items():
        setattr(request_type, name, value)
    if not request_type.slug:
        request_type.slug = slugify(request_type.name)[:60] or "type"
    request_type.save()
    audit_saved(
        actor=actor,
        target=request_type,
        before=None if before is None else _audited_type(before),
        after=_audited_type(values_of(request_type, REQUEST_TYPE_AUDITED)),
        created=Kind.REQUEST_TYPE_CREATED,
        changed=Kind.REQUEST_TYPE_CHANGED,
        own_kinds={
            "fields": Kind.REQUEST_TYPE_FIELDS_CHANGED,
            "is_active": (Kind.REQUEST_TYPE_RESTORED, Kind.REQUEST_TYPE_ARCHIVED),
        },
        name=f"{department.prefix} · {request_type.name}",
        department=department,
    )
    return request_type


def _lead_count(department: Department) -> int:
    return Membership.objects.filter(department=department, role=Membership.Role.LEAD).count()


def _audit_membership(actor, membership: Membership, kind: str, role: list) -> None:
    audit_record(
        actor=actor,
        kind=kind,
        target=membership,
        changes={"role": role},
        name=f"{person_name(membership.user)} · {membership.department.name}",
        department=membership.department,
    )


@transaction.atomic
def membership_set(*, actor, department: Department, user, role: str) -> Membership:
    """Add a person to the department or change their role; keeps at least one lead."""
    if not permissions.can_manage_department(actor, department):
        raise NotAllowed()
    Department.objects.select_for_update().get(pk=department.pk)
    membership, created = Membership.objects.get_or_create(
        user=user, department=department, defaults={"role": role}
    )
    if created:
        _audit_membership(actor, membership, Kind.MEMBERSHIP_ADDED, [None, role])
    if created or membership.role == role:
        return membership
    if membership.role == Membership.Role.LEAD and _lead_count(department) == 1:
        raise TicketError(_("A department keeps at least one lead."))
    _audit_membership(actor, membership, Kind.MEMBERSHIP_ROLE_CHANGED, [membership.role, role])
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, actor, department: Department, user) -> None:
    """Take a person out of the department; safe to run twice."""
    if not permissions.can_manage_department(actor, department):
        raise NotAllowed()
    Department.objects.select_for_update().get(pk=department.pk)
    membership = (
        Membership.objects.select_related("user", "department")
        .filter(user=user, department=department)
        .first()
    )
    if membership is None:
        return
    if membership.role == Membership.Role.LEAD and _lead_count(department) == 1:
        raise TicketError(_("A department keeps at least one lead."))
    # Recorded before the delete, while the membership still has its id.
    _audit_membership(actor, membership, Kind.MEMBERSHIP_REMOVED, [membership.role, None])
    membership.delete()


def employee_ensure(user) -> Employee:
    """The profile of a user, created with defaults the first time it is needed."""
    employee, _created = Employee.objects.get_or_create(user=user)
    return employee


def employee_set_preferences(
    *, user, language: str, time_zone: str, weekly_digest: bool | None = None
) -> Employee:
    """Remember a person's language and time zone (empty: the site's), used for their
    pages and every e-mail they get, and whether they want the weekly digest (None: not
    asked). Values the form would refuse change nothing; safe to run twice."""
    from django.conf import settings

    employee = employee_ensure(user)
    fields = []
    if language in dict(settings.LANGUAGES) and language != employee.language:
        employee.language = language
        fields.append("language")
    if (not time_zone or zones.is_selectable(time_zone)) and time_zone != employee.time_zone:
        employee.time_zone = time_zone
        fields.append("time_zone")
    if weekly_digest is not None and weekly_digest != employee.weekly_digest:
        employee.weekly_digest = weekly_digest
        fields.append("weekly_digest")
    if fields:
        employee.save(update_fields=fields)
    return employee


def employee_adopt_time_zone(*, user, time_zone: str) -> bool:
    """Take a time zone said elsewhere (single sign-on's ``zoneinfo`` claim) when the person
    has none of their own; a name not on the list changes nothing. True if it was taken;
    safe to run twice."""
    if not zones.is_selectable(time_zone):
        return False
    return bool(Employee.objects.filter(user=user, time_zone="").update(time_zone=time_zone))


def employee_set_language(*, user, language: str) -> None:
    """Remember a person's language, used for pages and for every e-mail they get."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        return
    Employee.objects.update_or_create(user=user, defaults={"language": language})
