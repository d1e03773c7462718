"""Single sign-on through a real OpenID provider: who gets in, as whom, and who is refused."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import Client

from audit.models import AuditEntry
from requests_app.services.people import person_deactivate
from sso.backends import OidcBackend
from sso.models import SsoIdentity
from tests import factories

from .provider import CLIENT_ID, PROVIDER_NAME, TIMEOUT

pytestmark = pytest.mark.django_db

User = get_user_model()
Kind = AuditEntry.Kind


def sign_in(client, provider, sub, *, start="/sso/start/"):
    """The browser's round trip: icsat -> the provider's authorize form -> icsat's callback."""
    response = client.get(start)
    assert response.status_code == 302
    callback = provider.authorize(response["Location"], sub)
    return client.get(callback)


def refused_page(client, response):
    """Follow a refusal redirect to the page the person sees."""
    assert response.status_code == 302
    assert response["Location"].startswith("/sso/refused/")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "_auth_user_id" not in client.session
    return html.unescape(page.content.decode())


def signed_in_user(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def verified(email, **claims):
    return {"email": email, "email_verified": True, **claims}


# --- getting in ----------------------------------------------------------------------------


def test_sso_creates_a_new_person_from_the_claims_when_allowed(client, sso, settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    settings.ICSAT_OIDC_DEPARTMENT_CLAIM = "department"
    finance = factories.DepartmentFactory(name="Finance", slug="finance")
    sub = sso.new_user(
        **verified("nora.berg@example.com"),
        given_name="Nora",
        family_name="Berg",
        locale="nb-NO",
        department="finance",
    )

    response = sign_in(client, sso, sub)

    assert (response.status_code, response["Location"]) == (302, "/")
    person = signed_in_user(client)
    assert (person.first_name, person.last_name, person.email) == (
        "Nora",
        "Berg",
        "nora.berg@example.com",
    )
    assert person.employee.language == "nb"
    assert person.employee.home_department == finance
    assert not person.has_usable_password()
    assert SsoIdentity.objects.get(user=person).subject == sub
    assert "Nora Berg" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = {e.kind: e for e in AuditEntry.objects.filter(object_id=person.pk)}
    assert rows[Kind.PERSON_CREATED].changes["source"] == [None, "sso"]
    assert rows[Kind.SSO_LINKED].changes == {
        "issuer": [None, sso.issuer],
        "subject": [None, sub],
        "matched_by": [None, "created"],
    }
    assert rows[Kind.SSO_LINKED].department_name == "Finance"


def test_sso_new_person_without_locale_or_known_department_gets_the_defaults(client, sso, settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    settings.ICSAT_OIDC_DEPARTMENT_CLAIM = "department"
    sub = sso.new_user(**verified("kim@example.com"), locale="de-DE", department="Nowhere")

    sign_in(client, sso, sub)

    person = signed_in_user(client)
    assert person.employee.language == "en"
    assert person.employee.home_department is None
    assert not factories.Department.objects.filter(name="Nowhere").exists()


def test_sso_ignores_the_department_claim_unless_configured(client, sso, settings):
    settings.ICSAT_OIDC_CREATE_USERS = True
    factories.DepartmentFactory(name="Finance", slug="finance")
    sub = sso.new_user(**verified("lin@example.com"), department="Finance")

    sign_in(client, sso, sub)

    assert signed_in_user(client).employee.home_department is None


def test_sso_matches_an_existing_person_by_email_whatever_its_case_and_links_them(client, sso):
    person = factories.employee(
        username="ola", email="ola.nordmann@example.com", first_name="Ola", last_name="N."
    )
    sub = sso.new_user(**verified("Ola.Nordmann@EXAMPLE.com"), given_name="Olav")

    response = sign_in(client, sso, sub)

    assert response["Location"] == "/"
    assert signed_in_user(client) == person
    person.refresh_from_db()
    assert person.first_name == "Ola"  # claims fill new people only; HR owns the rest
    assert User.objects.count() == 1
    link = AuditEntry.objects.get(kind=Kind.SSO_LINKED)
    assert (link.actor, link.object_id, link.changes["matched_by"]) == (
        person,
        person.pk,
        [None, "email"],
    )


def test_sso_finds_the_same_person_after_their_email_changes_at_the_provider(client, sso):
    person = factories.employee(email="old@example.com")
    sub = sso.new_user(**verified("old@example.com"))
    sign_in(client, sso, sub)
    client.logout()
    sso.set_user(sub, **verified("new.name@example.com"))

    sign_in(client, sso, sub)

    assert signed_in_user(client) == person
    assert AuditEntry.objects.filter(kind=Kind.SSO_LINKED).count() == 1


def test_sso_returns_to_the_page_that_asked_for_sign_in(client, sso):
    factories.employee(email="ask@example.com")
    sub = sso.new_user(**verified("ask@example.com"))

    response = sign_in(client, sso, sub, start="/sso/start/?next=/requests/mine/")

    assert response["Location"] == "/requests/mine/"


def test_sso_does_not_follow_a_next_to_another_site(client, sso):
    factories.employee(email="safe@example.com")
    sub = sso.new_user(**verified("safe@example.com"))

    response = sign_in(client, sso, sub, start="/sso/start/?next=https://evil.example/")

    assert response["Location"] == "/"


def test_sso_sign_in_of_a_linked_person_runs_a_fixed_number_of_queries(
    client, sso, django_assert_max_num_queries
):
    factories.employee(email="q@example.com")
    sub = sso.new_user(**verified("q@example.com"))
    sign_in(client, sso, sub)
    client.logout()
    start = client.get("/sso/start/")
    callback = sso.authorize(start["Location"], sub)

    # Session, the link's last sign-in, axes' access log: not the person's data or history.
    with django_assert_max_num_queries(20):
        response = client.get(callback)

    assert response["Location"] == "/"


# --- refused -------------------------------------------------------------------------------


def test_sso_refuses_an_unknown_person_when_creating_people_is_off(client, sso):
    sub = sso.new_user(**verified("stranger@example.com"))

    text = refused_page(client, sign_in(client, sso, sub))

    assert "You don't have an icsat account yet" in text
    assert "Ask HR to add you" in text
    assert "stranger@example.com" not in text
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "eve@example.com", "email_verified": False},
        {"email": "eve@example.com"},
        {"email_verified": True},
    ],
    ids=["unverified", "verified-missing", "no-email"],
)
def test_sso_refuses_an_email_the_provider_did_not_verify(client, sso, claims):
    factories.employee(email="eve@example.com")
    sub = sso.new_user(**claims)

    text = refused_page(client, sign_in(client, sso, sub))

    assert "Your e-mail address is not confirmed" in text
    assert f"{PROVIDER_NAME} did not confirm your e-mail address" in text
    assert not SsoIdentity.objects.exists()


