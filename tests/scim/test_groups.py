"""Groups: stored as the directory sends them; roles only through HR admins' mappings."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from audit.models import AuditEntry
from requests_app.models import Membership
from scim.models import ScimGroup, ScimGroupMapping
from scim.services import groups
from tests import factories
from tests.scim.conftest import patch_body, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def it():
    return factories.DepartmentFactory(name="IT", slug="it", prefix="IT")


def _people(scim, *names):
    return [scim.post("Users", user_body(f"{n}@example.com")).json()["id"] for n in names]


def _group(scim, name, members=()):
    body = {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in members]}
    response = scim.post("Groups", body)
    assert response.status_code == 201, response.json()
    return response.json()


def _role(user_id, department):
    membership = Membership.objects.filter(user_id=user_id, department=department).first()
    return membership.role if membership else None


def _map(actor, name, grant, department=None):
    return groups.mapping_create(
        actor=actor, directory_group=name, grant=grant, department=department
    )


def test_unmapped_group_is_stored_and_grants_nothing(scim):
    (ann,) = _people(scim, "ann")
    group = _group(scim, "Coffee club", [ann])
    assert group["members"][0]["value"] == ann
    assert scim.get(f"Groups/{group['id']}").json()["displayName"] == "Coffee club"
    assert not Membership.objects.filter(user_id=ann).exists()


def test_mapped_group_members_become_agents_and_leads(scim, hr_admin, it):
    _map(hr_admin, "IT agents", "agent", it)
    _map(hr_admin, "it leads", "lead", it)
    ann, bob = _people(scim, "ann", "bob")
    _group(scim, "IT agents", [ann, bob])
    _group(scim, "IT Leads", [bob])  # names match ignoring case
    assert (_role(ann, it), _role(bob, it)) == ("agent", "lead")
    added = AuditEntry.objects.filter(kind=AuditEntry.Kind.MEMBERSHIP_ADDED)
    assert added.count() == 2 and {e.actor for e in added} == {hr_admin}


def test_entra_patch_adds_and_removes_members_with_their_roles(scim, hr_admin, it):
    factories.lead(it, username="standing-lead")
    _map(hr_admin, "IT agents", "agent", it)
    ann, bob = _people(scim, "ann", "bob")
    group = _group(scim, "IT agents", [ann])
    response = scim.patch(
        f"Groups/{group['id']}",
        patch_body(
            {"op": "Add", "path": "members", "value": [{"value": bob}]},
            # Entra removes members with a value list, not a filter.
            {"op": "Remove", "path": "members", "value": [{"value": ann}]},
        ),
    )
    assert response.status_code == 200, response.json()
    assert [m["value"] for m in response.json()["members"]] == [bob]
    assert (_role(ann, it), _role(bob, it)) == (None, "agent")


def test_okta_patch_removes_a_member_by_filter_and_renames(scim, hr_admin, it):
    _map(hr_admin, "IT agents", "agent", it)
    ann, bob = _people(scim, "ann", "bob")
    group = _group(scim, "IT agents", [ann, bob])
    response = scim.patch(
        f"Groups/{group['id']}",
        patch_body(
            {"op": "remove", "path": f'members[value eq "{ann}"]'},
            {"op": "replace", "value": {"id": group["id"], "displayName": "IT agents"}},
        ),
    )
    assert response.status_code == 200, response.json()
    assert _role(ann, it) is None and _role(bob, it) == "agent"


def test_leaving_the_leads_group_leaves_the_agent_role_other_groups_give(scim, hr_admin, it):
    factories.lead(it, username="standing-lead")
    _map(hr_admin, "IT agents", "agent", it)
    _map(hr_admin, "IT leads", "lead", it)
    (ann,) = _people(scim, "ann")
    _group(scim, "IT agents", [ann])
    leads = _group(scim, "IT leads", [ann])
    assert _role(ann, it) == "lead"
    scim.patch(
        f"Groups/{leads['id']}", patch_body({"op": "remove", "path": f'members[value eq "{ann}"]'})
    )
    assert _role(ann, it) == "agent"


def test_removing_the_only_lead_is_refused_and_nothing_changes(scim, hr_admin, it):
    _map(hr_admin, "IT leads", "lead", it)
    ann, bob = _people(scim, "ann", "bob")
    leads = _group(scim, "IT leads", [ann])
    response = scim.patch(
        f"Groups/{leads['id']}",
        patch_body(
            {"op": "add", "path": "displayName", "value": "IT leads"},
            {"op": "remove", "path": f'members[value eq "{ann}"]'},
        ),
    )
    assert response.status_code == 409
    assert "lead" in response.json()["detail"]
    assert _role(ann, it) == "lead"
    assert [m["value"] for m in scim.get(f"Groups/{leads['id']}").json()["members"]] == [ann]
    # Naming the new lead in the same request works: leads are named before removals.
    swap = scim.patch(
        f"Groups/{leads['id']}",
        patch_body(
            {"op": "add", "path": "members", "value": [{"value": bob}]},
            {"op": "remove", "path": f'members[value eq "{ann}"]'},
        ),
    )
    assert swap.status_code == 200
    assert (_role(ann, it), _role(bob, it)) == (None, "lead")


def test_hr_admin_mapping_grants_and_takes_the_role_but_keeps_one(scim, hr_admin):
    _map(hr_admin, "HR admins", "hr_admin")
    (ann,) = _people(scim, "ann")
    group = _group(scim, "HR admins", [ann, str(hr_admin.pk)])
    hr = User.objects.filter(groups__name=settings.ICSAT_HR_ADMIN_GROUP)
    assert set(hr.values_list("pk", flat=True)) == {int(ann), hr_admin.pk}
    assert (
        scim.patch(
            f"Groups/{group['id']}",
            patch_body({"op": "remove", "path": f'members[value eq "{ann}"]'}),
        ).status_code
        == 200
    )
    assert set(hr.values_list("pk", flat=True)) == {hr_admin.pk}
    # The token's creator is the last HR admin: the directory cannot remove them.
    refused = scim.delete(f"Groups/{group['id']}")
    assert refused.status_code == 409
    assert ScimGroup.objects.filter(pk=group["id"]).exists()


def test_mapping_created_later_applies_to_current_members(scim, hr_admin, it):
    ann, bob = _people(scim, "ann", "bob")
    _group(scim, "IT agents", [ann, bob])
    _map(hr_admin, "IT AGENTS", "agent", it)
    assert (_role(ann, it), _role(bob, it)) == ("agent", "agent")


def test_group_put_replaces_members_and_delete_takes_roles_back(scim, hr_admin, it):
    _map(hr_admin, "IT agents", "agent", it)
    ann, bob = _people(scim, "ann", "bob")
    group = _group(scim, "IT agents", [ann])
    body = {"schemas": [GROUP], "displayName": "IT agents", "members": [{"value": bob}]}
    assert scim.put(f"Groups/{group['id']}", body).status_code == 200
    assert (_role(ann, it), _role(bob, it)) == (None, "agent")
    assert scim.delete(f"Groups/{group['id']}").status_code == 204
    assert _role(bob, it) is None
    assert scim.get(f"Groups/{group['id']}").status_code == 404


def test_group_filters_excluded_members_and_query_count(
    scim, hr_admin, django_assert_max_num_queries
):
    ids = _people(scim, *[f"m{n}" for n in range(12)])
    for n in range(6):
        _group(scim, f"Team {n}", ids[n:])
    found = scim.get("Groups", {"filter": 'displayName eq "team 3"'}).json()
    assert [g["displayName"] for g in found["Resources"]] == ["Team 3"]
    member_of = scim.get("Groups", {"filter": f'members[value eq "{ids[0]}"]'}).json()
    assert member_of["totalResults"] == 1
    with django_assert_max_num_queries(6):
        listed = scim.get("Groups", {"excludedAttributes": "members"}).json()
    assert listed["totalResults"] == 6 and all("members" not in g for g in listed["Resources"])
    with django_assert_max_num_queries(7):
        full = scim.get("Groups").json()
    assert sum(len(g["members"]) for g in full["Resources"]) == sum(12 - n for n in range(6))


def test_group_bad_input(scim):
    (ann,) = _people(scim, "ann")
    _group(scim, "Taken")
    assert scim.post("Groups", {"schemas": [GROUP], "displayName": "TAKEN"}).json()["scimType"] == (
        "uniqueness"
    )
    unknown_member = scim.post(
        "Groups", {"schemas": [GROUP], "displayName": "X", "members": [{"value": "99999"}]}
    )
    assert unknown_member.status_code == 400
    assert unknown_member.json()["scimType"] == "invalidValue"
    assert scim.post("Groups", {"schemas": [GROUP], "displayName": "Y" * 201}).status_code == 400
    assert scim.get("Groups/not-a-uuid").status_code == 404
    assert scim.get("Groups", {"filter": 'displayName sw "T"'}).json()["scimType"] == (
        "invalidFilter"
    )
    assert ScimGroup.objects.count() == 1
    assert not ScimGroupMapping.objects.exists()
    assert ann
