"""Every write of SCIM provisioning: tokens, group mappings, and the directory's changes.

Each function is one transaction. People are created, changed, deactivated and
reactivated through requests_app's people services (which audit every change), so
a directory follows the same rules as HR admins: a department keeps a lead, someone
stays HR admin. A refused rule raises TicketError and nothing of the request stays.

The actor of a directory's change is the HR admin who created the token it uses:
their name is on the audit rows, and the people services check their rights.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from scim2_models import (
    Context,
    EnterpriseUser,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    UniquenessException,
)

from requests_app.selectors.people import department_named, site_language
from requests_app.services.people import (
    person_create,
    person_deactivate,
    person_details_set,
    person_find,
    person_reactivate,
    person_update,
)

from .. import selectors
from ..models import ScimGroupMember, ScimUser
from ..protocol import UserResource

User = get_user_model()


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


def limited(value: str | None, length: int, attribute: str) -> str:
    value = (value or "").strip()
    if len(value) > length:
        raise InvalidValueException(
            detail=f"{attribute} is longer than icsat keeps ({length} characters)."
        )
    return value


def user_data(resource) -> UserData:
    """The parts of a User resource icsat keeps; raises InvalidValueException."""
    username = limited(resource.user_name, 150, "userName")
    if not username:
        raise InvalidValueException(detail="userName is required.")
    emails = [e.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for e in resource.emails or []]
    primary = next((e for e in resource.emails or [] if e.primary), None) or next(
        iter(resource.emails or []), None
    )
    email = limited(primary.value if primary else "", 254, "emails.value")
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidValueException(detail=f"{email!r} is not an e-mail address.") from error
    enterprise = _enterprise(resource)
    department = enterprise.department if enterprise is not None else None
    return UserData(
        username=username,
        external_id=limited(resource.external_id, 255, "externalId"),
        first_name=limited(resource.name.given_name if resource.name else "", 150, "givenName"),
        last_name=limited(resource.name.family_name if resource.name else "", 150, "familyName"),
        email=email,
        emails=emails,
        active=resource.active,
        preferred_language=limited(resource.preferred_language, 64, "preferredLanguage"),
        locale=limited(resource.locale, 64, "locale"),
        department=None if department is None else limited(department, 100, "department"),
    )


def _enterprise(resource) -> EnterpriseUser | None:
    try:
        return resource[EnterpriseUser]
    except (KeyError, TypeError):
        return None


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
    language = site_language(data.preferred_language, data.locale) or None
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
        home = department_named(data.department or "")
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
        home_department=department_named(data.department or ""),
        language=site_language(data.preferred_language, data.locale),
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
