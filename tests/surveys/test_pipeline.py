"""The survey pipeline on the default database: invite on resolve, send once, remind, expire."""

import random
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from requests_app import hooks
from requests_app.models import Ticket, TicketEvent
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.services import invitations as svc
from tests import factories
from tests.conftest import sqlite_pass_only
from tests.queue import purge_queued_tasks, run_queued_tasks

pytestmark = pytest.mark.django_db
Status = Invitation.Status


@pytest.fixture(autouse=True)
def _empty_queue():
    purge_queued_tasks()


@pytest.fixture
def resolve(request_type, it_agent):
    def _resolve(requester=None, rtype=None, actor=None):
        ticket = factories.make_ticket(
            requester=requester or factories.employee(), request_type=rtype or request_type
        )
        return ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=actor or it_agent, note="Fixed")

    return _resolve


def test_resolve_creates_pending_invitation_for_requester(resolve, it_agent):
    factories.survey(delay_minutes=30)
    ticket = resolve()
    invitation = Invitation.objects.get(ticket=ticket)
    assert invitation.status == Status.PENDING
    assert invitation.recipient == ticket.requester
    assert invitation.agent == it_agent
    assert invitation.department == ticket.department
    assert timedelta(minutes=29) < invitation.send_after - timezone.now() <= timedelta(minutes=30)
    assert invitation.token_hash == ""


