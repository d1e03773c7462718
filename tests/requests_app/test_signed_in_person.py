"""The signed-in person is read once per request with their profile and HR-admin flag
(requests_app.backends, sso.backends): what each page then knows of them is current."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from sso.backends import OidcBackend
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
PEOPLE = reverse("requests_app:people_list")


def sign_in(client, user):
    user.set_password("correct horse battery")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_a_colleague_made_hr_admin_gets_the_menu_on_their_next_page(client):
    person = factories.employee()
    sign_in(client, person)
    assert PEOPLE not in client.get(reverse("requests_app:home")).content.decode()

    group, _ = Group.objects.get_or_create(name=settings.ICSAT_HR_ADMIN_GROUP)
    person.groups.add(group)
    assert PEOPLE in client.get(reverse("requests_app:home")).content.decode()
    assert client.get(PEOPLE).status_code == 200

    person.groups.remove(group)
    assert PEOPLE not in client.get(reverse("requests_app:home")).content.decode()
    assert client.get(PEOPLE).status_code == 404


def test_the_profile_read_with_the_person_sets_their_language(client):
    person = factories.employee()
    person.employee.language = "nb"
    person.employee.save()
    sign_in(client, person)

    page = client.get(reverse("requests_app:home"))

    assert '<html lang="nb">' in page.content.decode()


def test_a_deactivated_person_is_signed_out_on_their_next_page(client):
    person = factories.employee()
    sign_in(client, person)
    assert client.get(reverse("requests_app:home")).status_code == 200

    User.objects.filter(pk=person.pk).update(is_active=False)

    assert client.get(reverse("requests_app:home")).status_code == 302
    assert OidcBackend().get_user(person.pk) is None


def test_the_sso_backend_reads_the_same_person_with_their_flag():
    admin = factories.hr_admin()

    read = OidcBackend().get_user(admin.pk)

    assert read == admin and read._icsat_is_hr_admin is True
    assert OidcBackend().get_user(10**9) is None


def test_a_superuser_without_a_profile_can_use_the_site(client):
    root = User.objects.create_superuser("root", "root@example.com", "x")
    sign_in(client, root)

    assert client.get(reverse("requests_app:home")).status_code == 200
    assert client.get(PEOPLE).status_code == 200
