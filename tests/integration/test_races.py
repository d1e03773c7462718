"""Races on PostgreSQL: threads in this process, each with its own connection (and, to send
what the dispatchers handed out, a real worker)."""

import base64
import json
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.contrib.auth import get_user_model
from django.utils import timezone

from requests_app.models import Ticket, TicketEvent
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.selectors import current_version
from surveys.services import invitations as svc
from tests import factories
from tests.integration.conftest import eml_files, read_eml, requires_services, wait_until
from tests.threads import run_together

# broker: the one resolve that wins publishes its message to the tests' Redis db, not db 0.
pytestmark = [
    requires_services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("broker"),
]
Status = Invitation.Status


def test_twenty_threads_resolving_one_ticket_make_one_event_and_one_invitation():
    factories.survey(delay_minutes=0)
    request_type = factories.RequestTypeFactory()
    agents = [factories.agent(request_type.department) for _ in range(4)]
    ticket = factories.make_ticket(request_type=request_type)

    results, errors = run_together(
        20,
        lambda i: (
            ticket_svc.ticket_resolve(
                ticket_id=ticket.pk, actor=agents[i % len(agents)], note=f"Fixed by {i}"
            ).status
        ),
    )
    assert errors == []
    assert results == ["resolved"] * 20
    assert ticket.events.filter(kind=TicketEvent.Kind.RESOLVED).count() == 1
    assert Invitation.objects.filter(ticket=ticket).count() == 1


def _five_hundred_due_invitations() -> list:
    survey = factories.survey(delay_minutes=0)
    version = current_version(survey)
    department = factories.DepartmentFactory()
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bulk{i}", email=f"bulk{i}@example.com") for i in range(500)
    )
    now = timezone.now()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            reference=f"{department.prefix}-{i + 1:06d}",
            requester=person,
            department=department,
            title=f"Bulk {i}",
            status=Ticket.Status.RESOLVED,
            resolved_at=now,
        )
        for i, person in enumerate(people)
    )
    Invitation.objects.bulk_create(
        Invitation(
            ticket=ticket,
            survey=survey,
            version=version,
            recipient=ticket.requester,
            department=department,
            send_after=now - timedelta(minutes=1),
            expires_at=now + timedelta(days=14),
        )
        for ticket in tickets
    )
    return people


def _handed_out(broker: str) -> list[int]:
    """The invitation ids in the send messages waiting in the broker's queue."""
    client = redis.Redis.from_url(broker)
    ids: list[int] = []
    for raw in client.lrange("celery", 0, -1):
        envelope = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        ids += kwargs["invitation_ids"]
    client.close()
    return ids


def test_three_dispatchers_over_five_hundred_due_invitations_send_each_once(
    broker, start_worker, mail_dir
):
    people = _five_hundred_due_invitations()

    results, errors = run_together(3, lambda i: svc.invitations_dispatch_due())
    assert errors == []
    assert sum(results) == 500
    # Each invitation is handed out once, in messages of ten for the workers to share.
    assert sorted(_handed_out(broker)) == sorted(Invitation.objects.values_list("pk", flat=True))

    start_worker(concurrency=2)
    wait_until(
        lambda: Invitation.objects.filter(status=Status.SENT).count() == 500,
        timeout=240,
        what="500 invitations sent",
    )
    time.sleep(2)  # a duplicate sent a little later would show up here
    sent_to = Counter(read_eml(path)["To"] for path in eml_files(mail_dir))
    assert sent_to == Counter({person.email: 1 for person in people})
    assert Invitation.objects.filter(status=Status.SENT, attempts=1).count() == 500
