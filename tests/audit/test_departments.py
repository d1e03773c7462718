"""Departments, request types and memberships: each change writes exactly its audit row."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from requests_app.exceptions import NotAllowed, TicketError
from requests_app.models import Department, Membership
from requests_app.services import departments as svc
from tests import factories
from tests.audit.records import identity, only_entry

pytestmark = pytest.mark.django_db
Kind = AuditEntry.Kind


@pytest.fixture
def admin():
    return factories.hr_admin(first_name="Hanne", last_name="Rask")


# Departments --------------------------------------------------------------------------------


def test_department_save_records_the_creation_with_its_values(admin):
    department = svc.department_save(
        actor=admin, name="Security", slug="sec", prefix="sec", reopen_days=5
    )
    entry = only_entry()
    assert (entry.kind, entry.actor, entry.actor_name) == (
        Kind.DEPARTMENT_CREATED,
        admin,
        "Hanne Rask",
    )
    assert (entry.object_type, entry.object_id, entry.object_name) == (
        "requests_app.department",
        department.pk,
        "Security",
    )
    assert (entry.department_id, entry.department_name) == (department.pk, "Security")
    assert entry.changes == {
        "name": [None, "Security"],
        "slug": [None, "sec"],
        "prefix": [None, "SEC"],
        "reopen_days": [None, 5],
        "is_active": [None, True],
    }


def test_department_save_records_old_and_new_values(admin, department):
    svc.department_save(actor=admin, department=department, name="IT Services", reopen_days=14)
    entry = only_entry()
    assert entry.kind == Kind.DEPARTMENT_CHANGED
    assert entry.changes == {"name": ["IT", "IT Services"], "reopen_days": [7, 14]}
    assert (entry.object_name, entry.department_name) == ("IT Services", "IT Services")


def test_department_save_records_closing_and_opening_as_their_own_events(admin, department):
    svc.department_save(actor=admin, department=department, is_active=False, description="Gone")
    assert [(e.kind, e.changes) for e in AuditEntry.objects.order_by("pk")] == [
        (Kind.DEPARTMENT_CHANGED, {"description": ["Helps colleagues.", "Gone"]}),
        (Kind.DEPARTMENT_CLOSED, {"is_active": [True, False]}),
    ]
    svc.department_save(actor=admin, department=department, is_active=True)
    assert AuditEntry.objects.order_by("-pk").first().kind == Kind.DEPARTMENT_OPENED


def test_department_save_unchanged_records_nothing(admin, department):
    svc.department_save(actor=admin, department=department, name="IT", reopen_days=7)
    assert not AuditEntry.objects.exists()


def test_department_save_refused_records_nothing(admin, department):
    with pytest.raises(TicketError):
        svc.department_save(actor=admin, department=department, name="New", prefix="NEW")
    with pytest.raises(NotAllowed):
        svc.department_save(actor=factories.employee(), department=department, name="New")
    assert not AuditEntry.objects.exists()


def test_department_edit_page_records_the_value_before_the_form(client, admin, department):
    # The bound ModelForm writes the new values onto the instance before the service runs.
    client.force_login(admin)
    url = reverse("requests_app:department_edit", kwargs={"department_slug": "it"})
    data = {"name": "IT", "slug": "it", "description": "Helps colleagues.", "reopen_days": 7}
    client.post(url, {**data, "is_active": "on"})
    assert not AuditEntry.objects.exists()
    client.post(url, {**data, "reopen_days": 10, "is_active": "on"})
    assert only_entry().changes == {"reopen_days": [7, 10]}


# Request types ------------------------------------------------------------------------------

FIELDS = [{"name": "start", "label": "Start date", "kind": "date", "required": True}]


def test_request_type_save_records_the_creation(it_lead, department):
    request_type = svc.request_type_save(
        actor=it_lead, department=department, name="Laptop", sla_hours=48, fields=FIELDS
    )
    entry = only_entry()
    assert (entry.kind, entry.actor, entry.object_id) == (
        Kind.REQUEST_TYPE_CREATED,
        it_lead,
        request_type.pk,
    )
    assert (entry.object_type, entry.object_name) == ("requests_app.requesttype", "IT · Laptop")
    assert entry.department_id == department.pk
    assert entry.changes["name"] == [None, "Laptop"]
    assert entry.changes["slug"] == [None, "laptop"]
    assert entry.changes["sla_hours"] == [None, 48]
    assert entry.changes["fields"][1][0]["label"] == "Start date"


def test_request_type_save_records_each_kind_of_change_in_its_row(it_lead, request_type):
    department = request_type.department
    changes = {"name": "Access", "fields": FIELDS, "is_active": False}
    svc.request_type_save(
        actor=it_lead, department=department, request_type=request_type, **changes
    )
    rows = {e.kind: e.changes for e in AuditEntry.objects.all()}
    assert set(rows) == {
        Kind.REQUEST_TYPE_CHANGED,
        Kind.REQUEST_TYPE_FIELDS_CHANGED,
        Kind.REQUEST_TYPE_ARCHIVED,
    }
    assert rows[Kind.REQUEST_TYPE_CHANGED] == {"name": ["Access request", "Access"]}
    assert rows[Kind.REQUEST_TYPE_ARCHIVED] == {"is_active": [True, False]}
    old, new = rows[Kind.REQUEST_TYPE_FIELDS_CHANGED]["fields"]
    assert [f["name"] for f in old] == ["start", "system"]
    assert [f["name"] for f in new] == ["start"]
    AuditEntry.objects.all().delete()
    svc.request_type_save(
        actor=it_lead, department=department, request_type=request_type, is_active=True
    )
    assert only_entry().kind == Kind.REQUEST_TYPE_RESTORED


def test_request_type_save_unchanged_records_nothing(it_lead, request_type):
    svc.request_type_save(
        actor=it_lead,
        department=request_type.department,
        request_type=request_type,
        name=request_type.name,
        fields=[{**spec, "help": ""} for spec in request_type.fields],
    )
    assert not AuditEntry.objects.exists()


def test_request_type_save_refused_records_nothing(it_agent, request_type):
    with pytest.raises(NotAllowed):
        svc.request_type_save(
            actor=it_agent, department=request_type.department, request_type=request_type, name="X"
        )
    assert not AuditEntry.objects.exists()


def test_request_type_edit_page_unchanged_records_nothing(client, it_lead, request_type):
    client.force_login(it_lead)
    url = reverse(
        "requests_app:request_type_edit", kwargs={"department_slug": "it", "type_slug": "access"}
    )
    data = {
        "name": "Access request",
        "slug": "access",
        "description": request_type.description,
        "sla_hours": request_type.sla_hours,
        "position": 0,
        "is_active": "on",
        "fields-TOTAL_FORMS": 2,
        "fields-INITIAL_FORMS": 2,
        "fields-MIN_NUM_FORMS": 0,
        "fields-MAX_NUM_FORMS": 30,
        "fields-0-name": "start",
        "fields-0-label": "Start date",
        "fields-0-kind": "date",
        "fields-0-required": "on",
        "fields-0-ORDER": 1,
        "fields-1-name": "system",
        "fields-1-label": "System",
        "fields-1-kind": "choice",
        "fields-1-choices": "SAP\nVPN",
        "fields-1-ORDER": 2,
    }
    assert client.post(url, data).status_code == 302
    assert not AuditEntry.objects.exists()
    client.post(url, {**data, "sla_hours": 12})
    assert only_entry().changes == {"sla_hours": [24, 12]}


# Memberships --------------------------------------------------------------------------------


def test_membership_set_records_the_new_member(it_lead, department):
    person = factories.employee(first_name="Ola", last_name="Nordmann")
    membership = svc.membership_set(
        actor=it_lead, department=department, user=person, role=Membership.Role.AGENT
    )
    entry = only_entry()
    expected = (Kind.MEMBERSHIP_ADDED, it_lead, "requests_app.membership", membership.pk)
    assert identity(entry) == expected
    assert (entry.object_name, entry.department_id) == ("Ola Nordmann · IT", department.pk)
    assert entry.changes == {"role": [None, "agent"]}


def test_membership_set_records_a_role_change(it_lead, it_agent, department):
    svc.membership_set(actor=it_lead, department=department, user=it_agent, role="lead")
    entry = only_entry()
    assert (entry.kind, entry.changes) == (
        Kind.MEMBERSHIP_ROLE_CHANGED,
        {"role": ["agent", "lead"]},
    )


def test_membership_set_unchanged_records_nothing(it_lead, it_agent, department):
    svc.membership_set(actor=it_lead, department=department, user=it_agent, role="agent")
    assert not AuditEntry.objects.exists()


def test_membership_set_refused_for_the_last_lead_records_nothing(it_lead, department):
    with pytest.raises(TicketError):
        svc.membership_set(actor=it_lead, department=department, user=it_lead, role="agent")
    assert not AuditEntry.objects.exists()


def test_membership_remove_records_the_removal(it_lead, it_agent, department):
    membership = Membership.objects.get(user=it_agent)
    svc.membership_remove(actor=it_lead, department=department, user=it_agent)
    entry = only_entry()
    assert (entry.kind, entry.object_id, entry.changes) == (
        Kind.MEMBERSHIP_REMOVED,
        membership.pk,
        {"role": ["agent", None]},
    )
    svc.membership_remove(actor=it_lead, department=department, user=it_agent)
    assert AuditEntry.objects.count() == 1


def test_membership_remove_refused_for_the_last_lead_records_nothing(it_lead, department):
    with pytest.raises(TicketError):
        svc.membership_remove(actor=it_lead, department=department, user=it_lead)
    assert Membership.objects.filter(user=it_lead).exists()
    assert not AuditEntry.objects.exists()


def test_member_pages_record_add_change_and_remove(client, it_lead, department):
    client.force_login(it_lead)
    person = factories.employee()
    client.post(
        reverse("requests_app:member_list", kwargs={"department_slug": "it"}),
        {"user": person.pk, "role": "agent"},
    )
    change = reverse(
        "requests_app:member_change", kwargs={"department_slug": "it", "user_id": person.pk}
    )
    client.post(change, {"role": "lead"})
    client.post(change, {"action": "remove"})
    assert [e.kind for e in AuditEntry.objects.order_by("pk")] == [
        Kind.MEMBERSHIP_ADDED,
        Kind.MEMBERSHIP_ROLE_CHANGED,
        Kind.MEMBERSHIP_REMOVED,
    ]
    assert {e.actor for e in AuditEntry.objects.all()} == {it_lead}


def test_department_save_changes_nothing_when_its_row_cannot_be_written(admin, monkeypatch):
    # The row and the change share a transaction: no change without its row.
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEntry.objects, "create", broken)
    with pytest.raises(RuntimeError):
        svc.department_save(actor=admin, name="Legal", slug="legal", prefix="LEG")
    assert not Department.objects.filter(slug="legal").exists()
