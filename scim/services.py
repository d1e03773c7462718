"""Every write of SCIM provisioning: tokens, group mappings, and the directory's changes.

Each function is one transaction. People are created, changed, deactivated and
reactivated through requests_app's people services (which audit every change), so
a directory follows the same rules as HR admins: a department keeps a lead, someone
stays HR admin. A refused rule raises TicketError and nothing of the request stays.

The actor of a directory's change is the HR admin who created the token it uses:
their name is on the audit rows, and the people services check their rights.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import (
    Context,
    EnterpriseUser,
    Group,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    UniquenessException,
)

from audit.services import Kind, audit_record
from requests_app.exceptions import TicketError
from requests_app.models import Department, Membership
from requests_app.permissions import is_hr_admin
from requests_app.services.people import (
    memberships_apply,
    person_create,
    person_deactivate,
    person_details_set,
    person_find,
    person_reactivate,
    person_update,
)

from . import selectors
from .models import ScimGroup, ScimGroupMapping, ScimGroupMember, ScimToken, ScimUser
from .protocol import UserResource

User = get_user_model()
Grant = ScimGroupMapping.Grant
# How often a token's "last used" is written: a directory syncing every few seconds
# should not turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Tokens -------------------------------------------------------------------------


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ScimToken, str]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name.strip()[:100], token_hash=_hash(raw), prefix=raw[:6], created_by=actor
    )
    audit_record(
        actor=actor,
        kind=Kind.SCIM_TOKEN_CREATED,
        target=token,
        changes={"name": [None, token.name]},
        name=token.name,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> bool:
    """Stop a token working; safe to run twice (False the second time)."""
    token = ScimToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        kind=Kind.SCIM_TOKEN_REVOKED,
        target=token,
        changes={"revoked": [False, True]},
        name=token.name,
    )
    return True


def token_authenticate(*, raw: str) -> ScimToken | None:
    """The live token with this value, or None.

    A token works while it is not revoked and its creator is an active HR admin:
    taking someone's HR role or deactivating them stops their tokens too.
    """
    if not raw or len(raw) > 200:
        return None
    token = (
        ScimToken.objects.select_related("created_by")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.created_by.is_active or not is_hr_admin(token.created_by):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Group mappings ----------------------------------------------------------------


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


# --- Users -------------------------------------------------------------------------

LANGUAGE_ALIASES = {"no": "nb"}  # "no" is Norwegian as many directories write it


@dataclass
class UserData:
    """What a SCIM User says, checked against icsat's limits."""

    username: str
    external_id: str
    first_name: str
    last_name: str
    email: str
    emails: list[dict[str, Any]]
    active: bool | None
    preferred_language: str
    locale: str
    department: str | None  # None: the request did not say


def _limit(value: str | None, length: int, attribute: str) -> str:
    value = (value or "").strip()
    if len(value) > length:
        raise InvalidValueException(
            detail=f"{attribute} is longer than icsat keeps ({length} characters)."
        )
    return value


def user_data(resource) -> UserData:
    """The parts of a User resource icsat keeps; raises InvalidValueException."""
    username = _limit(resource.user_name, 150, "userName")
    if not username:
        raise InvalidValueException(detail="userName is required.")
    emails = [e.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for e in resource.emails or []]
    primary = next((e for e in resource.emails or [] if e.primary), None) or next(
        iter(resource.emails or []), None
    )
    email = _limit(primary.value if primary else "", 254, "emails.value")
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidValueException(detail=f"{email!r} is not an e-mail address.") from error
    enterprise = _enterprise(resource)
    department = enterprise.department if enterprise is not None else None
    return UserData(
        username=username,
        external_id=_limit(resource.external_id, 255, "externalId"),
        first_name=_limit(resource.name.given_name if resource.name else "", 150, "givenName"),
        last_name=_limit(resource.name.family_name if resource.name else "", 150, "familyName"),
        email=email,
        emails=emails,
        active=resource.active,
        preferred_language=_limit(resource.preferred_language, 64, "preferredLanguage"),
        locale=_limit(resource.locale, 64, "locale"),
        department=None if department is None else _limit(department, 100, "department"),
    )


def _enterprise(resource) -> EnterpriseUser | None:
    try:
        return resource[EnterpriseUser]
    except (KeyError, TypeError):
        return None


def _site_language(*values: str) -> str | None:
    """The first value that names one of the site's languages (es-ES → es, no → nb)."""
    codes = dict(settings.LANGUAGES)
    for value in values:
        code = value.replace("_", "-").split("-")[0].lower()
        code = LANGUAGE_ALIASES.get(code, code)
        if code in codes:
            return code
    return None


def _department(name: str) -> Department | None:
    if not name:
        return None
    return Department.objects.filter(Q(name__iexact=name) | Q(slug__iexact=name)).first()


def _check_free(user_id: int | None, data: UserData) -> None:
    others = User.objects.exclude(pk=user_id) if user_id else User.objects.all()
    if others.filter(username__iexact=data.username).exists():
        raise UniquenessException(detail=f"userName {data.username!r} is taken.")
    if data.email and others.filter(email__iexact=data.email).exists():
        raise UniquenessException(detail=f"The e-mail {data.email!r} belongs to someone else.")


