import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from requests_app.models import Attachment, Membership, RequestType, Ticket, TicketEvent
from requests_app.services import tickets as svc
from tests import factories

pytestmark = pytest.mark.django_db


def form_url(request_type):
    return reverse(
        "requests_app:new_request_form",
        kwargs={"department_slug": request_type.department.slug, "type_slug": request_type.slug},
    )


def detail_url(ticket):
    return reverse("requests_app:ticket_detail", kwargs={"reference": ticket.reference})


def page_text(response) -> str:
    return response.content.decode()


def test_new_request_lists_only_departments_taking_requests(client, requester, request_type):
    closed = factories.DepartmentFactory(name="Archive", is_active=False)
    factories.RequestTypeFactory(department=closed)
    empty = factories.DepartmentFactory(name="Nothing offered")
    client.force_login(requester)
    text = page_text(client.get(reverse("requests_app:new_request")))
    assert "IT" in text
    assert "Archive" not in text
    assert empty.name not in text


def test_choose_type_shows_descriptions_and_hides_inactive(client, requester, request_type):
    factories.RequestTypeFactory(
        department=request_type.department, name="Old form", is_active=False
    )
    client.force_login(requester)
    response = client.get(
        reverse("requests_app:new_request_department", kwargs={"department_slug": "it"})
    )
    text = page_text(response)
    assert "Access request" in text and request_type.description in text
    assert "Old form" not in text


@pytest.mark.parametrize(
    "url",
    [
        "/requests/new/no-such-dept/",
        "/requests/new/it/no-such-type/",
        "/t/IT-424242/",
        "/files/999999/",
        "/queue/no-such-dept/",
        "/manage/no-such-dept/types/",
    ],
)
def test_unknown_things_are_404(client, requester, request_type, url):
    client.force_login(requester)
    assert client.get(url).status_code == 404


def test_request_form_renders_custom_fields(client, requester, request_type):
    client.force_login(requester)
    text = page_text(client.get(form_url(request_type)))
    assert 'name="field_start"' in text and 'type="date"' in text
    assert '<option value="SAP">SAP</option>' in text


