"""Pages run a fixed number of queries, whatever the number of tickets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.services import tickets as svc
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(request_type, requester, it_agent):
    state = {}

    def grow(n):
        """n more tickets, and n more timeline entries on the ticket whose page is measured."""
        for i in range(n):
            ticket = factories.make_ticket(
                requester=requester, request_type=request_type, title=f"Ticket {i}"
            )
            svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
            svc.ticket_reply(
                ticket_id=ticket.pk, actor=it_agent, body="Looking", files=[factories.upload_pair()]
            )
            svc.ticket_reply(ticket_id=ticket.pk, actor=it_agent, body="Note", internal=True)
            svc.ticket_reply(ticket_id=ticket.pk, actor=requester, body="Thanks")
            state.setdefault("ticket", ticket)
        for _ in range(n):
            svc.ticket_reply(
                ticket_id=state["ticket"].pk,
                actor=it_agent,
                body="More",
                files=[factories.upload_pair()],
            )
        return state["ticket"]

    return grow


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


PAGES = [
    ("queue", "it_agent", lambda t: reverse("requests_app:department_queue", args=["it"])),
    ("my_requests", "requester", lambda t: reverse("requests_app:my_requests")),
    ("assigned", "it_agent", lambda t: reverse("requests_app:assigned_to_me")),
    ("ticket_requester", "requester", lambda t: t.get_absolute_url()),
    ("ticket_agent", "it_agent", lambda t: t.get_absolute_url()),
    ("home", "requester", lambda t: reverse("requests_app:home")),
]


@pytest.mark.parametrize(("page", "who", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_page_queries_do_not_grow_with_tickets(
    client, data, page, who, url, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    ticket = data(5)
    with_5 = count_queries(client, url(ticket))
    ticket = data(45)
    with_50 = count_queries(client, url(ticket))
    assert with_50 == with_5
    with django_assert_max_num_queries(16):
        client.get(url(ticket))
