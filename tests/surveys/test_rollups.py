"""The per-day rollups the dashboards read: kept current by the services, equal to a rebuild,
and the exact median they lead to."""

import random
import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db.models import Q, Sum

from requests_app.models import ResolutionDay, Ticket, TicketDay
from requests_app.selectors import resolution_medians, rollup_days
from requests_app.services import tickets as ticket_svc
from surveys.models import AnswerDay, Invitation, InvitationDay, Question, ResponseDay
from surveys.scorecards.common import weeks_and_days
from surveys.selectors import rollups_missing
from surveys.services import invitations as invitation_svc
from surveys.services.responses import response_submit
from surveys.services.rollups import rollups_rebuild
from tests import factories

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def snapshot() -> dict:
    """Every rollup row as plain values, without ids, zero rows left out."""

    def rows(model, keys, counters):
        out = set()
        for row in model.objects.values_list(*keys, *counters):
            if any(row[len(keys) :]):
                out.add(row)
        return out

    return {
        "ticket": rows(
            TicketDay,
            ["department_id", "request_type_id", "day"],
            ["created", "resolved", "with_due", "sla_met", "reopened"],
        ),
        "resolution": rows(
            ResolutionDay, ["department_id", "request_type_id", "day", "bucket"], ["tickets"]
        ),
        "response": rows(
            ResponseDay,
            [
                "department_id",
                "request_type_id",
                "version_id",
                "day",
                "grain",
                "dimension",
                "value",
            ],
            [
                "responses",
                "csat_n",
                "csat_good",
                "csat_sum",
                "nps_n",
                "nps_promoters",
                "nps_detractors",
            ],
        ),
        "answer": rows(
            AnswerDay,
            ["department_id", "request_type_id", "question_id", "day", "value"],
            ["answers"],
        ),
        "invitation": rows(
            InvitationDay,
            ["department_id", "request_type_id", "version_id", "day"],
            ["sent", "answered"],
        ),
    }


def answer_through_services(invitation: Invitation, score: int, comment: str = ""):
    questions = list(invitation.version.questions.all())
    raw = {}
    for question in questions:
        if question.kind == Question.Kind.CSAT:
            raw[question.pk] = str(score)
        elif question.kind == Question.Kind.TEXT:
            raw[question.pk] = comment
    return response_submit(invitation_id=invitation.pk, raw_answers=raw, revision=None)


