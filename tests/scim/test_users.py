"""The Users endpoint as Entra ID and Okta use it: create, find, change, deactivate."""

import hashlib

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEntry
from requests_app.models import Membership, Ticket
from scim.models import ScimToken, ScimUser
from tests import factories
from tests.scim.conftest import SCIM, patch_body, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _department(name="IT", slug="it", prefix="IT"):
    return factories.DepartmentFactory(name=name, slug=slug, prefix=prefix)


# --- Authentication ---------------------------------------------------------------


def test_users_without_token_answers_401_with_bearer_challenge(client):
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == SCIM
    assert response.json()["schemas"] == [ERROR]
    assert response.json()["status"] == "401"


def test_users_with_wrong_or_revoked_token_answers_401(client, hr_admin, token):
    assert client.get("/scim/v2/Users", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert (
        client.get("/scim/v2/Users", headers={"Authorization": f"Basic {token}"}).status_code == 401
    )
    from scim.services import tokens

    tokens.token_revoke(actor=hr_admin, token_id=ScimToken.objects.get().pk)
    response = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_stops_working_when_its_creator_is_no_longer_hr_admin(client, hr_admin, token):
    hr_admin.groups.clear()
    response = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_is_stored_hashed_and_its_use_recorded(scim, token):
    stored = ScimToken.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.last_used_at is None
    assert scim.get("Users").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_scim_views_need_no_csrf_token(token):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/scim/v2/Users",
        data=user_body("csrf@example.com"),
        content_type=SCIM,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


# --- Discovery ---------------------------------------------------------------------


def test_service_provider_config_advertises_patch_filter_and_page_size(scim, settings):
    body = scim.get("ServiceProviderConfig").json()
    assert body["patch"]["supported"] is True
    assert body["bulk"]["supported"] is False
    assert body["filter"] == {"supported": True, "maxResults": settings.ICSAT_SCIM_MAX_PAGE_SIZE}
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    assert scim.post("ServiceProviderConfig", {}).status_code == 405


def test_resource_types_and_schemas_list_only_what_icsat_keeps(scim):
    types = scim.get("ResourceTypes").json()
    assert {r["id"] for r in types["Resources"]} == {"User", "Group"}
    assert scim.get("ResourceTypes/User").json()["schemaExtensions"][0]["schema"] == ENTERPRISE
    user_schema = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json()
    names = {a["name"] for a in user_schema["attributes"]}
    assert names == {"userName", "name", "preferredLanguage", "locale", "active", "emails"}
    assert scim.get("Schemas").json()["totalResults"] == 3
    assert scim.get("Schemas/urn:nope").status_code == 404
    assert scim.get("Nothing/here").json()["status"] == "404"


# --- Create --------------------------------------------------------------------------


def test_user_create_makes_a_person_with_home_department_and_language(scim, hr_admin):
    it = _department()
    response = scim.post(
        "Users",
        user_body(
            "Ada@Example.com", department="it", preferredLanguage="es-ES", externalId="aad-1"
        ),
    )
    assert response.status_code == 201
    assert response["Content-Type"] == SCIM
    body = response.json()
    person = User.objects.get(pk=body["id"])
    assert response["Location"] == body["meta"]["location"]
    assert body["meta"]["resourceType"] == "User"
    assert body["meta"]["version"] == response["ETag"]
    assert (person.first_name, person.last_name, person.email) == (
        "Ada",
        "Lovelace",
        "Ada@example.com",  # Django keeps the domain in lower case
    )
    assert person.employee.home_department == it
    assert person.employee.language == "es"
    assert person.has_usable_password() is False
    assert body["externalId"] == "aad-1"
    assert body[ENTERPRISE]["department"] == "it"
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSON_CREATED)
    assert entry.actor == hr_admin
    assert entry.changes["source"] == [None, "scim"]


def test_user_create_with_unknown_department_leaves_home_department_empty_and_says_so(
    scim, client, hr_admin
):
    response = scim.post("Users", user_body("bo@example.com", department="Marketing"))
    assert response.status_code == 201
    person = User.objects.get(username="bo@example.com")
    assert person.employee.home_department is None
    assert response.json()[ENTERPRISE]["department"] == "Marketing"
    client.force_login(hr_admin)
    page = client.get("/manage/scim/").content.decode()
    assert "Departments icsat does not know" in page
    assert "Marketing: 1 person" in page


