from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from requests_app import hooks
from requests_app.exceptions import InvalidTransition, NotAllowed, StaleTicket, TicketError
from requests_app.models import Attachment, Ticket, TicketEvent
from requests_app.services import tickets as svc
from requests_app.services.closing import tickets_close_resolved
from tests import factories

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def test_ticket_create_gives_department_reference_and_due_date(request_type, requester):
    before = timezone.now()
    ticket = svc.ticket_create(
        requester=requester, request_type=request_type, title="VPN", data={"start": "2026-12-01"}
    )
    assert ticket.reference == "IT-000001"
    assert ticket.status == Status.NEW
    assert ticket.customer_department == requester.employee.home_department
    assert before + timedelta(hours=24) <= ticket.due_at <= timezone.now() + timedelta(hours=24)
    assert ticket.events.get().kind == TicketEvent.Kind.CREATED


def test_ticket_create_references_count_up_and_are_never_reused(request_type, requester):
    first = svc.ticket_create(requester=requester, request_type=request_type, title="a")
    second = svc.ticket_create(requester=requester, request_type=request_type, title="b")
    second.delete()
    third = svc.ticket_create(requester=requester, request_type=request_type, title="c")
    assert [first.reference, third.reference] == ["IT-000001", "IT-000003"]


def test_ticket_create_same_submission_key_makes_one_ticket(request_type, requester):
    import uuid

    key = uuid.uuid4()
    one = svc.ticket_create(
        requester=requester, request_type=request_type, title="x", submission_key=key
    )
    two = svc.ticket_create(
        requester=requester, request_type=request_type, title="x", submission_key=key
    )
    assert one.pk == two.pk
    assert Ticket.objects.count() == 1


def test_ticket_create_notifies_department_agents_after_commit(
    request_type, requester, it_agent, it_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_create(requester=requester, request_type=request_type, title="Printer")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([it_agent.email, it_lead.email])
    assert "IT-000001" in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0][0]
    assert "http://testserver/t/IT-000001/" in html


