"""A small run of the benchmark harness (bench/): seed 1k tickets, time every page once or so.

The benchmark itself is not part of CI; this only proves the harness works and
that the data it seeds is consistent.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max

from bench import run, seed
from requests_app.models import Department, ReferenceCounter, Ticket, TicketEvent
from surveys.models import Answer, Invitation, Response
from tests.bench import NEEDS_BENCH_SEED, SEED_TICKETS

pytestmark = NEEDS_BENCH_SEED

N = SEED_TICKETS


def test_seed_is_consistent(seeded):
    info, _ = seeded
    assert Ticket.objects.count() == N == info["counts"]["tickets"]
    assert Department.objects.count() == 12
    assert info["counts"]["people"] == seed.N_PEOPLE

    # References are unique and the counters continue after the highest one.
    assert Ticket.objects.values("reference").distinct().count() == N
    per_prefix = {
        row["department__prefix"]: row["n"]
        for row in Ticket.objects.values("department__prefix").annotate(n=Count("pk"))
    }
    counters = dict(ReferenceCounter.objects.values_list("prefix", "last_number"))
    assert counters == {p: per_prefix.get(p, 0) for p in counters}
    it_max = Ticket.objects.filter(department__prefix="IT").aggregate(m=Max("reference"))["m"]
    assert it_max == f"IT-{counters['IT']:06d}"

    # Every bench user signs in with the bench password (the load test uses the login form).
    for username in (seed.HR_ADMIN, "bench.u0001"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(seed.BENCH_PASSWORD), username

    # Skew: IT is the busiest provider.
    assert max(per_prefix, key=per_prefix.get) == "IT"

    # Responses ↔ answered invitations, with the denormalised fields of their ticket.
    answered = Invitation.objects.filter(status=Invitation.Status.ANSWERED)
    assert Response.objects.count() == answered.count() > 0
    assert not Response.objects.exclude(invitation__status=Invitation.Status.ANSWERED).exists()
    mismatched = Response.objects.exclude(
        department_id=F("invitation__ticket__department_id"),
        customer_department_id=F("invitation__ticket__customer_department_id"),
        request_type_id=F("invitation__ticket__request_type_id"),
        agent_id=F("invitation__agent_id"),
        version_id=F("invitation__version_id"),
    )
    assert not mismatched.exists()
    assert not Invitation.objects.exclude(department_id=F("ticket__department_id")).exists()
    for response in Response.objects.select_related("invitation__ticket")[:50]:
        ticket = response.invitation.ticket
        seconds = (ticket.resolved_at - ticket.created_at).total_seconds()
        assert abs(response.resolution_seconds - seconds) <= 1
        assert response.sla_met == (ticket.resolved_at <= ticket.due_at)
        assert response.reopened == (ticket.reopen_count > 0)

    # ~30 % of resolved tickets have an answered survey; the headline answer is stored.
    resolved = Ticket.objects.filter(resolved_at__isnull=False)
    share = Response.objects.count() / resolved.count()
    assert 0.2 < share < 0.4
    headline = Answer.objects.filter(
        question__is_headline=True, number=F("response__headline_score")
    )
    assert headline.count() == Response.objects.count()

    # Every resolved ticket has its created and resolved events.
    with_both = (
        resolved.filter(events__kind__in=[TicketEvent.Kind.CREATED, TicketEvent.Kind.RESOLVED])
        .annotate(n=Count("events__kind", distinct=True))
        .filter(n=2)
    )
    assert with_both.count() == resolved.count()


def test_run_writes_every_row(seeded):
    _, seed_seconds = seeded
    # No time limit here: speed is the harness's to measure (make bench), not a test's.
    result = run.measure(n_requests=3, log=lambda s: None)
    result.update(size=N, seed={"seconds": seed_seconds, "phases": {}}, db="test")
    text = run.render_results([result], {**run.machine_info(), "django": "x", "postgresql": "x"})
    for page in [*run.PAGES, run.FLOOR]:
        assert f"| {page} |" in text
    for page in run.PAGES:
        assert result["pages"][page]["queries"] > 0
    # After an answer the dashboards read the survey counts' rows again that they keep
    # otherwise (answers 3, invitations 1, and the dashboard its questions' 1 and its named
    # low scores' 1); the medians stay kept: an answer changes none.
    pages = result["pages"]
    assert pages[run.DASHBOARD_CHANGED]["queries"] == pages[run.DASHBOARD]["queries"] + 6
    assert pages[run.ORGANISATION_CHANGED]["queries"] == pages[run.ORGANISATION]["queries"] + 4
    assert result["dashboard_floor_ratio"] > 0
    assert result["dashboard_memory"]["tracemalloc_peak_mb"] > 0
    assert "## Targets (issue 14)" in text and "not built yet" not in text
    assert "The pages in units of the machine speed check" in text
    assert "EXPLAIN ANALYZE" in text and "| requests_app_ticket | ticket_queue_idx |" in text
