"""The weekly digest names only clear changes, is sent only when there is something to
tell, respects opting out, and speaks the reader's language."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from insights.services.weekly_digest import department_digest, weekly_digests_send
from insights.stats import share_change
from loop.models import FollowUp, Theme
from requests_app.models import Department, Employee, Membership
from surveys.models import Response
from surveys.selectors import current_version
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)  # the digest's run; it compares Feb 2–Mar 1 with Jan 5–Feb 1


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


class Company:
    """Two departments answering one CSAT survey; answers are spread over the days of a
    window so every week has some."""

    def __init__(self):
        self.survey = factories.survey()
        self.version = current_version(self.survey)
        self.departments = {}
        for name in ("Finance", "Legal"):
            department = factories.DepartmentFactory(name=name, prefix=name[:3].upper())
            self.departments[name] = {
                "department": department,
                "type": factories.RequestTypeFactory(department=department),
                "agent": factories.agent(department),
                "lead": factories.lead(department),
            }
        self.requester = factories.employee()

    def answer(self, name: str, scores: list[int], first_day: date) -> None:
        parts = self.departments[name]
        for i, score in enumerate(scores):
            factories.answered_csat(
                score=score,
                at=_at(first_day + timedelta(days=i % 27)),
                version=self.version,
                department=parts["department"],
                request_type=parts["type"],
                requester=self.requester,
                agent=parts["agent"],
            )


@pytest.fixture
def company():
    return Company()


PREVIOUS_WINDOW = date(2026, 1, 5)
CURRENT_WINDOW = date(2026, 2, 2)


def test_digest_names_a_clear_drop_and_not_noise(company, django_capture_on_commit_callbacks):
    # Finance: 36 of 40 satisfied (90 %) → 16 of 40 (40 %): a clear drop.
    company.answer("Finance", [5] * 36 + [1] * 4, PREVIOUS_WINDOW)
    company.answer("Finance", [5] * 16 + [1] * 24, CURRENT_WINDOW)
    # Legal: 30 of 40 (75 %) → 27 of 40 (67.5 %): within noise.
    company.answer("Legal", [5] * 30 + [2] * 10, PREVIOUS_WINDOW)
    company.answer("Legal", [5] * 27 + [2] * 13, CURRENT_WINDOW)

    finance = department_digest(company.departments["Finance"]["department"], MONDAY)
    legal = department_digest(company.departments["Legal"]["department"], MONDAY)
    csat = [c for c in finance.changes if c.key == "csat" and not c.group]
    assert [(c.direction, c.previous, c.current) for c in csat] == [("down", 0.9, 0.4)]
    assert not legal  # nothing clear, nothing overdue, no new theme

    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digests_send(today=MONDAY) == 2  # Finance's lead and the HR admin
    finance_lead = company.departments["Finance"]["lead"]
    legal_lead = company.departments["Legal"]["lead"]
    sent = {message.to[0]: message for message in mail.outbox}
    assert legal_lead.email not in sent  # nothing changed for Legal: no e-mail at all
    body = sent[finance_lead.email].body
    assert "Finance" in body and "Legal" not in body
    # Written as the dashboard writes it: both figures with intervals, the change with its.
    assert re.search(
        r"- CSAT \(answers of 4–5\): Before 90 % \(\d+–\d+ %\) → Now 40 % \(\d+–\d+ %\); "
        r"down 50 points \(95 % interval of the change: -\d+ to -\d+\)",
        body,
    ), body
    hr_body = next(m.body for address, m in sent.items() if address != finance_lead.email)
    assert "Finance" in hr_body and "Legal" not in hr_body

    # Safe to run twice: a reader's week is told once.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digests_send(today=MONDAY) == 0
    assert mail.outbox == []


def test_no_clear_change_sends_nothing(company, django_capture_on_commit_callbacks):
    company.answer("Finance", [5] * 30 + [2] * 10, PREVIOUS_WINDOW)
    company.answer("Finance", [5] * 29 + [2] * 11, CURRENT_WINDOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digests_send(today=MONDAY) == 0
    assert mail.outbox == []


def test_overdue_follow_ups_and_new_themes_are_told_and_opting_out_is_respected(
    company, django_capture_on_commit_callbacks
):
    finance = company.departments["Finance"]
    Theme.objects.create(department=finance["department"], name="Slow refunds")
    Theme.objects.filter(name="Slow refunds").update(created_at=_at(MONDAY - timedelta(days=2)))
    factories.answered_csat(
        score=1,
        at=_at(MONDAY - timedelta(days=20)),
        version=company.version,
        department=finance["department"],
        request_type=finance["type"],
        requester=company.requester,
        agent=finance["agent"],
    )
    response = Response.objects.latest("pk")
    FollowUp.objects.create(
        response=response,
        department=finance["department"],
        ticket=response.invitation.ticket,
        owner=finance["agent"],
        due_on=MONDAY - timedelta(days=1),
    )
    # Every HR admin (the survey's maker) turns the digest off on their profile.
    Employee.objects.filter(user__groups__name=settings.ICSAT_HR_ADMIN_GROUP).update(
        weekly_digest=False
    )
    finance["lead"].employee.language = "nb"
    finance["lead"].employee.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digests_send(today=MONDAY) == 1  # the HR admins turned it off
    [message] = mail.outbox
    assert message.to == [finance["lead"].email]
    assert "Slow refunds" in message.body
    # In the lead's language: Norwegian.
    assert "1 oppfølging av en lav score er på overtid." in message.body


def test_the_lead_of_two_departments_gets_one_email_for_both(
    company, django_capture_on_commit_callbacks
):
    finance, legal = company.departments["Finance"], company.departments["Legal"]
    Membership.objects.create(
        user=finance["lead"], department=legal["department"], role=Membership.Role.LEAD
    )
    for parts in (finance, legal):
        Theme.objects.create(department=parts["department"], name=f"Theme of {parts['department']}")
    Theme.objects.update(created_at=_at(MONDAY - timedelta(days=3)))
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests_send(today=MONDAY)
    mine = [m for m in mail.outbox if m.to == [finance["lead"].email]]
    assert len(mine) == 1
    assert "Theme of Finance" in mine[0].body and "Theme of Legal" in mine[0].body
    assert set(Department.objects.values_list("name", flat=True)) >= {"Finance", "Legal"}


def test_leads_and_hr_admins_turn_the_digest_off_on_their_profile(client, company):
    lead = company.departments["Finance"]["lead"]
    client.force_login(company.requester)
    assert "Weekly e-mail of clear changes" not in client.get("/account/").content.decode()
    client.force_login(lead)
    page = client.get("/account/").content.decode()
    assert "Weekly e-mail of clear changes" in page
    response = client.post("/account/", {"language": "en", "time_zone": ""})
    assert response.status_code == 302
    lead.employee.refresh_from_db()
    assert lead.employee.weekly_digest is False  # an unticked box is a no
    client.post("/account/", {"language": "en", "time_zone": "", "weekly_digest": "on"})
    lead.employee.refresh_from_db()
    assert lead.employee.weekly_digest is True


def test_breakdown_rows_are_held_to_the_bonferroni_interval(company):
    """Two request types are two comparisons: a row is named only when its interval at
    1 − 0.05/2 leaves out zero. Invoices' fall (70 % → 47.5 %) is clear at 95 % alone but
    not among two; Refunds' (90 % → 40 %) is clear either way. The one customer
    department holds every answer, so it is the headline again and is not compared."""
    finance = company.departments["Finance"]
    refunds = finance["type"]
    invoices = factories.RequestTypeFactory(department=finance["department"], name="Invoices")
    for request_type, before, now in ((refunds, 36, 16), (invoices, 28, 19)):
        for first_day, good in ((PREVIOUS_WINDOW, before), (CURRENT_WINDOW, now)):
            for i in range(40):
                factories.answered_csat(
                    score=5 if i < good else 1,
                    at=_at(first_day + timedelta(days=i % 27)),
                    version=company.version,
                    department=finance["department"],
                    request_type=request_type,
                    requester=company.requester,
                    agent=finance["agent"],
                )
    alone = share_change(19, 40, 28, 40)
    assert alone.clear  # on its own, Invoices' fall would be named

    digest = department_digest(finance["department"], MONDAY)
    rows = [(c.dimension, c.group, c.direction) for c in digest.changes if c.group]
    assert rows == [("request_type", refunds.name, "down")]
    [refunds_row] = [c for c in digest.changes if c.group]
    uncorrected = share_change(16, 40, 36, 40)
    assert refunds_row.tile.change.low < uncorrected.low  # the stricter, wider interval
    assert refunds_row.tile.change.high > uncorrected.high
