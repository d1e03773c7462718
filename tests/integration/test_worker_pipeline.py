"""The survey pipeline end to end: resolve → broker → real Celery worker → e-mail."""

import logging
import re
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
import redis
from django.utils import timezone

from icsat.celery import app
from outbox.publishing import publisher
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.tasks import dispatch_due_invitations
from surveys.tokens import hash_token
from tests import factories
from tests.integration.conftest import (
    SURVEY_SUBJECT,
    hanging_broker_url,
    read_eml,
    requires_services,
    survey_eml_files,
    use_broker,
    wait_until,
)
from tests.integration.smtp_sink import SmtpSink

pytestmark = [requires_services, pytest.mark.django_db(transaction=True)]
Status = Invitation.Status

REFERENCE = re.compile(r"\b[A-Z]+-\d{6}\b")
SURVEY_LINK = re.compile(r"http://testserver/s/([A-Za-z0-9_-]{43})/")
DEAD_BROKER = "redis://127.0.0.1:1/0"
HANG_GUARD_SECONDS = 10  # not a benchmark: a resolve must only never hang on the broker


@pytest.fixture
def open_tickets(request_type):
    """``open_tickets(n)``: n new IT tickets (tests/conftest.py), each from its own requester."""

    def make(count):
        return [
            factories.make_ticket(requester=factories.employee(), request_type=request_type)
            for _ in range(count)
        ]

    return make


def resolve(ticket, actor):
    return ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=actor, note="Fixed")


def by_reference(paths) -> dict:
    """{ticket reference in the Subject: [message, ...]} for the .eml files."""
    found: dict[str, list] = {}
    for path in paths:
        message = read_eml(path)
        match = REFERENCE.search(message["Subject"])
        assert match, f"no ticket reference in the subject {message['Subject']!r}"
        found.setdefault(match.group(0), []).append(message)
    return found


def surveys_in(received: list) -> list:
    """The survey invitations among what the SMTP sink received (ticket e-mails go too)."""
    return [r for r in received if SURVEY_SUBJECT in r.message()["Subject"]]


