"""icsat/settings.py's single sign-on block, read from the environment in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "https://id.example.com"
SSO_ENV = {
    "ICSAT_OIDC_ISSUER": PROVIDER,
    "ICSAT_OIDC_CLIENT_ID": "icsat",
    "ICSAT_OIDC_CLIENT_SECRET": "secret",
    "ICSAT_OIDC_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "ICSAT_OIDC_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "ICSAT_OIDC_USERINFO_ENDPOINT": f"{PROVIDER}/userinfo",
    "ICSAT_OIDC_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
}
SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "sso": settings.ICSAT_SSO,
    "backends": settings.AUTHENTICATION_BACKENDS,
    "form_action": [str(v) for v in settings.SECURE_CSP["form-action"]],
    "scopes": settings.OIDC_RP_SCOPES,
    "algo": settings.OIDC_RP_SIGN_ALGO,
    "create": settings.ICSAT_OIDC_CREATE_USERS,
}))
"""


def settings_with(**env):
    """The settings a process started with ``env`` (and no ICSAT_OIDC_* of the shell) gets."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ICSAT_OIDC_", "ICSAT_PASS"))}
    clean.update(DEBUG="1", DJANGO_SETTINGS_MODULE="icsat.settings", **env)
    # A fixed interpreter and program, no shell: nothing untrusted runs.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, (
        json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else done.stderr
    )


def test_settings_sso_is_off_by_default_with_the_password_backends_only():
    code, shown = settings_with()

    assert code == 0
    assert shown["sso"] is False
    assert shown["backends"] == [
        "axes.backends.AxesStandaloneBackend",
        "requests_app.backends.PasswordBackend",
    ]


def test_settings_sso_on_adds_its_backend_after_axes_and_the_password_backend():
    code, shown = settings_with(**SSO_ENV)

    assert code == 0
    assert shown["backends"] == [
        "axes.backends.AxesStandaloneBackend",
        "requests_app.backends.PasswordBackend",
        "sso.backends.OidcBackend",
    ]
    assert (shown["scopes"], shown["algo"], shown["create"]) == (
        "openid email profile",
        "RS256",
        False,
    )
    assert shown["form_action"] == ["'self'"]


def test_settings_password_off_drops_the_password_backend_and_allows_the_provider_logout():
    code, shown = settings_with(
        **SSO_ENV,
        ICSAT_PASSWORD_LOGIN="off",
        ICSAT_OIDC_END_SESSION_ENDPOINT=f"{PROVIDER}/logout?x=1",
    )

    assert code == 0
    assert shown["backends"] == ["axes.backends.AxesStandaloneBackend", "sso.backends.OidcBackend"]
    assert shown["form_action"] == ["'self'", PROVIDER]


def test_settings_refuse_sso_without_its_client():
    code, error = settings_with(ICSAT_OIDC_ISSUER=PROVIDER)

    assert code != 0
    assert "Set the ICSAT_OIDC_CLIENT_ID environment variable" in error


def test_settings_refuse_password_off_without_sso():
    code, error = settings_with(ICSAT_PASSWORD_LOGIN="off")

    assert code != 0
    assert "ICSAT_PASSWORD_LOGIN=off needs single sign-on" in error
