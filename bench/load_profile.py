"""Each page of the load test timed unloaded, in the runner's process, after the run:
SQL against the rest, and where the time goes (cProfile)."""

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _profile_cases(survey_link: str | None) -> list[tuple[str, object, str | None]]:
    """(page, who, path): a representative request of each page the users GET."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from bench import seed
    from requests_app.models import Department, Ticket

    users = get_user_model().objects
    it = Department.objects.get(prefix="IT")
    agent = users.get(username="bench.it.agent1")
    lead = users.get(username="bench.it.lead")
    hr_admin = users.get(username=seed.HR_ADMIN)
    busiest = (
        Ticket.objects.filter(requester__username__startswith="bench.u")
        .values("requester")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    requester = users.get(pk=busiest["requester"])
    own = Ticket.objects.filter(requester=requester).order_by("-created_at").first()
    active = (
        Ticket.objects.filter(department=it, status__in=["new", "open", "waiting"])
        .order_by("-created_at")
        .first()
    )
    request_type = it.request_types.filter(is_active=True).order_by("position", "pk").first()
    dashboard = f"/surveys/dashboard/{it.slug}/"
    return [
        ("login page", None, "/accounts/login/"),
        ("home", requester, "/"),
        ("my requests", requester, "/requests/mine/"),
        ("ticket page (requester)", requester, own.get_absolute_url()),
        ("new request: departments", requester, "/requests/new/"),
        ("new request: types", requester, f"/requests/new/{it.slug}/"),
        ("new request form", requester, f"/requests/new/{it.slug}/{request_type.slug}/"),
        ("agent queue", agent, f"/queue/{it.slug}/?sort=newest"),
        ("ticket page (agent)", agent, active.get_absolute_url() if active else None),
        ("survey page", None, survey_link),
        ("department dashboard", lead, f"{dashboard}?range=12m"),
        ("department dashboard CSV", lead, f"{dashboard}export.csv?range=12m"),
        ("organisation view", hr_admin, "/surveys/dashboard/?range=12m"),
    ]


class _QueryTimer:
    """Times each SQL query of a request (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def _hot_spots(profile, total_s: float, limit: int = 5) -> list[dict]:
    """The project's own functions that take most of a request (cumulative), leaving out
    the wrappers around all of it (middleware; anything at 90 % or more)."""
    import pstats

    stats = pstats.Stats(profile).stats
    rows = []
    for (filename, line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        path = Path(filename)
        if not path.is_relative_to(ROOT) or ".venv" in path.parts or path.name == "middleware.py":
            continue
        share = cumulative / total_s if total_s else 0
        if share >= 0.9 or share < 0.05:
            continue
        where = f"{path.relative_to(ROOT)}:{line} {function}"
        rows.append({"function": where, "ms": round(cumulative * 1000, 1), "share": share})
    rows.sort(key=lambda row: -row["ms"])
    return [{**row, "share": round(row["share"], 2)} for row in rows[:limit]]


def profile_pages(survey_link: str | None, n: int = 10) -> dict:
    """Each page timed in this process with nothing else asking (the stack is stopped):
    median of ``n`` after 2 warm-ups, its SQL queries and their time, the rest (Python:
    views, forms, templates), and one more request under cProfile for where the time goes.
    The POSTs are left out (they write); the sign-in is the password hash alone."""
    import cProfile

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench import seed

    pages = {}
    for page, who, path in _profile_cases(survey_link):
        if path is None:
            continue
        client = Client()
        if who is not None:
            client.force_login(who)
        totals, sqls, counts = [], [], []
        for i in range(n + 2):
            timer = _QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                answer = client.get(path)
                elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                raise RuntimeError(f"{page}: {path} answered {answer.status_code}")
            if i >= 2:
                totals.append(elapsed * 1000)
                sqls.append(timer.seconds * 1000)
                counts.append(timer.count)
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.runcall(client.get, path)
        profiled_s = time.perf_counter() - started
        total, sql = statistics.median(totals), statistics.median(sqls)
        pages[page] = {
            "path": path if page != "survey page" else "/s/<token>/",
            "median_ms": round(total, 1),
            "queries": max(counts),
            "sql_ms": round(sql, 1),
            "rest_ms": round(total - sql, 1),
            "hot_spots": _hot_spots(profile, profiled_s),
        }
    user = get_user_model().objects.get(username=seed.HR_ADMIN)
    hashes = []
    for _ in range(3):
        started = time.perf_counter()
        user.check_password(seed.BENCH_PASSWORD)
        hashes.append((time.perf_counter() - started) * 1000)
    pages["sign-in POST"] = {
        "path": "check_password alone (the stored hash's hasher)",
        "median_ms": round(statistics.median(hashes), 1),
        "queries": 0,
        "sql_ms": 0.0,
        "rest_ms": round(statistics.median(hashes), 1),
        "hot_spots": [],
    }
    return pages
