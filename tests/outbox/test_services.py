"""The outbox: a row per e-mail with the change, one worker sends it, retries, leases, failure."""

from datetime import timedelta
from queue import Empty

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from icsat.celery import app
from outbox import registry, tasks
from outbox.models import Email
from outbox.services import email_retry, email_send, emails_dispatch_due, emails_queue
from tests import factories
from tests.queue import run_queued_tasks

pytestmark = pytest.mark.django_db
Status = Email.Status
SEND_TASK = "outbox.tasks.send_emails"


class SMTPDown(OSError):
    pass


@pytest.fixture
def ticket(request_type):
    # No agents in the department yet, so filing it queues no e-mail of its own.
    return factories.make_ticket(request_type=request_type, title="Printer on fire")


@pytest.fixture
def recipient():
    return factories.employee(username="nora", first_name="Nora")


@pytest.fixture
def smtp_down(monkeypatch):
    """Every send fails as an unreachable SMTP server would; ``undo()`` brings it back."""

    def fail(self, *args, **kwargs):
        raise SMTPDown("Connection refused")

    # The test mail backend refuses, as the SMTP backend does when the server is away.
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", fail)
    return monkeypatch


@pytest.fixture
def owner_calls(monkeypatch):
    """A test owner kind, registered for this test only: what it was told, in order."""
    monkeypatch.setattr(registry, "_on_sent", dict(registry._on_sent))
    monkeypatch.setattr(registry, "_on_failed", dict(registry._on_failed))
    calls: list[tuple] = []
    registry.register_owner(
        "test_owner",
        sent=lambda *, email, context: calls.append(("sent", email.owner_id)),
        failed=lambda *, email, error: calls.append(("failed", email.owner_id, error)),
    )
    return calls


def queue_one(recipient, ticket, **kwargs) -> Email:
    context = kwargs.pop("context", {"ticket_id": ticket.pk, "event_id": None})
    (email,) = emails_queue(
        recipients=[recipient], template="ticket_created", context=context, **kwargs
    )
    return email


def a_lease_later(settings):
    """Where the dispatcher finds rows queued now whose message never reached a worker
    (the test's transaction runs no commit hooks, as a process that died right after its
    commit): a new row says a worker was asked, so it is handed out after one lease."""
    later = timezone.now() + timedelta(seconds=settings.ICSAT_OUTBOX_LEASE_SECONDS + 1)
    return time_machine.travel(later, tick=False)


def claim_as_dead_worker(email: Email, at) -> None:
    """What a worker that died mid-send leaves behind: its claim."""
    Email.objects.filter(pk=email.pk).update(
        status=Status.SENDING, claimed_at=at, attempts=1, dispatched_at=at
    )


def queued_messages() -> list[tuple[str, dict]]:
    """Take every message off the test broker without running it: (task name, kwargs)."""
    found = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except Empty:
                    break
                _args, kwargs, _embed = message.decode()
                found.append((message.headers["task"], kwargs))
                message.ack()
        finally:
            queue.close()
    return found


# --- recording ------------------------------------------------------------------------------