def _write_user(actor, user, data: UserData, *, keep_missing: bool) -> None:
    """Bring the person to what ``data`` says, through the people services.

    With ``keep_missing`` (PUT), a department or language the request leaves out stays
    as icsat has it: a directory that does not manage them does not wipe HR's choice.
    """
    if data.active and not user.is_active:
        person_reactivate(user_id=user.pk, actor=actor)
    scim, _created = ScimUser.objects.select_for_update().get_or_create(user=user)
    language = _site_language(data.preferred_language, data.locale)
    person_details_set(
        user_id=user.pk,
        actor=actor,
        username=data.username,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        language=language,
    )
    if data.department is not None or not keep_missing:
        # An unknown department leaves the person without one (not in the wrong one) and
        # is listed on the provisioning page; icsat never creates a department on its own.
        home = _department(data.department or "")
        user.refresh_from_db()
        person_update(
            user_id=user.pk,
            actor=actor,
            home_department=home,
            hr_admin=user.groups.filter(name=settings.ICSAT_HR_ADMIN_GROUP).exists(),
        )
        scim.department = data.department or ""
    scim.external_id = data.external_id
    scim.emails = data.emails
    if data.preferred_language or not keep_missing:
        scim.preferred_language = data.preferred_language
    if data.locale or not keep_missing:
        scim.locale = data.locale
    scim.deleted_at = None
    scim.updated_at = timezone.now()
    scim.save()
    if data.active is False and user.is_active:
        person_deactivate(user_id=user.pk, actor=actor)


@transaction.atomic
def user_create(*, actor, resource) -> tuple[Any, bool]:
    """Create a person from a directory, or bring back the one it means.

    A person the directory deleted, or who left, and is sent again (same userName or
    e-mail) is reactivated, not duplicated; an active person it can see is a conflict.
    Returns (user, created).
    """
    data = user_data(resource)
    existing = person_find(email=data.email, username=data.username)
    if existing is not None:
        scim = selectors.scim_user_of(existing)
        returning = not existing.is_active or (scim is not None and scim.deleted_at is not None)
        if not returning:
            raise UniquenessException(detail=f"userName {data.username!r} is taken.")
        _check_free(existing.pk, data)
        user = User.objects.select_for_update().get(pk=existing.pk)
        _write_user(actor, user, _with_active(data), keep_missing=False)
        return user, False
    _check_free(None, data)
    user = person_create(
        actor=actor,
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        username=data.username,
        home_department=_department(data.department or ""),
        language=_site_language(data.preferred_language, data.locale) or "",
        source="scim",
    )
    ScimUser.objects.create(
        user=user,
        external_id=data.external_id,
        emails=data.emails,
        preferred_language=data.preferred_language,
        locale=data.locale,
        department=data.department or "",
    )
    if data.active is False:
        person_deactivate(user_id=user.pk, actor=actor)
    return user, True


def _with_active(data: UserData) -> UserData:
    """A create means an active person unless it says otherwise."""
    if data.active is None:
        data.active = True
    return data


def _locked_user(user_id: str):
    user = selectors.user_get(user_id)
    if user is None:
        raise NotFoundException(detail=f"No User {user_id}.")
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_replace(*, actor, user_id: str, resource):
    """PUT: the person becomes what the resource says (see _write_user for what stays)."""
    user = _locked_user(user_id)
    data = user_data(resource)
    _check_free(user.pk, data)
    _write_user(actor, user, data, keep_missing=True)
    return user


@transaction.atomic
def user_patch(*, actor, user_id: str, patch: PatchOp, base_url: str):
    """PATCH: the operations applied to the person as the directory sees them."""
    user = _locked_user(user_id)
    current = selectors.user_get(user_id)
    resource = UserResource.model_validate(
        selectors.user_payload(current, base_url), scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )
    patch.patch(resource)
    data = user_data(resource)
    _check_free(user.pk, data)
    _write_user(actor, user, data, keep_missing=False)
    return user


@transaction.atomic
def user_delete(*, actor, user_id: str) -> None:
    """DELETE: the person is deactivated (a leaver; history keeps their name) and the
    directory no longer finds them. Sending them again brings the same person back."""
    user = _locked_user(user_id)
    if user.is_active:
        person_deactivate(user_id=user.pk, actor=actor)
    scim, _created = ScimUser.objects.get_or_create(user=user)
    scim.deleted_at = scim.updated_at = timezone.now()
    scim.save(update_fields=["deleted_at", "updated_at"])
    # Gone for the directory, so gone from its groups; the roles they had stay on record.
    ScimGroupMember.objects.filter(user=user).delete()


# --- Groups ------------------------------------------------------------------------


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
    name = _limit(resource.display_name, 200, "displayName")
    if not name:
        raise InvalidValueException(detail="displayName is required.")
    return name, _limit(resource.external_id, 255, "externalId")


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