def test_user_create_refuses_a_taken_username_ignoring_case(scim):
    assert scim.post("Users", user_body("cy@example.com")).status_code == 201
    response = scim.post("Users", user_body("CY@example.com"))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert User.objects.filter(username__iexact="cy@example.com").count() == 1


def test_user_create_adopts_nobody_active_but_brings_back_a_leaver(scim, hr_admin):
    leaver = factories.employee(username="dee@example.com", email="dee@example.com")
    leaver.is_active = False
    leaver.save()
    response = scim.post("Users", user_body("dee@example.com", given="Dee"))
    assert response.status_code == 201
    assert response.json()["id"] == str(leaver.pk)
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.first_name == "Dee"
    assert User.objects.filter(email__iexact="dee@example.com").count() == 1


def test_user_deleted_then_sent_again_is_the_same_person_reactivated(scim):
    first = scim.post("Users", user_body("eve@example.com")).json()
    assert scim.delete(f"Users/{first['id']}").status_code == 204
    again = scim.post("Users", user_body("eve@example.com"))
    assert again.status_code == 201
    assert again.json()["id"] == first["id"]
    assert again.json()["active"] is True


# --- Read and list -------------------------------------------------------------------


def test_user_get_missing_or_malformed_id_answers_404(scim):
    for path in ("Users/999999", "Users/abc", "Users/" + "9" * 40):
        response = scim.get(path)
        assert response.status_code == 404
        assert response.json()["schemas"] == [ERROR]


def test_users_filter_by_username_externalid_email_and_active(scim):
    scim.post("Users", user_body("f1@example.com", externalId="X-1"))
    scim.post("Users", user_body("f2@example.com", externalId="X-2", active=False))

    def names(filter_text):
        response = scim.get("Users", {"filter": filter_text})
        assert response.status_code == 200, response.json()
        return {r["userName"] for r in response.json()["Resources"]}

    assert names('userName eq "F1@EXAMPLE.COM"') == {"f1@example.com"}
    assert names('externalId eq "X-2"') == {"f2@example.com"}
    assert names('externalId eq "x-2"') == set()  # externalId is case-exact
    assert names('emails[value eq "f2@example.com"]') == {"f2@example.com"}
    assert names('emails.value eq "f1@example.com" and active eq true') == {"f1@example.com"}
    assert names('active eq false and userName eq "f2@example.com"') == {"f2@example.com"}
    assert names('userName eq "nobody"') == set()


@pytest.mark.parametrize(
    "filter_text",
    [
        'userName co "f"',
        'userName eq "a" or userName eq "b"',
        'not (userName eq "a")',
        'title eq "boss"',
        "userName eq",
        'userName eq "unterminated',
    ],
)
def test_users_unsupported_filter_answers_400_invalid_filter(scim, filter_text):
    response = scim.get("Users", {"filter": filter_text})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_users_list_pages_with_start_index_and_count(scim, settings):
    settings.ICSAT_SCIM_MAX_PAGE_SIZE = 3
    for n in range(5):
        scim.post("Users", user_body(f"p{n}@example.com"))
    total = User.objects.count()
    page = scim.get("Users", {"startIndex": 2, "count": 2}).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (total, 2, 2)
    capped = scim.get("Users", {"count": 50}).json()
    assert capped["itemsPerPage"] == 3
    assert scim.get("Users", {"count": 0}).json()["itemsPerPage"] == 0
    assert scim.get("Users", {"startIndex": "x"}).status_code == 400


def test_users_list_runs_the_same_queries_for_5_or_40_people(scim, django_assert_max_num_queries):
    it = _department()
    for n in range(40):
        factories.employee(home_department=it, username=f"q{n}")
    with django_assert_max_num_queries(6):
        response = scim.get("Users", {"count": 100})
    assert response.json()["itemsPerPage"] == 41  # and the HR admin


def test_users_attributes_and_excluded_attributes_shape_the_answer(scim):
    created = scim.post("Users", user_body("g@example.com")).json()
    only = scim.get(f"Users/{created['id']}", {"attributes": "userName"}).json()
    assert "userName" in only and "emails" not in only and only["id"] == created["id"]
    without = scim.get("Users", {"excludedAttributes": "emails"}).json()["Resources"]
    assert all("emails" not in r for r in without)