def test_request_form_invalid_keeps_values_and_shows_field_errors(client, requester, request_type):
    client.force_login(requester)
    response = client.post(
        form_url(request_type),
        {
            "title": "Need VPN access",
            "description": "For the Oslo office",
            "priority": "normal",
            "field_start": "",
            "field_system": "VPN",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert 'value="Need VPN access"' in text
    assert "For the Oslo office" in text
    assert '<option value="VPN" selected>' in text
    assert "This field is required." in text


def test_request_form_choice_not_offered_is_refused(client, requester, request_type):
    client.force_login(requester)
    response = client.post(
        form_url(request_type),
        {
            "title": "x",
            "priority": "normal",
            "field_start": "2026-12-01",
            "field_system": "Evil",
        },
    )
    assert "Select a valid choice" in page_text(response)
    assert Ticket.objects.count() == 0


def test_request_form_creates_ticket_with_answers(client, requester, request_type):
    client.force_login(requester)
    response = client.post(
        form_url(request_type),
        {
            "title": "VPN",
            "priority": "high",
            "field_start": "2026-12-01",
            "field_system": "VPN",
            "submission_key": str(uuid.uuid4()),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(ticket)
    assert ticket.data == {"start": "2026-12-01", "system": "VPN"}
    assert ticket.priority == "high"
    detail = page_text(client.get(detail_url(ticket)))
    assert "Start date" in detail and "2026-12-01" in detail


def test_request_form_double_submit_creates_one_ticket(client, requester, request_type):
    client.force_login(requester)
    data = {
        "title": "VPN",
        "priority": "normal",
        "field_start": "2026-12-01",
        "submission_key": str(uuid.uuid4()),
    }
    first = client.post(form_url(request_type), data)
    second = client.post(form_url(request_type), data)
    assert Ticket.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_request_form_rejected_file_keeps_the_rest(client, requester, request_type):
    client.force_login(requester)
    evil = factories.upload("invoice.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        form_url(request_type),
        {
            "title": "Keep me",
            "priority": "normal",
            "field_start": "2026-12-01",
            "files": [evil],
        },
    )
    text = page_text(response)
    assert Ticket.objects.count() == 0
    assert "invoice.pdf" in text and "not an allowed kind of file" in text
    assert 'value="Keep me"' in text and 'value="2026-12-01"' in text


def test_request_form_oversize_file_gets_a_message(client, settings, requester, request_type):
    settings.ICSAT_MAX_UPLOAD_MB = 1
    client.force_login(requester)
    big = factories.upload("big.pdf", factories.PDF_BYTES + b"0" * (1024 * 1024))
    response = client.post(
        form_url(request_type),
        {
            "title": "Big",
            "priority": "normal",
            "field_start": "2026-12-01",
            "files": [big],
        },
    )
    assert "larger than 1 MB" in page_text(response)
    assert Ticket.objects.count() == 0


def test_request_form_required_file_field_is_stored_and_linked(client, requester, department):
    request_type = factories.RequestTypeFactory(
        department=department,
        slug="expense",
        fields=[
            {"name": "receipt", "label": "Receipt", "kind": "file", "required": True},
            {"name": "amount", "label": "Amount", "kind": "number", "required": True},
            {"name": "approved", "label": "Approved", "kind": "yes_no", "required": True},
        ],
    )
    client.force_login(requester)
    missing = client.post(
        form_url(request_type),
        {"title": "Taxi", "priority": "normal", "field_amount": "12.50", "field_approved": "yes"},
    )
    assert "This field is required." in page_text(missing)
    client.post(
        form_url(request_type),
        {
            "title": "Taxi",
            "priority": "normal",
            "field_amount": "12.50",
            "field_approved": "no",
            "field_receipt": factories.upload("receipt.png", factories.PNG_BYTES, "image/png"),
        },
    )
    ticket = Ticket.objects.get()
    attachment = Attachment.objects.get(ticket=ticket)
    assert ticket.data["receipt"] == {"attachment_id": attachment.pk, "name": "receipt.png"}
    assert ticket.data["amount"] == "12.50" and ticket.data["approved"] is False
    detail = page_text(client.get(detail_url(ticket)))
    assert reverse("requests_app:attachment_download", args=[attachment.pk]) in detail


def test_state_changes_refuse_get(client, requester, request_type):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client.force_login(requester)
    for name in ("ticket_reply", "ticket_cancel", "ticket_resolve", "ticket_claim"):
        url = reverse(f"requests_app:{name}", kwargs={"reference": ticket.reference})
        assert client.get(url).status_code == 405


def test_state_changes_need_csrf_token(requester, request_type):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:ticket_cancel", kwargs={"reference": ticket.reference})
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_stale_status_form_shows_message_not_500(client, requester, request_type, it_agent):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    stale_version = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=factories.agent(request_type.department))
    client.force_login(it_agent)
    response = client.post(
        reverse("requests_app:ticket_status", kwargs={"reference": ticket.reference}),
        {"status": "waiting", "version": stale_version},
        follow=True,
    )
    assert response.status_code == 200
    assert "changed this request while you were looking" in page_text(response)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def reply_url(ticket):
    return reverse("requests_app:ticket_reply", kwargs={"reference": ticket.reference})


def reply_form_html(response, ticket) -> str:
    """The reply form of a ticket page, from its opening tag to its end."""
    text = page_text(response)
    start = text.rindex("<form", 0, text.index(f'action="{reply_url(ticket)}"'))
    return text[start : text.index("</form>", start)]


def test_ticket_detail_reply_form_carries_the_version(client, requester, request_type, it_agent):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    ticket.refresh_from_db()
    client.force_login(requester)
    form = reply_form_html(client.get(detail_url(ticket)), ticket)
    assert f'name="version" value="{ticket.version}"' in form


def test_ticket_reply_from_stale_page_refused_keeping_the_text(
    client, requester, request_type, it_agent, django_capture_on_commit_callbacks
):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client.force_login(requester)
    seen = client.get(detail_url(ticket)).context["reply_form"].initial["version"]
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="Is it the left or right screen?")
    mail.outbox.clear()
    typed = "The screen flickers & goes dark\nafter lunch"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reply_url(ticket), {"body": typed, "version": seen})
    assert response.status_code == 409
    text = page_text(response)
    assert "This request changed while you were writing" in text
    assert "Is it the left or right screen?" in text
    ticket.refresh_from_db()
    form = reply_form_html(response, ticket)
    assert "The screen flickers &amp; goes dark\nafter lunch</textarea>" in form
    assert f'name="version" value="{ticket.version}"' in form
    assert not ticket.events.filter(actor=requester, kind=TicketEvent.Kind.REPLY).exists()
    assert mail.outbox == []
    again = client.post(reply_url(ticket), {"body": typed, "version": ticket.version})
    assert again.status_code == 302
    assert ticket.events.get(actor=requester, kind=TicketEvent.Kind.REPLY).body == typed


def test_ticket_reply_internal_note_from_stale_page_keeps_text_and_tick(
    client, requester, request_type, it_agent
):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    seen = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=factories.agent(request_type.department))
    client.force_login(it_agent)
    response = client.post(
        reply_url(ticket), {"body": "Needs a new cable", "internal": "on", "version": seen}
    )
    assert response.status_code == 409
    assert "This request changed while you were writing" in page_text(response)
    form = reply_form_html(response, ticket)
    assert "Needs a new cable</textarea>" in form
    assert re.search(r'<input[^>]*name="internal"[^>]*checked', form)
    assert not ticket.events.filter(kind=TicketEvent.Kind.NOTE).exists()