def test_sso_refuses_a_person_who_has_left_and_does_not_bring_them_back(client, sso):
    hr = factories.hr_admin()
    person = factories.employee(email="gone@example.com")
    person_deactivate(user_id=person.pk, actor=hr)
    sub = sso.new_user(**verified("gone@example.com"))

    text = refused_page(client, sign_in(client, sso, sub))

    assert "Your icsat account is closed" in text
    person.refresh_from_db()
    assert not person.is_active
    assert not SsoIdentity.objects.exists()


def test_sso_refuses_a_linked_person_after_they_left(client, sso):
    person = factories.employee(email="leaver@example.com")
    sub = sso.new_user(**verified("leaver@example.com"))
    sign_in(client, sso, sub)
    person_deactivate(user_id=person.pk, actor=factories.hr_admin())

    text = refused_page(client, sign_in(client, sso, sub))

    assert "Your icsat account is closed" in text


def test_sso_refuses_a_second_provider_account_claiming_a_linked_persons_email(client, sso):
    person = factories.employee(email="owner@example.com")
    first = sso.new_user(**verified("owner@example.com"))
    sign_in(client, sso, first)
    client.logout()
    second = sso.new_user(**verified("OWNER@example.com"))

    text = refused_page(client, sign_in(client, sso, second))

    assert "does not match the one your icsat account is linked to" in text
    assert list(SsoIdentity.objects.values_list("user", "subject")) == [(person.pk, first)]


def test_sso_refuses_a_token_from_another_issuer(client, sso, settings, caplog):
    factories.employee(email="iss@example.com")
    sub = sso.new_user(**verified("iss@example.com"))
    settings.ICSAT_OIDC_ISSUER = "https://id.other.example"

    text = refused_page(client, sign_in(client, sso, sub))

    assert "could not complete your sign-in" in text
    assert "InvalidIssuerError" in caplog.text


def test_sso_refuses_a_code_the_provider_issued_to_another_application(client, sso, settings):
    factories.employee(email="aud@example.com")
    sub = sso.new_user(**verified("aud@example.com"))
    start = client.get("/sso/start/")
    authorize_url = start["Location"].replace(f"client_id={CLIENT_ID}", "client_id=other-app")
    callback = sso.authorize(authorize_url, sub)

    text = refused_page(client, client.get(callback))

    assert "could not complete your sign-in" in text


