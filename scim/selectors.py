"""Reads for SCIM: people and groups as SCIM resources, and what the HR page lists.

Every list runs a fixed number of queries whatever its length.
"""

import hashlib
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from requests_app.models import Department

from .models import ScimGroup, ScimGroupMapping, ScimGroupMember, ScimToken, ScimUser
from .protocol import (
    ENTERPRISE_SCHEMA,
    GROUP_FILTERS,
    USER_FILTERS,
    USER_SCHEMA,
    filter_q,
)

User = get_user_model()


def _version(payload: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode())
    return f'W/"{digest.hexdigest()[:20]}"'


def scim_user_of(user) -> ScimUser | None:
    try:
        return user.scim
    except ScimUser.DoesNotExist:
        return None


def department_shown(user) -> str | None:
    """The department a directory sees: what it sent while that is the person's home
    department (or matches none), else icsat's home department."""
    scim = scim_user_of(user)
    employee = getattr(user, "employee", None)
    home = employee.home_department if employee else None
    raw = scim.department if scim else ""
    if raw and (home is None or raw.casefold() in (home.name.casefold(), home.slug.casefold())):
        return raw
    return home.name if home else None


def user_payload(user, base_url: str) -> dict[str, Any]:
    """A person as a SCIM User (a dict in SCIM's spelling), meta included."""
    scim = scim_user_of(user)
    employee = getattr(user, "employee", None)
    payload: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.pk),
        "userName": user.username,
        "active": user.is_active,
    }
    if scim and scim.external_id:
        payload["externalId"] = scim.external_id
    name = {k: v for k, v in (("givenName", user.first_name), ("familyName", user.last_name)) if v}
    if name:
        payload["name"] = name
    emails = list(scim.emails) if scim else []
    if user.email and user.email.casefold() not in {
        str(e.get("value", "")).casefold() for e in emails
    }:
        emails = [{"value": user.email, "type": "work", "primary": True}]
    if emails:
        payload["emails"] = emails
    # As the directory sent it; for people icsat had before SCIM, their icsat language.
    language = scim.preferred_language if scim else (employee.language if employee else "")
    if language:
        payload["preferredLanguage"] = language
    if scim and scim.locale:
        payload["locale"] = scim.locale
    department = department_shown(user)
    if department:
        payload["schemas"].append(ENTERPRISE_SCHEMA)
        payload[ENTERPRISE_SCHEMA] = {"department": department}
    created = scim.created_at if scim else user.date_joined
    modified = max(scim.updated_at, user.date_joined) if scim else user.date_joined
    payload["meta"] = {
        "resourceType": "User",
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "location": f"{base_url}Users/{user.pk}",
        "version": _version(payload),
    }
    return payload


def users_queryset() -> QuerySet:
    """Every person a directory may see: not deleted through SCIM."""
    return (
        User.objects.filter(Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True))
        .select_related("employee__home_department", "scim")
        .order_by("pk")
    )


def user_get(user_id: str):
    """The person with this SCIM id, or None (deleted through SCIM counts as gone)."""
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    return users_queryset().filter(pk=int(user_id)).first()


def users_page(*, filter_text: str | None, start: int, count: int) -> tuple[int, list]:
    queryset = users_queryset()
    q = filter_q(filter_text, USER_FILTERS)
    if q is not None:
        queryset = queryset.filter(q).distinct()
    total = queryset.count()
    return total, list(queryset[start - 1 : start - 1 + count]) if count else []


def group_payload(group: ScimGroup, base_url: str, with_members: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": str(group.pk),
        "displayName": group.display_name,
    }
    if group.external_id:
        payload["externalId"] = group.external_id
    if with_members:
        members = [
            {
                "value": str(m.user_id),
                "$ref": f"{base_url}Users/{m.user_id}",
                "type": "User",
            }
            for m in group.memberships.all()
        ]
        if members:
            payload["members"] = members
    payload["meta"] = {
        "resourceType": "Group",
        "created": group.created_at.isoformat(),
        "lastModified": group.updated_at.isoformat(),
        "location": f"{base_url}Groups/{group.pk}",
        "version": _version(payload),
    }
    return payload


def groups_queryset(with_members: bool = True) -> QuerySet[ScimGroup]:
    queryset = ScimGroup.objects.order_by("created_at", "pk")
    if with_members:
        # Members deleted through SCIM are gone for the directory.
        members = (
            ScimGroupMember.objects.filter(
                Q(user__scim__isnull=True) | Q(user__scim__deleted_at__isnull=True)
            )
            .select_related("user")
            .order_by("pk")
        )
        queryset = queryset.prefetch_related(Prefetch("memberships", queryset=members))
    return queryset


def group_get(group_id: str, with_members: bool = True) -> ScimGroup | None:
    import uuid

    try:
        pk = uuid.UUID(group_id)
    except ValueError:
        return None
    return groups_queryset(with_members).filter(pk=pk).first()


def groups_page(
    *, filter_text: str | None, start: int, count: int, with_members: bool = True
) -> tuple[int, list[ScimGroup]]:
    queryset = groups_queryset(with_members)
    q = filter_q(filter_text, GROUP_FILTERS)
    if q is not None:
        queryset = queryset.filter(pk__in=ScimGroup.objects.filter(q).values("pk"))
    total = queryset.count()
    return total, list(queryset[start - 1 : start - 1 + count]) if count else []


# --- The HR page -----------------------------------------------------------------


def tokens_for_page() -> QuerySet[ScimToken]:
    return ScimToken.objects.select_related("created_by").order_by("revoked_at", "-created_at")


def mappings_for_page() -> QuerySet[ScimGroupMapping]:
    return ScimGroupMapping.objects.select_related("department").order_by("directory_group", "pk")


def directory_groups_for_page() -> list[dict[str, Any]]:
    """Each group the directory pushed, its member count and the mapping it matches."""
    mappings = list(ScimGroupMapping.objects.select_related("department"))
    rows = []
    for group in ScimGroup.objects.annotate(member_count=Count("memberships")).order_by(
        "display_name"
    ):
        rows.append(
            {
                "group": group,
                "member_count": group.member_count,
                "mapping": mapping_for(group, mappings),
            }
        )
    return rows


def mapping_for(group: ScimGroup, mappings: list[ScimGroupMapping]) -> ScimGroupMapping | None:
    name = group.display_name.casefold()
    for mapping in mappings:
        key = mapping.directory_group.casefold()
        if key == name or (group.external_id and mapping.directory_group == group.external_id):
            return mapping
    return None


def unmatched_departments() -> list[dict[str, Any]]:
    """Department names the directory sent that match no icsat department, with how many
    active people carry each: HR creates or renames a department, or fixes the directory."""
    known = set()
    for name, slug in Department.objects.values_list("name", "slug"):
        known.update({name.casefold(), slug.casefold()})
    counts: dict[str, int] = {}
    for raw in (
        ScimUser.objects.filter(deleted_at__isnull=True, user__is_active=True)
        .exclude(department="")
        .values_list("department", flat=True)
    ):
        if raw.casefold() not in known:
            counts[raw] = counts.get(raw, 0) + 1
    return [{"name": name, "people": n} for name, n in sorted(counts.items())]