def test_ticket_reply_from_stale_page_with_files_asks_to_attach_them_again(
    client, requester, request_type, it_agent
):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    seen = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    client.force_login(requester)
    response = client.post(
        reply_url(ticket), {"body": "scan", "files": [factories.upload()], "version": seen}
    )
    assert response.status_code == 409
    assert "Attach your files again too." in page_text(response)
    assert not Attachment.objects.filter(ticket=ticket).exclude(event__kind="created").exists()


def test_ticket_reply_with_current_version_is_sent(client, requester, request_type, it_agent):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    ticket.refresh_from_db()
    client.force_login(requester)
    response = client.post(reply_url(ticket), {"body": "Thanks", "version": ticket.version})
    assert response.status_code == 302
    assert ticket.events.get(actor=requester, kind=TicketEvent.Kind.REPLY).body == "Thanks"


def test_ticket_reply_without_version_is_sent_as_before(client, requester, request_type, it_agent):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    client.force_login(requester)
    response = client.post(reply_url(ticket), {"body": "From an old tab"})
    assert response.status_code == 302
    assert ticket.events.filter(actor=requester, kind=TicketEvent.Kind.REPLY).exists()


def test_illegal_transition_shows_message(client, requester, request_type):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Ticket.Status.RESOLVED
    )
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:ticket_cancel", kwargs={"reference": ticket.reference}),
        {"version": ticket.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "cannot become cancelled" in page_text(response)


def test_requester_never_sees_internal_notes(client, requester, request_type, it_agent):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    svc.ticket_reply(
        ticket_id=ticket.pk, actor=it_agent, body="Requester is VIP, hurry", internal=True
    )
    svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="We are on it")
    client.force_login(requester)
    text = page_text(client.get(detail_url(ticket)))
    assert "We are on it" in text
    assert "Requester is VIP" not in text
    client.force_login(it_agent)
    staff_text = page_text(client.get(detail_url(ticket)))
    assert "Requester is VIP" in staff_text and "Internal note" in staff_text


def test_requester_cannot_post_internal_note_through_the_form(client, requester, request_type):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:ticket_reply", kwargs={"reference": ticket.reference}),
        {"body": "sneaky", "internal": "on"},
        follow=True,
    )
    assert "Only the department&#x27;s staff" in page_text(response)
    assert not ticket.events.filter(is_internal=True).exists()


def test_reply_empty_is_refused_with_message(client, requester, request_type):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:ticket_reply", kwargs={"reference": ticket.reference}),
        {"body": "   "},
    )
    assert response.status_code == 400
    assert "Write a message or attach a file." in page_text(response)


