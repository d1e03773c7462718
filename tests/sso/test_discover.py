"""manage.py sso_discover: the endpoint variables from a real provider's discovery document."""

import io

import pytest
from django.core.management import CommandError, call_command


def test_sso_discover_prints_the_endpoint_variables(oidc_provider):
    out = io.StringIO()

    call_command("sso_discover", oidc_provider.issuer, stdout=out)

    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert lines["ICSAT_OIDC_ISSUER"] == oidc_provider.issuer
    assert lines["ICSAT_OIDC_TOKEN_ENDPOINT"] == oidc_provider.config["token_endpoint"]
    assert lines["ICSAT_OIDC_JWKS_ENDPOINT"] == oidc_provider.config["jwks_uri"]
    assert lines["ICSAT_OIDC_END_SESSION_ENDPOINT"].endswith("/oauth2/end_session")


def test_sso_discover_refuses_a_document_naming_another_issuer(oidc_provider):
    # The same provider, but not the issuer string its tokens carry (a trailing slash).
    other = f"{oidc_provider.issuer}/"

    with pytest.raises(CommandError, match="names the issuer"):
        call_command("sso_discover", other, stdout=io.StringIO())


def test_sso_discover_says_when_there_is_no_provider():
    with pytest.raises(CommandError, match="Could not read"):
        call_command("sso_discover", "http://127.0.0.1:9", stdout=io.StringIO())
