"""The weekly digest of anonymous answers: leads hear of low scores, never of one answer."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from surveys.models import AnonymousDigest, Notification
from surveys.services.digests import anonymous_digests_send, last_full_week
from surveys.tasks import send_anonymous_digests
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 2, 9)  # the digest runs in the week after 2–8 February
WEEK = datetime(2026, 2, 2, 9, tzinfo=OSLO)


@pytest.fixture
def world(department, request_type, it_lead):
    agent = factories.agent(department, first_name="Alice", last_name="Agent")
    requester = factories.employee(first_name="Ada", last_name="Lovelace")
    anonymous = factories.survey(name="Pulse", anonymous=True, departments=[department])

    def answer(score, at, comment=""):
        return factories.answered_csat(
            score=score,
            at=at,
            version=anonymous.versions.get(),
            department=department,
            request_type=request_type,
            requester=requester,
            agent=agent,
            comment=comment,
            anonymous=True,
        )

    return answer


def test_last_full_week_is_the_monday_before_last():
    assert last_full_week(date(2026, 2, 9)) == date(2026, 2, 2)  # a Monday
    assert last_full_week(date(2026, 2, 15)) == date(2026, 2, 2)  # the Sunday after


def test_digest_tells_leads_a_weeks_count_without_tickets_or_names(
    world, it_lead, department, django_capture_on_commit_callbacks
):
    tickets = [world(score, WEEK + timedelta(days=i)) for i, score in enumerate([1, 5, 4, 2, 5])]
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymous_digests_send(today=MONDAY) == 1
    note = Notification.objects.get(user=it_lead)
    assert note.ticket is None
    assert note.message == "Last week IT got 5 anonymous answers; 2 of them were low scores."
    [message] = mail.outbox
    assert message.to == [it_lead.email]
    for ticket in tickets:
        assert ticket.reference not in message.body
        assert ticket.reference not in note.message
    assert "Ada" not in message.body
    assert "/dashboards/" in message.body or department.slug in message.body


def test_digest_is_told_once_however_often_the_task_runs(
    world, it_lead, django_capture_on_commit_callbacks
):
    for i in range(5):
        world(1, WEEK + timedelta(hours=i))
    with (
        time_machine.travel(datetime(2026, 2, 9, 8, tzinfo=OSLO)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_anonymous_digests.run() == 1
        assert send_anonymous_digests.run() == 0
    assert Notification.objects.filter(user=it_lead).count() == 1
    assert len(mail.outbox) == 1
    assert AnonymousDigest.objects.get().low_scores == 5


def test_week_with_fewer_than_five_anonymous_answers_gets_no_digest(world, it_lead):
    for i in range(4):
        world(1, WEEK + timedelta(hours=i))
    assert anonymous_digests_send(today=MONDAY) == 0
    assert not Notification.objects.exists()


def test_week_without_low_scores_gets_no_digest(world, it_lead):
    for i in range(6):
        world(5, WEEK + timedelta(hours=i))
    assert anonymous_digests_send(today=MONDAY) == 0


def test_answers_outside_last_week_are_not_counted(world, it_lead):
    for i in range(5):
        world(1, WEEK - timedelta(days=1, hours=i))  # Sunday 1 February: the week before
    assert anonymous_digests_send(today=MONDAY) == 0
