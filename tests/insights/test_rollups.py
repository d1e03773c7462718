"""The per-day rollups the dashboards read: kept current by the services, equal to a rebuild,
and the exact median they lead to."""

import importlib
import random
import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q, Sum
from django.utils import timezone

from insights.buckets import RESOLUTION_BUCKETS
from insights.models import (
    AnswerDay,
    InvitationDay,
    ResolutionDay,
    ResponseDay,
    SurveyCountsStamp,
    TicketDay,
)
from insights.selectors import (
    breakdown_spans,
    local_days,
    resolution_median_estimates,
    resolution_medians,
    rollup_days,
    rollups_missing,
    rows_of_spans,
    weeks_and_days,
)
from insights.services.rebuild import rollups_rebuild
from insights.stats import median_rank_interval
from requests_app.models import Department, Ticket
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation, Question, Response
from surveys.services import invitations as invitation_svc
from surveys.services.responses import response_submit
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
            ResolutionDay,
            ["department_id", "request_type_id", "grain", "day", "bucket"],
            ["tickets"],
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
                "csat_sum_sq",
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


def make_history(request_type, django_capture_on_commit_callbacks, settings, start):
    """Six days of requests, resolutions, a reopen, invitations and answers (CSAT 1–5), all
    through the services, across a week boundary."""
    department = request_type.department
    factories.survey(departments=[department], delay_minutes=0)
    agent = factories.agent(department)
    customer = factories.DepartmentFactory(name="Finance", slug="finance", prefix="FI")
    requesters = [factories.employee(home_department=customer) for _ in range(3)]
    requesters.append(factories.associate())  # no home department
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
    # one resolved within the hour, one after four days: answers in every resolution bucket
    for ticket, at in ((tickets[19], timedelta(days=4, hours=1)), (tickets[7], timedelta(days=5))):
        with (
            time_machine.travel(start + at, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
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
    for index, invitation in enumerate(sent[2:]):
        # answers spread over 9 days, across a week boundary
        with time_machine.travel(start + timedelta(days=8 + index % 9), tick=False):
            answer_through_services(invitation, score=1 + index % 5, comment=f"c{index}")


def months_weeks_and_days(start: datetime, end: datetime) -> Q:
    """The rows the breakdowns read for ``[start, end)`` (local midnights): those of
    ``breakdown_spans``, as the dashboards' hand-written query selects them."""
    return rows_of_spans(breakdown_spans(*local_days(start, end)))


def test_the_services_keep_the_rollups_equal_to_a_rebuild(
    request_type, django_capture_on_commit_callbacks, settings
):
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    make_history(request_type, django_capture_on_commit_callbacks, settings, start)

    kept = snapshot()
    assert kept["ticket"] and kept["resolution"] and kept["response"] and kept["invitation"]
    rollups_rebuild()
    assert snapshot() == kept
    assert {row[4] for row in kept["response"]} == {"day", "week", "month"}
    assert {row[2] for row in kept["resolution"]} == {"day", "week"}

    # Any whole-day period reads the same sums from month, week and day rows as from day
    # rows only: periods of a few days to two months, starting on every day from the
    # middle of February to the answers' last days in March (so whole months start and
    # end before, among and after the answers, and weeks straddle the months' ends).
    for first in range(-26, 20):
        for length in (1, 6, 7, 8, 13, 15, 20, 31, 34, 45, 62):
            period_start = start.replace(hour=0) + timedelta(days=first - 3)
            period_end = period_start + timedelta(days=length)
            every_day = rollup_days(period_start, period_end) & Q(grain="day")
            assert breakdown_sums(
                months_weeks_and_days(period_start, period_end)
            ) == breakdown_sums(every_day), (first, length)
            assert breakdown_sums(weeks_and_days(period_start, period_end)) == breakdown_sums(
                every_day
            ), (first, length)
            assert histogram_sums(weeks_and_days(period_start, period_end)) == histogram_sums(
                every_day
            ), (first, length)
    # and the sums are not empty: the answers fall in whole months of some of them
    march = datetime(2026, 3, 1, tzinfo=OSLO)
    assert breakdown_sums(months_weeks_and_days(march, datetime(2026, 4, 1, tzinfo=OSLO)))


def test_every_change_to_survey_counts_moves_its_departments_stamp(
    request_type, django_capture_on_commit_callbacks, settings
):
    """The stamps the dashboards keep their rows under move with every change (in its
    transaction): the answers' with every answer, the invitations' with every sent
    invitation and every answer (it counts as answered), and all three (the rebuilds' only
    then) for every department on a rebuild."""
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    make_history(request_type, django_capture_on_commit_callbacks, settings, start)
    department = request_type.department
    sent = Invitation.objects.filter(department=department, sent_at__isnull=False).count()
    answered = Response.objects.filter(department=department).count()
    assert sent >= 10 and answered >= 8
    fields = ("changes", "invitation_changes", "rebuilds")

    def stamps():
        return {
            pk: tuple(moved)
            for pk, *moved in SurveyCountsStamp.objects.values_list("department_id", *fields)
        }

    before = stamps()
    assert before == {department.pk: (answered, sent + answered, 0)}
    rollups_rebuild()
    everyone = Department.objects.values_list("pk", flat=True)
    assert stamps() == {
        pk: tuple(n + 1 for n in before.get(pk, (0, 0, 0)))
        for pk in everyone  # once, for the whole rebuild
    }


def turn_two_answers_into_nps():
    """Two responses become NPS answers (10 and 0), rollups rebuilt: csat_sum_sq must skip
    them, though their scores are larger."""
    first_two = Response.objects.order_by("pk")[:2].values_list("pk", flat=True)
    for pk, score in zip(first_two, (10, 0), strict=True):
        Response.objects.filter(pk=pk).update(headline_kind=Question.Kind.NPS, headline_score=score)
    rollups_rebuild()


def test_csat_sum_sq_is_the_sum_of_squared_csat_scores(
    request_type, django_capture_on_commit_callbacks, settings
):
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    make_history(request_type, django_capture_on_commit_callbacks, settings, start)

    def kept(dimension):
        rows = ResponseDay.objects.filter(grain="day", dimension=dimension).order_by()
        return rows.aggregate(n=Sum("csat_sum_sq"))["n"], dict(
            rows.values_list("day").annotate(n=Sum("csat_sum_sq"))
        )

    for step in ("services", "rebuild with NPS answers"):
        answered = Response.objects.filter(headline_kind=Question.Kind.CSAT).values_list(
            "submitted_at", "headline_score", "sla_met"
        )
        assert {score for _at, score, _sla in answered} == {1, 2, 3, 4, 5}
        by_day: dict = {}
        for submitted_at, score, _sla in answered:
            day = timezone.localdate(submitted_at)
            by_day[day] = by_day.get(day, 0) + score * score
        with_due = sum(score * score for _at, score, sla in answered if sla is not None)
        # each response counts once in every dimension (sla: only those with a due date)
        for dimension in ("all", "customer", "agent", "resolution"):
            assert kept(dimension) == (sum(by_day.values()), by_day), (step, dimension)
        assert kept("sla")[0] == with_due, step
        turn_two_answers_into_nps()


def test_migration_backfills_csat_sum_sq_as_a_rebuild_would(
    request_type, django_capture_on_commit_callbacks, settings
):
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    make_history(request_type, django_capture_on_commit_callbacks, settings, start)
    turn_two_answers_into_nps()
    # as the table was when this migration ran: month rows came later (0008)
    ResponseDay.objects.filter(grain="month").delete()
    kept = snapshot()
    # csat_sum_sq is set in every resolution bucket (row: keys, then the counters)
    assert {row[6] for row in kept["response"] if row[5] == "resolution" and row[-4]} == {
        0,
        1,
        2,
        3,
    }
    ResponseDay.objects.update(csat_sum_sq=0)
    migration = importlib.import_module("surveys.migrations.0006_responseday_csat_sum_sq")
    # The models as the migration knows them (ResponseDay was in surveys then).
    loader = MigrationLoader(connection)
    apps = loader.project_state(("surveys", "0007_anonymous_digest"), at_end=True).apps
    migration.backfill_csat_sum_sq(apps, None)
    assert snapshot() == kept
    migration.backfill_csat_sum_sq(apps, None)  # a second run changes nothing
    assert snapshot() == kept
    # its frozen copy of the buckets is today's (when they change, so does the rollup)
    today = tuple(high for *_, high in RESOLUTION_BUCKETS if high)
    assert today == migration.RESOLUTION_HIGHS


def test_migration_adds_month_rows_as_a_rebuild_would(
    request_type, django_capture_on_commit_callbacks, settings
):
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    make_history(request_type, django_capture_on_commit_callbacks, settings, start)
    kept = snapshot()
    assert any(row[4] == "month" for row in kept["response"])
    ResponseDay.objects.filter(grain="month").delete()
    migration = importlib.import_module("insights.migrations.0008_rollup_months")
    loader = MigrationLoader(connection)
    apps = loader.project_state(("insights", "0008_rollup_months"), at_end=True).apps
    migration.add_month_rows(apps, None)
    assert snapshot() == kept
    # its frozen copies are today's
    assert migration.BREAKDOWN_DIMENSIONS == ResponseDay.BREAKDOWN_DIMENSIONS
    assert migration.COUNTERS == ResponseDay.COUNTERS


def breakdown_sums(where) -> dict:
    rows = (
        ResponseDay.objects.filter(where, dimension__in=ResponseDay.BREAKDOWN_DIMENSIONS)
        .values_list("dimension", "value")
        .annotate(n=Sum("responses"), good=Sum("csat_good"))
    )
    return {(dimension, value): (n, good) for dimension, value, n, good in rows if n}


def histogram_sums(where) -> dict:
    rows = ResolutionDay.objects.filter(where).values_list("bucket").annotate(n=Sum("tickets"))
    return {bucket: n for bucket, n in rows if n}


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


def durations_of(by_day, first_day, last_day):
    return sorted(seconds for day in range(first_day, last_day) for seconds in by_day[day])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_median_estimates_read_the_exact_durations_at_the_interval_ranks(request_type, seed):
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    # many durations in few buckets and ties, so the ranks fall inside and across buckets
    by_day = {
        day: [
            rng.choice([rng.randint(0, 90), rng.randint(3000, 4000), rng.randint(0, 900_000)])
            for _ in range(rng.randint(0, 12))
        ]
        for day in range(20)
    }
    seed_durations([request_type], by_day, start)
    rollups_rebuild()
    periods = {
        "first": (start, start + timedelta(days=10)),
        "second": (start + timedelta(days=10), start + timedelta(days=20)),
    }
    estimates = resolution_median_estimates(periods=periods, rank_interval=median_rank_interval)
    for name, (low, high) in periods.items():
        durations = durations_of(by_day, (low - start).days, (high - start).days)
        estimate = estimates[(request_type.department_id, name)]
        assert estimate.seconds == statistics.median(durations)
        assert estimate.n == len(durations)
        lo, hi = median_rank_interval(len(durations))
        assert estimate.interval == (durations[lo - 1], durations[hi - 1])
        assert estimate.low <= estimate.seconds <= estimate.high


def test_median_estimates_any_ranks_even_the_extremes(request_type):
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    durations = [5, 70, 70, 3000, 3100, 9000, 40_000, 41_000, 2_000_000]
    seed_durations([request_type], {0: durations}, start)
    rollups_rebuild()
    estimates = resolution_median_estimates(
        periods={"p": (start, start + timedelta(days=1))}, rank_interval=lambda n: (1, n)
    )
    assert estimates[(request_type.department_id, "p")].interval == (5, 2_000_000)


def test_median_estimates_without_an_interval_below_six_durations(request_type):
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    seed_durations([request_type], {0: [10, 20, 5000, 6000, 7000]}, start)
    rollups_rebuild()
    periods = {"p": (start, start + timedelta(days=1))}
    estimate = resolution_median_estimates(periods=periods, rank_interval=median_rank_interval)[
        (request_type.department_id, "p")
    ]
    assert (estimate.seconds, estimate.n, estimate.interval) == (5000, 5, None)
    # without a rank_interval no interval is read at all
    assert (
        resolution_median_estimates(periods=periods)[(request_type.department_id, "p")].interval
        is None
    )


def test_median_estimates_run_four_queries_then_two_whatever_the_departments(
    request_type, django_assert_num_queries
):
    """Two queries ask whether what this process keeps still holds (the stamps, the
    resolution changes in the periods), two read the histogram and the tickets; asked
    again with nothing changed, only the first two."""
    start = datetime(2026, 3, 1, tzinfo=OSLO)
    rng = random.Random(7)
    types = [request_type] + [
        factories.RequestTypeFactory(department=factories.DepartmentFactory()) for _ in range(3)
    ]
    for request_type_ in types:
        seed_durations(
            [request_type_],
            {day: [rng.randint(0, 500_000) for _ in range(9)] for day in range(4)},
            start,
        )
    rollups_rebuild()
    periods = {
        "cur": (start + timedelta(days=2), start + timedelta(days=4)),
        "prev": (start, start + timedelta(days=2)),
    }
    with django_assert_num_queries(4):
        estimates = resolution_median_estimates(periods=periods, rank_interval=median_rank_interval)
    assert len(estimates) == 8
    assert all(estimate.interval for estimate in estimates.values())
    with django_assert_num_queries(2):
        again = resolution_median_estimates(periods=periods, rank_interval=median_rank_interval)
    assert again == estimates


def test_kept_medians_follow_every_resolve_and_reopen(request_type):
    """Medians are kept per process, yet a resolve or a reopen in the period shows at once:
    each moves the resolution changes their key sums."""
    agent = factories.agent(request_type.department)
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    periods = {"p": (start.replace(hour=0), start.replace(hour=0) + timedelta(days=7))}

    def resolve_after(hours):
        with time_machine.travel(start, tick=False):
            ticket = ticket_svc.ticket_create(
                requester=factories.employee(), request_type=request_type, title="x"
            )
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
        return ticket

    def median():
        return resolution_medians(periods=periods)[(request_type.department_id, "p")]

    def by_hand():
        resolved = Ticket.objects.filter(resolved_at__isnull=False)
        return statistics.median(resolved.values_list("resolution_seconds", flat=True))

    resolve_after(1)
    resolve_after(3)
    assert median() == by_hand()
    assert median() == by_hand()  # kept
    slow = resolve_after(20)
    assert median() == by_hand()  # the third resolve shows
    with time_machine.travel(start + timedelta(hours=22), tick=False):
        ticket_svc.ticket_reopen(ticket_id=slow.pk, actor=slow.requester, reason="Again")
    assert median() == by_hand()  # and so does its reopen
