"""People: HR admins change home departments and roles, deactivate leavers and bring them back."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from requests_app.exceptions import NotAllowed
from requests_app.models import Membership, Ticket, TicketEvent
from requests_app.services import people as svc
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return factories.hr_admin(username="hanne", first_name="Hanne", last_name="Hansen")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_person_deactivate_signs_the_person_out_everywhere(admin, it_agent):
    phone, laptop = signed_in(it_agent), signed_in(it_agent)
    assert phone.get(reverse("requests_app:home")).status_code == 200
    bystander = signed_in(factories.employee())
    report = svc.person_deactivate(user_id=it_agent.pk, actor=admin)
    assert report.deactivated and report.sessions_ended == 2
    for client in (phone, laptop):
        response = client.get(reverse("requests_app:home"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert bystander.get(reverse("requests_app:home")).status_code == 200
    assert Session.objects.count() == 1


def test_person_deactivate_hands_open_requests_to_the_lead_and_keeps_history(
    admin, request_type, it_agent, it_lead, django_capture_on_commit_callbacks
):
    mine = factories.make_ticket(request_type=request_type)
    ticket_svc.ticket_claim(ticket_id=mine.pk, actor=it_agent)
    ticket_svc.ticket_reply(ticket_id=mine.pk, actor=it_agent, body="Looking into it")
    done = factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    events_before = TicketEvent.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = svc.person_deactivate(user_id=it_agent.pk, actor=admin)

    assert report.requests_reassigned == 1
    mine.refresh_from_db()
    assert mine.assignee == it_lead
    event = mine.events.latest("pk")
    assert event.kind == TicketEvent.Kind.ASSIGNED
    assert event.text == (
        f"{it_agent.get_full_name()} has left; the request goes to {it_lead.get_full_name()}."
    )
    # The lead is told by e-mail; the leaver gets nothing more.
    assert [m.to for m in mail.outbox] == [[it_lead.email]]
    # History stays, with the leaver's name on it.
    assert TicketEvent.objects.count() == events_before + 1
    reply = mine.events.get(kind=TicketEvent.Kind.REPLY)
    assert reply.actor == it_agent and reply.actor.get_full_name()
    done.refresh_from_db()
    assert done.status == Ticket.Status.RESOLVED


def test_person_deactivate_names_departments_left_without_a_lead(admin, it_lead, department):
    report = svc.person_deactivate(user_id=it_lead.pk, actor=admin)
    assert report.sole_lead_of == ("IT",)
    factories.lead(department)
    other = factories.lead(department)
    assert svc.person_deactivate(user_id=other.pk, actor=admin).sole_lead_of == ()


def test_person_deactivate_sends_open_requests_back_to_the_queue_without_a_lead(
    admin, request_type, it_agent
):
    ticket = factories.make_ticket(request_type=request_type)
    ticket_svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    svc.person_deactivate(user_id=it_agent.pk, actor=admin)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert "the department's queue" in ticket.events.latest("pk").text


def test_person_deactivate_cancels_handoffs_waiting_for_them_and_tells_the_sender(
    admin, django_capture_on_commit_callbacks
):
    sender, colleague = factories.employee(), factories.employee()
    handoff = ticket_svc.handoff_create(
        requester=sender, colleague=colleague, title="Slides", message="For Thursday"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = svc.person_deactivate(user_id=colleague.pk, actor=admin)
    assert report.handoffs_cancelled == 1
    handoff.refresh_from_db()
    assert handoff.status == Ticket.Status.CANCELLED
    [message] = mail.outbox
    assert message.to == [sender.email]
    assert "has left, so this handoff was cancelled" in message.body


def test_person_deactivate_withdraws_open_surveys_and_asks_no_more(admin, request_type, it_agent):
    factories.survey(delay_minutes=0)
    requester = factories.employee()
    asked = factories.make_ticket(
        requester=requester, request_type=request_type, status=Ticket.Status.RESOLVED
    )
    invitation = Invitation.objects.get(ticket=asked)
    later = factories.make_ticket(requester=requester, request_type=request_type)

    svc.person_deactivate(user_id=requester.pk, actor=admin)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    ticket_svc.ticket_resolve(ticket_id=later.pk, actor=it_agent, note="Done")
    assert not Invitation.objects.filter(ticket=later).exists()
    why = later.events.filter(kind=TicketEvent.Kind.SURVEY).latest("pk")
    assert why.data["reason"] == "left"
    assert why.text == "no survey: the requester has left"


def test_person_deactivate_is_audited_and_safe_to_run_twice(admin, it_agent):
    assert svc.person_deactivate(user_id=it_agent.pk, actor=admin).deactivated
    assert not svc.person_deactivate(user_id=it_agent.pk, actor=admin).deactivated
    (entry,) = AuditEntry.objects.filter(kind="person_deactivated")
    assert (entry.actor, entry.object_id, entry.changes) == (
        admin,
        it_agent.pk,
        {"is_active": [True, False]},
    )


def test_person_deactivate_refuses_yourself(admin):
    with pytest.raises(NotAllowed):
        svc.person_deactivate(user_id=admin.pk, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_person_reactivate_gives_back_the_same_account(admin, it_agent):
    svc.person_deactivate(user_id=it_agent.pk, actor=admin)
    assert svc.person_reactivate(user_id=it_agent.pk, actor=admin) is True
    assert svc.person_reactivate(user_id=it_agent.pk, actor=admin) is False
    it_agent.refresh_from_db()
    assert it_agent.is_active
    assert Membership.objects.filter(user=it_agent).exists()  # roles kept while away
    assert AuditEntry.objects.filter(kind="person_reactivated", object_id=it_agent.pk).count() == 1


def test_person_update_changes_home_department_and_hr_role_with_audit(admin, department):
    person = factories.employee()
    old_home = person.employee.home_department.name
    assert svc.person_update(
        user_id=person.pk, actor=admin, home_department=department, hr_admin=True
    )
    person.refresh_from_db()
    assert person.employee.home_department == department
    assert person.groups.filter(name="HR admins").exists()
    (entry,) = AuditEntry.objects.filter(kind="person_changed")
    assert entry.changes == {"home_department": [old_home, "IT"], "hr_admin": [False, True]}
    # Saving the same again changes nothing and writes nothing.
    assert not svc.person_update(
        user_id=person.pk, actor=admin, home_department=department, hr_admin=True
    )
    assert AuditEntry.objects.filter(kind="person_changed").count() == 1


def test_person_update_keeps_the_last_hr_admin(admin):
    with pytest.raises(NotAllowed):
        svc.person_update(user_id=admin.pk, actor=admin, home_department=None, hr_admin=False)
    assert admin.groups.filter(name="HR admins").exists()
    assert not AuditEntry.objects.exists()


# --- the page --------------------------------------------------------------------------------


def test_people_pages_are_for_hr_admins_only(admin, it_lead, requester):
    person_url = reverse("requests_app:person_detail", kwargs={"user_id": requester.pk})
    for url in (reverse("requests_app:people_list"), person_url):
        assert Client().get(url).status_code == 302
        for user in (requester, it_lead):
            assert signed_in(user).get(url).status_code == 404
        assert signed_in(admin).get(url).status_code == 200
    deactivate = reverse("requests_app:person_deactivate", kwargs={"user_id": requester.pk})
    assert signed_in(it_lead).post(deactivate).status_code == 404
    requester.refresh_from_db()
    assert requester.is_active


def test_people_list_searches_and_filters(admin, department, it_agent, it_lead):
    kari = factories.employee(first_name="Kari", last_name="Nordmann", home_department=department)
    gone = factories.employee(first_name="Gunnar", last_name="Gone")
    svc.person_deactivate(user_id=gone.pk, actor=admin)
    client = signed_in(admin)
    url = reverse("requests_app:people_list")

    def names(**params) -> set[str]:
        page = client.get(url, params).context["page"]
        return {p.get_full_name() for p in page}

    assert names(q="nordm") == {"Kari Nordmann"}
    assert names(department=department.pk) == {
        kari.get_full_name(),
        it_agent.get_full_name(),
        it_lead.get_full_name(),
    }
    assert names(role="lead") == {it_lead.get_full_name()}
    assert names(role="hr_admin") == {admin.get_full_name()}
    assert names(status="left") == {"Gunnar Gone"}
    assert "Gunnar Gone" not in names()
    assert names(role="nonsense") == names()  # an unknown filter is no filter, not an error


def test_people_list_runs_a_fixed_number_of_queries(
    admin, department, django_assert_max_num_queries
):
    client = signed_in(admin)
    url = reverse("requests_app:people_list")
    for _ in range(20):
        factories.agent(department)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_person_page_changes_roles_home_department_and_status(admin, department, requester):
    client = signed_in(admin)
    detail = reverse("requests_app:person_detail", kwargs={"user_id": requester.pk})
    role = reverse("requests_app:person_role", kwargs={"user_id": requester.pk})
    assert client.post(detail, {"home_department": department.pk}).status_code == 302
    requester.refresh_from_db()
    assert requester.employee.home_department == department
    client.post(role, {"department": department.pk, "role": "lead"})
    assert Membership.objects.get(user=requester, department=department).role == "lead"
    refused = client.post(role, {"department": department.pk, "role": "none"}, follow=True)
    assert Membership.objects.filter(user=requester).exists()  # IT's only lead stays
    assert "lead" in refused.content.decode().lower()
    factories.lead(department)
    client.post(role, {"department": department.pk, "role": "none"})
    assert not Membership.objects.filter(user=requester).exists()
    bad = client.post(role, {"department": "999", "role": "boss"}, follow=True)
    assert "Choose a department and a role." in bad.content.decode()
    factories.lead(department)
    client.post(role, {"department": department.pk, "role": "lead"})
    left = client.post(
        reverse("requests_app:person_deactivate", kwargs={"user_id": requester.pk}), follow=True
    ).content.decode()
    assert "is deactivated: signed out everywhere" in left
    assert "was the only lead" not in left  # IT keeps another lead
    requester.refresh_from_db()
    assert not requester.is_active
    page = client.get(detail).content.decode()
    assert "Reactivate" in page
    client.post(reverse("requests_app:person_reactivate", kwargs={"user_id": requester.pk}))
    requester.refresh_from_db()
    assert requester.is_active
    assert client.get(reverse("requests_app:person_role", kwargs={"user_id": 1})).status_code == 405


def test_person_create_refuses_a_second_account_for_the_same_address(admin, department):
    created = svc.person_create(
        actor=admin,
        email="Siri.Dahl@example.com",
        first_name="Siri",
        last_name="Dahl",
        home_department=department,
        language="nb",
        source="scim",
    )
    assert created.username == "Siri.Dahl@example.com" and not created.has_usable_password()
    assert created.employee.home_department == department and created.employee.language == "nb"
    entry = AuditEntry.objects.get(kind="person_created", object_id=created.pk)
    assert entry.changes["source"] == [None, "scim"]
    assert svc.person_find(email="siri.dahl@EXAMPLE.com") == created
    with pytest.raises(NotAllowed):
        svc.person_create(actor=admin, email="siri.dahl@example.com", source="sso")


def test_signing_in_remembers_the_session_and_forgets_ended_ones(it_agent):
    from requests_app.models import SignedInSession

    first = signed_in(it_agent)
    first.post(reverse("logout"))
    second = signed_in(it_agent)
    keys = set(SignedInSession.objects.filter(user=it_agent).values_list("session_key", flat=True))
    assert keys == {second.session.session_key}
