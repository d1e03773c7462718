"""One message per commit: what a change asks workers for after it commits, on the test broker."""

import pytest
from django.core import mail
from django.db import OperationalError, transaction

from outbox.models import Email
from outbox.services import emails_queue
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.services import invitations as invitation_svc
from tests import factories
from tests.outbox.test_services import queued_messages
from tests.queue import purge_queued_tasks, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolve(request_type, it_agent, django_capture_on_commit_callbacks):
    def _resolve():
        ticket = factories.make_ticket(requester=factories.employee(), request_type=request_type)
        purge_queued_tasks()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks() as after_commit:
            resolved = ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
        commit(after_commit)
        return resolved

    return _resolve


def commit(after_commit) -> None:
    """What a commit does after it: the callbacks (they publish to the test broker); the
    tests then look at the broker or run its messages (tests/queue.py)."""
    for callback in after_commit:
        callback()


def test_a_resolve_asks_once_for_its_email_and_its_survey_and_both_go(resolve):
    factories.survey(delay_minutes=0)
    ticket = resolve()
    invitation = Invitation.objects.get(ticket=ticket)
    email = Email.objects.get(template="ticket_status", recipient=ticket.requester)
    [(name, kwargs)] = queued_messages()
    assert name == "outbox.tasks.run_messages"
    assert kwargs == {
        "messages": [
            ["surveys.tasks.send_invitation", {"invitation_id": invitation.pk}],
            ["outbox.tasks.send_emails", {"email_ids": [email.pk]}],
        ]
    }


def test_the_shared_message_sends_both_e_mails(resolve):
    factories.survey(delay_minutes=0)
    ticket = resolve()
    assert run_queued_tasks() == ["outbox.tasks.run_messages"]
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 2
    assert any("A short survey about" in subject for subject in subjects)
    assert any(ticket.reference in subject for subject in subjects)
    assert Invitation.objects.get(ticket=ticket).status == Invitation.Status.SENT


def test_a_delayed_survey_keeps_its_own_message_for_later(resolve):
    factories.survey(delay_minutes=60)
    resolve()
    names = sorted(name for name, _kwargs in queued_messages())
    assert names == ["outbox.tasks.send_emails", "surveys.tasks.send_invitation"]


def test_a_rolled_back_change_asks_for_nothing(request_type, django_capture_on_commit_callbacks):
    recipient, ticket = factories.employee(), factories.make_ticket(request_type=request_type)
    purge_queued_tasks()
    context = {"ticket_id": ticket.pk, "event_id": None}
    with django_capture_on_commit_callbacks() as after_commit:
        with transaction.atomic():
            emails_queue(recipients=[recipient], template="ticket_status", context=context)
            transaction.set_rollback(True)
        with transaction.atomic():
            [kept] = emails_queue(recipients=[recipient], template="ticket_status", context=context)
    commit(after_commit)
    assert queued_messages() == [("outbox.tasks.send_emails", {"email_ids": [kept.pk]})]


def test_a_task_that_fails_in_the_shared_message_goes_again_alone(resolve, monkeypatch):
    factories.survey(delay_minutes=0)
    ticket = resolve()
    email = Email.objects.get(template="ticket_status", recipient=ticket.requester)

    def database_away(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(invitation_svc, "invitations_send", database_away)
    run_queued_tasks(limit=1)
    # The e-mail went; the invitation waits in a message of its own.
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation.status == Invitation.Status.PENDING
    assert queued_messages() == [
        ("surveys.tasks.send_invitation", {"invitation_id": invitation.pk})
    ]
