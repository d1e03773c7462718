"""audit_record itself: the row it writes, and when it writes none."""

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record, changes_between
from requests_app.services.departments import department_save
from tests import factories
from tests.audit.records import only_entry

pytestmark = pytest.mark.django_db
Kind = AuditEntry.Kind


def test_audit_record_writes_nothing_without_changes(department):
    with transaction.atomic():
        entry = audit_record(
            actor=None, kind=Kind.DEPARTMENT_CHANGED, target=department, changes={}
        )
    assert entry is None
    assert not AuditEntry.objects.exists()


def test_audit_record_without_an_actor_is_the_systems(client, department):
    with transaction.atomic():
        audit_record(
            actor=None,
            kind=Kind.DEPARTMENT_CHANGED,
            target=department,
            changes={"reopen_days": [7, 3]},
        )
    entry = only_entry()
    assert (entry.actor, entry.actor_name, entry.department_id) == (None, "", None)
    client.force_login(factories.hr_admin())
    assert "<em>System</em>" in client.get(reverse("console:audit_log")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_the_change_transaction(department):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(
            actor=None,
            kind=Kind.DEPARTMENT_CHANGED,
            target=department,
            changes={"reopen_days": [7, 3]},
        )
    assert not AuditEntry.objects.exists()


def test_changes_between_keeps_only_what_differs():
    assert changes_between({"a": 1, "b": "x"}, {"a": 1, "b": "y"}) == {"b": ["x", "y"]}
    assert changes_between({"a": 1}, {"a": 1}) == {}
    # A new object: what it was given, leaving out the empty values.
    assert changes_between(None, {"a": 1, "b": "", "c": [], "d": False}) == {
        "a": [None, 1],
        "d": [None, False],
    }


def test_admin_shows_audit_rows_but_cannot_change_or_delete_them(client, department):
    admin = factories.hr_admin()
    department_save(actor=admin, department=department, reopen_days=3)
    entry = only_entry()
    client.force_login(factories.employee(is_superuser=True, is_staff=True))
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"kind": Kind.SURVEY_CREATED}).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert only_entry().kind == Kind.DEPARTMENT_CHANGED