def _id_token_for(provider, client_id, sub, nonce):
    """An ID token the provider issues to ``client_id`` (the code flow, driven by hand)."""
    redirect_uri = "http://other-app.example/callback"
    authorize_url = (
        f"{provider.config['authorization_endpoint']}?response_type=code&scope=openid+email"
        f"&client_id={client_id}&redirect_uri={redirect_uri}&state=s&nonce={nonce}"
    )
    code = parse_qs(urlsplit(provider.authorize(authorize_url, sub)).query)["code"][0]
    response = requests.post(
        provider.config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": "x",
        },
        timeout=TIMEOUT,
    )
    return response.json()["id_token"]


def test_sso_backend_refuses_an_id_token_for_another_audience(sso):
    sub = sso.new_user(**verified("aud2@example.com"))
    token = _id_token_for(sso, "other-app", sub, nonce="n-1")

    with pytest.raises(Exception, match="Audience") as raised:
        OidcBackend().verify_token(token, nonce="n-1")

    assert type(raised.value).__name__ == "InvalidAudienceError"
    # The same provider's token for icsat passes: the check is the audience, nothing else.
    assert OidcBackend().verify_token(_id_token_for(sso, CLIENT_ID, sub, "n-2"), nonce="n-2")


def test_sso_backend_refuses_an_id_token_whose_nonce_is_not_this_sign_ins(sso):
    sub = sso.new_user(**verified("nonce@example.com"))
    token = _id_token_for(sso, CLIENT_ID, sub, nonce="n-3")

    with pytest.raises(SuspiciousOperation):
        OidcBackend().verify_token(token, nonce="another")


def test_sso_refuses_when_the_provider_answers_with_an_error(client, sso):
    start = client.get("/sso/start/")

    text = refused_page(client, client.get(sso.deny(start["Location"])))

    assert "Sign-in was cancelled" in text
    assert f"Sign in with {PROVIDER_NAME}" in text  # a way to try again


def test_sso_refuses_a_callback_this_browser_did_not_start(client, sso):
    factories.employee(email="csrf@example.com")
    sub = sso.new_user(**verified("csrf@example.com"))
    start = client.get("/sso/start/")
    callback = sso.authorize(start["Location"], sub)

    other_browser = Client()
    text = refused_page(other_browser, other_browser.get(callback))

    assert "This sign-in has expired" in text


def test_sso_refuses_a_replayed_callback(client, sso):
    factories.employee(email="replay@example.com")
    sub = sso.new_user(**verified("replay@example.com"))
    start = client.get("/sso/start/")
    callback = sso.authorize(start["Location"], sub)
    assert client.get(callback)["Location"] == "/"
    client.logout()

    text = refused_page(client, client.get(callback))

    assert "This sign-in has expired" in text


@pytest.mark.parametrize(
    "query", ["", "?code=abc", "?state=nope&code=abc", "?error=access_denied&state=x"]
)
def test_sso_callback_with_bad_parameters_gets_a_refusal_not_an_error(client, sso, query):
    response = client.get(f"/sso/callback/{query}")

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403


def test_sso_refusal_with_an_unknown_reason_shows_the_generic_page(client, sso):
    response = client.get("/sso/refused/whatever/")

    assert response.status_code == 403
    assert "could not complete your sign-in" in html.unescape(response.content.decode())


def test_sso_refusal_page_speaks_the_persons_language(client, sso):
    response = client.get("/sso/refused/unknown/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 403
    text = html.unescape(response.content.decode())
    assert "Todavía no tienes una cuenta de icsat" in text


def test_sso_failures_are_not_counted_as_password_failures(client, sso, settings):
    for _ in range(settings.ICSAT_LOGIN_FAILURE_LIMIT + 1):
        sub = sso.new_user(**verified("nobody@example.com"))
        refused_page(client, sign_in(client, sso, sub))

    assert not AccessAttempt.objects.exists()
    factories.employee(username="alice")
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_sso_refuses_when_the_provider_does_not_answer(client, sso, settings, caplog):
    factories.employee(email="down@example.com")
    sub = sso.new_user(**verified("down@example.com"))
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there

    text = refused_page(client, sign_in(client, sso, sub))

    assert "could not complete your sign-in" in text
    assert "ConnectionError" in caplog.text


def test_sso_refuses_when_the_provider_key_set_is_malformed(client, sso, settings):
    factories.employee(email="keys@example.com")
    sub = sso.new_user(**verified("keys@example.com"))
    # JSON, but not a key set: no "keys".
    settings.OIDC_OP_JWKS_ENDPOINT = f"{sso.issuer}/.well-known/openid-configuration"

    text = refused_page(client, sign_in(client, sso, sub))

    assert "could not complete your sign-in" in text