def test_a_resolve_that_invites_writes_in_a_fixed_handful_of_statements(request_type, it_agent):
    """Every resolve runs this, so it is kept to one statement per thing it does: lock the
    ticket (with what the hooks read), ask whether the agent may work it, save it, choose
    the survey (with whether the ticket
    is already asked and what the invitation needs of the survey), the invitation, the
    day's two counts, the timeline, the status e-mail. The survey the invitation names is
    the one chosen, and reads the rest of itself only when asked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = factories.survey(delay_minutes=30, expires_days=9)
    ticket = factories.make_ticket(requester=factories.employee(), request_type=request_type)
    with CaptureQueriesContext(connection) as queries:
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert len(statements) == 9, [s[:90] for s in statements]
    invitation = Invitation.objects.get(ticket=ticket)
    assert (invitation.survey, invitation.version) == (survey, survey.versions.get())
    assert invitation.expires_at - invitation.send_after == timedelta(days=9)


def test_resolve_without_survey_records_why(resolve):
    ticket = resolve()
    assert not Invitation.objects.exists()
    event = ticket.events.get(kind=TicketEvent.Kind.SURVEY)
    assert event.is_internal
    assert event.data["reason"] == "no_survey"


def test_request_type_opt_out_records_why(resolve, request_type):
    factories.survey()
    request_type.survey_opt_out = True
    request_type.save()
    ticket = resolve()
    assert not Invitation.objects.exists()
    assert ticket.events.get(kind=TicketEvent.Kind.SURVEY).data["reason"] == "opted_out"


def test_most_specific_survey_applies(resolve, request_type, department):
    factories.survey(name="Default")
    factories.survey(name="IT", is_default=False, departments=[department])
    factories.survey(name="Access", is_default=False, request_types=[request_type])
    other_type = factories.RequestTypeFactory(department=department)
    assert Invitation.objects.get(ticket=resolve()).survey.name == "Access"
    assert Invitation.objects.get(ticket=resolve(rtype=other_type)).survey.name == "IT"
    elsewhere = factories.RequestTypeFactory()
    outsider = factories.agent(elsewhere.department)
    ticket = resolve(rtype=elsewhere, actor=outsider)
    assert Invitation.objects.get(ticket=ticket).survey.name == "Default"


def test_among_equally_specific_surveys_the_latest_edited_applies(resolve, department):
    from surveys.models import Survey

    factories.survey(name="Old", is_default=False, departments=[department])
    factories.survey(name="New", is_default=False, departments=[department])
    typed = factories.RequestTypeFactory(department=department)
    # Chosen request types make a survey theirs only, not the whole department's.
    factories.survey(
        name="Typed", is_default=False, departments=[department], request_types=[typed]
    )
    assert Invitation.objects.get(ticket=resolve()).survey.name == "New"
    assert Invitation.objects.get(ticket=resolve(rtype=typed)).survey.name == "Typed"
    Survey.objects.filter(name="Old").update(updated_at=timezone.now() + timedelta(minutes=1))
    assert Invitation.objects.get(ticket=resolve()).survey.name == "Old"


def test_inactive_survey_does_not_apply(resolve):
    factories.survey(is_active=False)
    resolve()
    assert not Invitation.objects.exists()


def test_throttling_one_survey_per_person_per_period(resolve):
    factories.survey(min_days_between=7)
    person = factories.employee()
    first = resolve(requester=person)
    second = resolve(requester=person)
    assert Invitation.objects.filter(ticket=first).exists()
    assert not Invitation.objects.filter(ticket=second).exists()
    assert second.events.get(kind=TicketEvent.Kind.SURVEY).data["reason"] == "throttled"
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        third = resolve(requester=person)
    assert Invitation.objects.filter(ticket=third).exists()


@sqlite_pass_only
def test_sampling_share_over_1000_resolves(monkeypatch, request_type, it_agent):
    """30 % sample with a seeded generator: the share lands within ±4 points (≈3 sd)."""
    factories.survey(sample_percent=30)
    monkeypatch.setattr(svc, "sample_rng", random.Random(20261125))
    requester = factories.employee()
    for _ in range(1000):
        ticket = ticket_svc.ticket_create(requester=requester, request_type=request_type, title="x")
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="ok")
    share = Invitation.objects.count() / 1000
    assert 0.26 <= share <= 0.34
    not_sampled = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.SURVEY, data__reason="not_sampled"
    ).count()
    assert not_sampled + Invitation.objects.count() == 1000


def test_reopen_cancels_open_invitation_and_next_resolve_makes_one(resolve, it_agent):
    factories.survey()
    ticket = resolve()
    ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=ticket.requester, reason="again")
    assert Invitation.objects.get(ticket=ticket).status == Status.CANCELLED
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Really fixed")
    statuses = sorted(Invitation.objects.filter(ticket=ticket).values_list("status", flat=True))
    assert statuses == [Status.CANCELLED, Status.PENDING]


def test_a_resolve_asks_nothing_while_the_tickets_invitation_is_open(resolve, it_agent):
    """An invitation still open (its reopen withdrew nothing: hooks were off, as while the
    demo replays history) is the one the requester answers: no second one, and the
    timeline says why."""
    factories.survey()
    ticket = resolve()
    with hooks.suspended():
        ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=ticket.requester, reason="again")
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Really fixed")
    assert list(Invitation.objects.filter(ticket=ticket).values_list("status", flat=True)) == [
        Status.PENDING
    ]
    latest = ticket.events.filter(kind=TicketEvent.Kind.SURVEY).latest("pk")
    assert latest.data["reason"] == "already_open"


def test_send_after_delay_exactly_once(resolve):
    factories.survey(delay_minutes=60)
    ticket = resolve()
    invitation = Invitation.objects.get(ticket=ticket)
    assert svc.invitation_send(invitation_id=invitation.pk) is False  # not due yet
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert svc.invitation_send(invitation_id=invitation.pk) is True
        assert svc.invitation_send(invitation_id=invitation.pk) is False
        assert svc.invitations_dispatch_due() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ticket.requester.email]
    assert ticket.reference in message.subject
    assert "http://testserver/s/" in message.body
    invitation.refresh_from_db()
    assert invitation.status == Status.SENT
    assert len(invitation.token_hash) == 64
    assert invitation.token_hash not in message.body


def a_lease_later():
    """Where the dispatcher finds invitations made now whose message never went out (the
    test's transaction runs no commit hooks; in life, a process that died right after its
    commit): a new row says a worker was asked, so it is handed out after one lease."""
    lease = timedelta(seconds=settings.ICSAT_SURVEY_LEASE_SECONDS + 1)
    return time_machine.travel(timezone.now() + lease)


def test_dispatcher_sends_what_was_never_enqueued(resolve):
    factories.survey()
    tickets = [resolve() for _ in range(3)]
    assert svc.invitations_dispatch_due() == 0  # a worker was asked a moment ago
    with a_lease_later():
        assert svc.invitations_dispatch_due() == 3
        assert svc.invitations_dispatch_due() == 0
        assert run_queued_tasks() == ["surveys.tasks.send_invitations"]  # a worker's turn
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.requester.email for t in tickets)


def test_a_backlog_goes_out_in_one_beat_tick_each_once_in_batches(resolve):
    """A backlog (25 invitations whose messages never came) goes out in one beat tick, each
    once, not one dispatcher batch a minute: the first worker's task takes its 10 and the
    other late ones (a batch holds up to 50), and the dispatcher is asked again at once after
    a full batch. (The filesystem broker may run that follow-up before the messages, so how
    many tasks found work depends on the order; the batch itself is checked below.)"""
    from surveys import tasks

    factories.survey()
    tickets = [resolve() for _ in range(25)]  # never enqueued (no commit in this test)
    with a_lease_later():
        assert tasks.dispatch_due_invitations(limit=10) == 10
        ran = run_queued_tasks()
        assert "surveys.tasks.send_invitations" in ran
        assert sorted(m.to[0] for m in mail.outbox) == sorted(t.requester.email for t in tickets)
        assert tasks.dispatch_due_invitations(limit=10) == 0
        assert run_queued_tasks() == []


def test_a_task_takes_no_invitation_due_just_now_from_its_own_message(resolve):
    """Only late rows are taken along: one due a moment ago has its own message coming."""
    factories.survey()
    first, second = resolve(), resolve()
    invitation = Invitation.objects.get(ticket=first)
    assert svc.invitations_send(invitation_ids=[invitation.pk], fill_to=50) == 1
    assert [m.to[0] for m in mail.outbox] == [first.requester.email]
    assert Invitation.objects.get(ticket=second).status == Status.PENDING


def test_smtp_failure_retries_with_backoff_then_fails(resolve, monkeypatch, settings):
    settings.ICSAT_SURVEY_MAX_ATTEMPTS = 3
    settings.ICSAT_SURVEY_BACKOFF_SECONDS = 60
    factories.survey()
    invitation = Invitation.objects.get(ticket=resolve())

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert svc.invitation_send(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (Status.PENDING, 1)
    assert "SMTP server down" in invitation.last_error
    assert svc.invitations_dispatch_due() == 0  # backing off: not due for a minute
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        svc.invitations_dispatch_due()
        run_queued_tasks()
    invitation.refresh_from_db()
    assert invitation.attempts == 2
    with time_machine.travel(timezone.now() + timedelta(seconds=200)):
        svc.invitations_dispatch_due()
        run_queued_tasks()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (Status.FAILED, 3)
    monkeypatch.undo()
    assert svc.invitation_retry(invitation_id=invitation.pk, actor=factories.hr_admin()) is True
    with a_lease_later():  # its message after commit never ran
        assert svc.invitations_dispatch_due() == 1
        run_queued_tasks()
    invitation.refresh_from_db()
    assert invitation.status == Status.SENT


def test_stale_sending_claim_is_sent_again(resolve, settings):
    """A worker that died mid-send leaves 'sending'; after the lease the dispatcher sends it."""
    settings.ICSAT_SURVEY_LEASE_SECONDS = 300
    factories.survey()
    invitation = Invitation.objects.get(ticket=resolve())
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert svc.invitations_dispatch_due() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        assert svc.invitations_dispatch_due() == 1
        run_queued_tasks()
    assert len(mail.outbox) == 1


def test_reminder_once_with_working_link_then_expiry(resolve):
    factories.survey(reminder_hours=48, expires_days=7)
    invitation = Invitation.objects.get(ticket=resolve())
    svc.invitation_send(invitation_id=invitation.pk)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=47)):
        assert svc.invitations_send_reminders() == 0
    with time_machine.travel(start + timedelta(hours=49)):
        assert svc.invitations_send_reminders() == 1
        assert svc.invitations_send_reminders() == 0
    invitation.refresh_from_db()
    assert invitation.status == Status.REMINDED
    assert invitation.reminder_token_hash not in ("", invitation.token_hash)
    assert len(mail.outbox) == 2
    assert "only reminder" in mail.outbox[1].body
    with time_machine.travel(start + timedelta(days=6)):
        assert svc.invitations_expire() == 0
    with time_machine.travel(start + timedelta(days=7, minutes=1)):
        assert svc.invitations_expire() == 1
        assert svc.invitations_expire() == 0
    invitation.refresh_from_db()
    assert invitation.status == Status.EXPIRED


def test_no_reminder_when_survey_says_none(resolve):
    factories.survey(reminder_hours=0)
    invitation = Invitation.objects.get(ticket=resolve())
    svc.invitation_send(invitation_id=invitation.pk)
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert svc.invitations_send_reminders() == 0


def test_invitation_in_recipient_language(resolve):
    factories.survey()
    norwegian = factories.employee(profile__language="nb")
    invitation = Invitation.objects.get(ticket=resolve(requester=norwegian))
    svc.invitation_send(invitation_id=invitation.pk)
    assert "ICSAT" not in mail.outbox[0].subject
    from django.utils import translation

    with translation.override("nb"):
        from django.utils.translation import gettext

        expected = gettext("Answer the survey")
    assert expected in mail.outbox[0].body


def test_invitation_send_plain_text_unescaped_html_escaped(requester):
    factories.survey(reminder_hours=48)
    department = factories.DepartmentFactory(name="R&D", slug="rnd", prefix="RD")
    rnd_type = factories.RequestTypeFactory(department=department)
    ticket = factories.make_ticket(
        requester=requester, request_type=rnd_type, title="Partner's quota paperwork"
    )
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=factories.agent(department), note="Filed")
    invitation = Invitation.objects.get(ticket=ticket)
    svc.invitation_send(invitation_id=invitation.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert svc.invitations_send_reminders() == 1
    invited, reminded = mail.outbox
    assert invited.subject == "How did we do? A short survey about RD-000001"
    assert reminded.subject == "Reminder: one minute for RD-000001?"
    assert "R&D resolved your request RD-000001 · Partner's quota paperwork." in invited.body
    assert "A few days ago R&D resolved RD-000001." in reminded.body
    for message in (invited, reminded):
        assert "&amp;" not in message.subject + message.body
        assert "&#x27;" not in message.subject + message.body
        assert "R&amp;D" in message.alternatives[0][0]
    assert "Partner&#x27;s quota paperwork" in invited.alternatives[0][0]


def test_handoffs_are_not_surveyed(requester):
    factories.survey()
    colleague = factories.employee()
    ticket = ticket_svc.handoff_create(
        requester=requester, colleague=colleague, title="x", message="y"
    )
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=colleague, note="Got it")
    assert not Invitation.objects.exists()
    assert (
        Ticket.objects.get(pk=ticket.pk).events.get(kind=TicketEvent.Kind.SURVEY).data["reason"]
        == "handoff"
    )


def test_tasks_are_thin_and_safe_twice(resolve):
    from surveys import tasks

    factories.survey()
    invitation = Invitation.objects.get(ticket=resolve())
    assert tasks.send_invitation(invitation.pk) == 1
    assert tasks.send_invitation(invitation.pk) == 0
    assert tasks.dispatch_due_invitations() == 0
    assert tasks.send_survey_reminders() == 0
    assert tasks.expire_invitations() == 0
    assert len(mail.outbox) == 1


def test_database_error_while_sending_hands_the_email_to_a_worker(resolve, monkeypatch):
    """The claim and its e-mail row are saved; a passing database error must not strand them."""
    from django.db import OperationalError

    from surveys import tasks

    factories.survey()
    invitation = Invitation.objects.get(ticket=resolve())

    def locked(**kwargs):
        raise OperationalError("database table is locked")

    monkeypatch.setattr(svc, "emails_send", locked)
    with pytest.raises(OperationalError):
        svc.invitation_send(invitation_id=invitation.pk)
    monkeypatch.undo()
    assert mail.outbox == []
    assert run_queued_tasks() == ["outbox.tasks.send_emails"]  # a worker's turn, seconds later
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (Status.SENT, 1)
    assert len(mail.outbox) == 1
    # The task itself is tried again on such errors (its claim step is one transaction).
    assert OperationalError in tasks.send_invitation.autoretry_for


def test_a_batch_reads_once_and_writes_four_rows_per_email(resolve):
    """A task's batch shares its reads (the claim, the invitations with their tickets, the
    department's actions shown in the e-mail); each e-mail then costs its own short
    transaction of four writes: the e-mail, its invitation, the day's count and the
    department's survey counts stamp. Before batches, each survey e-mail took over a dozen
    queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.survey()
    counts = {}
    for n in (5, 15):
        tickets = [resolve() for _ in range(n)]
        ids = list(Invitation.objects.filter(ticket__in=tickets).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            assert svc.invitations_send(invitation_ids=ids) == n
        counts[n] = len(queries.captured_queries)
    # Per e-mail: SAVEPOINT, the four writes, RELEASE (a transaction of its own outside
    # the test's), whatever the batch's size.
    assert (counts[15] - counts[5]) / 10 <= 6, counts
    assert counts[5] <= 45, counts
