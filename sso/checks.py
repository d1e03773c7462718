"""Deploy checks for single sign-on: its endpoints over HTTPS when it is on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

ENDPOINTS = [
    ("ICSAT_OIDC_ISSUER", "ICSAT_OIDC_ISSUER"),
    ("ICSAT_OIDC_AUTHORIZATION_ENDPOINT", "OIDC_OP_AUTHORIZATION_ENDPOINT"),
    ("ICSAT_OIDC_TOKEN_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"),
    ("ICSAT_OIDC_USERINFO_ENDPOINT", "OIDC_OP_USER_ENDPOINT"),
    ("ICSAT_OIDC_JWKS_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"),
    ("ICSAT_OIDC_END_SESSION_ENDPOINT", "ICSAT_OIDC_END_SESSION_ENDPOINT"),
]


@register(deploy=True)
def sso_endpoints_use_https(app_configs, **kwargs):
    """The client secret and the tokens travel to these URLs: plain HTTP would show them."""
    if not settings.ICSAT_SSO:
        return []
    return [
        Warning(
            f"{variable} is not an https:// URL.",
            hint="Single sign-on sends the client secret and tokens there; use HTTPS.",
            id="sso.W001",
        )
        for variable, setting in ENDPOINTS
        if getattr(settings, setting, "") and urlsplit(getattr(settings, setting)).scheme != "https"
    ]
