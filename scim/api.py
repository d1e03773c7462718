"""The SCIM 2.0 endpoints under /scim/v2/ (RFC 7644): thin views over selectors and services.

No session, no CSRF: a directory authenticates every request with a bearer token.
Every answer is application/scim+json; every refusal is a SCIM Error with the status
RFC 7644 §3.12 gives it, and a refused write changes nothing (one transaction each).
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Group,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    NotImplementedException,
    PreconditionFailedException,
    ResponseParameters,
    SCIMException,
    SearchRequest,
    UniquenessException,
)

from requests_app.exceptions import TicketError

from . import protocol, selectors
from .protocol import CONTENT_TYPE, Conflict, UserResource
from .services import groups as group_services
from .services import tokens as token_services
from .services import users as user_services

log = logging.getLogger(__name__)
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _respond(payload: Any, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = JsonResponse(payload, status=status, content_type=CONTENT_TYPE, safe=False)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(exception: SCIMException, headers: dict | None = None) -> HttpResponse:
    return _respond(protocol.error_body(exception), exception.status, headers)


def _unauthorized() -> HttpResponse:
    return _error(protocol.Unauthorized(), {"WWW-Authenticate": 'Bearer realm="icsat SCIM"'})


def scim_endpoint(*methods: str) -> Callable:
    """Authenticate by bearer token, allow ``methods``, read the JSON body, answer errors."""

    def decorator(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            header = request.headers.get("Authorization", "")
            scheme, _space, raw = header.partition(" ")
            token = (
                token_services.token_authenticate(raw=raw.strip())
                if scheme.lower() == "bearer"
                else None
            )
            if token is None:
                return _unauthorized()
            if request.method not in methods:
                error = SCIMException.from_error(
                    protocol.Error(status=405, detail=f"{request.method} is not supported here.")
                )
                return _error(error, {"Allow": ", ".join(methods)})
            try:
                body = None
                if request.method in BODY_METHODS:
                    media = request.content_type or ""
                    if media not in ("application/scim+json", "application/json"):
                        raise protocol.UnsupportedMediaType()
                    try:
                        raw_body = request.body
                    except RequestDataTooBig as error:
                        raise protocol.PayloadTooLarge() from error
                    body = protocol.parse_json(raw_body)
                request.scim_actor = token.created_by  # type: ignore[attr-defined]
                request.scim_base = _base_url(request)  # type: ignore[attr-defined]
                return view(request, body, *args, **kwargs)
            except SCIMException as error:
                return _error(error)
            except ValidationError as error:
                return _error(protocol.validation_errors(error))
            except TicketError as error:
                # A rule of icsat (a department keeps a lead, someone stays HR admin).
                return _error(Conflict(detail=str(error.message)))
            except IntegrityError:
                # Two requests raced past the checks with the same userName or group name;
                # the database's unique constraints kept one, the transaction undid the other.
                return _error(UniquenessException(detail="That name is taken."))

        return wrapper

    return decorator


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root"))


def _response_parameters(request: HttpRequest, body: Any = None) -> ResponseParameters:
    source = body if isinstance(body, dict) else request.GET
    values = {
        key: source.get(key)
        for key in ("attributes", "excludedAttributes")
        if source.get(key) not in (None, "", [])
    }
    return ResponseParameters.model_validate(values)


def _excludes(parameters: ResponseParameters, name: str) -> bool:
    excluded = {str(p).lower() for p in parameters.excluded_attributes or []}
    included = {str(p).lower().split(".")[0] for p in parameters.attributes or []}
    return name.lower() in excluded or bool(included and name.lower() not in included)


def _render(model, payload: dict, parameters: ResponseParameters) -> dict:
    resource = model.model_validate(payload, scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
    )


def _one(model, payload: dict, parameters: ResponseParameters, status: int = 200):
    headers = {"ETag": payload["meta"]["version"]}
    if status == 201:
        headers["Location"] = payload["meta"]["location"]
    return _respond(_render(model, payload, parameters), status, headers)


def _list(model, total: int, start: int, payloads: list[dict], parameters) -> HttpResponse:
    resources = [
        model.model_validate(p, scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for p in payloads
    ]
    response = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return _respond(
        response.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
        )
    )


def _check_version(request: HttpRequest, payload: dict) -> None:
    """If-Match (RFC 7644 §3.14): a write against another version than the current fails."""
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and payload["meta"]["version"] not in wanted:
        raise PreconditionFailedException(detail="The resource changed since that version.")


def _parse(model, body: Any, context: Context):
    if not isinstance(body, dict):
        raise protocol.InvalidSyntaxException(detail="The body must be a JSON object.")
    return model.model_validate(body, scim_ctx=context)


def _search_params(request: HttpRequest, body: Any) -> tuple[str | None, int, int]:
    if body is not None:
        search = SearchRequest.model_validate(body)
        filter_text = str(search.filter) if search.filter is not None else None
        start, count = protocol.page_bounds(search.start_index, search.count)
    else:
        filter_text = request.GET.get("filter")
        start, count = protocol.page_bounds(request.GET.get("startIndex"), request.GET.get("count"))
    return filter_text, start, count


# --- Users -------------------------------------------------------------------------


def _user_list(request: HttpRequest, body: Any) -> HttpResponse:
    parameters = _response_parameters(request, body)
    filter_text, start, count = _search_params(request, body)
    total, users = selectors.users_page(filter_text=filter_text, start=start, count=count)
    payloads = [selectors.user_payload(u, request.scim_base) for u in users]  # type: ignore[attr-defined]
    return _list(UserResource, total, start, payloads, parameters)


@scim_endpoint("GET", "POST")
def users(request: HttpRequest, body: Any) -> HttpResponse:
    if request.method == "GET":
        return _user_list(request, None)
    resource = _parse(UserResource, body, Context.RESOURCE_CREATION_REQUEST)
    user, _created = user_services.user_create(actor=request.scim_actor, resource=resource)  # type: ignore[attr-defined]
    payload = selectors.user_payload(selectors.user_get(str(user.pk)), request.scim_base)  # type: ignore[attr-defined]
    return _one(UserResource, payload, ResponseParameters(), 201)


@scim_endpoint("POST")
def users_search(request: HttpRequest, body: Any) -> HttpResponse:
    return _user_list(request, body if body is not None else {})


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, body: Any, user_id: str) -> HttpResponse:
    actor, base = request.scim_actor, request.scim_base  # type: ignore[attr-defined]
    found = selectors.user_get(user_id)
    if found is None:
        raise NotFoundException(detail=f"No User {user_id}.")
    if request.method == "GET":
        payload = selectors.user_payload(found, base)
        return _one(UserResource, payload, _response_parameters(request))
    _check_version(request, selectors.user_payload(found, base))
    if request.method == "DELETE":
        user_services.user_delete(actor=actor, user_id=user_id)
        return HttpResponse(status=204, content_type=CONTENT_TYPE)
    if request.method == "PUT":
        resource = _parse(UserResource, body, Context.RESOURCE_REPLACEMENT_REQUEST)
        user_services.user_replace(actor=actor, user_id=user_id, resource=resource)
    else:
        patch = protocol.patch_op(UserResource, body)
        user_services.user_patch(actor=actor, user_id=user_id, patch=patch, base_url=base)
    changed = selectors.user_get(user_id)
    if changed is None:  # pragma: no cover - a write never hides the person
        raise NotFoundException()
    return _one(UserResource, selectors.user_payload(changed, base), ResponseParameters())


# --- Groups ------------------------------------------------------------------------


def _group_list(request: HttpRequest, body: Any) -> HttpResponse:
    parameters = _response_parameters(request, body)
    filter_text, start, count = _search_params(request, body)
    with_members = not _excludes(parameters, "members")
    total, groups = selectors.groups_page(
        filter_text=filter_text, start=start, count=count, with_members=with_members
    )
    base = request.scim_base  # type: ignore[attr-defined]
    payloads = [selectors.group_payload(g, base, with_members) for g in groups]
    return _list(Group, total, start, payloads, parameters)


@scim_endpoint("GET", "POST")
def groups(request: HttpRequest, body: Any) -> HttpResponse:
    if request.method == "GET":
        return _group_list(request, None)
    resource = _parse(Group, body, Context.RESOURCE_CREATION_REQUEST)
    group = group_services.group_create(actor=request.scim_actor, resource=resource)  # type: ignore[attr-defined]
    payload = selectors.group_payload(selectors.group_get(str(group.pk)), request.scim_base)  # type: ignore[attr-defined,arg-type]
    return _one(Group, payload, ResponseParameters(), 201)


@scim_endpoint("POST")
def groups_search(request: HttpRequest, body: Any) -> HttpResponse:
    return _group_list(request, body if body is not None else {})


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, body: Any, group_id: str) -> HttpResponse:
    actor, base = request.scim_actor, request.scim_base  # type: ignore[attr-defined]
    parameters = _response_parameters(request) if request.method == "GET" else ResponseParameters()
    with_members = not _excludes(parameters, "members")
    found = selectors.group_get(group_id, with_members=with_members or request.method != "GET")
    if found is None:
        raise NotFoundException(detail=f"No Group {group_id}.")
    if request.method == "GET":
        return _one(Group, selectors.group_payload(found, base, with_members), parameters)
    _check_version(request, selectors.group_payload(found, base))
    if request.method == "DELETE":
        group_services.group_delete(actor=actor, group_id=group_id)
        return HttpResponse(status=204, content_type=CONTENT_TYPE)
    if request.method == "PUT":
        resource = _parse(Group, body, Context.RESOURCE_REPLACEMENT_REQUEST)
        group_services.group_replace(actor=actor, group_id=group_id, resource=resource)
    else:
        patch = protocol.patch_op(Group, body)
        group_services.group_patch(actor=actor, group_id=group_id, patch=patch, base_url=base)
    changed = selectors.group_get(group_id)
    if changed is None:  # pragma: no cover
        raise NotFoundException()
    return _one(Group, selectors.group_payload(changed, base), ResponseParameters())


# --- Discovery (RFC 7644 §4) ---------------------------------------------------------


def _discovery_list(items: list, base: str, kind: str) -> HttpResponse:
    resources = [_discovery_item(item, base, kind) for item in items]
    return _respond(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(resources),
            "startIndex": 1,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def _discovery_item(item, base: str, kind: str) -> dict:
    payload = item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    payload["meta"] = {"resourceType": kind, "location": f"{base}{kind}s/{item.id}"}
    return payload


@scim_endpoint("GET")
def service_provider_config(request: HttpRequest, body: Any) -> HttpResponse:
    payload = protocol.service_provider_config().model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )
    payload["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{request.scim_base}ServiceProviderConfig",  # type: ignore[attr-defined]
    }
    return _respond(payload)


@scim_endpoint("GET")
def resource_types(request: HttpRequest, body: Any, type_id: str | None = None) -> HttpResponse:
    return _discovery_one_or_all(request, protocol.resource_types(), "ResourceType", type_id)


@scim_endpoint("GET")
def schemas(request: HttpRequest, body: Any, schema_id: str | None = None) -> HttpResponse:
    return _discovery_one_or_all(request, protocol.schemas(), "Schema", schema_id)


def _discovery_one_or_all(request, items: list, kind: str, item_id: str | None) -> HttpResponse:
    base = request.scim_base
    if item_id is None:
        if request.GET.get("filter"):
            raise protocol.InvalidFilterException(detail=f"{kind}s cannot be filtered.")
        return _discovery_list(items, base, kind)
    for item in items:
        if item.id == item_id:
            return _respond(_discovery_item(item, base, kind))
    raise NotFoundException(detail=f"No {kind} {item_id}.")


@scim_endpoint("POST")
def root_search(request: HttpRequest, body: Any) -> HttpResponse:
    raise NotImplementedException(detail="Search Users or Groups, one at a time.")


@scim_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, body: Any, rest: str = "") -> HttpResponse:
    raise NotFoundException(detail="No such SCIM endpoint.")


__all__ = ["InvalidValueException"]
