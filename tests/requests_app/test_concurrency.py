"""Races that only a real PostgreSQL shows: row locks and unique references."""

import pytest

from requests_app.exceptions import TicketError
from requests_app.models import Ticket, TicketEvent
from requests_app.services import tickets as svc
from tests import factories
from tests.conftest import requires_postgres
from tests.threads import run_together

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_sixteen_concurrent_creates_get_sixteen_distinct_references(request_type):
    requesters = [factories.employee() for _ in range(16)]
    results, errors = run_together(
        16,
        lambda i: (
            svc.ticket_create(
                requester=requesters[i], request_type=request_type, title=f"Ticket {i}"
            ).reference
        ),
    )
    assert errors == []
    assert sorted(results) == [f"IT-{n:06d}" for n in range(1, 17)]
    assert Ticket.objects.count() == 16


def test_two_agents_resolving_at_once_make_one_resolve_event(request_type, requester):
    agents = [factories.agent(request_type.department) for _ in range(2)]
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    results, errors = run_together(
        2,
        lambda i: (
            svc.ticket_resolve(ticket_id=ticket.pk, actor=agents[i], note=f"Fixed by {i}").status
        ),
    )
    assert errors == []
    assert results == ["resolved", "resolved"]
    assert ticket.events.filter(kind=TicketEvent.Kind.RESOLVED).count() == 1


def test_double_submit_racing_creates_one_ticket(request_type, requester):
    import uuid

    key = uuid.uuid4()
    results, errors = run_together(
        4,
        lambda i: (
            svc.ticket_create(
                requester=requester, request_type=request_type, title="Once", submission_key=key
            ).pk
        ),
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Ticket.objects.count() == 1


def test_claim_race_leaves_one_assignee_and_consistent_events(request_type, requester):
    agents = [factories.agent(request_type.department) for _ in range(5)]
    ticket = svc.ticket_create(requester=requester, request_type=request_type, title="x")
    version = ticket.version

    def claim(i):
        try:
            return svc.ticket_claim(
                ticket_id=ticket.pk, actor=agents[i], expected_version=version
            ).assignee_id
        except TicketError:
            return None

    results, errors = run_together(5, claim)
    assert errors == []
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    ticket.refresh_from_db()
    assert ticket.assignee_id == winners[0]
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_concurrent_creates_and_resolves_lose_no_rollup_count(request_type):
    """Every resolve of one department on one day bumps the same rollup row at once."""
    from insights.models import ResolutionDay, TicketDay

    agents = [factories.agent(request_type.department) for _ in range(12)]
    requesters = [factories.employee() for _ in range(12)]
    created, errors = run_together(
        12,
        lambda i: (
            svc.ticket_create(
                requester=requesters[i], request_type=request_type, title=f"Ticket {i}"
            ).pk
        ),
    )
    assert errors == []
    results, errors = run_together(
        12,
        lambda i: svc.ticket_resolve(ticket_id=created[i], actor=agents[i], note="Done").status,
    )
    assert errors == []
    assert results == ["resolved"] * 12
    day = TicketDay.objects.get(department=request_type.department, request_type=request_type)
    assert (day.created, day.resolved) == (12, 12)
    for grain in ("day", "week"):
        assert (
            sum(ResolutionDay.objects.filter(grain=grain).values_list("tickets", flat=True)) == 12
        )
