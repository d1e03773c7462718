"""Passwords are stored as Argon2id at OWASP's minimum; older hashes upgrade at sign-in."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from icsat import settings as production
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_older_hash_signs_in_and_is_stored_again_as_argon2id(client, settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the tests use a fast one
    person = factories.employee(username="ada")
    person.password = make_password("correct horse", hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])

    response = client.post(
        reverse("login"), {"username": "ada", "password": "correct horse"}, follow=False
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert person.check_password("correct horse")
    assert not person.check_password("wrong horse")


def test_new_passwords_are_argon2id(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password("x" * 12).startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
