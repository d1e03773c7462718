"""The audit log page: HR admins only, newest first, filters, a fixed number of queries."""

import html
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEntry
from requests_app.services import departments as department_services
from tests import factories

pytestmark = pytest.mark.django_db
Kind = AuditEntry.Kind
URL = reverse("console:audit_log")


@pytest.fixture
def admin():
    return factories.hr_admin(first_name="Hanne", last_name="Rask")


@pytest.fixture
def history(admin, department):
    """Three changes: IT's reopen window, a new HR department, a new IT member."""
    department_services.department_save(actor=admin, department=department, reopen_days=10)
    hr = department_services.department_save(actor=admin, name="HR", slug="hr", prefix="HR")
    department_services.membership_set(
        actor=admin,
        department=department,
        user=factories.employee(first_name="Ola", last_name="Nordmann"),
        role="agent",
    )
    return {"it": department, "hr": hr}


def kinds(response) -> list[str]:
    return [row.entry.kind for row in response.context["rows"]]


def test_entry_list_sends_the_signed_out_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("who", ["employee", "agent", "lead", "associate"])
def test_entry_list_is_forbidden_to_everyone_but_hr_admins(client, department, history, who):
    person = {
        "employee": factories.employee,
        "agent": lambda: factories.agent(department),
        "lead": lambda: factories.lead(department),
        "associate": factories.associate,
    }[who]()
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Nordmann" not in response.content.decode()


def test_entry_list_opens_for_hr_admins_and_superusers(client, admin):
    client.force_login(admin)
    assert client.get(URL).status_code == 200
    client.force_login(factories.employee(is_superuser=True))
    assert client.get(URL).status_code == 200


def test_entry_list_refuses_post(client, admin):
    client.force_login(admin)
    assert client.post(URL).status_code == 405


def test_entry_list_shows_newest_first_with_who_what_object_and_values(client, admin, history):
    client.force_login(admin)
    response = client.get(URL)
    assert kinds(response) == [
        Kind.MEMBERSHIP_ADDED,
        Kind.DEPARTMENT_CREATED,
        Kind.DEPARTMENT_CHANGED,
    ]
    changed = response.context["rows"][2]
    assert changed.object_type == "department"
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("reopen window (days)", ["7"], ["10"])
    ]
    added = response.context["rows"][0]
    assert [(c.label, c.old, c.new) for c in added.changes] == [("role", None, ["Agent"])]
    text = response.content.decode()
    assert "Member added" in text
    assert "Ola Nordmann · IT" in text
    assert "Hanne Rask" in text


def test_entry_list_filters_by_department_and_kind(client, admin, history):
    client.force_login(admin)
    it = history["it"].pk
    assert kinds(client.get(URL, {"department": it})) == [
        Kind.MEMBERSHIP_ADDED,
        Kind.DEPARTMENT_CHANGED,
    ]
    assert kinds(client.get(URL, {"kind": Kind.DEPARTMENT_CREATED})) == [Kind.DEPARTMENT_CREATED]
    assert kinds(client.get(URL, {"department": it, "kind": Kind.DEPARTMENT_CHANGED})) == [
        Kind.DEPARTMENT_CHANGED
    ]
    empty = client.get(URL, {"department": history["hr"].pk, "kind": Kind.MEMBERSHIP_ADDED})
    assert kinds(empty) == []
    assert "No changes match these filters." in empty.content.decode()


def test_entry_list_ignores_a_filter_it_does_not_know(client, admin, history):
    client.force_login(admin)
    response = client.get(URL, {"department": "abc", "kind": "dropped_tables"})
    assert response.status_code == 200
    assert len(kinds(response)) == 3


def test_entry_list_shows_times_in_the_site_time_zone(client, admin, history):
    AuditEntry.objects.update(created_at=datetime(2026, 7, 1, 10, 30, tzinfo=UTC))
    client.force_login(admin)
    text = client.get(URL).content.decode()
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert 'datetime="2026-07-01T12:30:00+02:00"' in text


def test_entry_list_keeps_the_name_of_an_actor_who_left(client, admin, history):
    admin.first_name, admin.is_active = "Renamed", False
    admin.save()
    client.force_login(factories.hr_admin())
    assert "Hanne Rask" in client.get(URL).content.decode()
    admin.delete()
    entry = AuditEntry.objects.first()
    assert (entry.actor, entry.actor_name) == (None, "Hanne Rask")
    assert "Hanne Rask" in client.get(URL).content.decode()


def test_entry_list_pages_keep_the_filters(client, admin, department):
    for days in range(1, 56):
        department_services.department_save(actor=admin, department=department, reopen_days=days)
    client.force_login(admin)
    first = client.get(URL, {"department": department.pk})
    assert len(first.context["rows"]) == 50
    assert f"?department={department.pk}&amp;page=2" in first.content.decode()
    second = client.get(URL, {"department": department.pk, "page": 2})
    assert len(second.context["rows"]) == 5


def test_entry_list_runs_a_fixed_number_of_queries(
    client, admin, department, django_assert_max_num_queries
):
    client.force_login(admin)
    for days in range(1, 4):
        department_services.department_save(actor=admin, department=department, reopen_days=days)
    # Session, user, profile, HR admin check, departments, count, rows; the menu: 3.
    with django_assert_max_num_queries(10) as few:
        assert client.get(URL).status_code == 200
    for days in range(4, 80):
        department_services.department_save(actor=admin, department=department, reopen_days=days)
        factories.DepartmentFactory()
    with django_assert_max_num_queries(len(few)):
        assert client.get(URL, {"kind": Kind.DEPARTMENT_CHANGED, "page": 2}).status_code == 200


def test_entry_list_speaks_the_readers_language(client, admin, history):
    admin.employee.language = "nb"
    admin.employee.save()
    client.force_login(admin)
    text = client.get(URL).content.decode()
    assert "Member added" not in text
    assert "Medlem lagt til" in text


def test_audit_log_is_linked_for_hr_admins_only(client, admin, department):
    client.force_login(admin)
    assert URL in client.get(reverse("requests_app:department_list")).content.decode()
    assert URL in client.get(reverse("requests_app:home")).content.decode()
    client.force_login(factories.lead(department))
    assert URL not in client.get(reverse("requests_app:home")).content.decode()


def test_entry_list_names_question_and_field_kinds(client, admin, request_type):
    factories.survey()
    department_services.request_type_save(
        actor=admin,
        department=request_type.department,
        request_type=request_type,
        fields=[{"name": "why", "label": "Why", "kind": "text"}],
    )
    client.force_login(admin)
    text = html.unescape(client.get(URL).content.decode())
    assert "How satisfied are you? (Satisfaction, 1 to 5, required, headline)" in text
    assert "What mattered most? (Choice, Speed / Kindness / Result)" in text
    assert "System (Choice, SAP / VPN)" in text
    assert "Why (Short text)" in text