def test_ticket_create_sends_nothing_when_transaction_rolls_back(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    from django.db import transaction

    def create_then_fail():
        with transaction.atomic():
            svc.ticket_create(requester=requester, request_type=request_type, title="x")
            raise RuntimeError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        create_then_fail()
    assert Ticket.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_ticket_create_refused_for_inactive_type(request_type, requester):
    request_type.is_active = False
    request_type.save()
    with pytest.raises(TicketError):
        svc.ticket_create(requester=requester, request_type=request_type, title="x")


def test_ticket_create_stores_files_with_hash(request_type, requester):
    ticket = svc.ticket_create(
        requester=requester,
        request_type=request_type,
        title="x",
        files=[factories.upload_pair("scan.pdf")],
    )
    attachment = ticket.attachments.get()
    assert attachment.original_name == "scan.pdf"
    assert attachment.size == len(factories.PDF_BYTES)
    assert len(attachment.sha256) == 64
    assert attachment.file.read() == factories.PDF_BYTES


def test_ticket_claim_assigns_and_opens(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    ticket.refresh_from_db()
    assert ticket.assignee == it_agent
    assert ticket.status == Status.OPEN


def test_ticket_claim_twice_writes_one_event(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_ticket_assign_refuses_non_member(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    outsider = factories.employee()
    with pytest.raises(TicketError):
        svc.ticket_assign(ticket_id=ticket.pk, actor=it_agent, assignee=outsider)


def test_ticket_assign_refused_to_agent_of_other_department(request_type, requester):
    other = factories.agent(factories.DepartmentFactory())
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    with pytest.raises(NotAllowed):
        svc.ticket_claim(ticket_id=ticket.pk, actor=other)


def test_ticket_set_status_with_stale_version_is_refused(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    seen_version = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    with pytest.raises(StaleTicket):
        svc.ticket_set_status(
            ticket_id=ticket.pk,
            actor=it_agent,
            status=Status.WAITING,
            expected_version=seen_version,
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_ticket_reply_by_requester_reopens_waiting_ticket(request_type, requester, it_agent):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.WAITING
    )
    svc.ticket_reply(ticket_id=ticket.pk, actor=requester, body="Here it is")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_ticket_reply_by_agent_records_first_response(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="On it")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Status.OPEN


def test_ticket_reply_internal_note_not_mailed_to_requester(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="secret thoughts", internal=True)
    assert mail.outbox == []
    assert ticket.events.get(kind=TicketEvent.Kind.NOTE).is_internal


def test_ticket_reply_public_mails_requester_not_author(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="Done soon")
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Done soon" in mail.outbox[0].body


def test_ticket_reply_with_stale_version_is_refused_and_stores_nothing(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    seen_version = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(StaleTicket):
        svc.ticket_reply(
            ticket_id=ticket.pk, actor=requester, body="Any news?", expected_version=seen_version
        )
    assert not ticket.events.filter(kind=TicketEvent.Kind.REPLY).exists()
    assert mail.outbox == []
    current = Ticket.objects.get(pk=ticket.pk).version
    event = svc.ticket_reply(
        ticket_id=ticket.pk, actor=requester, body="Any news?", expected_version=current
    )
    assert event.kind == TicketEvent.Kind.REPLY


def test_ticket_reply_internal_refused_for_requester(request_type, requester):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    with pytest.raises(NotAllowed):
        svc.ticket_reply(ticket_id=ticket.pk, actor=requester, body="x", internal=True)


def test_ticket_reply_refused_on_closed_ticket(request_type, requester):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.CLOSED
    )
    with pytest.raises(InvalidTransition):
        svc.ticket_reply(ticket_id=ticket.pk, actor=requester, body="hello?")


def test_ticket_resolve_needs_a_note(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    with pytest.raises(TicketError):
        svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="  ")


def test_ticket_resolve_twice_gives_one_event_and_one_hook_call(request_type, requester, it_agent):
    calls = []

    def receiver(*, ticket, actor):
        calls.append(ticket.pk)

    hooks.on_ticket_resolved(receiver)
    try:
        ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
        svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
        svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
    finally:
        hooks._resolved.remove(receiver)
    assert calls == [ticket.pk]
    assert ticket.events.filter(kind=TicketEvent.Kind.RESOLVED).count() == 1
    ticket.refresh_from_db()
    assert ticket.resolved_by == it_agent


def test_ticket_resolve_hook_failure_rolls_back_the_resolve(request_type, requester, it_agent):
    def receiver(*, ticket, actor):
        raise RuntimeError("survey app broke")

    hooks.on_ticket_resolved(receiver)
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    try:
        with pytest.raises(RuntimeError):
            svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
    finally:
        hooks._resolved.remove(receiver)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_ticket_resolve_mails_requester_with_reopen_hint(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Replaced the cable")
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Replaced the cable" in mail.outbox[0].body
    assert "reopen" in mail.outbox[0].body


def test_ticket_reopen_within_window(request_type, requester):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None


def test_ticket_reopen_after_window_is_refused(request_type, requester):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    with (
        time_machine.travel(timezone.now() + timedelta(days=8)),
        pytest.raises(InvalidTransition),
    ):
        svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="Still broken")


def test_ticket_reopen_by_someone_else_is_refused(request_type, requester, it_agent):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    with pytest.raises(NotAllowed):
        svc.ticket_reopen(ticket_id=ticket.pk, actor=it_agent, reason="x")


def test_ticket_cancel_by_requester(request_type, requester):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    svc.ticket_cancel(ticket_id=ticket.pk, actor=requester, reason="Not needed")
    svc.ticket_cancel(ticket_id=ticket.pk, actor=requester, reason="Not needed")
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    assert ticket.events.filter(kind=TicketEvent.Kind.CANCELLED).count() == 1


def test_ticket_cancel_after_resolve_is_refused(request_type, requester):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    with pytest.raises(InvalidTransition):
        svc.ticket_cancel(ticket_id=ticket.pk, actor=requester)


def test_tickets_close_resolved_closes_only_past_window_and_is_idempotent(request_type, requester):
    old = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    fresh = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.RESOLVED
    )
    assert tickets_close_resolved() == 1
    assert tickets_close_resolved() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (Status.CLOSED, Status.RESOLVED)


def test_handoff_create_assigns_colleague_and_mails_them(
    requester, django_capture_on_commit_callbacks
):
    colleague = factories.employee(username="colleague")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = svc.handoff_create(
            requester=requester,
            colleague=colleague,
            title="Slides",
            message="Here",
            files=[factories.upload_pair()],
        )
    assert ticket.reference.startswith("FH-")
    assert ticket.kind == Ticket.Kind.HANDOFF
    assert ticket.assignee == colleague
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert Attachment.objects.filter(ticket=ticket).count() == 1


def test_handoff_create_to_associate_or_self_refused(requester):
    with pytest.raises(TicketError):
        svc.handoff_create(requester=requester, colleague=requester, title="x", message="y")
    with pytest.raises(TicketError):
        svc.handoff_create(
            requester=requester, colleague=factories.associate(), title="x", message="y"
        )


def test_handoff_colleague_can_resolve_but_department_agent_cannot(requester):
    colleague = factories.employee()
    dept_agent = factories.agent(colleague.employee.home_department)
    ticket = svc.handoff_create(requester=requester, colleague=colleague, title="x", message="y")
    with pytest.raises(NotAllowed):
        svc.ticket_resolve(ticket_id=ticket.pk, actor=dept_agent, note="done")
    svc.ticket_resolve(ticket_id=ticket.pk, actor=colleague, note="Got them, thanks")
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_ticket_reopen_of_unresolved_ticket_says_so(request_type, requester):
    ticket = factories.make_ticket(
        requester=requester, request_type=request_type, status=Status.WAITING
    )
    with pytest.raises(InvalidTransition, match="Only a resolved request"):
        svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="x")


def test_ticket_cancel_from_stale_page_is_refused(request_type, requester, it_agent):
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    seen = ticket.version
    svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
    with pytest.raises(StaleTicket):
        svc.ticket_cancel(ticket_id=ticket.pk, actor=requester, expected_version=seen)


def test_department_save_keeps_prefix_and_refuses_handoff_prefix():
    from requests_app.services.departments import department_save

    admin = factories.hr_admin()
    department = department_save(actor=admin, name="Security", slug="sec", prefix="sec")
    assert department.prefix == "SEC"
    with pytest.raises(TicketError):
        department_save(actor=admin, department=department, prefix="SAFE")
    with pytest.raises(TicketError):
        department_save(actor=admin, name="Files", slug="files", prefix="fh")
    with pytest.raises(NotAllowed):
        department_save(actor=factories.employee(), name="X", slug="x", prefix="XX")
