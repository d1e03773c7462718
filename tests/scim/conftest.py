import json

import pytest

from scim.services import tokens
from tests import factories

SCIM = "application/scim+json"


@pytest.fixture
def hr_admin():
    return factories.hr_admin(username="hr-admin", first_name="Hanne", last_name="Admin")


@pytest.fixture
def token(hr_admin):
    _token, raw = tokens.token_create(actor=hr_admin, name="Entra ID")
    return raw


class ScimClient:
    """Django's test client speaking SCIM with a bearer token, as a directory does."""

    def __init__(self, client, raw_token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {raw_token}"}

    def _send(self, method, path, body=None, headers=None, content_type=SCIM):
        url = path if path.startswith("/") else f"/scim/v2/{path}"
        data = json.dumps(body) if body is not None and not isinstance(body, str | bytes) else body
        return getattr(self.client, method)(
            url,
            data=data,
            content_type=content_type,
            headers={**self.headers, **(headers or {})},
        )

    def get(self, path, params=None, **kwargs):
        url = path if path.startswith("/") else f"/scim/v2/{path}"
        return self.client.get(url, params or {}, headers={**self.headers, **kwargs})

    def post(self, path, body, **kwargs):
        return self._send("post", path, body, **kwargs)

    def put(self, path, body, **kwargs):
        return self._send("put", path, body, **kwargs)

    def patch(self, path, body, **kwargs):
        return self._send("patch", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self._send("delete", path, **kwargs)


@pytest.fixture
def scim(client, token):
    return ScimClient(client, token)


def user_body(user_name, given="Ada", family="Lovelace", department=None, **extra):
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
        **extra,
    }
    if department is not None:
        body["schemas"].append("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = {
            "department": department
        }
    return body


def patch_body(*operations):
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": list(operations),
    }
