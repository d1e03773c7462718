"""Print the ICSAT_OIDC_* endpoint variables from a provider's discovery document.

A convenience for whoever configures icsat, run once by hand: icsat itself never fetches
the discovery document (see settings.py's single sign-on block for why).
"""

import requests
from django.core.management.base import BaseCommand, CommandError

VARIABLES = [
    ("ICSAT_OIDC_ISSUER", "issuer"),
    ("ICSAT_OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("ICSAT_OIDC_TOKEN_ENDPOINT", "token_endpoint"),
    ("ICSAT_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint"),
    ("ICSAT_OIDC_JWKS_ENDPOINT", "jwks_uri"),
    ("ICSAT_OIDC_END_SESSION_ENDPOINT", "end_session_endpoint"),
]


class Command(BaseCommand):
    help = "Print ICSAT_OIDC_* lines for a .env file from ISSUER/.well-known/openid-configuration."

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="the provider's issuer URL, e.g. https://id.example.com")

    def handle(self, *args, issuer, **options):
        url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"Could not read {url}: {exc}") from exc
        if not isinstance(config, dict) or config.get("issuer") != issuer:
            # OpenID Connect Discovery 4.3: the document must name the issuer asked for.
            named = config.get("issuer") if isinstance(config, dict) else None
            raise CommandError(f"{url} names the issuer {named!r}, not {issuer!r}")
        if "RS256" not in config.get("id_token_signing_alg_values_supported", ["RS256"]):
            self.stderr.write("The provider does not list RS256: set ICSAT_OIDC_SIGN_ALGO.")
        for variable, key in VARIABLES:
            if config.get(key):
                self.stdout.write(f"{variable}={config[key]}")
