"""E-mails about tickets: subjects and plain-text bodies are plain text, HTML is escaped."""

import pytest
from django.core import mail

from requests_app.services import tickets as svc
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Partner's quota paperwork <draft>"
HTML_ENTITIES = ("&amp;", "&#x27;", "&#39;", "&lt;", "&gt;", "&quot;")


@pytest.fixture
def rnd_type():
    department = factories.DepartmentFactory(name="R&D", slug="rnd", prefix="RD")
    return factories.RequestTypeFactory(department=department, name="Lab & tools")


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_plain(text: str) -> None:
    assert not [entity for entity in HTML_ENTITIES if entity in text], text


def test_ticket_created_mail_plain_text_unescaped_html_escaped(
    rnd_type, requester, django_capture_on_commit_callbacks
):
    rnd_agent = factories.agent(rnd_type.department)
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_create(requester=requester, request_type=rnd_type, title=TITLE)
    [message] = mail.outbox
    assert message.to == [rnd_agent.email]
    assert message.subject == f"[RD-000001] New request: {TITLE}"
    assert "filed a new request to R&D." in message.body
    assert TITLE in message.body
    assert "Type: Lab & tools" in message.body
    assert_plain(message.body)
    html = html_of(message)
    assert "R&amp;D" in html
    assert "Partner&#x27;s quota paperwork &lt;draft&gt;" in html
    assert TITLE not in html


def test_ticket_mails_plain_text_unescaped_html_escaped_on_every_change(
    rnd_type, requester, django_capture_on_commit_callbacks
):
    first, second = factories.agent(rnd_type.department), factories.agent(rnd_type.department)
    ticket = svc.ticket_create(requester=requester, request_type=rnd_type, title=TITLE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_assign(ticket_id=ticket.pk, actor=first, assignee=second)
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_reply(ticket_id=ticket.pk, actor=second, body="Fish & chips won't wait")
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_set_status(ticket_id=ticket.pk, actor=second, status="waiting")
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        f"[RD-000001] Assigned to you: {TITLE}",
        f"[RD-000001] New reply: {TITLE}",
        f"[RD-000001] Waiting on requester: {TITLE}",
    ]
    assert "Fish & chips won't wait" in mail.outbox[1].body
    for message in mail.outbox:
        assert_plain(message.body)
    assigned, reply, _status = mail.outbox
    assert f"RD-000001 · {TITLE} is now assigned to you." in assigned.body
    assert "Partner&#x27;s quota paperwork &lt;draft&gt;" in html_of(assigned)
    assert "Fish &amp; chips won&#x27;t wait" in html_of(reply)


def test_status_mails_reach_the_people_on_cc_and_nobody_else(
    rnd_type, requester, django_capture_on_commit_callbacks
):
    agent = factories.agent(rnd_type.department)
    on_cc = factories.employee()
    quiet = svc.ticket_create(requester=requester, request_type=rnd_type, title="No cc")
    copied = svc.ticket_create(requester=requester, request_type=rnd_type, title="With cc")
    copied.cc.add(on_cc)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_resolve(ticket_id=quiet.pk, actor=agent, note="Done")
        svc.ticket_resolve(ticket_id=copied.pk, actor=agent, note="Done")
    to_by_title = {}
    for message in mail.outbox:
        title = "With cc" if "With cc" in message.subject else "No cc"
        to_by_title.setdefault(title, set()).update(message.to)
    assert to_by_title == {
        "No cc": {requester.email},
        "With cc": {requester.email, on_cc.email},
    }
