"""Every actor × every ticket/file/queue/manage URL → the expected status code, from one table."""

import pytest
from django.urls import reverse

from requests_app.services import tickets as svc
from tests import factories

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "requester",
    "other_employee",
    "associate",
    "agent",
    "other_agent",
    "lead",
    "hr_admin",
]

# (name, method, url builder, POST data, {actor: expected status})
# 302 for a signed-out person is the redirect to the sign-in page; 404 hides that the
# thing exists. A state change someone may not make redirects back with a message
# (302), and test_refused_changes_leave_the_ticket_alone checks nothing changed.
SEE = {
    "anonymous": 302,
    "requester": 200,
    "other_employee": 404,
    "associate": 404,
    "agent": 200,
    "other_agent": 404,
    "lead": 200,
    "hr_admin": 404,
}
STAFF_PAGE = {
    "anonymous": 302,
    "requester": 404,
    "other_employee": 404,
    "associate": 404,
    "agent": 200,
    "other_agent": 404,
    "lead": 200,
    "hr_admin": 404,
}
LEAD_PAGE = {
    "anonymous": 302,
    "requester": 404,
    "other_employee": 404,
    "associate": 404,
    "agent": 404,
    "other_agent": 404,
    "lead": 200,
    "hr_admin": 200,
}
HR_PAGE = {
    "anonymous": 302,
    "requester": 404,
    "other_employee": 404,
    "associate": 404,
    "agent": 404,
    "other_agent": 404,
    "lead": 404,
    "hr_admin": 200,
}
ACT = {
    "anonymous": 302,
    "requester": 302,
    "other_employee": 404,
    "associate": 404,
    "agent": 302,
    "other_agent": 404,
    "lead": 302,
    "hr_admin": 404,
}
DIRECTORY = {
    "anonymous": 302,
    "requester": 200,
    "other_employee": 200,
    "associate": 404,
    "agent": 200,
    "other_agent": 200,
    "lead": 200,
    "hr_admin": 200,
}
EVERYONE = {
    "anonymous": 302,
    "requester": 200,
    "other_employee": 200,
    "associate": 200,
    "agent": 200,
    "other_agent": 200,
    "lead": 200,
    "hr_admin": 200,
}


def ticket_url(name):
    return lambda w: reverse(f"requests_app:{name}", kwargs={"reference": w["ticket"].reference})


def dept_url(name):
    return lambda w: reverse(f"requests_app:{name}", kwargs={"department_slug": "it"})


TABLE = [
    ("ticket_detail", "get", ticket_url("ticket_detail"), None, SEE),
    (
        "attachment",
        "get",
        lambda w: reverse(
            "requests_app:attachment_download", kwargs={"attachment_id": w["attachment"].pk}
        ),
        None,
        SEE,
    ),
    (
        "internal_note_file",
        "get",
        lambda w: reverse(
            "requests_app:attachment_download", kwargs={"attachment_id": w["note_attachment"].pk}
        ),
        None,
        {**STAFF_PAGE},
    ),
    ("reply", "post", ticket_url("ticket_reply"), {"body": "hello"}, ACT),
    ("claim", "post", ticket_url("ticket_claim"), {}, ACT),
    ("status", "post", ticket_url("ticket_status"), {"status": "waiting"}, ACT),
    ("resolve", "post", ticket_url("ticket_resolve"), {"note": "done"}, ACT),
    ("cancel", "post", ticket_url("ticket_cancel"), {"reason": "x"}, ACT),
    ("reopen", "post", ticket_url("ticket_reopen"), {"reason": "x"}, ACT),
    ("queue", "get", dept_url("department_queue"), None, STAFF_PAGE),
    ("request_types", "get", dept_url("request_type_list"), None, LEAD_PAGE),
    ("request_type_new", "get", dept_url("request_type_new"), None, LEAD_PAGE),
    ("members", "get", dept_url("member_list"), None, LEAD_PAGE),
    ("departments", "get", lambda w: reverse("requests_app:department_list"), None, HR_PAGE),
    (
        "department_edit",
        "get",
        lambda w: reverse("requests_app:department_edit", kwargs={"department_slug": "it"}),
        None,
        HR_PAGE,
    ),
    ("handoff", "get", lambda w: reverse("requests_app:handoff_new"), None, DIRECTORY),
    (
        "colleague_search",
        "get",
        lambda w: reverse("requests_app:colleague_search") + "?q=Fi",
        None,
        DIRECTORY,
    ),
    ("my_requests", "get", lambda w: reverse("requests_app:my_requests"), None, EVERYONE),
    ("new_request", "get", lambda w: reverse("requests_app:new_request"), None, EVERYONE),
]


@pytest.fixture
def world(department, request_type):
    other_department = factories.DepartmentFactory(name="HR", slug="hr", prefix="HR")
    people = {
        "requester": factories.employee(home_department=other_department, username="req"),
        "other_employee": factories.employee(home_department=other_department),
        "associate": factories.associate(),
        "agent": factories.agent(department),
        "other_agent": factories.agent(other_department),
        "lead": factories.lead(department),
        "hr_admin": factories.hr_admin(home_department=other_department),
    }
    ticket = svc.ticket_create(
        requester=people["requester"],
        request_type=request_type,
        title="Laptop",
        files=[factories.upload_pair("quote.pdf")],
    )
    note = svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=people["agent"],
        body="internal",
        internal=True,
        files=[factories.upload_pair("private.pdf")],
    )
    return {
        "ticket": ticket,
        "people": people,
        "attachment": ticket.attachments.first(),
        "note_attachment": note.attachments.get(),
    }


CASES = [
    pytest.param(name, method, url, data, actor, expected[actor], id=f"{name}-{actor}")
    for name, method, url, data, expected in TABLE
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "method", "url", "data", "actor", "expected"), CASES)
def test_permission_matrix(client, world, name, method, url, data, actor, expected):
    if name == "reopen":
        svc.ticket_resolve(
            ticket_id=world["ticket"].pk, actor=world["people"]["agent"], note="Fixed"
        )
    if actor != "anonymous":
        client.force_login(world["people"][actor])
    response = getattr(client, method)(url(world), data or {})
    assert response.status_code == expected
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("actor", ["other_employee", "associate", "other_agent", "hr_admin"])
def test_hidden_ticket_page_looks_like_a_missing_one(client, world, actor):
    client.force_login(world["people"][actor])
    hidden = client.get(
        reverse("requests_app:ticket_detail", kwargs={"reference": world["ticket"].reference})
    )
    missing = client.get(reverse("requests_app:ticket_detail", kwargs={"reference": "IT-999999"}))
    assert hidden.status_code == missing.status_code == 404
    assert world["ticket"].title not in hidden.content.decode()


def test_refused_changes_leave_the_ticket_alone(client, world):
    ticket = world["ticket"]
    client.force_login(world["people"]["requester"])
    response = client.post(
        reverse("requests_app:ticket_resolve", kwargs={"reference": ticket.reference}),
        {"note": "I resolve my own"},
        follow=True,
    )
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert "not allowed" in response.content.decode()