def test_reply_with_file_then_download(client, requester, request_type):
    ticket = factories.make_ticket(requester=requester, request_type=request_type)
    client.force_login(requester)
    client.post(
        reverse("requests_app:ticket_reply", kwargs={"reference": ticket.reference}),
        {"body": "scan", "files": [factories.upload("../../etc/Scan <1>.pdf")]},
    )
    attachment = Attachment.objects.get(ticket=ticket)
    response = client.get(reverse("requests_app:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "<" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_reopen_from_page_with_reason(client, requester, request_type):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Ticket.Status.RESOLVED
    )
    client.force_login(requester)
    page = page_text(client.get(detail_url(ticket)))
    assert "You can reopen this request until" in page
    client.post(
        reverse("requests_app:ticket_reopen", kwargs={"reference": ticket.reference}),
        {"reason": "Printer still jams"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED, body="Printer still jams").exists()


def test_my_requests_filters_and_searches_and_shows_cc(client, requester, request_type):
    open_one = factories.make_ticket(
        requester=requester, request_type=request_type, title="Broken monitor"
    )
    factories.make_ticket(
        requester=requester,
        request_type=request_type,
        title="Old laptop",
        status=Ticket.Status.CANCELLED,
    )
    colleague = factories.employee()
    cc_ticket = factories.make_ticket(
        requester=colleague, request_type=request_type, title="Team drive"
    )
    cc_ticket.cc.add(requester)
    factories.make_ticket(requester=colleague, request_type=request_type, title="Not mine")
    client.force_login(requester)
    url = reverse("requests_app:my_requests")
    text = page_text(client.get(url))
    assert "Broken monitor" in text and "Old laptop" in text and "Team drive" in text
    assert "Not mine" not in text
    assert text.index("Team drive") < text.index("Broken monitor")  # newest first
    assert "Old laptop" not in page_text(client.get(url, {"status": "active"}))
    found = page_text(client.get(url, {"q": open_one.reference}))
    assert "Broken monitor" in found and "Team drive" not in found


def test_my_requests_paginates(client, settings, requester, request_type):
    settings.ICSAT_PAGE_SIZE = 5
    for i in range(7):
        factories.make_ticket(requester=requester, request_type=request_type, title=f"T{i}")
    client.force_login(requester)
    response = client.get(reverse("requests_app:my_requests"), {"page": 2})
    assert "Page 2 of 2" in page_text(response)
    assert [t.title for t in response.context["page"]] == ["T1", "T0"]
    assert client.get(reverse("requests_app:my_requests"), {"page": "zzz"}).status_code == 200


def test_long_lists_count_up_to_a_cap_then_page_on(
    client, settings, monkeypatch, it_agent, requester, request_type
):
    """A list longer than the cap says "More than N" and still pages to its last row; a
    shorter one is counted exactly. (The cap keeps a page's cost from growing with a
    list of 200,000 requests.)"""
    from requests_app import selectors
    from requests_app.views import common

    monkeypatch.setattr(common, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "TAB_COUNT_CAP", 5)
    settings.ICSAT_PAGE_SIZE = 2
    for i in range(8):
        factories.make_ticket(requester=requester, request_type=request_type, title=f"Job {i}")
    client.force_login(it_agent)
    url = reverse("requests_app:department_queue", kwargs={"department_slug": "it"})

    def shown(response):
        return [t.title for t in response.context["page"]]

    first = client.get(url, {"sort": "oldest"})
    text = page_text(first)
    assert "More than 5 requests" in text and "Page 1<" in text and ">Next<" in text
    assert first.context["counts"]["new"] == 6  # counting stopped after the cap
    assert 'href="?status=new">New <span class="badge text-bg-light">5+</span>' in text
    assert shown(first) == ["Job 0", "Job 1"]
    last = client.get(url, {"sort": "oldest", "page": 4})
    assert shown(last) == ["Job 6", "Job 7"]
    assert ">Next<" not in page_text(last) and ">Previous<" in page_text(last)
    # Past the end, or not a number: a page that exists, never an error.
    assert shown(client.get(url, {"sort": "oldest", "page": 9})) == ["Job 4", "Job 5"]
    assert shown(client.get(url, {"sort": "oldest", "page": "zzz"})) == ["Job 0", "Job 1"]
    assert client.get(url, {"page": "-3"}).status_code == 200

    Ticket.objects.filter(title__in=["Job 5", "Job 6", "Job 7"]).update(status=Ticket.Status.CLOSED)
    exact = page_text(client.get(url, {"sort": "oldest", "page": 3}))
    assert "5 requests" in exact and "More than" not in exact and "Page 3 of 3" in exact


def test_queue_filters_counts_and_overdue(client, request_type, it_agent, requester):
    from datetime import timedelta

    from django.utils import timezone

    mine = factories.make_ticket(requester=requester, request_type=request_type, title="Mine")
    svc.ticket_claim(ticket_id=mine.pk, actor=it_agent)
    factories.make_ticket(requester=requester, request_type=request_type, title="Nobody's")
    late = factories.make_ticket(requester=requester, request_type=request_type, title="Late one")
    Ticket.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    factories.make_ticket(
        requester=requester,
        request_type=request_type,
        title="Finished",
        status=Ticket.Status.RESOLVED,
    )
    client.force_login(it_agent)
    url = reverse("requests_app:department_queue", kwargs={"department_slug": "it"})
    response = client.get(url)
    counts = response.context["counts"]
    assert (
        counts["active"],
        counts["new"],
        counts["open"],
        counts["resolved"],
        counts["overdue"],
    ) == (3, 2, 1, 1, 1)
    text = page_text(response)
    assert "Finished" not in text and "Overdue" in text
    assert [t.title for t in client.get(url, {"assignee": "me"}).context["page"]] == ["Mine"]
    unassigned = client.get(url, {"assignee": "unassigned"}).context["page"]
    assert {t.title for t in unassigned} == {"Nobody's", "Late one"}
    assert [t.title for t in client.get(url, {"overdue": "on"}).context["page"]] == ["Late one"]
    assert [t.title for t in client.get(url, {"q": "late"}).context["page"]] == ["Late one"]
    assert [t.title for t in client.get(url, {"status": "resolved"}).context["page"]] == [
        "Finished"
    ]
    assert client.get(url, {"status": "bogus", "sort": "nope"}).status_code == 200


def test_queue_does_not_show_handoffs(client, it_agent, department):
    sender = factories.employee()
    colleague = factories.employee(home_department=department)
    svc.handoff_create(requester=sender, colleague=colleague, title="Private files", message="x")
    client.force_login(it_agent)
    text = page_text(
        client.get(reverse("requests_app:department_queue", kwargs={"department_slug": "it"}))
    )
    assert "Private files" not in text


def test_colleague_search_finds_by_name_and_hides_associates(client, requester):
    factories.employee(first_name="Ingrid", last_name="Hansen", username="ingrid")
    factories.associate(first_name="Ingrid", last_name="Contractor", username="ingridc")
    client.force_login(requester)
    text = page_text(client.get(reverse("requests_app:colleague_search"), {"q": "ingr"}))
    assert "Ingrid Hansen" in text and "Contractor" not in text
    assert 'role="option"' in text


def test_handoff_form_sends_to_colleague(client, requester):
    colleague = factories.employee(first_name="Lucía", last_name="Fernández")
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:handoff_new"),
        {
            "colleague": colleague.pk,
            "title": "Signed contract",
            "message": "Please file it",
            "files": [factories.upload("contract.pdf")],
            "submission_key": str(uuid.uuid4()),
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == detail_url(ticket)
    assert ticket.assignee == colleague and ticket.kind == Ticket.Kind.HANDOFF
    client.force_login(colleague)
    assigned = page_text(client.get(reverse("requests_app:assigned_to_me")))
    assert "Signed contract" in assigned


def test_handoff_form_without_colleague_or_file_keeps_message(client, requester):
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:handoff_new"), {"title": "Slides", "message": "Keep this text"}
    )
    text = page_text(response)
    assert "Choose the colleague to send this to." in text
    assert "Keep this text" in text
    assert Ticket.objects.count() == 0


def test_handoff_to_unknown_colleague_is_404(client, requester):
    client.force_login(requester)
    response = client.post(
        reverse("requests_app:handoff_new"),
        {"colleague": 987654, "title": "x", "message": "y", "files": [factories.upload()]},
    )
    assert response.status_code == 404


def test_lead_edits_request_type_fields_in_the_app(client, it_lead, department):
    client.force_login(it_lead)
    url = reverse("requests_app:request_type_new", kwargs={"department_slug": "it"})
    response = client.post(
        url,
        {
            "name": "Laptop",
            "slug": "",
            "description": "A new laptop",
            "sla_hours": 48,
            "position": 1,
            "is_active": "on",
            "fields-TOTAL_FORMS": 2,
            "fields-INITIAL_FORMS": 0,
            "fields-MIN_NUM_FORMS": 0,
            "fields-MAX_NUM_FORMS": 30,
            "fields-0-name": "model",
            "fields-0-label": "Model",
            "fields-0-kind": "choice",
            "fields-0-choices": "ThinkPad\nMacBook",
            "fields-0-ORDER": 2,
            "fields-0-required": "on",
            "fields-1-name": "needed",
            "fields-1-label": "Needed by",
            "fields-1-kind": "date",
            "fields-1-ORDER": 1,
        },
    )
    assert response.status_code == 302
    request_type = RequestType.objects.get(slug="laptop")
    assert [f["name"] for f in request_type.fields] == ["needed", "model"]
    assert request_type.fields[1]["choices"] == ["ThinkPad", "MacBook"]
    assert request_type.fields[1]["required"] is True


def test_request_type_choice_field_needs_options(client, it_lead, department):
    client.force_login(it_lead)
    url = reverse("requests_app:request_type_new", kwargs={"department_slug": "it"})
    response = client.post(
        url,
        {
            "name": "Laptop",
            "sla_hours": 48,
            "position": 1,
            "fields-TOTAL_FORMS": 1,
            "fields-INITIAL_FORMS": 0,
            "fields-MIN_NUM_FORMS": 0,
            "fields-MAX_NUM_FORMS": 30,
            "fields-0-name": "model",
            "fields-0-label": "Model",
            "fields-0-kind": "choice",
            "fields-0-choices": "OnlyOne",
        },
    )
    assert "needs at least two options" in page_text(response)
    assert not RequestType.objects.filter(slug="laptop").exists()


def test_lead_changes_roles_but_keeps_one_lead(client, it_lead, it_agent, department):
    client.force_login(it_lead)
    url = reverse(
        "requests_app:member_change", kwargs={"department_slug": "it", "user_id": it_lead.pk}
    )
    response = client.post(url, {"role": "agent"}, follow=True)
    assert "keeps at least one lead" in page_text(response)
    promote = reverse(
        "requests_app:member_change", kwargs={"department_slug": "it", "user_id": it_agent.pk}
    )
    client.post(promote, {"role": "lead"})
    assert Membership.objects.get(user=it_agent).role == "lead"
    client.post(url, {"action": "remove"})
    assert not Membership.objects.filter(user=it_lead, department=department).exists()


def test_lead_adds_member(client, it_lead):
    newcomer = factories.employee(first_name="Ola", last_name="Nordmann")
    client.force_login(it_lead)
    url = reverse("requests_app:member_list", kwargs={"department_slug": "it"})
    assert "Ola Nordmann" in page_text(
        client.get(
            reverse("requests_app:member_search", kwargs={"department_slug": "it"}), {"q": "nord"}
        )
    )
    client.post(url, {"user": newcomer.pk, "role": "agent"})
    assert Membership.objects.filter(user=newcomer, role="agent").exists()


def test_hr_admin_creates_department(client):
    admin = factories.hr_admin()
    client.force_login(admin)
    response = client.post(
        reverse("requests_app:department_new"),
        {
            "name": "Security",
            "slug": "security",
            "prefix": "sec",
            "description": "Badges",
            "reopen_days": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    clash = client.post(
        reverse("requests_app:department_new"),
        {"name": "Second", "slug": "second", "prefix": "SEC", "reopen_days": 5},
    )
    assert "Another department uses this prefix." in page_text(clash)


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_503_when_broker_unreachable(client, settings):
    from icsat.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] != "ok"


def test_anonymous_sees_login_page_in_chosen_language(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Forgot your password?" in page_text(response)


def test_password_reset_sends_mail(client, requester):
    client.post(reverse("password_reset"), {"email": requester.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [requester.email]


def test_language_switch_remembers_the_persons_language(client, requester):
    client.force_login(requester)
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert response.status_code == 302
    requester.employee.refresh_from_db()
    assert requester.employee.language == "nb"
    page = client.get(reverse("requests_app:my_requests")).content.decode()
    assert "Mine forespørsler" in page
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    requester.employee.refresh_from_db()
    assert requester.employee.language == "nb"
