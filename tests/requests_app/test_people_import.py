"""Importing people from a CSV file: preview, apply once, errors by row and column."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from requests_app.models import Membership
from requests_app.services.people_import import (
    PeopleImportError,
    people_import_apply,
    people_import_plan,
)
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADER = "email,first_name,last_name,home_department,language,associate,roles\n"


@pytest.fixture
def admin(department):
    return factories.hr_admin(username="hanne", email="hanne@example.com")


@pytest.fixture
def finance():
    return factories.DepartmentFactory(name="Finance", slug="finance", prefix="FIN")


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def test_import_previews_then_applies_and_the_same_file_again_changes_nothing(
    admin, department, finance, it_lead
):
    data = csv(
        "kari@example.com,Kari,Nordmann,IT,nb,no,IT:agent",
        "per@example.com,Per,Hansen,Finance,es,yes,",
        f"{it_lead.email},{it_lead.first_name},{it_lead.last_name},Finance,en,no,"
        "IT:lead; Finance:lead",
    )
    plan = people_import_plan(data=data, deactivate_missing=False, actor=admin)
    assert plan.problems == []
    assert [p.email for p in plan.creates] == ["kari@example.com", "per@example.com"]
    [change] = plan.changes
    assert change.user == it_lead
    assert set(change.fields) == {"home_department", "roles"}
    assert not User.objects.filter(email="kari@example.com").exists()  # a preview writes nothing

    people_import_apply(data=data, deactivate_missing=False, actor=admin)
    kari = User.objects.get(email="kari@example.com")
    assert (kari.get_full_name(), kari.employee.language) == ("Kari Nordmann", "nb")
    assert kari.employee.home_department == department
    assert Membership.objects.get(user=kari).role == "agent"
    assert not kari.has_usable_password()
    per = User.objects.get(email="per@example.com")
    assert per.employee.is_associate and per.employee.home_department == finance
    assert set(Membership.objects.filter(user=it_lead).values_list("department__slug", "role")) == {
        ("it", "lead"),
        ("finance", "lead"),
    }
    assert AuditEntry.objects.filter(kind="person_created").count() == 2
    audit_rows = AuditEntry.objects.count()

    again = people_import_plan(data=data, deactivate_missing=False, actor=admin)
    assert again.is_empty and again.unchanged == 3
    people_import_apply(data=data, deactivate_missing=False, actor=admin)
    assert AuditEntry.objects.count() == audit_rows
    assert User.objects.filter(email="kari@example.com").count() == 1


def test_import_names_every_problem_by_row_and_column_and_applies_nothing(admin, department):
    data = csv(
        "not-an-address,A,B,Nowhere,en,no,",
        "ok@example.com,Ok,Person,Atlantis,en,no,",
        "ok@example.com,Ok,Again,IT,en,no,",
        "lang@example.com,L,L,IT,fr,maybe,IT:boss",
    )
    plan = people_import_plan(data=data, deactivate_missing=False, actor=admin)
    assert plan.problems == [
        "Row 2, column “email”: “not-an-address” is not an e-mail address.",
        "Row 2, column “home_department”: no department is called “Nowhere”.",
        "Row 3, column “home_department”: no department is called “Atlantis”.",
        "Row 4, column “email”: ok@example.com is also on row 3.",
        "Row 5, column “language”: use one of en, es, nb.",
        "Row 5, column “associate”: write yes or no.",
        "Row 5, column “roles”: “IT:boss” is not “Department:agent”, “Department:lead” "
        "or “hr_admin”.",
    ]
    users_before = User.objects.count()
    with pytest.raises(PeopleImportError):
        people_import_apply(data=data, deactivate_missing=False, actor=admin)
    assert User.objects.count() == users_before


def test_import_refuses_unreadable_files_clearly(admin):
    with pytest.raises(PeopleImportError, match="not UTF-8"):
        people_import_plan(
            data="email\nåse@example.com\n".encode("utf-16"), deactivate_missing=False, actor=admin
        )
    with pytest.raises(PeopleImportError, match="no “email” column"):
        people_import_plan(
            data=b"name,department\nKari,IT\n", deactivate_missing=False, actor=admin
        )


def test_import_reads_excel_files_with_a_byte_order_mark_and_semicolons(admin, department):
    data = "\ufeffemail;first_name;last_name;home_department\nase@example.com;Åse;Ødegård;IT\n"
    plan = people_import_plan(data=data.encode("utf-8"), deactivate_missing=False, actor=admin)
    assert plan.problems == []
    [person] = plan.creates
    assert (person.email, person.first_name, person.last_name) == (
        "ase@example.com",
        "Åse",
        "Ødegård",
    )


def test_import_deactivates_missing_people_when_asked_and_brings_back_returners(
    admin, department, it_lead
):
    stays = factories.employee(email="stays@example.com")
    leaves = factories.employee(email="leaves@example.com")
    returner = factories.employee(email="back@example.com")
    returner.is_active = False
    returner.save()
    rows = [
        f"{u.email},{u.first_name},{u.last_name},{u.employee.home_department.name},en,no"
        for u in (stays, returner, it_lead)
    ]
    data = csv(*rows, header="email,first_name,last_name,home_department,language,associate\n")
    kept = people_import_plan(data=data, deactivate_missing=False, actor=admin)
    assert kept.deactivations == []
    plan = people_import_plan(data=data, deactivate_missing=True, actor=admin)
    assert plan.reactivations == [returner]
    assert leaves in plan.deactivations and admin not in plan.deactivations
    people_import_apply(data=data, deactivate_missing=True, actor=admin)
    leaves.refresh_from_db()
    returner.refresh_from_db()
    admin.refresh_from_db()
    assert (leaves.is_active, returner.is_active, admin.is_active) == (False, True, True)


def test_import_keeps_a_lead_in_every_department(admin, department, it_lead):
    data = csv(f"{it_lead.email},,,IT,en,no,IT:agent")
    plan = people_import_plan(data=data, deactivate_missing=False, actor=admin)
    assert plan.problems == ["IT would be left without a lead: keep or name one in the file."]


def test_import_page_previews_applies_and_refuses_a_changed_preview(admin, department, requester):
    client = Client()
    client.force_login(admin)
    url = reverse("requests_app:people_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("people.csv", csv("new@example.com,New,Person,IT,en,no,"))
    preview = client.post(url, {"action": "preview", "file": upload})
    page = preview.content.decode()
    assert "Preview: nothing is changed until you apply it" in page
    assert "new@example.com" in page
    assert not User.objects.filter(email="new@example.com").exists()
    payload = preview.context["payload"]
    tampered = client.post(url, {"action": "apply", "payload": payload[:-2] + "xx"}, follow=True)
    assert "upload the file again" in tampered.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    applied = client.post(url, {"action": "apply", "payload": payload}, follow=True)
    assert "Imported: 1 added" in applied.content.decode()
    assert User.objects.filter(email="new@example.com").exists()
    broken = client.post(
        url, {"action": "preview", "file": SimpleUploadedFile("p.csv", b"name\nx\n")}
    )
    assert "no “email” column" in broken.content.decode()
    other = Client()
    other.force_login(requester)
    assert other.get(url).status_code == 404
