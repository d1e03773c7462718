"""The Django admin is a window: a superuser can look at tickets and departments but not
change them around the services."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from requests_app.models import Membership, Ticket
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return client


def test_admin_shows_a_ticket_but_cannot_change_its_status(superuser_client, request_type):
    ticket = factories.make_ticket(request_type=request_type)
    url = reverse("admin:requests_app_ticket_change", args=[ticket.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert ticket.reference in page.content.decode()
    assert 'name="status"' not in page.content.decode()  # shown, not a field
    posted = superuser_client.post(url, {"status": Ticket.Status.CLOSED, "title": "Changed"})
    assert posted.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.title != "Changed"


def test_admin_cannot_delete_or_add_tickets(superuser_client, request_type):
    ticket = factories.make_ticket(request_type=request_type)
    delete = reverse("admin:requests_app_ticket_delete", args=[ticket.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert superuser_client.get(reverse("admin:requests_app_ticket_add")).status_code == 403


def test_admin_cannot_remove_a_departments_last_lead(superuser_client, department):
    lead = factories.lead(department)
    membership = Membership.objects.get(user=lead, department=department)
    url = reverse("admin:requests_app_department_change", args=[department.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    posted = superuser_client.post(
        url,
        {
            "name": department.name,
            "prefix": "ZZ",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-DELETE": "on",
        },
    )
    assert posted.status_code == 403
    assert Membership.objects.filter(pk=membership.pk, role=Membership.Role.LEAD).exists()
    department.refresh_from_db()
    assert department.prefix == "IT"
