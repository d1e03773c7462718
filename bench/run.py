"""Time icsat's pages on PostgreSQL seeded at scale, and write bench/RESULTS.md.

    .venv/bin/python -m bench.run                      # 10k, 100k and 1M tickets
    .venv/bin/python -m bench.run --sizes 10k,100k     # some sizes only
    .venv/bin/python -m bench.run --reuse              # keep databases seeded earlier

Each size runs in its own process (so peak memory is per size) against its
own database ``icsat_bench_<size>``: seed (bench/seed.py) unless --reuse finds
it seeded, warm up, then time each page through Django's test Client.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from bench import seed

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
# Hand-written: how the dashboards get their figures and what the numbers mean; appended.
ANALYSIS = BENCH_DIR / "analysis.md"
DEFAULT_SIZES = "10k,100k,1m,10m"
WARMUP = 3

# Every page the harness reports, in table order.
PAGES = [
    "agent queue (IT)",
    "my requests (busy requester)",
    "ticket page",
    "survey answer POST",
    "department dashboard (IT, 12 months)",
    "organisation view (12 months)",
    # The same two pages when what they keep of the survey counts is out of date (each
    # request after a new answer): read, and searched for hidden cells, again.
    "department dashboard, after an answer in IT",
    "organisation view, after an answer in every department",
]
DASHBOARD, ORGANISATION = PAGES[4], PAGES[5]
DASHBOARD_CHANGED, ORGANISATION_CHANGED = PAGES[6], PAGES[7]
FLOOR = "floor: department dashboard SQL (IT, 12 months)"
DASHBOARD_RANGE = {"range": "12m"}
MEMORY_REQUESTS = 3  # dashboard requests rendered under tracemalloc, outside the timings

# Targets from issue 14 (median ms at 1M unless said otherwise).
TARGET_DASHBOARD_MS = 50
TARGET_DASHBOARD_FLOOR_RATIO = 2.0
TARGET_ORGANISATION_MS = 100
TARGET_LIST_MS = 20  # agent queue, my requests, ticket page
TARGET_SCALING = 1.5  # every page at 10M vs at 10k
TARGET_MEMORY_MB = 100  # issue 5

# The hand-written SQL for every figure the department dashboard shows (IT, both periods
# where the page compares), over the same tables the page reads: the per-day rollups, the
# tickets' resolution index for the exact median, the responses for the latest comments.
# The page is reported as a ratio to this.
_HEADLINE_SUMS = """sum(responses) AS responses, sum(csat_n) AS csat_n, sum(csat_good) AS good,
       sum(csat_sum) AS csat_sum, sum(nps_n) AS nps_n, sum(nps_promoters) AS promoters,
       sum(nps_detractors) AS detractors"""
FLOOR_QUERIES = {
    "tiles: responses, CSAT, mean, NPS (both periods)": """
        SELECT day >= %(first)s AS current, """
    + _HEADLINE_SUMS
    + """
        FROM surveys_responseday
        WHERE department_id = %(dept)s AND dimension = 'all'
          AND day >= %(prev_first)s AND day < %(stop)s
        GROUP BY 1""",
    "tiles: sent and answered (both periods)": """
        SELECT day >= %(first)s AS current, sum(sent), sum(answered)
        FROM surveys_invitationday
        WHERE department_id = %(dept)s AND day >= %(prev_first)s AND day < %(stop)s
        GROUP BY 1""",
    "tiles: volume, resolved, SLA, reopened (both periods)": """
        SELECT day >= %(first)s AS current, sum(created), sum(resolved), sum(with_due),
               sum(sla_met), sum(reopened)
        FROM requests_app_ticketday
        WHERE department_id = %(dept)s AND day >= %(prev_first)s AND day < %(stop)s
        GROUP BY 1""",
    "tiles: exact median time to resolve": """
        WITH h AS (
            SELECT bucket, sum(tickets)::int AS n FROM requests_app_resolutionday
            WHERE department_id = %(dept)s
              AND ((grain = 'week' AND day >= %(weeks_from)s AND day < %(weeks_to)s)
                OR (grain = 'day' AND day >= %(first)s AND day < %(weeks_from)s)
                OR (grain = 'day' AND day >= %(weeks_to)s AND day < %(stop)s))
            GROUP BY bucket),
        c AS (
            SELECT bucket, n, (sum(n) OVER (ORDER BY bucket) - n)::int AS below,
                   (sum(n) OVER ())::int AS total FROM h),
        m AS (
            SELECT bucket, (total - 1) / 2 - below AS skip FROM c
            WHERE (total - 1) / 2 >= below AND (total - 1) / 2 < below + n)
        SELECT t.resolution_seconds FROM m, LATERAL (
            SELECT resolution_seconds FROM requests_app_ticket
            WHERE kind = 'request' AND department_id = %(dept)s
              AND resolution_seconds IS NOT NULL
              AND resolution_seconds >= (%(bounds)s::int[])[m.bucket + 1]
              AND resolved_at >= %(start)s AND resolved_at < %(end)s
            ORDER BY resolution_seconds OFFSET m.skip LIMIT 2) t""",
    "breakdown by request type": """
        SELECT request_type_id, """
    + _HEADLINE_SUMS
    + """
        FROM surveys_responseday
        WHERE department_id = %(dept)s AND dimension = 'all'
          AND day >= %(first)s AND day < %(stop)s
        GROUP BY 1""",
    # whole months from month rows, the ragged ends from week and day rows (as the page
    # reads them: BREAKDOWN_ROWS is insights.selectors.breakdown_spans, see _time_floor)
    "breakdowns: customer, agent, resolution time, SLA": """
        SELECT dimension, value, """
    + _HEADLINE_SUMS
    + """
        FROM surveys_responseday
        WHERE department_id = %(dept)s
          AND dimension IN ('customer', 'agent', 'resolution', 'sla')
          AND (BREAKDOWN_ROWS)
        GROUP BY 1, 2""",
    # 12 months: the page's automatic unit is the month
    "trend by month": """
        SELECT date_trunc('month', day) AS month, """
    + _HEADLINE_SUMS
    + """
        FROM surveys_responseday
        WHERE department_id = %(dept)s AND dimension = 'all'
          AND day >= %(first)s AND day < %(stop)s
        GROUP BY 1 ORDER BY 1""",
    "per-question distributions": """
        SELECT question_id, value, sum(answers) FROM surveys_answerday
        WHERE department_id = %(dept)s AND day >= %(first)s AND day < %(stop)s
        GROUP BY 1, 2""",
    "latest 20 comments": """
        SELECT r.comment, r.submitted_at, r.headline_score, r.anonymous, t.reference
        FROM surveys_response r
        JOIN surveys_invitation i ON i.id = r.invitation_id
        JOIN requests_app_ticket t ON t.id = i.ticket_id
        WHERE r.department_id = %(dept)s AND r.submitted_at >= %(start)s
          AND r.submitted_at < %(end)s AND r.comment <> ''
        ORDER BY r.submitted_at DESC, r.id DESC LIMIT 20""",
}

INDEX_WHY = {
    "ticket_queue_idx": "queue: a department's tickets by status, newest first",
    "ticket_requester_idx": "my requests: a requester's tickets, newest first",
    "ticket_assignee_idx": "assigned to me: an agent's tickets by status",
    "ticket_unique_submission": "a double-clicked submit creates one ticket (partial unique)",
    "invitation_due_idx": "dispatcher: due invitations by status and send_after",
    "invitation_recipient_idx": "throttle: a recipient's recent invitations",
    "invitation_dept_idx": "response rate: a department's invitations by status",
    "invitation_one_open_per_ticket": "at most one open invitation per ticket (partial unique)",
    "response_dept_idx": "dashboards: a department's latest comments in a date range",
    "ticketday_unique": "rollup key; a department's days in a range (tiles, organisation)",
    "resolutionday_unique": "rollup key; the resolution histogram of a department's days",
    "responseday_unique": "rollup key; a department's answers per breakdown in a range",
    "answerday_unique": "rollup key; a department's per-question counts in a range",
    "invitationday_unique": "rollup key; a department's sent and answered per day",
    "ticket_resolution_idx": (
        "exact median: a department's resolved requests in duration order (covering)"
    ),
}


def _label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def _index_why(name: str) -> str:
    if name in INDEX_WHY:
        return INDEX_WHY[name]
    if name.endswith("_pkey"):
        return "primary key"
    if name.endswith("_like"):
        return "varchar_pattern_ops twin of an indexed text column (LIKE 'x%')"
    if name.endswith("_key") or name.endswith("_uniq"):
        return "unique constraint"
    if "_id_" in name:
        return "Django's default index on a ForeignKey"
    return "db_index=True on the column"


# --- Timing -------------------------------------------------------------------------
def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(samples)}


def _targets():
    """Who to log in as and what to open: picked from the seeded data, outside the timings."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from requests_app.models import Department, Ticket

    it = Department.objects.get(prefix="IT")
    lead = User.objects.get(username="bench.it.lead")
    hradmin = User.objects.get(username=seed.HR_ADMIN)
    busy = (
        Ticket.objects.values("requester_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "requester_id")
        .first()
    )
    requester = User.objects.get(pk=busy["requester_id"])
    ticket = (
        Ticket.objects.filter(department=it, reopen_count__gt=0).order_by("-pk").first()
        or Ticket.objects.filter(department=it).order_by("-pk").first()
    )
    return {
        "department": it,
        "lead": lead,
        "hradmin": hradmin,
        "requester": requester,
        "requester_tickets": busy["n"],
        "ticket": ticket,
    }


def _fresh_invitations(
    count: int, department_id: int | None = None, *, all_or_none: bool = False
) -> list[tuple[str, dict]]:
    """Sent invitations with known tokens on closed tickets that have none (of one
    department's with ``department_id``): one per POST. With ``all_or_none``, none when
    there are fewer such tickets than ``count``, instead of an error."""
    from django.utils import timezone

    from requests_app.models import Ticket
    from surveys.models import Invitation, Survey
    from surveys.tokens import new_token

    survey = Survey.objects.get(is_default=True)
    version = survey.versions.get(is_current=True)
    questions = list(version.questions.order_by("position", "pk"))
    closed = Ticket.objects.filter(status=Ticket.Status.CLOSED, invitations__isnull=True)
    if department_id is not None:
        closed = closed.filter(department_id=department_id)
    tickets = list(closed.order_by("-pk")[:count])
    if all_or_none and len(tickets) < count:
        return []
    now = timezone.now()
    out = []
    for ticket in tickets:
        token, digest = new_token()
        Invitation.objects.create(
            ticket=ticket,
            survey=survey,
            version=version,
            recipient_id=ticket.requester_id,
            department_id=ticket.department_id,
            agent_id=ticket.resolved_by_id,
            token_hash=digest,
            status=Invitation.Status.SENT,
            send_after=now,
            sent_at=now,
            expires_at=now + timedelta(days=14),
            attempts=1,
        )
        data = {"revision": str(version.revision)}
        for q in questions:
            if q.kind == "csat_1_5":
                data[f"q{q.pk}"] = "4"
            elif q.kind == "yes_no":
                data[f"q{q.pk}"] = "yes"
            elif q.kind == "choice":
                data[f"q{q.pk}"] = q.choices[0]
        out.append((token, data))
    if len(out) < count:
        raise RuntimeError(f"only {len(out)} closed tickets without an invitation")
    return out


def _time_page(name, do, check, n_requests, log, *, before=None):
    """Warm up, time n_requests, then count queries of one more request; ``before`` runs
    ahead of each request, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = before or (lambda: None)
    for _ in range(WARMUP):
        before()
        check(do())
    samples = []
    for _ in range(n_requests):
        before()
        t0 = time.perf_counter()
        response = do()
        samples.append(time.perf_counter() - t0)
        check(response)
    before()
    with CaptureQueriesContext(connection) as ctx:
        check(do())
    result = _stats(samples)
    result["queries"] = len(ctx.captured_queries)
    result["slowest_query"] = max(
        ({"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in ctx.captured_queries),
        key=lambda q: q["ms"],
        default=None,
    )
    log(
        f"  {name:<40} median {result['median_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f} ms"
        f"  {result['queries']} queries"
    )
    return result


def _time_floor(department_id: int, n_requests: int, log) -> dict:
    from django.db import connection
    from django.utils import timezone

    from insights.buckets import RESOLUTION_BOUNDS
    from insights.forms import period_for
    from insights.selectors import breakdown_spans, whole_weeks

    period = period_for(DASHBOARD_RANGE["range"], timezone.localdate())
    params = {
        "dept": department_id,
        "first": period.first,
        "stop": period.last + timedelta(days=1),
        "prev_first": period.first - (period.last + timedelta(days=1) - period.first),
        "start": period.start,
        "end": period.end,
        "bounds": list(RESOLUTION_BOUNDS),
    }
    params["weeks_from"], params["weeks_to"] = whole_weeks(period.first, params["stop"])
    spans = breakdown_spans(period.first, params["stop"])
    for i, (grain, low, high) in enumerate(spans):
        params |= {f"grain{i}": grain, f"from{i}": low, f"to{i}": high}
    breakdown_rows = " OR ".join(
        f"(grain = %(grain{i})s AND day >= %(from{i})s AND day < %(to{i})s)"
        for i in range(len(spans))
    )
    queries = {
        name: sql.replace("BREAKDOWN_ROWS", breakdown_rows) for name, sql in FLOOR_QUERIES.items()
    }
    per_query = {name: [] for name in queries}
    totals = []
    with connection.cursor() as cursor:
        for i in range(WARMUP + n_requests):
            t_all = time.perf_counter()
            for name, sql in queries.items():
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                if i >= WARMUP:
                    per_query[name].append(time.perf_counter() - t0)
            if i >= WARMUP:
                totals.append(time.perf_counter() - t_all)
        slowest = max(per_query, key=lambda k: statistics.median(per_query[k]))
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[slowest], params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    result = _stats(totals)
    result["parts"] = {name: _stats(s) for name, s in per_query.items()}
    result["explain"] = {"name": slowest, "plan": plan}
    log(f"  {FLOOR:<40} median {result['median_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f} ms")
    return result


def _explain(sql: str) -> str:
    """EXPLAIN ANALYZE a captured SELECT, rolled back whatever it does."""
    from django.db import connection, transaction

    if not sql.lstrip().upper().startswith("SELECT"):
        return "(slowest query is not a SELECT; not explained)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%", "%%"))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def _calibrate() -> dict:
    """Two fixed tasks timed before each size, so runs on a busier host can be told apart:
    a pure-Python loop, and 200 round trips of ``SELECT 1`` to PostgreSQL (medians of 7)."""
    from django.db import connection

    loops, trips = [], []
    with connection.cursor() as cursor:
        for _ in range(7):
            t0 = time.perf_counter()
            sum(i * i for i in range(300_000))
            loops.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(200):
                cursor.execute("SELECT 1")
                cursor.fetchone()
            trips.append(time.perf_counter() - t0)
    return {
        "python_ms": statistics.median(loops) * 1000,
        "select1_ms": statistics.median(trips) * 1000,
    }


def _rss_kb() -> int:
    """Current resident set size of this process, in kB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _dashboard_memory(do, check, log) -> dict:
    """Peak Python allocations (tracemalloc) while rendering the dashboard, and RSS growth.

    Runs after the timings so tracemalloc's overhead stays out of them. The peak is above
    what was allocated before the first request (tracemalloc counts Python allocations,
    not libpq's C buffers); RSS is the process's VmRSS before and after those requests.
    """
    rss_before = _rss_kb()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(MEMORY_REQUESTS):
            check(do())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_after = _rss_kb()
    result = {
        "tracemalloc_peak_mb": (peak - baseline) / 1024 / 1024,
        "rss_before_mb": rss_before / 1024,
        "rss_after_mb": rss_after / 1024,
        "rss_growth_mb": (rss_after - rss_before) / 1024,
        "requests": MEMORY_REQUESTS,
    }
    log(
        f"  {'department dashboard memory':<40} tracemalloc peak "
        f"{result['tracemalloc_peak_mb']:6.1f} MB  RSS {result['rss_before_mb']:.0f} → "
        f"{result['rss_after_mb']:.0f} MB"
    )
    return result


def measure(n_requests: int = 15, *, log=print) -> dict:
    """Time every page against the database Django points at (seeded by bench.seed)."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    calibration = _calibrate()
    log(
        f"  {'machine speed check':<40} python loop {calibration['python_ms']:.1f} ms, "
        f"200 × SELECT 1 {calibration['select1_ms']:.1f} ms"
    )
    targets = _targets()
    dept = targets["department"]

    def ok(status):
        def check(response):
            if response.status_code != status:
                raise AssertionError(f"HTTP {response.status_code}, expected {status}")

        return check

    agent = Client()
    agent.force_login(targets["lead"])
    hradmin = Client()
    hradmin.force_login(targets["hradmin"])
    requester = Client()
    requester.force_login(targets["requester"])
    anonymous = Client()
    queue_url = reverse("requests_app:department_queue", kwargs={"department_slug": dept.slug})
    mine_url = reverse("requests_app:my_requests")
    ticket_url = targets["ticket"].get_absolute_url()
    dashboard_url = reverse("insights:department_dashboard", kwargs={"department_slug": dept.slug})
    organisation_url = reverse("insights:organisation_dashboard")

    def dashboard():
        return agent.get(dashboard_url, DASHBOARD_RANGE)

    def organisation():
        return hradmin.get(organisation_url, DASHBOARD_RANGE)

    invitations = iter(_fresh_invitations(WARMUP + n_requests + 1))

    def answer():
        token, data = next(invitations)
        return anonymous.post(reverse("surveys:answer", kwargs={"token": token}), data)

    def answered_in(department_ids):
        """A real answer in each of these departments (all for None: those with enough
        closed tickets, every one in a seed of 1M), as after an answer the rows each page
        keeps of them have changed: what it keeps is read and decided again, by this
        process and every other (nothing decided before fits new rows)."""
        from requests_app.models import Department

        needed = WARMUP + n_requests + 1
        ids = department_ids or list(Department.objects.values_list("pk", flat=True))
        found = {
            department_id: _fresh_invitations(needed, department_id, all_or_none=True)
            for department_id in ids
        }
        answers = {department_id: iter(fresh) for department_id, fresh in found.items() if fresh}
        ids = list(answers)

        def answer_each():
            for department_id in ids:
                token, data = next(answers[department_id])
                url = reverse("surveys:answer", kwargs={"token": token})
                ok(302)(anonymous.post(url, data))

        return answer_each

    pages = {
        PAGES[0]: _time_page(PAGES[0], lambda: agent.get(queue_url), ok(200), n_requests, log),
        PAGES[1]: _time_page(PAGES[1], lambda: requester.get(mine_url), ok(200), n_requests, log),
        PAGES[2]: _time_page(PAGES[2], lambda: agent.get(ticket_url), ok(200), n_requests, log),
        PAGES[3]: _time_page(PAGES[3], answer, ok(302), n_requests, log),
        DASHBOARD: _time_page(DASHBOARD, dashboard, ok(200), n_requests, log),
        ORGANISATION: _time_page(ORGANISATION, organisation, ok(200), n_requests, log),
        DASHBOARD_CHANGED: _time_page(
            DASHBOARD_CHANGED, dashboard, ok(200), n_requests, log, before=answered_in([dept.pk])
        ),
        ORGANISATION_CHANGED: _time_page(
            ORGANISATION_CHANGED, organisation, ok(200), n_requests, log, before=answered_in(None)
        ),
    }
    dashboard_memory = _dashboard_memory(dashboard, ok(200), log)
    floor = _time_floor(dept.pk, n_requests, log)
    ratio = pages[DASHBOARD]["median_ms"] / floor["median_ms"] if floor["median_ms"] else None
    log(f"  {'dashboard ÷ floor (medians)':<40} {ratio:8.1f}×" if ratio else "")
    changed_ratio = (
        pages[DASHBOARD_CHANGED]["median_ms"] / floor["median_ms"] if floor["median_ms"] else None
    )
    timed = {k: v for k, v in pages.items() if v}
    slowest_page = max(timed, key=lambda k: timed[k]["median_ms"])
    slowest_query = timed[slowest_page]["slowest_query"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('requests_app_ticket', 'surveys_response', 'surveys_invitation', "
            "'requests_app_ticketday', 'requests_app_resolutionday', 'surveys_responseday', "
            "'surveys_answerday', 'surveys_invitationday') "
            "ORDER BY tablename, indexname"
        )
        indexes = [
            {"table": t, "name": n, "def": d, "why": _index_why(n)} for t, n, d in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT (SELECT count(*) FROM requests_app_ticket), "
            "(SELECT count(*) FROM surveys_response), (SELECT count(*) FROM surveys_invitation)"
        )
        tickets, responses, invitations_n = cursor.fetchone()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pages": pages,
        "floor": floor,
        "dashboard_floor_ratio": ratio,
        "dashboard_changed_floor_ratio": changed_ratio,
        "dashboard_memory": dashboard_memory,
        "slowest": {
            "page": slowest_page,
            "ms": slowest_query["ms"] if slowest_query else None,
            "sql": slowest_query["sql"] if slowest_query else "",
            "plan": _explain(slowest_query["sql"]) if slowest_query else "",
        },
        "indexes": indexes,
        "rows": {"tickets": tickets, "responses": responses, "invitations": invitations_n},
        "context": {
            "queue": queue_url,
            "requester_tickets": targets["requester_tickets"],
            "ticket": ticket_url,
            "dashboard": f"{dashboard_url}?range=12m",
            "organisation": f"{organisation_url}?range=12m",
        },
        "memory": {"rss_before_kb": rss_before, "rss_peak_kb": rss_peak},
        "calibration": calibration,
    }


# --- One size, in its own process ----------------------------------------------------
def run_one(n_tickets: int, db_name: str, *, reuse: bool, n_requests: int, log) -> dict:
    seed.setup_django(db_name)
    from django.core.management import call_command

    info = seed.seed_info(db_name) if reuse else None
    if info is None or info.get("tickets") != n_tickets:
        log(f"Seeding {db_name} with {n_tickets:,} tickets")
        info = seed.seed_database(db_name, n_tickets, log=log)
        info["reused"] = False
    else:
        log(f"Reusing {db_name} seeded with {n_tickets:,} tickets (migrating)")
        call_command("migrate", verbosity=0)
        info["reused"] = True
    log(f"Timing {n_requests} requests per page after {WARMUP} warm-up requests")
    result = measure(n_requests, log=log)
    result["seed"] = info
    result["size"] = n_tickets
    result["db"] = db_name
    return result


# --- RESULTS.md ----------------------------------------------------------------------
def machine_info() -> dict:
    cpu = "unknown"
    mem_kb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
    }


def _versions() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {"django": django.get_version(), "postgresql": pg}


def _ms(value) -> str:
    return f"{value:.1f}" if value is not None else "–"


def _verdict(value, limit, unit: str) -> str:
    """ "met", or "missed by X" (how far over the limit), for a value that must be ≤ limit."""
    if value is None:
        return "–"
    if value <= limit:
        return "met"
    return f"missed by {value - limit:.1f}{unit}"


def _targets_rows(results: list[dict]) -> list[tuple[str, list[str]]]:
    """Each target of issue 14 with, per size, the measured number and met / missed by X
    (the limits are stated at 1M; the other sizes show the trend)."""

    def median(r, page):
        p = r["pages"].get(page)
        return p["median_ms"] if p else None

    def cell(value, limit, unit, fmt="{:.1f}"):
        if value is None:
            return "–"
        return f"{fmt.format(value)}{unit}: {_verdict(value, limit, unit)}"

    def page_row(page, limit):
        return (
            f"{page} median ≤ {limit} ms (at 1M)",
            [cell(median(r, page), limit, " ms") for r in results],
        )

    rows = [
        page_row(DASHBOARD, TARGET_DASHBOARD_MS),
        (
            f"department dashboard ≤ {TARGET_DASHBOARD_FLOOR_RATIO:g}× its SQL floor (at 1M)",
            [
                cell(r.get("dashboard_floor_ratio"), TARGET_DASHBOARD_FLOOR_RATIO, "×")
                for r in results
            ],
        ),
        (
            "department dashboard after an answer ≤ "
            f"{TARGET_DASHBOARD_FLOOR_RATIO:g}× its SQL floor (at 1M)",
            [
                cell(r.get("dashboard_changed_floor_ratio"), TARGET_DASHBOARD_FLOOR_RATIO, "×")
                for r in results
            ],
        ),
        page_row(DASHBOARD_CHANGED, TARGET_DASHBOARD_MS),
        page_row(ORGANISATION, TARGET_ORGANISATION_MS),
        page_row(ORGANISATION_CHANGED, TARGET_ORGANISATION_MS),
        *(page_row(page, TARGET_LIST_MS) for page in PAGES[:3]),
        (
            f"memory growth rendering the dashboard ≤ {TARGET_MEMORY_MB} MB (tracemalloc peak)",
            [
                cell(
                    r.get("dashboard_memory", {}).get("tracemalloc_peak_mb"),
                    TARGET_MEMORY_MB,
                    " MB",
                )
                for r in results
            ],
        ),
    ]

    def units(r, page):
        loop = r.get("calibration", {}).get("python_ms")
        return median(r, page) / loop if median(r, page) and loop else None

    by_size = {r["size"]: r for r in results}
    small = by_size.get(10_000)
    for page in PAGES:
        cells = ["–"] * len(results)
        for index, r in enumerate(results):
            if small and r is not small and units(small, page) and units(r, page):
                raw = median(r, page) / median(small, page)
                cells[index] = (
                    cell(units(r, page) / units(small, page), TARGET_SCALING, "×", "{:.2f}")
                    + f" (in ms {raw:.2f}×)"
                )
        rows.append(
            (f"{page}: ÷ its 10k time, in speed-check units, ≤ {TARGET_SCALING:g}× (at 10M)", cells)
        )
    return rows


def render_results(results: list[dict], machine: dict) -> str:
    sizes = [_label(r["size"]) for r in results]
    n_timed = results[0]["pages"][PAGES[0]]["n"]
    out = [
        "# icsat benchmark results",
        "",
        "Written by `bench/run.py` (see bench/README.md); do not edit by hand.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {machine['cpu']}, {machine['nproc']} cores (nproc); "
        f"memory {machine['memory_gb']} GB",
        f"- Python {machine['python']}, Django {machine.get('django', '?')}, "
        f"PostgreSQL server {machine.get('postgresql', '?')} (default configuration)",
        "- Settings: `icsat.settings_test` (DEBUG on, as the test suite runs): Django's debug "
        "cursor records each query's SQL and time in a bounded log, a few µs per query. "
        "Connections persist (CONN_MAX_AGE=60). Requests go through `django.test.Client` "
        "in-process, so there is no HTTP server or network in the timings.",
        f"- Each page: {WARMUP} warm-up requests, then {n_timed} timed ones; median and p95 "
        "by `time.perf_counter`; queries counted on one more request with "
        "`CaptureQueriesContext`. The floor runs its queries the same number of times.",
        "",
        "## Sizes and seed times",
        "",
        "| size | tickets | responses | invitations | seed (s) | phases |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        info = r["seed"]
        phases = ", ".join(f"{k} {v:.1f}" for k, v in info.get("phases", {}).items())
        reused = " (reused; time of the earlier seed)" if info.get("reused") else ""
        seconds = info.get("seconds")
        out.append(
            f"| {_label(r['size'])} | {r['rows']['tickets']:,} | {r['rows']['responses']:,} "
            f"| {r['rows']['invitations']:,} | {_ms(seconds)}{reused} | {phases} |"
        )
    out += [
        "",
        "## Pages",
        "",
        "Median / p95 in ms, and SQL queries per request.",
        "",
        "| page | " + " | ".join(f"{s} median | {s} p95 | {s} queries" for s in sizes) + " |",
        "|---|" + "---:|---:|---:|" * len(sizes),
    ]
    for page in PAGES:
        cells = []
        for r in results:
            p = r["pages"].get(page)
            if p:
                cells += [_ms(p["median_ms"]), _ms(p["p95_ms"]), str(p["queries"])]
            else:
                cells += ["–", "–", "–"]
        out.append(f"| {page} | " + " | ".join(cells) + " |")
    floor_cells = []
    for r in results:
        f = r["floor"]
        floor_cells += [_ms(f["median_ms"]), _ms(f["p95_ms"]), str(len(FLOOR_QUERIES))]
    out.append(f"| {FLOOR} | " + " | ".join(floor_cells) + " |")
    out += [
        "",
        "Machine speed check, timed just before each size's pages (medians of 7): a pure-Python "
        "loop and 200 round trips of `SELECT 1`. This host's speed varies between runs (a "
        "shared virtual machine); compare these when comparing runs. The sizes were timed in "
        "interleaved rounds (10k, 100k, …, then again); each size shows the round with the "
        "quickest Python loop (every round's loop: "
        + "; ".join(
            f"{_label(r['size'])} " + ", ".join(_ms(v) for v in r.get("rounds", []))
            for r in results
        )
        + " ms).",
        "",
        "| check | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
        "| Python loop (ms) | "
        + " | ".join(_ms(r.get("calibration", {}).get("python_ms")) for r in results)
        + " |",
        "| 200 × SELECT 1 (ms) | "
        + " | ".join(_ms(r.get("calibration", {}).get("select1_ms")) for r in results)
        + " |",
    ]
    out += [
        "",
        "The pages in units of the machine speed check: each median ÷ the Python loop's time "
        "just before that size, so runs on busier or quieter days compare.",
        "",
        "| page | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for page in PAGES:
        cells = []
        for r in results:
            p, loop = r["pages"].get(page), r.get("calibration", {}).get("python_ms")
            cells.append(f"{p['median_ms'] / loop:.2f}" if p and loop else "–")
        out.append(f"| {page} | " + " | ".join(cells) + " |")
    out += [
        "",
        "## Department dashboard: ratio to the floor and memory",
        "",
        "Ratio: the department dashboard's median ÷ the floor's median. Memory: after the "
        f"timings, {MEMORY_REQUESTS} more dashboard requests are rendered with `tracemalloc` "
        "on; *peak* is the highest Python allocation above what was allocated before them "
        "(Python objects only, not libpq's C buffers); RSS is the process's VmRSS "
        "(/proc/self/status) just before and after those requests.",
        "",
        "| | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
        "| dashboard ÷ floor | "
        + " | ".join(
            f"{r['dashboard_floor_ratio']:.1f}×" if r.get("dashboard_floor_ratio") else "–"
            for r in results
        )
        + " |",
        "| dashboard after an answer ÷ floor | "
        + " | ".join(
            f"{r['dashboard_changed_floor_ratio']:.1f}×"
            if r.get("dashboard_changed_floor_ratio")
            else "–"
            for r in results
        )
        + " |",
        "| tracemalloc peak (MB) | "
        + " | ".join(_ms(r.get("dashboard_memory", {}).get("tracemalloc_peak_mb")) for r in results)
        + " |",
        "| RSS before → after (MB) | "
        + " | ".join(
            f"{r['dashboard_memory']['rss_before_mb']:.0f} → "
            f"{r['dashboard_memory']['rss_after_mb']:.0f}"
            if r.get("dashboard_memory")
            else "–"
            for r in results
        )
        + " |",
        "",
        "## Targets (issue 14)",
        "",
        "Each number with its verdict: met, or missed by how much. The page targets are "
        "stated at 1M (the other sizes show the trend), the growth target at 10M: each page's "
        "median in units of the machine speed check ÷ the same at 10k (this host's speed "
        "changes between sizes; the ratio of the plain medians is beside it).",
        "",
        "| target | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    out += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in _targets_rows(results)]
    out += [
        "",
        "## The floor, query by query (median ms)",
        "",
        "| query | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name in FLOOR_QUERIES:
        cells = [_ms(r["floor"]["parts"][name]["median_ms"]) for r in results]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += [
        "",
        "## What was opened",
        "",
    ]
    for r in results:
        c = r["context"]
        mem = r["memory"]
        out.append(
            f"- {_label(r['size'])}: queue {c['queue']} as bench.it.lead; my requests of a "
            f"requester with {c['requester_tickets']:,} tickets; ticket {c['ticket']}; "
            f"dashboard {c.get('dashboard', '–')} as bench.it.lead; organisation view "
            f"{c.get('organisation', '–')} as bench.hradmin; "
            f"process peak RSS {mem['rss_peak_kb'] / 1024:.0f} MB "
            f"({mem['rss_before_kb'] / 1024:.0f} MB before timing)"
        )
    last = results[-1]
    slow = last["slowest"]
    out += [
        "",
        f"## EXPLAIN ANALYZE: slowest query of the slowest page at {_label(last['size'])}",
        "",
        f"Page: {slow['page']}; query took {_ms(slow['ms'])} ms when captured.",
        "",
        "```sql",
        slow["sql"],
        "```",
        "",
        "```",
        slow["plan"],
        "```",
        "",
        f"## EXPLAIN ANALYZE: slowest floor query at {_label(last['size'])} "
        f"({last['floor']['explain']['name']})",
        "",
        "```",
        last["floor"]["explain"]["plan"],
        "```",
        "",
        "## Indexes on the tables the measured pages read",
        "",
        "| table | index | definition | why |",
        "|---|---|---|---|",
    ]
    for ix in last["indexes"]:
        definition = ix["def"].split(" USING ", 1)[-1]
        out.append(f"| {ix['table']} | {ix['name']} | `{definition}` | {ix['why']} |")
    if ANALYSIS.exists():
        out += ["", ANALYSIS.read_text().strip()]
    out.append("")
    return "\n".join(out)


def _quickest(rounds: list[dict]) -> dict:
    """Of one size's rounds, the one timed while the host was quickest (the lowest Python
    loop of the speed check): this shared host's speed changes 2× within minutes, and the
    sizes are compared with each other."""
    kept = min(rounds, key=lambda r: r.get("calibration", {}).get("python_ms", float("inf")))
    kept["rounds"] = [r.get("calibration", {}).get("python_ms") for r in rounds]
    return kept


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="e.g. 10k,100k,1m")
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: one size
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds; each size keeps its quickest"
    )
    args = parser.parse_args(argv)

    def log(s):
        print(s, file=sys.stderr, flush=True)

    if args.one:
        db_name = f"{seed.DEFAULT_DB}_{_label(args.one)}"
        result = run_one(args.one, db_name, reuse=args.reuse, n_requests=args.requests, log=log)
        result["versions"] = _versions()
        Path(args.json).write_text(json.dumps(result, default=str))
        return

    sizes = [_size(s) for s in args.sizes.split(",") if s.strip()]
    rounds: dict[int, list[dict]] = {size: [] for size in sizes}
    for round_number in range(args.rounds):
        for size in sizes:
            # Later rounds time the databases the first one seeded.
            reuse = args.reuse or round_number > 0
            with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                cmd = [sys.executable, "-m", "bench.run", "--one", str(size), "--json", tmp.name]
                cmd += ["--requests", str(args.requests)] + (["--reuse"] if reuse else [])
                subprocess.run(cmd, check=True, cwd=BENCH_DIR.parent)  # noqa: S603
                rounds[size].append(json.loads(Path(tmp.name).read_text()))
    results = [_quickest(rounds[size]) for size in sizes]
    machine = {**machine_info(), **results[-1]["versions"]}
    Path(args.out).write_text(render_results(results, machine))
    log(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
