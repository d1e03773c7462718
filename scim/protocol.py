"""The SCIM 2.0 wire format icsat speaks: what it publishes, parses and how it answers errors.

RFC 7643 (schemas) and RFC 7644 (protocol), with scim2-models for parsing and
rendering. icsat publishes only the attributes it keeps, so a directory (and a
conformance checker) sees exactly what round-trips; other attributes of the
standard schemas are accepted and ignored, anything else is refused.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    Error,
    ETag,
    Filter,
    Group,
    InvalidFilterException,
    InvalidSyntaxException,
    ListResponse,
    Pagination,
    Patch,
    PatchOp,
    ResourceType,
    Schema,
    SCIMException,
    ServiceProviderConfig,
    Sort,
    User,
)

CONTENT_TYPE = "application/scim+json"
UserResource = User[EnterpriseUser]
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# What icsat keeps of each schema (attribute → sub-attributes kept, None for all).
KEPT: dict[str, dict[str, set[str] | None]] = {
    USER_SCHEMA: {
        "userName": None,
        "name": {"givenName", "familyName"},
        "preferredLanguage": None,
        "locale": None,
        "active": None,
        "emails": {"value", "type", "primary"},
    },
    ENTERPRISE_SCHEMA: {"department": None},
    GROUP_SCHEMA: {"displayName": None, "members": {"value", "$ref", "type"}},
}


class Conflict(SCIMException):
    """A rule of icsat refused the change (a department keeps a lead, someone stays HR admin)."""

    status = 409
    _default_detail = "The change conflicts with a rule of icsat; nothing was changed."


class PayloadTooLarge(SCIMException):
    status = 413
    _default_detail = "The request body is too large."


class UnsupportedMediaType(SCIMException):
    status = 415
    _default_detail = "Send application/scim+json (or application/json)."


class Unauthorized(SCIMException):
    status = 401
    _default_detail = "A valid bearer token is required."


def _restricted(schema: Schema) -> Schema:
    kept = KEPT[schema.id or ""]
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in kept:
            continue
        subs = kept[attribute.name]
        if subs is not None and attribute.sub_attributes:
            attribute.sub_attributes = [s for s in attribute.sub_attributes if s.name in subs]
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def schemas() -> list[Schema]:
    """The three schemas icsat serves, with only the attributes it keeps."""
    found = [User.to_schema(), EnterpriseUser.to_schema(), Group.to_schema()]
    return [_restricted(schema) for schema in found]


def resource_types() -> list[ResourceType]:
    return [ResourceType.from_resource(UserResource), ResourceType.from_resource(Group)]


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=settings.ICSAT_SCIM_MAX_PAGE_SIZE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        pagination=Pagination(
            cursor=False,
            index=True,
            default_pagination_method="index",
            default_page_size=settings.ICSAT_SCIM_MAX_PAGE_SIZE,
            max_page_size=settings.ICSAT_SCIM_MAX_PAGE_SIZE,
        ),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token an HR admin creates on icsat's provisioning page.",
                primary=True,
            )
        ],
    )


def error_body(exception: SCIMException) -> dict[str, Any]:
    return exception.to_error().model_dump(scim_ctx=Context.DEFAULT)


def validation_errors(error) -> SCIMException:
    """The first of pydantic's errors as the SCIM exception it stands for."""
    errors = Error.from_validation_errors(error)
    first = errors[0] if errors else Error(status=400, scim_type="invalidValue")
    return SCIMException.from_error(first)


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidSyntaxException(detail="The request body is not valid JSON.") from error


