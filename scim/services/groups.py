"""A directory's groups and their members: membership of a mapped group gives the
mapped role through requests_app's people services (the same rules as HR admins), and
leaving takes it back to what the person's other groups give. The mappings themselves
are HR admins' (the provisioning page); a new one applies to the group's members at once.
One transaction each."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import (
    Context,
    Group,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    UniquenessException,
)

from audit.services import Kind, audit_record
from requests_app.exceptions import TicketError
from requests_app.models import Department, Membership
from requests_app.services.people import (
    memberships_apply,
    person_update,
)

from .. import selectors
from ..models import ScimGroup, ScimGroupMapping, ScimGroupMember
from .users import limited

User = get_user_model()
Grant = ScimGroupMapping.Grant


def _roles_from_groups(user_id: int, department_id: int, mappings) -> str | None:
    """The highest role the person's directory groups give in this department."""
    best = None
    for group in ScimGroup.objects.filter(memberships__user_id=user_id):
        mapping = selectors.mapping_for(group, mappings)
        if mapping is None or mapping.department_id != department_id:
            continue
        if mapping.grant == Grant.LEAD:
            return Membership.Role.LEAD
        best = Membership.Role.AGENT
    return best


def _is_hr_from_groups(user_id: int, mappings) -> bool:
    return any(
        (m := selectors.mapping_for(group, mappings)) is not None and m.grant == Grant.HR_ADMIN
        for group in ScimGroup.objects.filter(memberships__user_id=user_id)
    )


def _apply_roles(actor, group: ScimGroup, *, added: set[int], removed: set[int]) -> None:
    """Give or take the role the group's mapping names, after its members changed.

    Joining gives the role unless the person has a higher one there already; leaving
    takes it back to what their other groups give (nothing, or agent instead of lead).
    """
    mappings = list(ScimGroupMapping.objects.select_related("department"))
    mapping = selectors.mapping_for(group, mappings)
    if mapping is None or not (added or removed):
        return
    users = {u.pk: u for u in User.objects.filter(pk__in=added | removed)}
    if mapping.grant == Grant.HR_ADMIN:
        hr_ids = set(
            User.objects.filter(
                pk__in=added | removed, groups__name=settings.ICSAT_HR_ADMIN_GROUP
            ).values_list("pk", flat=True)
        )
        wanted = [(uid, True) for uid in sorted(added) if uid not in hr_ids]
        wanted += [
            (uid, False)
            for uid in sorted(removed)
            if uid in hr_ids and not _is_hr_from_groups(uid, mappings)
        ]
        for uid, hr_admin in wanted:  # additions first: someone always stays HR admin
            employee = getattr(users[uid], "employee", None)
            person_update(
                user_id=uid,
                actor=actor,
                home_department=employee.home_department if employee else None,
                hr_admin=hr_admin,
            )
        return
    department = mapping.department
    if department is None:  # ruled out by the model's check constraint
        return
    current = dict(
        Membership.objects.filter(department=department, user_id__in=added | removed).values_list(
            "user_id", "role"
        )
    )
    changes: list[tuple[Any, Department, str | None]] = []
    for uid in sorted(added | removed):
        wanted_role = _roles_from_groups(uid, department.pk, mappings)
        have = current.get(uid)
        if uid in added:
            # Joining never lowers a role (a lead made by hand stays lead in an agents' group).
            if wanted_role is not None and have != Membership.Role.LEAD and have != wanted_role:
                changes.append((users[uid], department, wanted_role))
        elif have is not None and wanted_role != have:
            changes.append((users[uid], department, wanted_role))
    memberships_apply(actor=actor, changes=changes)


def _member_ids(resource: Group) -> set[int]:
    """The user ids of the members; each must be a person the directory can see."""
    ids: set[int] = set()
    for member in resource.members or []:
        value = member.value or ""
        if member.type not in (None, "User"):
            raise InvalidValueException(detail="icsat groups hold users, not groups.")
        if selectors.user_get(value) is None:
            raise InvalidValueException(detail=f"No User {value} to add to the group.")
        ids.add(int(value))
    return ids


def _group_fields(resource: Group) -> tuple[str, str]:
    name = limited(resource.display_name, 200, "displayName")
    if not name:
        raise InvalidValueException(detail="displayName is required.")
    return name, limited(resource.external_id, 255, "externalId")


