"""HR admins' e-mail delivery page: who sees it, what it shows, sending a failed e-mail again."""

import html

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from tests import factories
from tests.queue import purge_queued_tasks

pytestmark = pytest.mark.django_db
Status = Email.Status
LIST_URL = reverse("console:email_list")


def retry_url(email: Email) -> str:
    return reverse("console:email_retry", kwargs={"email_id": email.pk})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _empty_queue():
    purge_queued_tasks()


@pytest.fixture
def ticket(request_type):
    # No agents in the department yet, so filing it queues no e-mail of its own.
    return factories.make_ticket(request_type=request_type, title="Printer on fire")


@pytest.fixture
def admin_client(client):
    client.force_login(factories.hr_admin(username="hanne"))
    return client


def make_email(ticket, *, recipient=None, status=Status.FAILED, attempts=8, **fields) -> Email:
    """An outbox row as the worker leaves it, written straight to the table."""
    defaults = {
        "template": "ticket_created",
        "context": {"ticket_id": ticket.pk, "event_id": None},
        "last_error": "SMTPRecipientsRefused: 550 mailbox unavailable" if attempts else "",
        "send_after": timezone.now(),
    }
    return Email.objects.create(
        recipient=recipient or factories.employee(first_name="Nora", last_name="Berg"),
        status=status,
        attempts=attempts,
        **{**defaults, **fields},
    )


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_email_pages_redirect_to_login_when_signed_out(client, ticket, method):
    email = make_email(ticket)
    url = LIST_URL if method == "get" else retry_url(email)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")
    email.refresh_from_db()
    assert email.status == Status.FAILED