def normalise_patch(payload: Any) -> Any:
    """Accept the PATCH shapes Entra ID and Okta really send, as RFC 7644 spells them.

    Entra removes group members with ``{"op": "Remove", "path": "members", "value":
    [{"value": id}]}``, which RFC 7644 writes ``members[value eq "id"]`` with no value.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("Operations"), list):
        return payload
    operations = []
    for operation in payload["Operations"]:
        if (
            isinstance(operation, dict)
            and str(operation.get("op", "")).lower() == "remove"
            and str(operation.get("path", "")).lower() == "members"
            and isinstance(operation.get("value"), list)
        ):
            for member in operation["value"]:
                value = member.get("value") if isinstance(member, dict) else None
                if not isinstance(value, str):
                    raise InvalidSyntaxException(detail="A member to remove has no value.")
                path = f"members[value eq {json.dumps(value)}]"
                operations.append({"op": "remove", "path": path})
            continue
        operations.append(operation)
    return {**payload, "Operations": operations}


def patch_op(model, payload: Any) -> PatchOp:
    from pydantic import ValidationError

    try:
        return PatchOp[model].model_validate(
            normalise_patch(payload), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
    except ValidationError as error:
        raise validation_errors(error) from error


# --- Filters ------------------------------------------------------------------
# RFC 7644 §3.4.2.2, the part directories use to match people and groups: equality on
# a few attributes, joined with "and". Anything else is answered 400 invalidFilter.


@dataclass(frozen=True)
class Field:
    lookup: str
    kind: str = "str"  # str | bool | pk


USER_FILTERS = {
    "username": Field("username__iexact"),
    "externalid": Field("scim__external_id"),
    "id": Field("pk", "pk"),
    "emails.value": Field("email__iexact"),
    "emails": Field("email__iexact"),
    "active": Field("is_active", "bool"),
}
GROUP_FILTERS = {
    "displayname": Field("display_name__iexact"),
    "externalid": Field("external_id"),
    "id": Field("pk", "uuid"),
    "members.value": Field("memberships__user_id", "pk"),
    "members": Field("memberships__user_id", "pk"),
}
_CLAUSE = re.compile(
    r"""^\s*(?P<attr>[A-Za-z][\w:.-]*?)(?:\[\s*value\s+eq\s+(?P<inner>"(?:[^"\\]|\\.)*")\s*\])?"""
    r"""(?:\s+(?P<op>[A-Za-z]{2})\s+(?P<value>"(?:[^"\\]|\\.)*"|true|false|null|[\d.]+))?\s*$""",
    re.IGNORECASE,
)
_SPLIT_AND = re.compile(r"""\s+and\s+(?=(?:[^"]*"[^"]*")*[^"]*$)""", re.IGNORECASE)
FILTER_HELP = (
    "icsat supports 'eq' on userName, externalId, id, emails.value and active (Users), "
    "displayName, externalId, id and members.value (Groups), joined with 'and'."
)


def _strip_urn(attribute: str) -> str:
    for prefix in (USER_SCHEMA, GROUP_SCHEMA):
        if attribute.lower().startswith(prefix.lower() + ":"):
            return attribute[len(prefix) + 1 :]
    return attribute


def _value(raw: str, kind: str) -> Any:
    if kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise InvalidFilterException(detail="Compare active with true or false.")
        return raw.lower() == "true"
    if not raw.startswith('"'):
        raise InvalidFilterException(detail="Compare with a quoted string.")
    value = json.loads(raw)
    if kind == "pk":
        if not value.isdigit() or len(value) > 18:
            return None  # a well-formed filter that matches nobody
        return int(value)
    if kind == "uuid":
        import uuid

        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    return value


def filter_q(text: str | None, fields: dict[str, Field]) -> Q | None:
    """The filter as a Q, or raises InvalidFilterException; None for no filter.

    Q(pk__in=[]) stands for a value no resource can have (an id that is no number).
    """
    if not text or not text.strip():
        return None
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    if len(text) > 1000 or re.search(r"\b(or|not)\b|[()]", unquoted, re.IGNORECASE):
        raise InvalidFilterException(detail=f"Unsupported filter. {FILTER_HELP}")
    q = Q()
    for clause in _SPLIT_AND.split(text.strip()):
        match = _CLAUSE.match(clause)
        if not match:
            raise InvalidFilterException(detail=f"Unsupported filter. {FILTER_HELP}")
        attr = _strip_urn(match["attr"]).lower()
        if match["inner"] is not None:
            if match["op"] is not None or attr not in ("emails", "members"):
                raise InvalidFilterException(detail=f"Unsupported filter. {FILTER_HELP}")
            op, raw = "eq", match["inner"]
        else:
            op, raw = (match["op"] or "").lower(), match["value"]
        field = fields.get(attr)
        if field is None or op != "eq" or raw is None:
            raise InvalidFilterException(detail=f"Unsupported filter. {FILTER_HELP}")
        try:
            value = _value(raw, field.kind)
        except ValueError as error:
            raise InvalidFilterException(detail="The filter's value is not valid.") from error
        q &= Q(pk__in=[]) if value is None else Q(**{field.lookup: value})
    return q


def page_bounds(start_index: Any, count: Any) -> tuple[int, int]:
    """RFC 7644 §3.4.2.4: 1-based startIndex (below 1 means 1), count capped, below 0 means 0."""
    try:
        start = int(start_index) if start_index not in (None, "") else 1
        size = int(count) if count not in (None, "") else settings.ICSAT_SCIM_MAX_PAGE_SIZE
    except (TypeError, ValueError) as error:
        raise SCIMException.from_error(
            Error(status=400, scim_type="invalidValue", detail="startIndex and count are numbers.")
        ) from error
    return max(start, 1), min(max(size, 0), settings.ICSAT_SCIM_MAX_PAGE_SIZE)


__all__ = ["URN", "ListResponse"]