# --- Replace and patch -----------------------------------------------------------------


def test_user_put_moves_department_and_renames(scim):
    _department()
    hr = _department("HR", "hr", "HR")
    created = scim.post("Users", user_body("h@example.com", department="IT")).json()
    response = scim.put(
        f"Users/{created['id']}", user_body("h@example.com", given="Hal", department="HR")
    )
    assert response.status_code == 200
    person = User.objects.get(pk=created["id"])
    assert person.first_name == "Hal"
    assert person.employee.home_department == hr
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSON_CHANGED).exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSON_DETAILS_CHANGED).exists()


def test_user_put_without_department_keeps_the_home_department(scim):
    it = _department()
    created = scim.post("Users", user_body("i@example.com", department="IT")).json()
    scim.put(f"Users/{created['id']}", user_body("i@example.com", given="Ivy"))
    assert User.objects.get(pk=created["id"]).employee.home_department == it


def test_entra_patch_with_capitalised_op_and_string_boolean_deactivates(scim, hr_admin):
    it = _department()
    lead = factories.lead(it, username="it-lead")
    created = scim.post("Users", user_body("j@example.com", department="IT")).json()
    agent = User.objects.get(pk=created["id"])
    Membership.objects.create(user=agent, department=it)
    ticket = factories.make_ticket(request_type=factories.RequestTypeFactory(department=it))
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent, status=Ticket.Status.OPEN)
    response = scim.patch(
        f"Users/{created['id']}",
        patch_body({"op": "Replace", "path": "active", "value": "False"}),
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    agent.refresh_from_db()
    assert agent.is_active is False
    ticket.refresh_from_db()
    assert ticket.assignee == lead  # a leaver's open work goes to the lead
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSON_DEACTIVATED)
    assert entry.actor == hr_admin


def test_okta_patch_with_value_object_deactivates_and_reactivates(scim):
    created = scim.post("Users", user_body("k@example.com")).json()
    path = f"Users/{created['id']}"
    assert (
        scim.patch(path, patch_body({"op": "replace", "value": {"active": False}})).json()["active"]
        is False
    )
    assert (
        scim.patch(path, patch_body({"op": "replace", "value": {"active": True}})).json()["active"]
        is True
    )
    assert User.objects.get(pk=created["id"]).is_active is True


def test_entra_patch_of_department_email_and_name_paths(scim):
    hr = _department("HR", "hr", "HR")
    created = scim.post("Users", user_body("l@example.com")).json()
    response = scim.patch(
        f"Users/{created['id']}",
        patch_body(
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "HR"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "lee@example.com"},
            {"op": "Add", "path": "name.givenName", "value": "Lee"},
            {"op": "Replace", "path": "preferredLanguage", "value": "nb-NO"},
        ),
    )
    assert response.status_code == 200, response.json()
    person = User.objects.get(pk=created["id"])
    assert person.employee.home_department == hr
    assert (person.email, person.first_name, person.employee.language) == (
        "lee@example.com",
        "Lee",
        "nb",
    )


def test_patch_to_an_email_someone_else_has_is_a_conflict(scim):
    factories.employee(username="taken", email="taken@example.com")
    created = scim.post("Users", user_body("m@example.com")).json()
    response = scim.patch(
        f"Users/{created['id']}",
        patch_body(
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "taken@example.com"}
        ),
    )
    assert response.status_code == 409
    assert User.objects.get(pk=created["id"]).email == "m@example.com"


def test_if_match_with_an_old_version_answers_412_and_changes_nothing(scim):
    created = scim.post("Users", user_body("n@example.com")).json()
    response = scim.put(
        f"Users/{created['id']}",
        user_body("n@example.com", given="Other"),
        headers={"If-Match": 'W/"old"'},
    )
    assert response.status_code == 412
    assert User.objects.get(pk=created["id"]).first_name == "Ada"
    ok = scim.put(
        f"Users/{created['id']}",
        user_body("n@example.com", given="Other"),
        headers={"If-Match": created["meta"]["version"]},
    )
    assert ok.status_code == 200


# --- Delete ----------------------------------------------------------------------------