def link_token(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = SURVEY_LINK.search(body)
    assert match, body
    return match.group(1)


def assert_one_mail_per_ticket(mail_dir, tickets, *, timeout):
    """Exactly one e-mail per ticket, to its requester, naming its reference; none later."""
    wait_until(
        lambda: len(survey_eml_files(mail_dir)) >= len(tickets),
        timeout=timeout,
        what=f"{len(tickets)} e-mails in {mail_dir}",
    )
    time.sleep(2)  # a duplicate sent a little later would show up here
    files = survey_eml_files(mail_dir)
    assert len(files) == len(tickets)
    found = by_reference(files)
    assert Counter({ref: len(messages) for ref, messages in found.items()}) == Counter(
        {t.reference: 1 for t in tickets}
    )
    for ticket in tickets:
        (message,) = found[ticket.reference]
        assert message["To"] == ticket.requester.email
    return found


def wait_all_sent(tickets, timeout=15):
    # The worker marks an invitation sent right after the message left: poll briefly.
    wait_until(
        lambda: (
            Invitation.objects.filter(ticket__in=tickets, status=Status.SENT).count()
            == len(tickets)
        ),
        timeout=timeout,
        what="every invitation marked sent",
    )


def test_fifty_resolves_send_fifty_emails(worker, mail_dir, open_tickets, it_agent):
    factories.survey(delay_minutes=0)
    tickets = open_tickets(50)
    for ticket in tickets:
        resolve(ticket, it_agent)
    assert_one_mail_per_ticket(mail_dir, tickets, timeout=60)
    wait_all_sent(tickets)
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {1}


@pytest.fixture
def hanging_broker():
    """A Redis URL whose server accepts connections and never answers."""
    with hanging_broker_url() as url:
        yield url
    # The publisher's thread was left waiting on this server: let it give up before the
    # next test, so that its failure cannot start an outage there.
    assert publisher.wait_idle(timeout=10)
    publisher.reset()


@pytest.mark.parametrize("outage", ["down", "hanging"])
def test_broker_outage_during_resolves_then_dispatcher_sends_each_once(
    outage, request, worker, broker, mail_dir, open_tickets, it_agent, settings, caplog
):
    """Resolves go on while the broker refuses connections or accepts and never answers;
    the log says so once, not once per resolve; the dispatcher then sends each survey once.
    (How long a resolve takes meanwhile is measured by bench/pipeline.py, not here.)"""
    settings.ICSAT_BROKER_PUBLISH_WAIT = 0.05  # production's wait
    factories.survey(delay_minutes=0)
    tickets = open_tickets(20)
    durations = []
    use_broker(DEAD_BROKER if outage == "down" else request.getfixturevalue("hanging_broker"))
    caplog.set_level(logging.WARNING)
    try:
        for ticket in tickets:
            started = time.monotonic()
            resolved = resolve(ticket, it_agent)
            durations.append(time.monotonic() - started)
            assert resolved.status == "resolved"
        # A hanging broker holds the publisher's thread until the socket times out (5 s);
        # its failure is the one line in the log.
        assert publisher.wait_idle(timeout=15)
    finally:
        use_broker(broker)
    print(f"resolve, broker {outage}: max {max(durations):.2f} s, total {sum(durations):.2f} s")
    assert max(durations) < HANG_GUARD_SECONDS
    told = [r for r in caplog.records if "broker did not take a message" in r.getMessage()]
    assert len(told) == 1, [r.getMessage() for r in caplog.records]
    assert told[0].exc_info is None  # a line, not a traceback
    # Nothing reached the broker: the invitations wait for the dispatcher.
    client = redis.Redis.from_url(broker)
    assert client.llen("celery") == 0
    client.close()
    assert Invitation.objects.filter(status=Status.PENDING).count() == 20
    assert not Invitation.objects.filter(dispatched_at__isnull=False).exists()
    time.sleep(1)
    assert survey_eml_files(mail_dir) == []

    # Two dispatchers at once, run by the real worker (concurrency 2).
    dispatch_due_invitations.delay()
    dispatch_due_invitations.delay()
    assert_one_mail_per_ticket(mail_dir, tickets, timeout=60)
    wait_all_sent(tickets)
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {1}


def _scheduled(worker):
    replies = app.control.inspect(destination=[worker.name], timeout=1).scheduled() or {}
    return replies.get(worker.name)


def test_same_message_delivered_three_times_sends_once(worker, mail_dir, open_tickets, it_agent):
    factories.survey(delay_minutes=60)
    (ticket,) = open_tickets(1)
    resolve(ticket, it_agent)
    invitation = Invitation.objects.get(ticket=ticket)

    # The resolve's message carries the ETA send_after: the worker holds it until then.
    (scheduled,) = wait_until(
        lambda: _scheduled(worker), timeout=10, what="the ETA message held by the worker"
    )
    assert scheduled["request"]["name"] == "surveys.tasks.send_invitation"
    assert scheduled["request"]["kwargs"] == {"invitation_id": invitation.pk}
    eta = datetime.fromisoformat(scheduled["eta"])
    assert abs(eta - invitation.send_after) < timedelta(seconds=1)

    # Make it due now and deliver the same message three times.
    Invitation.objects.filter(pk=invitation.pk).update(send_after=timezone.now())
    for _ in range(3):
        app.send_task("surveys.tasks.send_invitation", kwargs={"invitation_id": invitation.pk})
    wait_all_sent([ticket])
    found = assert_one_mail_per_ticket(mail_dir, [ticket], timeout=30)
    invitation.refresh_from_db()
    assert invitation.attempts == 1
    # The link in the one e-mail is the one the database accepts.
    assert hash_token(link_token(found[ticket.reference][0])) == invitation.token_hash


def test_worker_killed_mid_send_still_sends_exactly_once(start_worker, open_tickets, it_agent):
    """SIGKILL lands while the SMTP server holds the first message before its 250.

    The sink received that message's DATA but never answered 250, so by SMTP's
    rules it was never delivered (see smtp_sink's docstring); the sender died
    with the invitation 'sending'. After the lease a dispatcher on a new worker
    claims it again with a fresh token and sends it: one complete message arrives.
    """
    lease = 3
    factories.survey(delay_minutes=0)
    (ticket,) = open_tickets(1)
    with SmtpSink(hold_first_seconds=30, hold_matching=b"A short survey about") as sink:
        env = {
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "ICSAT_SURVEY_LEASE_SECONDS": str(lease),
        }
        first = start_worker(**env)
        resolve(ticket, it_agent)
        assert sink.holding.wait(timeout=30), "the first message never reached the SMTP sink"
        invitation = Invitation.objects.get(ticket=ticket)
        assert (invitation.status, invitation.attempts) == (Status.SENDING, 1)

        first.kill()
        wait_until(lambda: sink.cut_off, timeout=10, what="the sink to see the sender vanish")
        assert surveys_in(sink.delivered) == []
        invitation.refresh_from_db()
        assert invitation.status == Status.SENDING  # the dead worker's claim is left behind

        start_worker(**env)
        lease_over = invitation.claimed_at + timedelta(seconds=lease, milliseconds=300)
        time.sleep(max(0.0, (lease_over - timezone.now()).total_seconds()))
        dispatch_due_invitations.delay()
        wait_all_sent([ticket], timeout=30)
        time.sleep(2)

        assert len(surveys_in(sink.cut_off)) == 1
        assert len(surveys_in(sink.delivered)) == 1
        (delivered,) = surveys_in(sink.delivered)
    assert delivered.recipients == [ticket.requester.email]
    message = delivered.message()
    assert message["To"] == ticket.requester.email
    assert ticket.reference in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None  # the whole message arrived
    invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (Status.SENT, 2)
    token = link_token(message)
    assert hash_token(token) == invitation.token_hash
    assert token != link_token(
        surveys_in(sink.cut_off)[0].message()
    )  # the lost attempt's link is dead
