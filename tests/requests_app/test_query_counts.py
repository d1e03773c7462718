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
# Each page's queries: the session, the signed-in person (with their profile and HR-admin
# flag: requests_app.backends), their memberships, the navigation's counts, and the page's
# own reads. The queue's default tab takes its length from the tab counts.
BUDGET = {
    "queue": 8,
    "my_requests": 7,
    "assigned": 6,
    "ticket_requester": 8,
    "ticket_agent": 9,
    "home": 9,
}


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
    with django_assert_max_num_queries(BUDGET[page]):
        client.get(url(ticket))


def test_queue_length_comes_from_its_tab_unless_other_filters_narrow_it(
    client, request_type, requester, it_agent
):
    for i in range(30):
        ticket = factories.make_ticket(
            requester=requester, request_type=request_type, title=f"Ticket {i}"
        )
        if i < 3:
            svc.ticket_claim(ticket_id=ticket.pk, actor=it_agent)
            svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Done")
    client.force_login(it_agent)
    queue = reverse("requests_app:department_queue", args=["it"])

    with CaptureQueriesContext(connection) as by_tab:
        page = client.get(queue).content.decode()
    assert "27 requests" in page and "page=2" in page
    resolved = client.get(queue, {"status": "resolved"}).content.decode()
    assert "3 requests" in resolved and "page=2" not in resolved
    with CaptureQueriesContext(connection) as counted:
        by_type = client.get(queue, {"type": request_type.slug}).content.decode()
    assert "27 requests" in by_type  # the same list, counted
    assert len(by_tab) == len(counted) - 1
    second = client.get(queue, {"page": 2}).content.decode()
    assert second.count("<tr>") == 1 + 2  # the header and the last two of 27