@pytest.mark.parametrize("who", ["employee", "agent", "lead"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_email_pages_are_404_for_everyone_but_hr_admins(client, ticket, department, who, method):
    person = {
        "employee": factories.employee,
        "agent": lambda: factories.agent(department),
        "lead": lambda: factories.lead(department),
    }[who]()
    client.force_login(person)
    email = make_email(ticket)
    url = LIST_URL if method == "get" else retry_url(email)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert mail.outbox == []


def test_email_list_is_shown_to_hr_admins(admin_client):
    response = admin_client.get(LIST_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1" in text
    assert "E-mail delivery" in text
    assert "Nothing needs attention" in text


def test_email_list_is_in_the_hr_admins_menu_and_linked_from_survey_delivery(admin_client):
    home = page_text(admin_client.get("/"))
    assert f'href="{LIST_URL}"' in home
    delivery = page_text(admin_client.get(reverse("surveys:invitation_list")))
    assert f'href="{LIST_URL}"' in delivery
    assert "E-mail delivery" in delivery


# --- what it shows --------------------------------------------------------------------------


def test_email_list_shows_counts_by_status(admin_client, ticket):
    make_email(ticket, status=Status.FAILED)
    make_email(ticket, status=Status.FAILED)
    for _ in range(3):
        make_email(ticket, status=Status.SENT, attempts=1, subject="Sent one")
    make_email(ticket, status=Status.PENDING, attempts=0)
    response = admin_client.get(LIST_URL)
    counts = {label: n for _status, label, n in response.context["counts"]}
    assert counts == {
        "waiting to be sent": 1,
        "being sent": 0,
        "sent": 3,
        "failed": 2,
        "cancelled": 0,
    }
    text = page_text(response)
    assert "E-mails by status" in text
    assert "Waiting to be sent" in text


def test_email_list_shows_failed_and_retrying_emails_newest_first(admin_client, ticket):
    failed = make_email(ticket, subject="[IT-000001] New request: Printer on fire")
    retrying = make_email(
        ticket,
        status=Status.PENDING,
        attempts=2,
        template="ticket_reply",
        subject="",
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    make_email(ticket, status=Status.PENDING, attempts=0, subject="Not tried yet")
    make_email(ticket, status=Status.SENT, attempts=1, subject="Went out fine")
    make_email(ticket, status=Status.CANCELLED, attempts=1, subject="Gone")

    response = admin_client.get(LIST_URL)
    rows = response.context["rows"]
    assert [row.email for row in rows] == [retrying, failed]
    text = page_text(response)
    assert "[IT-000001] New request: Printer on fire" in text
    assert "Nora Berg" in text
    assert failed.recipient.email in text
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in text
    assert "Retrying" in text
    assert "2 of 8" in text
    # Not attempted with a subject yet: the kind of e-mail stands in for it.
    assert [row.kind for row in rows] == ["Reply", "New request"]
    for absent in ("Not tried yet", "Went out fine", "Gone"):
        assert absent not in text


def test_email_list_offers_send_again_only_for_failed_unowned_emails(admin_client, ticket):
    failed = make_email(ticket)
    retrying = make_email(ticket, status=Status.PENDING, attempts=2)
    invitation = make_email(
        ticket, template="survey_invitation", owner_kind="survey_invitation", owner_id=1
    )
    response = admin_client.get(LIST_URL)
    text = page_text(response)
    assert f'action="{retry_url(failed)}"' in text
    assert f'action="{retry_url(retrying)}"' not in text
    assert f'action="{retry_url(invitation)}"' not in text
    assert "Survey invitation" in text
    assert "Retried from Survey delivery" in text
    assert f'href="{reverse("surveys:invitation_list")}"' in text
    # The button names what it sends, for a screen reader's list of buttons.
    assert '<span class="visually-hidden"> “New request” to Nora Berg</span>' in text


def test_email_list_labels_every_kind_of_email(admin_client, ticket):
    templates = {
        "ticket_created": "New request",
        "ticket_assigned": "Assigned",
        "ticket_reply": "Reply",
        "ticket_status": "Status change",
        "survey_low_score": "Low score alert",
        "survey_anonymous_digest": "Anonymous digest",
        "survey_invitation": "Survey invitation",
        "survey_reminder": "Survey reminder",
    }
    for template in templates:
        make_email(ticket, template=template)
    rows = admin_client.get(LIST_URL).context["rows"]
    assert sorted(row.kind for row in rows) == sorted(templates.values())


def test_email_list_speaks_the_admins_language(client, ticket):
    client.force_login(factories.hr_admin(profile__language="nb"))
    make_email(ticket, template="ticket_status")
    text = page_text(client.get(LIST_URL))
    assert "Utsending av e-post" in text
    assert "Statusendring" in text
    assert "Send på nytt" in text


def test_email_list_runs_a_fixed_number_of_queries(
    admin_client, ticket, django_assert_max_num_queries
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(LIST_URL)
        assert response.status_code == 200
        return len(queries)

    for _ in range(3):
        make_email(ticket)
    with_three = count_queries()
    for _ in range(27):
        make_email(ticket)
    with django_assert_max_num_queries(with_three):
        response = admin_client.get(LIST_URL)
    assert len(response.context["rows"]) == settings.ICSAT_PAGE_SIZE


def test_email_list_is_paginated(admin_client, ticket):
    emails = [make_email(ticket) for _ in range(settings.ICSAT_PAGE_SIZE + 2)]
    second = admin_client.get(LIST_URL, {"page": 2})
    assert [row.email for row in second.context["rows"]] == emails[1::-1]
    assert "Page 2 of 2" in page_text(second)


# --- sending again ----------------------------------------------------------------------------


def test_email_retry_sends_a_failed_email_again(
    admin_client, ticket, django_capture_on_commit_callbacks
):
    email = make_email(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url(email), {"page": "2"})
    assert response.status_code == 302
    assert response.url == f"{LIST_URL}?page=2"
    assert messages_of(response) == [
        "Sent again: “New request” to Nora Berg. It goes out in a moment."
    ]
    [message] = mail.outbox
    assert message.to == [email.recipient.email]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 1, "")


def test_email_retry_refuses_a_survey_invitation(
    admin_client, ticket, django_capture_on_commit_callbacks
):
    email = make_email(
        ticket, template="survey_invitation", owner_kind="survey_invitation", owner_id=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url(email))
    assert response.status_code == 302
    assert response.url == LIST_URL
    assert messages_of(response) == [
        "“Survey invitation” is sent again from its own page, so nothing was changed here."
    ]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 8)
    assert mail.outbox == []


@pytest.mark.parametrize(("status", "attempts"), [(Status.SENT, 1), (Status.PENDING, 2)])
def test_email_retry_refuses_an_email_that_has_not_failed(
    admin_client, ticket, django_capture_on_commit_callbacks, status, attempts
):
    email = make_email(ticket, status=status, attempts=attempts, subject="Done already")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url(email))
    assert response.status_code == 302
    assert messages_of(response) == ["That e-mail had not failed, so nothing was changed."]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (status, attempts)
    assert mail.outbox == []


def test_email_retry_is_404_for_an_unknown_email(admin_client):
    response = admin_client.post(reverse("console:email_retry", kwargs={"email_id": 999}))
    assert response.status_code == 404


def test_email_retry_refuses_get(admin_client, ticket):
    email = make_email(ticket)
    response = admin_client.get(retry_url(email))
    assert response.status_code == 405
    email.refresh_from_db()
    assert email.status == Status.FAILED
