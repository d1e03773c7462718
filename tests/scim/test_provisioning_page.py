"""HR admins' provisioning page: tokens shown once, revoked, mappings; all audited."""

import pytest

from audit.models import AuditEntry
from scim.models import ScimGroupMapping, ScimToken
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/manage/scim/"


def test_provisioning_page_needs_sign_in_and_the_hr_admin_role(client):
    assert client.get(URL).status_code == 302
    client.force_login(factories.employee(username="someone"))
    assert client.get(URL).status_code == 404
    token = factories.employee(username="other")
    assert client.post(URL, {"action": "token", "token-name": "x"}).status_code == 404
    assert client.post(f"{URL}tokens/1/revoke/").status_code == 404
    assert not ScimToken.objects.exists() and token


def test_provisioning_is_linked_from_the_people_page(client, hr_admin):
    client.force_login(hr_admin)
    assert URL in client.get("/manage/people/").content.decode()


def test_token_is_shown_once_then_only_its_prefix(client, hr_admin):
    client.force_login(hr_admin)
    response = client.post(URL, {"action": "token", "token-name": "Entra ID production"})
    assert response.status_code == 200
    raw = response.context["new_token"]["value"]
    assert raw in response.content.decode()
    page = client.get(URL).content.decode()
    assert raw not in page
    assert ScimToken.objects.get().prefix in page
    # The raw value works as a bearer token.
    api = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.SCIM_TOKEN_CREATED)
    assert entry.actor == hr_admin and raw not in str(entry.changes)


def test_token_without_name_is_refused_with_a_message(client, hr_admin):
    client.force_login(hr_admin)
    response = client.post(URL, {"action": "token", "token-name": ""})
    assert response.status_code == 200
    assert response.context["token_form"].errors
    assert not ScimToken.objects.exists()


def test_revoked_token_is_refused_and_audited(client, hr_admin):
    client.force_login(hr_admin)
    raw = client.post(URL, {"action": "token", "token-name": "Okta"}).context["new_token"]["value"]
    token = ScimToken.objects.get()
    client.post(f"{URL}tokens/{token.pk}/revoke/")
    client.post(f"{URL}tokens/{token.pk}/revoke/")  # twice: harmless
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.SCIM_TOKEN_REVOKED).count() == 1
    assert client.post(f"{URL}tokens/999/revoke/").status_code == 302
    client.logout()
    response = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_mapping_is_added_checked_and_removed_with_audit(client, hr_admin):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    client.force_login(hr_admin)
    no_department = client.post(
        URL, {"action": "mapping", "mapping-directory_group": "IT", "mapping-grant": "agent"}
    )
    assert "Choose the department" in no_department.content.decode()
    hr_with_department = client.post(
        URL,
        {
            "action": "mapping",
            "mapping-directory_group": "HR",
            "mapping-grant": "hr_admin",
            "mapping-department": it.pk,
        },
    )
    assert "HR admins belong to no department" in hr_with_department.content.decode()
    ok = client.post(
        URL,
        {
            "action": "mapping",
            "mapping-directory_group": "IT agents",
            "mapping-grant": "agent",
            "mapping-department": it.pk,
        },
    )
    assert ok.status_code == 302
    again = client.post(
        URL,
        {
            "action": "mapping",
            "mapping-directory_group": "it AGENTS",
            "mapping-grant": "lead",
            "mapping-department": it.pk,
        },
    )
    assert "mapped already" in again.content.decode()
    mapping = ScimGroupMapping.objects.get()
    assert "IT agents" in client.get(URL).content.decode()
    client.post(f"{URL}mappings/{mapping.pk}/delete/")
    assert not ScimGroupMapping.objects.exists()
    kinds = list(AuditEntry.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [AuditEntry.Kind.SCIM_MAPPING_ADDED, AuditEntry.Kind.SCIM_MAPPING_REMOVED]


def test_provisioning_page_in_norwegian(client, hr_admin):
    hr_admin.employee.language = "nb"
    hr_admin.employee.save()
    client.force_login(hr_admin)
    page = client.get(URL, headers={"Accept-Language": "nb"}).content.decode()
    assert "Provisioning (SCIM)" not in page


def test_audit_log_shows_token_and_mapping_changes(client, hr_admin):
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    client.force_login(hr_admin)
    client.post(URL, {"action": "token", "token-name": "Okta"})
    client.post(f"{URL}tokens/{ScimToken.objects.get().pk}/revoke/")
    client.post(
        URL,
        {
            "action": "mapping",
            "mapping-directory_group": "IT agents",
            "mapping-grant": "agent",
            "mapping-department": it.pk,
        },
    )
    page = client.get("/manage/audit/")
    assert page.status_code == 200
    text = page.content.decode()
    for label in (
        "Provisioning token created",
        "Provisioning token revoked",
        "Directory group mapped",
    ):
        assert label in text
    assert "IT agents" in text
