"""The sign-in page, password sign-in switched off, the admin's sign-in, and signing out."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory

from sso.services import department_from_claim, language_from_locale
from tests import factories

from .provider import CLIENT_ID, PROVIDER_NAME, configure
from .test_sign_in import sign_in, verified

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = "/accounts/login/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_login_page_without_sso_shows_only_the_password_form(client):
    text = text_of(client.get(LOGIN))

    assert 'name="password"' in text
    assert "Sign in with" not in text
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=a&state=b").status_code == 404


def test_login_page_offers_sso_first_and_the_password_form_below(client, sso):
    text = text_of(client.get(f"{LOGIN}?next=/requests/mine/"))

    button = text.index(f"Sign in with {PROVIDER_NAME}")
    assert 'href="/sso/start/?next=/requests/mine/"' in text
    assert button < text.index('name="password"')
    assert "Or sign in with a password" in text


def test_password_sign_in_still_works_beside_sso(client, sso):
    factories.employee(username="alice")

    response = client.post(LOGIN, {"username": "alice", "password": factories.PASSWORD})

    assert response.status_code == 302


@pytest.fixture
def sso_only(settings, oidc_provider):
    configure(settings, oidc_provider, password_login=False)
    return oidc_provider


def test_password_off_hides_the_form_and_the_reset_link(client, sso_only):
    text = text_of(client.get(LOGIN))

    assert f"Sign in with {PROVIDER_NAME}" in text
    assert 'name="password"' not in text
    assert "Forgot your password?" not in text
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.post("/accounts/password_reset/", {"email": "a@example.com"}).status_code == 404


def test_password_off_refuses_a_posted_password_without_counting_it(client, sso_only):
    factories.employee(username="alice")

    response = client.post(LOGIN, {"username": "alice", "password": factories.PASSWORD})

    assert response.status_code == 403
    text = text_of(response)
    assert "Sign-in with a password is switched off" in text
    assert f"Please sign in with {PROVIDER_NAME}." in text
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()


def test_password_off_the_admin_sign_in_sends_to_the_sso_page(client, sso_only):
    response = client.get("/admin/login/?next=/admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/auth/user/"


def test_password_off_a_posted_admin_password_signs_nobody_in(client, sso_only):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": "root", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    # Nor through any backend: the password backend is not configured at all.
    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username="root", password=factories.PASSWORD) is None


def test_password_off_a_superuser_reaches_the_admin_through_sso(client, sso_only):
    factories.UserFactory(
        username="root", email="root@example.com", is_staff=True, is_superuser=True
    )
    sub = sso_only.new_user(**verified("root@example.com"))

    response = sign_in(client, sso_only, sub, start="/sso/start/?next=/admin/")

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_sign_out_after_sso_ends_the_session_at_the_provider_too(client, sso):
    factories.employee(email="out@example.com")
    sub = sso.new_user(**verified("out@example.com"))
    sign_in(client, sso, sub)
    id_token = client.session["sso_id_token"]

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == sso.config["end_session_endpoint"]
    assert parse_qs(target.query) == {
        "id_token_hint": [id_token],
        "post_logout_redirect_uri": ["http://testserver/accounts/login/"],
        "client_id": [CLIENT_ID],
    }
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # signed out of icsat


def test_sign_out_without_an_end_session_endpoint_returns_to_the_login_page(client, sso, settings):
    settings.ICSAT_OIDC_END_SESSION_ENDPOINT = ""
    factories.employee(email="out2@example.com")
    sign_in(client, sso, sso.new_user(**verified("out2@example.com")))

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_sign_out_after_a_password_sign_in_stays_in_icsat(client, sso):
    person = factories.employee(username="pw")
    client.force_login(person, backend="requests_app.backends.PasswordBackend")

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"


def test_sign_out_is_post_only(client, sso):
    client.force_login(factories.employee(), backend="requests_app.backends.PasswordBackend")

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("nb-NO", "nb"),
        ("nb", "nb"),
        ("no", "nb"),
        ("nn_NO", "nb"),
        ("es-ES", "es"),
        ("es_419", "es"),
        ("EN-gb", "en"),
        ("de-DE", ""),
        ("", ""),
    ],
)
def test_language_from_locale_maps_to_a_site_language(locale, language):
    assert language_from_locale(locale) == language


def test_department_from_claim_takes_a_name_or_slug_and_never_creates_one():
    it = factories.DepartmentFactory(name="IT Services", slug="it")

    assert department_from_claim("it services") == it
    assert department_from_claim("IT") == it
    assert department_from_claim(["Sales", "it"]) == it
    assert department_from_claim("Sales") is None
    assert department_from_claim(42) is None
    assert department_from_claim(None) is None


def test_admin_shows_linked_accounts_but_cannot_change_them(client, sso):
    person = factories.employee(email="linked@example.com")
    sub = sso.new_user(**verified("linked@example.com"))
    sign_in(client, sso, sub)
    client.logout()
    root = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root, backend="requests_app.backends.PasswordBackend")

    listing = client.get("/admin/sso/ssoidentity/")

    assert listing.status_code == 200
    assert sub in listing.content.decode()
    identity = person.sso_identities.get()
    change = f"/admin/sso/ssoidentity/{identity.pk}/change/"
    assert client.post(change, {"subject": "other"}).status_code == 403
    assert (
        client.post(f"/admin/sso/ssoidentity/{identity.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/sso/ssoidentity/add/").status_code == 403
