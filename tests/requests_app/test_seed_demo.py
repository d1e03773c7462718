"""manage.py seed_demo: a believable demo company, built once and never twice.

Seeding takes several seconds, so one test seeds and checks everything about
the result, then runs the command again to check it changes nothing.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from requests_app import demo_data
from requests_app.models import (
    Attachment,
    Department,
    Employee,
    Membership,
    RequestType,
    Ticket,
    TicketEvent,
)
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
Status = Ticket.Status
REFERENCE = re.compile(r"^(?P<prefix>[A-Z]{2,3})-\d{6}$")


def seed(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row_counts() -> dict[str, int]:
    models = (
        User,
        Group,
        Department,
        RequestType,
        Membership,
        Employee,
        Ticket,
        TicketEvent,
        Attachment,
    )
    return {model.__name__: model.objects.count() for model in models}


def check_departments_and_types():
    departments = {d.prefix: d for d in Department.objects.all()}
    assert set(departments) == {"HR", "IT", "FIN", "FAC", "LEG", "COM"}
    assert {p: d.reopen_days for p, d in departments.items()} == {
        "HR": 7,
        "IT": 7,
        "FIN": 7,
        "FAC": 7,
        "LEG": 14,
        "COM": 7,
    }
    for department in departments.values():
        assert department.description
        types = list(department.request_types.filter(is_active=True))
        assert 3 <= len(types) <= 5, department
        for request_type in types:
            assert request_type.description
            assert 4 <= request_type.sla_hours <= 240
            assert request_type.fields
            names = [spec["name"] for spec in request_type.fields]
            assert len(names) == len(set(names))
            for spec in request_type.fields:
                assert spec["kind"] in RequestType.FieldKind.values
                assert spec["label"]
                if spec["kind"] == RequestType.FieldKind.CHOICE:
                    assert len(spec["choices"]) >= 2


def check_people():
    users = User.objects.select_related("employee")
    assert users.count() >= 40
    for user in users:
        assert user.first_name and user.last_name, user.username
        assert user.email == f"{user.username}@icsat.example"
        assert user.employee is not None
    for _role, username in demo_data.DEMO_LOGINS:
        assert users.filter(username=username).exists(), username
    assert User.objects.get(username="employee").check_password(demo_data.DEMO_PASSWORD)
    assert User.objects.values("password").distinct().count() == 1

    hr_admins = Group.objects.get(name=settings.ICSAT_HR_ADMIN_GROUP)
    assert hr_admins.user_set.filter(username="hradmin").exists()
    assert User.objects.filter(is_superuser=True, username="admin").exists()
    associates = Employee.objects.filter(is_associate=True)
    assert sorted(associates.values_list("user__username", flat=True)) == [
        "associate",
        "associate2",
    ]
    for department in Department.objects.all():
        roles = set(department.memberships.values_list("role", flat=True))
        assert roles == {Membership.Role.LEAD, Membership.Role.AGENT}, department
    assert Membership.objects.get(user__username="lead").role == Membership.Role.LEAD
    assert Membership.objects.get(user__username="agent").department.prefix == "IT"
    assert not Membership.objects.filter(user__username="employee").exists()
    assert Employee.objects.get(user__username="employee").home_department.prefix == "COM"
    assert set(Employee.objects.values_list("language", flat=True)) == {"en", "nb", "es"}


def check_tickets():
    now = timezone.now()
    tickets = Ticket.objects.all()
    assert tickets.count() >= 600
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    span = tickets.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] > timedelta(days=150)
    assert span["last"] <= now
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    # Every request type gets some work, IT the most.
    assert not RequestType.objects.annotate(n=Count("tickets")).filter(n=0).exists()
    per_department = dict(
        tickets.filter(kind=Ticket.Kind.REQUEST)
        .values_list("department__prefix")
        .annotate(n=Count("pk"))
    )
    assert max(per_department, key=per_department.get) == "IT"

    # References: well formed, their department's prefix, counting up with time.
    references = {}
    for reference, kind, prefix in tickets.order_by("created_at").values_list(
        "reference", "kind", "department__prefix"
    ):
        match = REFERENCE.match(reference)
        assert match, reference
        assert match["prefix"] == ("FH" if kind == Ticket.Kind.HANDOFF else prefix)
        references.setdefault(match["prefix"], []).append(reference)
    for in_order in references.values():
        assert in_order == sorted(in_order)

    # Requests come from other departments (associates have none).
    requests = tickets.filter(kind=Ticket.Kind.REQUEST)
    assert not requests.filter(customer_department=F("department")).exists()
    assert requests.filter(customer_department__isnull=True).exists()
    assert not requests.filter(
        customer_department__isnull=True, requester__employee__is_associate=False
    ).exists()

    # Forms answered as the form would: required fields present, choices valid.
    for ticket in requests.select_related("request_type"):
        for spec in ticket.request_type.fields:
            value = ticket.data.get(spec["name"])
            if spec["required"]:
                assert value not in (None, ""), (ticket.reference, spec["name"])
            if value is None:
                continue
            if spec["kind"] == RequestType.FieldKind.CHOICE:
                assert value in spec["choices"], (ticket.reference, value)
            elif spec["kind"] == RequestType.FieldKind.FILE:
                assert ticket.attachments.filter(pk=value["attachment_id"]).exists()
            elif spec["kind"] == RequestType.FieldKind.YES_NO:
                assert isinstance(value, bool)

    # Timestamps that agree with the status.
    assert not tickets.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not tickets.filter(status=Status.RESOLVED, resolved_at__isnull=True).exists()
    assert not tickets.filter(first_response_at__lt=F("created_at")).exists()
    assert not tickets.filter(resolved_at__lt=F("created_at")).exists()
    assert not requests.filter(due_at__isnull=True).exists()
    overdue = tickets.filter(status__in=Ticket.ACTIVE_STATUSES, due_at__lt=now)
    assert overdue.exists()

    # The story is rich: handoffs, notes, reopenings, cancellations, files.
    assert 15 <= tickets.filter(kind=Ticket.Kind.HANDOFF).count() <= 30
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.NOTE, is_internal=True).exists()
    assert tickets.filter(reopen_count__gt=0).exists()
    assert TicketEvent.objects.filter(
        kind=TicketEvent.Kind.REPLY, actor=F("ticket__requester")
    ).exists()
    assert Attachment.objects.filter(
        Q(event__kind=TicketEvent.Kind.REPLY) | Q(event__kind=TicketEvent.Kind.CREATED)
    ).exists()
    assert {"application/pdf", "image/png", "text/csv"} <= set(
        Attachment.objects.values_list("content_type", flat=True)
    )


def test_seed_demo_builds_a_believable_company_once(monkeypatch):
    sent = []
    monkeypatch.setattr(EmailMessage, "send", lambda message, *a, **kw: sent.append(message))

    output, _errors = seed()

    assert "Demo data created" in output
    assert "--print-logins" in output
    assert demo_data.DEMO_PASSWORD not in output
    check_departments_and_types()
    check_people()
    check_tickets()
    assert sent == []

    before = row_counts()
    for args in [(), ("--if-empty",)]:
        output, _errors = seed(*args)
        assert output.strip() == "demo data already present"
        assert row_counts() == before


def test_seed_demo_refuses_a_database_with_other_data():
    factories.DepartmentFactory(name="IT", slug="it", prefix="IT")
    before = row_counts()

    with pytest.raises(CommandError, match="only fills an empty database"):
        seed()

    assert row_counts() == before


def test_seed_demo_if_empty_skips_a_database_with_other_data_quietly():
    factories.employee(username="admin")
    before = row_counts()

    output, _errors = seed("--if-empty")

    assert "No demo data added: the database already has the users admin" in output
    assert row_counts() == before


@pytest.mark.parametrize("debug", [True, False])
def test_print_logins_shows_the_password_only_with_debug(settings, debug):
    settings.DEBUG = debug
    out = StringIO()

    call_command("seed_demo", "--print-logins", stdout=out)

    for _role, username in demo_data.DEMO_LOGINS:
        assert username in out.getvalue()
    assert (demo_data.DEMO_PASSWORD in out.getvalue()) is debug
    assert not Ticket.objects.exists()
