"""The recipient's pages: token link, in-app answering, thanks, reopen, bad tokens."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from requests_app.models import Ticket, TicketEvent
from requests_app.services import tickets as ticket_svc
from surveys.models import Answer, Invitation, Notification, Response
from surveys.services import invitations as svc
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(request_type, it_agent, it_lead):
    """A resolved ticket whose survey e-mail went out; returns (invitation, token)."""

    def _sent(**survey_fields):
        factories.survey(**survey_fields)
        requester = factories.employee(first_name="Ada", last_name="Lovelace")
        ticket = factories.make_ticket(requester=requester, request_type=request_type)
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Fixed")
        invitation = Invitation.objects.get(ticket=ticket)
        mail.outbox.clear()
        assert svc.invitation_send(invitation_id=invitation.pk)
        token = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body).group(1)
        mail.outbox.clear()
        invitation.refresh_from_db()
        return invitation, token

    return _sent


def answers(invitation, score="5", **extra):
    questions = list(invitation.version.questions.order_by("position"))
    data = {"revision": invitation.version.revision, f"q{questions[0].pk}": score}
    for index, value in extra.items():
        data[f"q{questions[int(index[1:])].pk}"] = value
    return data


def test_link_opens_survey_without_password(client, sent):
    invitation, token = sent()
    response = client.get(reverse("surveys:answer", args=[token]))
    text = response.content.decode()
    assert response.status_code == 200
    assert invitation.ticket.reference in text
    assert 'role="radiogroup"' in text
    assert text.count('type="radio"') >= 5
    assert 'for="q' in text  # every radio has a label
    assert response["Cache-Control"].startswith("max-age=0")


def test_answer_then_thanks_then_already_answered(client, sent):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    response = client.post(url, answers(invitation, "4", q3="Quick and friendly"))
    assert response.status_code == 302
    thanks = client.get(url).content.decode()
    assert "Thank you!" in thanks
    again = client.get(url).content.decode()
    assert "Already answered" in again
    stored = Response.objects.get()
    assert stored.headline_score == 4
    assert stored.comment == "Quick and friendly"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED


def test_second_submit_keeps_the_first_answer(client, sent):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    client.post(url, answers(invitation, "5"))
    client.post(url, answers(invitation, "1"))
    assert Response.objects.get().headline_score == 5
    assert Answer.objects.filter(response__invitation=invitation).count() == 1


def test_missing_required_and_out_of_range_answers_get_messages(client, sent):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    missing = client.post(url, {"revision": invitation.version.revision})
    assert missing.status_code == 400
    assert "Please answer this question." in missing.content.decode()
    out_of_range = client.post(url, answers(invitation, "9"))
    assert out_of_range.status_code == 400
    assert "Choose one of the offered values." in out_of_range.content.decode()
    bad_choice = client.post(url, answers(invitation, "3", q2="Bribery"))
    assert "Choose one of the offered options." in bad_choice.content.decode()
    assert not Response.objects.exists()


def test_typed_answers_are_kept_after_an_error(client, sent):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    response = client.post(url, answers(invitation, "", q3="Keep this comment"))
    assert "Keep this comment" in response.content.decode()


@pytest.mark.parametrize("token", ["nope", "x" * 43, "A" * 42 + "!", "ø" * 43, "x" * 5000])
def test_bad_tokens_get_a_friendly_404(client, sent, token):
    sent()
    response = client.get(f"/s/{token}/")
    assert response.status_code == 404
    assert "Survey not found" in response.content.decode()


def test_expired_link_is_410(client, sent):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    _invitation, token = sent(expires_days=3)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.get(reverse("surveys:answer", args=[token]))
    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()


def test_cancelled_by_reopen_is_410(client, sent):
    invitation, token = sent()
    ticket = invitation.ticket
    ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=ticket.requester, reason="again")
    assert client.get(reverse("surveys:answer", args=[token])).status_code == 410


def test_survey_edited_while_open_asks_to_check_again(client, sent):
    from surveys.services.editor import survey_set_questions

    invitation, token = sent()
    old_revision = invitation.version.revision
    survey_set_questions(
        actor=factories.hr_admin(),
        survey=invitation.survey,
        questions=[
            {
                "kind": "csat_1_5",
                "text": "Overall, how satisfied?",
                "required": True,
                "is_headline": True,
            }
        ],
    )
    response = client.post(
        reverse("surveys:answer", args=[token]), {"revision": old_revision, "q1": "5"}
    )
    assert response.status_code == 409
    assert "updated while you had it open" in response.content.decode()
    assert "Overall, how satisfied?" in response.content.decode()
    assert not Response.objects.exists()


def test_low_score_alerts_lead_and_reopens_with_one_click(
    client, sent, it_lead, django_capture_on_commit_callbacks
):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, answers(invitation, "1", q3="Still broken"))
    note = Notification.objects.get(user=it_lead)
    assert invitation.ticket.reference in note.message
    assert [m.to for m in mail.outbox] == [[it_lead.email]]
    assert "Still broken" in mail.outbox[0].body
    thanks = client.get(url).content.decode()
    assert "Still not solved?" in thanks
    reopen = client.post(reverse("surveys:answer_reopen", args=[token]))
    assert "is open again" in reopen.content.decode()
    ticket = Ticket.objects.get(pk=invitation.ticket_id)
    assert ticket.status == Ticket.Status.OPEN


def test_low_score_alert_plain_text_unescaped_html_escaped(
    client, sent, department, it_lead, django_capture_on_commit_callbacks
):
    department.name = "R&D"
    department.save(update_fields=["name"])
    invitation, token = sent()
    invitation.ticket.title = "Partner's quota"
    invitation.ticket.save(update_fields=["title"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:answer", args=[token]), answers(invitation, "1"))
    [message] = mail.outbox
    assert message.subject == f"Low satisfaction score on {invitation.ticket.reference}"
    assert "Partner's quota rated it 1/5." in message.body
    assert "&#x27;" not in message.body
    assert "Partner&#x27;s quota" in message.alternatives[0][0]


def test_good_score_offers_no_reopen_and_alerts_no_one(
    client, sent, it_lead, django_capture_on_commit_callbacks
):
    invitation, token = sent()
    url = reverse("surveys:answer", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, answers(invitation, "5"))
    assert "Still not solved?" not in client.get(url).content.decode()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_answer_shows_on_timeline_for_staff_only(client, sent, it_agent):
    invitation, token = sent()
    client.post(reverse("surveys:answer", args=[token]), answers(invitation, "4", q3="Nice"))
    ticket = invitation.ticket
    client.force_login(it_agent)
    staff_view = client.get(ticket.get_absolute_url()).content.decode()
    assert "answered the satisfaction survey: 4/5" in staff_view
    client.force_login(ticket.requester)
    requester_view = client.get(ticket.get_absolute_url()).content.decode()
    assert "answered the satisfaction survey" not in requester_view


def test_anonymous_low_score_names_no_one_and_ties_no_reopen_to_the_answer(
    client, sent, it_lead, it_agent, django_capture_on_commit_callbacks
):
    invitation, token = sent(anonymous=True)
    url = reverse("surveys:answer", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, answers(invitation, "1", q3="Rude"))
    ticket = invitation.ticket
    assert not ticket.events.filter(
        kind=TicketEvent.Kind.SURVEY, body__contains="answered"
    ).exists()
    # no alert at the time of the answer: its time would point at the ticket
    assert not Notification.objects.exists()
    assert mail.outbox == []
    thanks = client.get(url).content.decode()
    assert "Still not solved?" in thanks
    assert "your answer is not attached to your request" in thanks
    assert reverse("surveys:answer_reopen", args=[token]) not in thanks
    # the one-click reopen is refused, and the request stays resolved
    refused = client.post(reverse("surveys:answer_reopen", args=[token]), follow=True)
    assert "This survey is anonymous" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert not ticket.events.filter(body__contains="Reopened from the satisfaction survey").exists()


def test_in_app_waiting_list_and_answer(client, sent):
    invitation, _token = sent()
    client.force_login(invitation.recipient)
    home = client.get(reverse("requests_app:home")).content.decode()
    assert "A short survey is waiting for you." in home
    waiting = client.get(reverse("surveys:waiting")).content.decode()
    assert invitation.ticket.reference in waiting
    url = reverse("surveys:answer_in_app", args=[invitation.pk])
    client.post(url, answers(invitation, "5"))
    assert Response.objects.filter(invitation=invitation).exists()
    assert (
        "No surveys are waiting for you." in client.get(reverse("surveys:waiting")).content.decode()
    )


def test_navigation_counts_surveys_still_answerable_and_unread_notifications(client, sent, it_lead):
    """The badges count what the person can still act on: not an expired or answered
    survey, not a read notification."""
    from datetime import timedelta

    from django.utils import timezone

    def badges(user):
        client.force_login(user)
        context = client.get(reverse("requests_app:home")).context
        return context["nav_surveys_waiting"], context["nav_notifications_unread"]

    first, token = sent()
    second, _ = sent()
    second.recipient = first.recipient
    second.save(update_fields=["recipient"])
    assert badges(first.recipient) == (2, 0)
    Invitation.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(1))
    assert badges(first.recipient) == (1, 0)
    client.post(reverse("surveys:answer", args=[token]), answers(first, "1"))
    assert badges(first.recipient) == (0, 0)
    assert badges(it_lead) == (0, 1)  # told of the low score
    Notification.objects.update(read_at=timezone.now())
    assert badges(it_lead) == (0, 0)


def test_someone_else_cannot_answer_in_app(client, sent):
    invitation, _token = sent()
    client.force_login(factories.employee())
    url = reverse("surveys:answer_in_app", args=[invitation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answers(invitation, "1")).status_code == 404
    assert not Response.objects.exists()


def test_notifications_page_marks_read(client, sent, it_lead):
    invitation, token = sent()
    client.post(reverse("surveys:answer", args=[token]), answers(invitation, "2"))
    client.force_login(it_lead)
    page = client.get(reverse("surveys:notifications")).content.decode()
    assert "low satisfaction score" in page
    client.post(reverse("surveys:notifications"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_response_carries_dashboard_dimensions(client, sent, it_agent):
    invitation, token = sent()
    client.post(reverse("surveys:answer", args=[token]), answers(invitation, "4"))
    response = Response.objects.get()
    ticket = invitation.ticket
    assert response.department == ticket.department
    assert response.request_type == ticket.request_type
    assert response.agent == it_agent
    assert response.customer_department == ticket.requester.employee.home_department
    assert response.sla_met is True
    assert response.reopened is False
    assert response.resolution_seconds is not None