def test_the_services_keep_the_rollups_equal_to_a_rebuild(
    request_type, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    department = request_type.department
    factories.survey(departments=[department], delay_minutes=0)
    agent = factories.agent(department)
    customer = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FI")
    requesters = [factories.employee(home_department=customer) for _ in range(3)]
    requesters.append(factories.associate())  # no home department
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    tickets = []
    for day in range(6):
        # each day: a few requests, some resolved the same day, some the next
        with time_machine.travel(start + timedelta(days=day), tick=False):
            for index, requester in enumerate(requesters):
                ticket = ticket_svc.ticket_create(
                    requester=requester, request_type=request_type, title=f"{day}/{index}"
                )
                tickets.append(ticket)
        with time_machine.travel(start + timedelta(days=day, hours=10 + day), tick=False):
            for ticket in tickets[-4:-1]:
                with django_capture_on_commit_callbacks(execute=True):
                    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
    # a reopen takes a resolution back, the second resolve counts it as reopened
    first = tickets[0]
    with time_machine.travel(start + timedelta(days=0, hours=20), tick=False):
        ticket_svc.ticket_reopen(ticket_id=first.pk, actor=first.requester, reason="Again")
    with time_machine.travel(start + timedelta(days=2, hours=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            ticket_svc.ticket_resolve(ticket_id=first.pk, actor=agent, note="Really done")
        ticket_svc.ticket_cancel(ticket_id=tickets[3].pk, actor=tickets[3].requester)
        factories.make_ticket(request_type=request_type)  # a new one, left open
    # invitations are sent, and most are answered on a later day
    with time_machine.travel(start + timedelta(days=7), tick=False):
        for invitation in Invitation.objects.filter(status=Invitation.Status.PENDING):
            invitation_svc.invitation_send(invitation_id=invitation.pk)
    sent = list(Invitation.objects.filter(status=Invitation.Status.SENT).order_by("pk"))
    assert len(sent) >= 10
    assert len(mail.outbox) >= len(sent)
    for index, invitation in enumerate(sent[:-2]):
        # answers spread over 9 days, across a week boundary
        with time_machine.travel(start + timedelta(days=8 + index % 9), tick=False):
            answer_through_services(invitation, score=1 + index % 5, comment=f"c{index}")

    kept = snapshot()
    assert kept["ticket"] and kept["resolution"] and kept["response"] and kept["invitation"]
    rollups_rebuild()
    assert snapshot() == kept
    assert {row[4] for row in kept["response"]} == {"day", "week"}

    # any whole-day period reads the same sums from week and day rows as from day rows only
    for first in range(0, 20):
        for length in (1, 6, 7, 8, 13, 15, 20):
            period_start = start.replace(hour=0) + timedelta(days=first - 3)
            period_end = period_start + timedelta(days=length)
            assert breakdown_sums(weeks_and_days(period_start, period_end)) == breakdown_sums(
                rollup_days(period_start, period_end) & Q(grain="day")
            ), (first, length)


def breakdown_sums(where) -> dict:
    rows = (
        ResponseDay.objects.filter(where, dimension__in=ResponseDay.WEEKLY_DIMENSIONS)
        .values_list("dimension", "value")
        .annotate(n=Sum("responses"), good=Sum("csat_good"))
    )
    return {(dimension, value): (n, good) for dimension, value, n, good in rows if n}


def test_rebuild_command_and_if_missing(request_type):
    factories.make_ticket(request_type=request_type, status=Ticket.Status.RESOLVED)
    kept = snapshot()
    TicketDay.objects.all().delete()
    ResolutionDay.objects.all().delete()
    assert rollups_missing()
    call_command("rebuild_rollups", "--if-missing", verbosity=0)
    assert not rollups_missing()
    assert snapshot() == kept


# ---------------------------------------------------------------- exact medians


def seed_durations(request_types, durations_by_day, start):
    """Resolved requests written directly, with the given durations (seconds)."""
    department = request_types[0].department
    requester = factories.employee()
    n = 0
    for day, durations in durations_by_day.items():
        resolved = start + timedelta(days=day, hours=12)
        for index, seconds in enumerate(durations):
            n += 1
            ticket = Ticket.objects.create(
                reference=f"{department.prefix}-{n:06d}",
                requester=requester,
                department=department,
                request_type=request_types[index % len(request_types)],
                title="x",
            )
            Ticket.objects.filter(pk=ticket.pk).update(
                created_at=resolved - timedelta(seconds=seconds),
                resolved_at=resolved,
                resolution_seconds=seconds,
                status=Ticket.Status.RESOLVED,
            )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_median_equals_the_median_of_every_duration(request_type, seed):
    rng = random.Random(seed)
    other_type = factories.RequestTypeFactory(department=request_type.department)
    types = [request_type, other_type]
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    # durations from seconds to weeks, many in the same few buckets, ties included
    by_day = {
        day: [
            rng.choice([rng.randint(0, 90), rng.randint(3000, 4000), rng.randint(0, 900_000)])
            for _ in range(rng.randint(0, 9))
        ]
        for day in range(20)
    }
    seed_durations(types, by_day, start)
    rollups_rebuild()
    periods = {
        "first": (start, start + timedelta(days=10)),
        "second": (start + timedelta(days=10), start + timedelta(days=20)),
    }
    department = request_type.department
    for type_filter in (None, other_type.pk):
        medians = resolution_medians(
            periods=periods, department_id=department.pk, request_type_id=type_filter
        )
        for name, (low, high) in periods.items():
            first_day, last_day = (low - start).days, (high - start).days
            durations = [
                seconds
                for day in range(first_day, last_day)
                for index, seconds in enumerate(by_day[day])
                if type_filter is None or types[index % 2].pk == type_filter
            ]
            expected = statistics.median(durations) if durations else None
            assert medians.get((department.pk, name)) == expected, (name, type_filter)


def test_median_of_two_middles_in_different_buckets(request_type):
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    seed_durations([request_type], {0: [10, 20, 5000, 6000]}, start)  # middles 20 and 5000
    rollups_rebuild()
    medians = resolution_medians(periods={"p": (start, start + timedelta(days=1))})
    assert medians == {(request_type.department_id, "p"): 2510}
