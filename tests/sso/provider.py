"""A real OpenID provider (oidc-provider-mock) on a loopback port, and how tests drive it.

The provider runs in a thread of the test process (its Python API, a werkzeug server);
icsat talks to it over HTTP exactly as to a company's provider. Its authorize page is a
form: POSTing ``sub`` signs that subject in (the claims set with ``set_user``), POSTing
``action=deny`` answers ``?error=access_denied``.
"""

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import werkzeug.serving
from django.utils.csp import CSP
from oidc_provider_mock import app as provider_app

TIMEOUT = 5  # seconds, for every request to the provider
CLIENT_ID = "icsat"
CLIENT_SECRET = "test-client-secret"  # the mock accepts any secret for an unknown client
PROVIDER_NAME = "Acme ID"


@dataclass(frozen=True)
class Provider:
    issuer: str
    config: dict

    def set_user(self, sub: str, **claims) -> None:
        """What the provider will say about ``sub`` from now on."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=TIMEOUT)
        response.raise_for_status()

    def new_user(self, **claims) -> str:
        sub = f"sub-{uuid.uuid4().hex[:12]}"
        self.set_user(sub, **claims)
        return sub

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign ``sub`` in on the provider's page; the callback URL it sends the browser to."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        response = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Start the provider on a free loopback port, wait for its discovery document, stop it."""
    # authlib refuses plain HTTP unless told this is a test: the provider is on loopback.
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    issuer = f"http://127.0.0.1:{server.server_port}"
    try:
        config = _wait_for_discovery(issuer)
        yield Provider(issuer=issuer, config=config)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous


def _wait_for_discovery(issuer: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.status_code == 200:
                return response.json()
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the OpenID provider at {issuer} did not answer in 10 s")
        time.sleep(0.05)


def configure(settings, provider: Provider, *, password_login=True, **overrides) -> None:
    """Point icsat at ``provider`` as ICSAT_OIDC_* in the environment would (icsat/settings.py)."""
    config = provider.config
    settings.ICSAT_SSO = True
    settings.ICSAT_OIDC_ISSUER = config["issuer"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = config["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = config["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
    settings.ICSAT_OIDC_END_SESSION_ENDPOINT = config["end_session_endpoint"]
    settings.ICSAT_OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.ICSAT_PASSWORD_LOGIN = password_login
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        *(["requests_app.backends.PasswordBackend"] if password_login else []),
        "sso.backends.OidcBackend",
    ]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, provider.origin]}
    for name, value in overrides.items():
        setattr(settings, name, value)
