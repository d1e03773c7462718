"""mozilla-django-oidc's authorization-code flow, with the ID token fully checked.

Thin on purpose: which person the claims mean is sso.services' business.
"""

import logging

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from requests_app.backends import PasswordBackend

from . import services

logger = logging.getLogger(__name__)

BACKEND = "sso.backends.OidcBackend"
# Seconds of clock difference allowed between the provider and icsat for exp/iat.
LEEWAY = 60


class OidcBackend(OIDCAuthenticationBackend):
    """Signs a person in from the provider's answer at /sso/callback/, and only there."""

    id_token = ""

    def authenticate(self, request, sso_callback=False, **kwargs):
        # Django's authenticate() offers every backend the password form's credentials:
        # this one only answers the callback view, which calls it directly.
        if not sso_callback:
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """The token's claims once its signature, algorithm, issuer, audience and expiry
        check out. mozilla-django-oidc 5.0 checks the signature only (it passes
        verify_aud=False and no issuer), so a token the provider issued to another
        application, or another provider's, would pass without this."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        payload = jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.ICSAT_OIDC_ISSUER,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
        # With several audiences the token must name icsat as the party it was issued to
        # (OpenID Connect Core 3.1.3.7, points 4 and 5).
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without icsat as azp")
        return payload

    def store_tokens(self, access_token, id_token):
        # Kept for the view, which stores it after login() has renewed the session:
        # sign-out sends it to the provider as id_token_hint. The access token is not kept.
        self.id_token = id_token or ""

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
        if str(userinfo.get("sub")) != str(payload["sub"]):
            raise SuspiciousOperation("userinfo is about another subject")
        claims = services.claims_read(id_token=payload, userinfo=userinfo)
        try:
            return services.sso_sign_in(claims=claims)
        except IntegrityError:
            # The same person's first sign-in in two tabs at once: the other one linked
            # (or created) them first, and a second run finds that link.
            return services.sso_sign_in(claims=claims)

    def get_user(self, user_id):
        # Django's rule, not mozilla-django-oidc's: an inactive person's session is over.
        return PasswordBackend.get_user(self, user_id)