def _check_group_name(group_id, name: str) -> None:
    others = ScimGroup.objects.exclude(pk=group_id) if group_id else ScimGroup.objects.all()
    if others.filter(display_name__iexact=name).exists():
        raise UniquenessException(detail=f"A group called {name!r} exists already.")


def _set_members(actor, group: ScimGroup, wanted: set[int]) -> None:
    have = set(group.memberships.values_list("user_id", flat=True))
    added, removed = wanted - have, have - wanted
    ScimGroupMember.objects.filter(group=group, user_id__in=removed).delete()
    ScimGroupMember.objects.bulk_create(
        [ScimGroupMember(group=group, user_id=uid) for uid in sorted(added)]
    )
    _apply_roles(actor, group, added=added, removed=removed)


@transaction.atomic
def group_create(*, actor, resource: Group) -> ScimGroup:
    name, external_id = _group_fields(resource)
    _check_group_name(None, name)
    members = _member_ids(resource)
    group = ScimGroup.objects.create(display_name=name, external_id=external_id)
    _set_members(actor, group, members)
    return group


def _locked_group(group_id: str) -> ScimGroup:
    group = selectors.group_get(group_id, with_members=False)
    if group is None:
        raise NotFoundException(detail=f"No Group {group_id}.")
    return ScimGroup.objects.select_for_update().get(pk=group.pk)


def _save_group(actor, group: ScimGroup, resource: Group) -> ScimGroup:
    name, external_id = _group_fields(resource)
    _check_group_name(group.pk, name)
    members = _member_ids(resource)
    group.display_name, group.external_id = name, external_id
    group.updated_at = timezone.now()
    group.save()
    _set_members(actor, group, members)
    return group


@transaction.atomic
def group_replace(*, actor, group_id: str, resource: Group) -> ScimGroup:
    return _save_group(actor, _locked_group(group_id), resource)


@transaction.atomic
def group_patch(*, actor, group_id: str, patch: PatchOp, base_url: str) -> ScimGroup:
    group = _locked_group(group_id)
    current = selectors.group_get(group_id)
    if current is None:  # locked above, so it exists
        raise NotFoundException(detail=f"No Group {group_id}.")
    resource = Group.model_validate(
        selectors.group_payload(current, base_url), scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )
    patch.patch(resource)
    return _save_group(actor, group, resource)


@transaction.atomic
def group_delete(*, actor, group_id: str) -> None:
    """The group goes; its members lose what it gave them (the rules permitting)."""
    group = _locked_group(group_id)
    _set_members(actor, group, set())
    group.delete()


@transaction.atomic
def mapping_create(
    *, actor, directory_group: str, grant: str, department: Department | None
) -> ScimGroupMapping:
    """Map a directory group to a role; its current members get the role now."""
    directory_group = directory_group.strip()
    if ScimGroupMapping.objects.filter(directory_group__iexact=directory_group).exists():
        raise TicketError(_("That directory group is mapped already."))
    if (grant == Grant.HR_ADMIN) != (department is None):
        raise TicketError(_("Agents and leads need a department; HR admins need none."))
    mapping = ScimGroupMapping.objects.create(
        directory_group=directory_group, grant=grant, department=department, created_by=actor
    )
    audit_record(
        actor=actor,
        kind=Kind.SCIM_MAPPING_ADDED,
        target=mapping,
        changes={"grant": [None, grant]},
        name=directory_group,
        department=department,
    )
    for group in ScimGroup.objects.all():
        if selectors.mapping_for(group, [mapping]) is not None:
            members = set(group.memberships.values_list("user_id", flat=True))
            _apply_roles(actor, group, added=members, removed=set())
    return mapping


@transaction.atomic
def mapping_delete(*, actor, mapping_id: int) -> None:
    """Remove a mapping; the roles it gave stay (change them on the people page)."""
    mapping = ScimGroupMapping.objects.select_for_update().filter(pk=mapping_id).first()
    if mapping is None:
        return
    audit_record(
        actor=actor,
        kind=Kind.SCIM_MAPPING_REMOVED,
        target=mapping,
        changes={"grant": [mapping.grant, None]},
        name=mapping.directory_group,
        department=mapping.department,
    )
    mapping.delete()
