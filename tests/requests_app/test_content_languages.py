"""Departments, request types and their form fields in the reader's language; the system's
own timeline words written when read, in the reader's language."""

import uuid

import pytest
from django.urls import reverse

from requests_app.forms import FieldSpecForm
from requests_app.models import Ticket
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = [
    {
        "name": "system",
        "label": "System",
        "label_es": "Sistema",
        "label_nb": "System",
        "kind": "choice",
        "required": True,
        "choices": ["Laptop", "Phone"],
        "choices_es": ["Portátil", "Teléfono"],
        "help": "Which one is broken?",
        "help_es": "¿Cuál está roto?",
    }
]


def _speaking(language: str, **kwargs):
    person = factories.employee(**kwargs)
    person.employee.language = language
    person.employee.save(update_fields=["language"])
    return person


@pytest.fixture
def repair():
    department = factories.DepartmentFactory(
        name="Facilities", name_es="Instalaciones", name_nb="Drift", slug="fac", prefix="FAC"
    )
    return factories.RequestTypeFactory(
        department=department,
        name="Repair",
        name_es="Reparación",
        slug="repair",
        fields=FIELDS,
    )


def test_a_spanish_requester_files_in_spanish_and_the_answer_is_stored_in_english(client, repair):
    requester = _speaking("es")
    client.force_login(requester)
    url = reverse(
        "requests_app:new_request_form",
        kwargs={"department_slug": "fac", "type_slug": "repair"},
    )
    page = client.get(url).content.decode()
    assert '<h1 class="h3">Reparación</h1>' in page
    assert ">Instalaciones</a>" in page
    assert "Sistema" in page and "¿Cuál está roto?" in page
    assert '<option value="Laptop">Portátil</option>' in page

    response = client.post(
        url,
        {
            "title": "Pantalla rota",
            "priority": "normal",
            "field_system": "Laptop",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.data == {"system": "Laptop"}

    # A Norwegian agent reads the department in Norwegian; the options have no Norwegian,
    # so they read English; the requester reads Spanish.
    agent = factories.agent(repair.department)
    agent.employee.language = "nb"
    agent.employee.save(update_fields=["language"])
    client.force_login(agent)
    detail = reverse("requests_app:ticket_detail", args=[ticket.reference])
    norwegian = client.get(detail).content.decode()
    assert "Drift" in norwegian and "Laptop" in norwegian and "Portátil" not in norwegian
    client.force_login(requester)
    spanish = client.get(detail).content.decode()
    assert "Portátil" in spanish and "Sistema" in spanish


def test_option_translations_must_match_the_english_options():
    base = {"name": "system", "label": "System", "kind": "choice", "choices": "Laptop\nPhone"}
    assert not FieldSpecForm(data={**base, "choices_es": "Portátil"}).is_valid()
    form = FieldSpecForm(data={**base, "choices_es": "Portátil\nTeléfono", "choices_nb": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["choices_es"] == ["Portátil", "Teléfono"]
    assert form.cleaned_data["choices_nb"] == []


def test_the_systems_timeline_words_are_written_in_each_readers_language(client, repair):
    factories.survey(departments=[repair.department], delay_minutes=60)
    requester = _speaking("es")
    agent = factories.agent(repair.department)
    ticket = factories.make_ticket(requester=requester, request_type=repair)
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
    assert Invitation.objects.filter(ticket=ticket).exists()
    detail = reverse("requests_app:ticket_detail", args=[ticket.reference])

    client.force_login(agent)
    english = client.get(detail).content.decode()
    assert "Satisfaction survey “After resolve” will be sent on" in english
    agent.employee.language = "nb"
    agent.employee.save(update_fields=["language"])
    norwegian = client.get(detail).content.decode()
    assert "will be sent on" not in norwegian
    assert "Tilfredshetsundersøkelsen “After resolve” sendes" in norwegian