def test_user_delete_deactivates_keeps_the_person_and_hides_them(scim):
    created = scim.post("Users", user_body("o@example.com")).json()
    assert scim.delete(f"Users/{created['id']}").status_code == 204
    person = User.objects.get(pk=created["id"])
    assert person.is_active is False
    assert ScimUser.objects.get(user=person).deleted_at is not None
    assert scim.get(f"Users/{created['id']}").status_code == 404
    assert scim.get("Users", {"filter": 'userName eq "o@example.com"'}).json()["totalResults"] == 0
    assert scim.delete(f"Users/{created['id']}").status_code == 404


def test_directory_cannot_deactivate_the_token_creator(scim, hr_admin):
    response = scim.patch(
        f"Users/{hr_admin.pk}", patch_body({"op": "replace", "path": "active", "value": False})
    )
    assert response.status_code == 409
    hr_admin.refresh_from_db()
    assert hr_admin.is_active is True


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "scim_type"),
    [
        ("{not json", 400, "invalidSyntax"),
        ("[1, 2]", 400, "invalidSyntax"),
        ({**user_body("x@example.com"), "shoeSize": 44}, 400, "invalidSyntax"),
        (
            {
                **user_body("x@example.com"),
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:unknown"],
            },
            400,
            None,
        ),
        (user_body("x" * 151 + "@example.com"), 400, "invalidValue"),
        (user_body("x@example.com", given="G" * 151), 400, "invalidValue"),
        (
            {**user_body("x@example.com"), "emails": [{"value": "not-an-address"}]},
            400,
            "invalidValue",
        ),
        ({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}, 400, None),
    ],
)
def test_user_create_bad_input_answers_scim_error_and_creates_nobody(scim, body, status, scim_type):
    before = User.objects.count()
    response = scim.post("Users", body)
    assert response.status_code == status, response.content
    error = response.json()
    assert error["schemas"] == [ERROR]
    assert error["status"] == str(status)
    if scim_type:
        assert error["scimType"] == scim_type
    assert User.objects.count() == before


def test_user_create_with_wrong_content_type_answers_415(scim):
    response = scim.post("Users", "userName=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["schemas"] == [ERROR]


def test_user_patch_to_an_unknown_path_answers_400_and_changes_nothing(scim):
    created = scim.post("Users", user_body("r@example.com")).json()
    response = scim.patch(
        f"Users/{created['id']}",
        patch_body(
            {"op": "replace", "path": "name.givenName", "value": "Changed"},
            {"op": "replace", "path": "shoeSize", "value": 44},
        ),
    )
    assert response.status_code == 400
    assert User.objects.get(pk=created["id"]).first_name == "Ada"


def test_user_patch_that_breaks_a_limit_halfway_changes_nothing(scim):
    created = scim.post("Users", user_body("s@example.com")).json()
    response = scim.patch(
        f"Users/{created['id']}",
        patch_body(
            {"op": "replace", "path": "name.givenName", "value": "Changed"},
            {"op": "replace", "path": "name.familyName", "value": "F" * 151},
        ),
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert User.objects.get(pk=created["id"]).first_name == "Ada"


def test_standard_attributes_icsat_does_not_keep_are_accepted_and_ignored(scim):
    body = user_body(
        "t@example.com",
        displayName="Tess T",
        title="Engineer",
        phoneNumbers=[{"value": "+47 22 00 00 00", "type": "work"}],
    )
    created = scim.post("Users", body)
    assert created.status_code == 201, created.json()
    assert "title" not in created.json()
    response = scim.patch(
        f"Users/{created.json()['id']}",
        patch_body(
            {"op": "Add", "path": "displayName", "value": "Tess"},
            {"op": "Replace", "path": "title", "value": "Lead engineer"},
        ),
    )
    assert response.status_code == 200


def test_bad_patch_path_is_invalid_path(scim):
    created = scim.post("Users", user_body("u@example.com")).json()
    response = scim.patch(
        f"Users/{created['id']}", patch_body({"op": "replace", "path": "shoeSize", "value": 1})
    )
    assert response.json()["scimType"] == "invalidPath"
    bad_op = scim.patch(
        f"Users/{created['id']}", patch_body({"op": "frobnicate", "path": "active", "value": 1})
    )
    assert bad_op.status_code == 400


def test_body_over_the_size_limit_answers_413(scim, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = user_body("v@example.com", title="x" * 2000)
    response = scim.post("Users", body)
    assert response.status_code == 413
    assert response.json()["schemas"] == [ERROR]
    assert not User.objects.filter(username="v@example.com").exists()
