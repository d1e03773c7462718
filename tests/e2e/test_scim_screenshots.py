"""The provisioning page at 1280 px and 375 px: tokens, the one-time token, mappings.

Screenshots go to test-artifacts/screenshots/scim-<state>-<width>.png with the same
machine checks as every other page (one h1, named and styled controls, no console
error, no sideways scrolling on a phone).
"""

from playwright.sync_api import expect
from scim2_models import Group, GroupMember

from scim.protocol import UserResource
from scim.services import groups as group_services
from scim.services import tokens as token_services
from scim.services import users as user_services
from tests import factories

from .browser import PAGE_SWEEP, login
from .test_screenshots import SCREENSHOTS, WIDTHS, _check_against_known, audit

pytestmark = PAGE_SWEEP


def seed():
    it = factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    facilities = factories.DepartmentFactory(
        name="Facilities & Workplace Services", slug="facilities", prefix="FAC"
    )
    hanne = factories.hr_admin(username="hanne", first_name="Hanne", last_name="Rask")
    factories.lead(it, username="ingrid", first_name="Ingrid", last_name="Lie")
    _used, raw = token_services.token_create(actor=hanne, name="Entra ID production")
    token_services.token_authenticate(raw=raw)
    old, _raw = token_services.token_create(actor=hanne, name="Okta trial (2025)")
    token_services.token_revoke(actor=hanne, token_id=old.pk)
    people = []
    for n, department in enumerate(["IT", "Marketing", "Marketing", "IT", "Legal & Compliance"]):
        resource = UserResource.model_validate(
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                ],
                "userName": f"person{n}@example.com",
                "name": {"givenName": f"Person{n}", "familyName": "Directory"},
                "emails": [{"value": f"person{n}@example.com", "primary": True}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                    "department": department
                },
            }
        )
        people.append(user_services.user_create(actor=hanne, resource=resource)[0])
    for name, members in [
        ("SG-IT-Support-Agents", people[:3]),
        ("SG-IT-Leads", people[3:4]),
        ("SG-HR-Administrators", [hanne]),
        ("All staff (Oslo office, building B)", people),
    ]:
        group_services.group_create(
            actor=hanne,
            resource=Group(
                display_name=name, members=[GroupMember(value=str(p.pk)) for p in members]
            ),
        )
    group_services.mapping_create(
        actor=hanne, directory_group="SG-IT-Support-Agents", grant="agent", department=it
    )
    group_services.mapping_create(
        actor=hanne, directory_group="SG-IT-Leads", grant="lead", department=it
    )
    group_services.mapping_create(
        actor=hanne, directory_group="SG-HR-Administrators", grant="hr_admin", department=None
    )
    group_services.mapping_create(
        actor=hanne, directory_group="SG-Facilities", grant="agent", department=facilities
    )
    return hanne


def _create_token(page):
    page.get_by_label("Token name").fill("Entra ID staging")
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_role("heading", name="Token “Entra ID staging” created")).to_be_visible()


def _mapping_without_department(page):
    page.get_by_label("Directory group", exact=True).fill("SG-Finance")
    page.get_by_role("button", name="Add mapping").click()
    expect(page.get_by_text("Choose the department agents and leads work in.")).to_be_visible()


def test_provisioning_page_at_desktop_and_phone_width(open_page, console):
    hanne = seed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page()
    login(page, hanne)
    problems = []
    for width, viewport in WIDTHS.items():
        for name, prepare in [
            ("scim", None),
            ("scim-new-token", _create_token),
            ("scim-mapping-error", _mapping_without_department),
        ]:
            page.set_viewport_size(viewport)
            console.clear()
            response = page.goto("/manage/scim/")
            assert response.status == 200
            if prepare:
                prepare(page)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            problems += audit(page, console, name, width)
    _check_against_known(problems)