def test_emails_queue_records_nothing_when_transaction_rolls_back(
    recipient, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue_one(recipient, ticket)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Email.objects.exists()
    assert callbacks == []
    assert queued_messages() == []
    assert mail.outbox == []


def test_emails_queue_publishes_one_message_after_commit(
    recipient, ticket, django_capture_on_commit_callbacks
):
    other = factories.employee()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails = emails_queue(
            recipients=[recipient, other, recipient],
            template="ticket_created",
            context={"ticket_id": ticket.pk, "event_id": None},
        )
    assert len(emails) == 2
    assert queued_messages() == []
    for callback in callbacks:
        callback()
    assert queued_messages() == [(SEND_TASK, {"email_ids": [e.pk for e in emails]})]


# --- sending --------------------------------------------------------------------------------


def test_email_send_sends_once(recipient, ticket):
    email = queue_one(recipient, ticket)
    assert email_send(email_id=email.pk) is True
    assert email_send(email_id=email.pk) is False
    [message] = mail.outbox
    assert message.to == [recipient.email]
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.subject == message.subject == f"[{ticket.reference}] New request: Printer on fire"


def test_email_send_renders_in_the_recipients_language(ticket):
    norwegian = factories.employee(username="kari", profile__language="nb")
    email = queue_one(norwegian, ticket)
    assert email_send(email_id=email.pk) is True
    [message] = mail.outbox
    assert message.subject == f"[{ticket.reference}] Ny forespørsel: Printer on fire"
    email.refresh_from_db()
    assert email.subject == message.subject


def test_email_send_forgets_the_secret_once_sent(recipient, ticket):
    context = {"ticket_id": ticket.pk, "event_id": None, "secret": {"token": "s3cret"}}
    email = queue_one(recipient, ticket, context=context)
    assert email_send(email_id=email.pk) is True
    email.refresh_from_db()
    assert email.context == {"ticket_id": ticket.pk, "event_id": None}


def test_email_send_cancels_when_builder_returns_none(recipient, ticket):
    email = queue_one(recipient, ticket, context={"ticket_id": ticket.pk + 1000, "event_id": None})
    assert email_send(email_id=email.pk) is False
    assert email_send(email_id=email.pk) is False
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == Status.CANCELLED
    assert email.last_error


def test_email_send_backs_off_when_smtp_fails(recipient, ticket, smtp_down, settings):
    settings.ICSAT_OUTBOX_BACKOFF_SECONDS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email = queue_one(recipient, ticket)
        assert email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == Status.PENDING
    assert email.attempts == 1
    assert email.send_after == start + timedelta(seconds=30)
    assert email.last_error == "SMTPDown: Connection refused"

    smtp_down.undo()
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        assert email_send(email_id=email.pk) is False  # not due yet
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.PENDING, 1)
    assert mail.outbox == []

    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert email_send(email_id=email.pk) is True
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_email_send_backoff_doubles_after_each_failure(recipient, ticket, smtp_down, settings):
    settings.ICSAT_OUTBOX_BACKOFF_SECONDS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email = queue_one(recipient, ticket)
        email_send(email_id=email.pk)
    second = start + timedelta(seconds=31)
    with time_machine.travel(second, tick=False):
        assert email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.send_after == second + timedelta(seconds=60)


def test_email_send_fails_after_max_attempts(
    recipient, ticket, smtp_down, settings, django_capture_on_commit_callbacks
):
    settings.ICSAT_OUTBOX_MAX_ATTEMPTS = 2
    settings.ICSAT_OUTBOX_BACKOFF_SECONDS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email = queue_one(recipient, ticket)
        email_send(email_id=email.pk)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 2)
    assert email.last_error == "SMTPDown: Connection refused"
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert email_send(email_id=email.pk) is False  # failed stays failed
        assert emails_dispatch_due() == 0
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert mail.outbox == []


def test_email_retry_sends_a_failed_email_once_more(
    recipient, ticket, smtp_down, settings, django_capture_on_commit_callbacks
):
    settings.ICSAT_OUTBOX_MAX_ATTEMPTS = 1
    email = queue_one(recipient, ticket)
    email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == Status.FAILED

    smtp_down.undo()
    admin = factories.hr_admin()
    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email_id=email.pk, actor=admin) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email_id=email.pk, actor=admin) is False
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 1, "")
    # "Send again" is in the audit log: who, which e-mail, failed → pending; no error text.
    (entry,) = AuditEntry.objects.all()
    assert (entry.kind, entry.actor, entry.object_id) == ("email_resent", admin, email.pk)
    assert entry.changes == {"status": ["failed", "pending"], "attempts": [1, 0]}
    assert entry.object_name == f"ticket_created · {recipient.get_full_name()}"


def test_email_retry_refuses_owned_pending_and_sent_emails(
    recipient, ticket, owner_calls, django_capture_on_commit_callbacks
):
    owned = queue_one(recipient, ticket, owner_kind="test_owner", owner_id=7)
    pending = queue_one(recipient, ticket)
    sent = queue_one(recipient, ticket)
    email_send(email_id=sent.pk)
    Email.objects.filter(pk=owned.pk).update(status=Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin = factories.hr_admin()
        assert email_retry(email_id=owned.pk, actor=admin) is False
        assert email_retry(email_id=pending.pk, actor=admin) is False
        assert email_retry(email_id=sent.pk, actor=admin) is False
    assert callbacks == []
    assert not AuditEntry.objects.exists()
    owned.refresh_from_db()
    assert owned.status == Status.FAILED


# --- leases and the dispatcher ----------------------------------------------------------------


def test_emails_dispatch_due_hands_out_a_stale_claim_only_after_the_lease(
    recipient, ticket, settings
):
    settings.ICSAT_OUTBOX_LEASE_SECONDS = 60
    start = timezone.now()
    email = queue_one(recipient, ticket)
    claim_as_dead_worker(email, start)

    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert emails_dispatch_due() == 0
        assert email_send(email_id=email.pk) is False  # still the dead worker's
    assert queued_messages() == []

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert emails_dispatch_due() == 1
        assert emails_dispatch_due() == 0  # asked within the lease already
        assert run_queued_tasks() == [SEND_TASK]
    [message] = mail.outbox
    assert message.to == [recipient.email]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)


def test_emails_dispatch_due_fails_a_stale_claim_with_no_attempts_left_and_tells_its_owner(
    recipient, ticket, owner_calls, settings
):
    settings.ICSAT_OUTBOX_LEASE_SECONDS = 60
    start = timezone.now()
    email = queue_one(recipient, ticket, owner_kind="test_owner", owner_id=7, max_attempts=1)
    claim_as_dead_worker(email, start)

    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert emails_dispatch_due() == 0
    email.refresh_from_db()
    assert email.status == Status.SENDING
    assert owner_calls == []

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert emails_dispatch_due() == 0
        assert emails_dispatch_due() == 0
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.last_error == "The worker sending it stopped before it finished."
    assert owner_calls == [("failed", 7, email.last_error)]
    assert queued_messages() == []
    assert mail.outbox == []


def test_emails_dispatch_due_publishes_messages_of_at_most_ten_ids(recipient, ticket, settings):
    emails = [queue_one(recipient, ticket) for _ in range(23)]  # in the test's transaction
    assert emails_dispatch_due() == 0  # a worker was asked when they were queued
    with a_lease_later(settings):
        assert emails_dispatch_due() == 23
        assert emails_dispatch_due() == 0  # within the lease: nothing asked twice
    messages = queued_messages()
    assert [name for name, _ in messages] == [SEND_TASK] * 3
    # The broker need not keep the order they were published in.
    sizes = sorted(len(kwargs["email_ids"]) for _, kwargs in messages)
    assert sizes == [3, 10, 10]
    handed_out = [pk for _, kwargs in messages for pk in kwargs["email_ids"]]
    assert sorted(handed_out) == sorted(e.pk for e in emails)
    assert mail.outbox == []  # the dispatcher sends nothing itself
    assert set(Email.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_emails_dispatch_due_hands_out_again_after_the_lease_when_no_worker_sent(
    recipient, ticket, settings
):
    settings.ICSAT_OUTBOX_LEASE_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        email = queue_one(recipient, ticket)  # its message after commit is lost
        assert emails_dispatch_due() == 0
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert emails_dispatch_due() == 1
    queued_messages()  # that message is lost too
    with time_machine.travel(start + timedelta(seconds=91), tick=False):
        assert emails_dispatch_due() == 0
    with time_machine.travel(start + timedelta(seconds=122), tick=False):
        assert emails_dispatch_due() == 1
    assert queued_messages() == [(SEND_TASK, {"email_ids": [email.pk]})]


# --- the tasks --------------------------------------------------------------------------------


def test_send_emails_task_is_safe_to_run_twice(recipient, ticket):
    ids = [queue_one(recipient, ticket).pk for _ in range(3)]
    assert tasks.send_emails(ids) == 3
    assert tasks.send_emails(ids) == 0
    assert len(mail.outbox) == 3


def test_dispatch_due_emails_sends_a_backlog_in_one_beat_tick(recipient, ticket, settings):
    for _ in range(5):
        queue_one(recipient, ticket)
    with a_lease_later(settings):
        assert tasks.dispatch_due_emails(limit=2) == 2
        ran = run_queued_tasks()
    # The first task to run takes its 2 and the other late ones; the dispatcher is asked
    # again at once after its full batch (in what order they run is the broker's).
    assert SEND_TASK in ran and "outbox.tasks.dispatch_due_emails" in ran
    assert len(mail.outbox) == 5


def test_dispatch_due_emails_task_is_safe_to_run_twice(recipient, ticket, settings):
    queue_one(recipient, ticket)
    queue_one(recipient, ticket)
    with a_lease_later(settings):
        assert tasks.dispatch_due_emails() == 2
        assert tasks.dispatch_due_emails() == 0
        assert run_queued_tasks() == [SEND_TASK]
        assert run_queued_tasks() == []
    assert len(mail.outbox) == 2
