"""A load test of icsat as deployed: gunicorn, Celery workers and beat, PostgreSQL, Redis.

    .venv/bin/python -m bench.load                                   # 100 users, 5 minutes
    .venv/bin/python -m bench.load --users 100 --spawn-rate 2 --duration 5m

Production settings (DEBUG off), everything on loopback: gunicorn (``--workers`` sync
workers, as the Dockerfile runs it), 2 Celery worker processes with 2 threads each and
beat (as the Procfile), Redis db ``--redis-db`` (broker and cache; flushed), the project's
SMTP sink (tests/integration/smtp_sink.py) in this process. The database
``icsat_bench_load_<size>`` is seeded once by bench/seed.py (its seed recorded in COMMENT
ON DATABASE) and reused at that size; the run adds and resolves tickets and answers
surveys, as the app would.

Locust (bench/locustfile.py) runs headless in a subprocess of its own with a hard time
limit: employees, agents, survey recipients, department leads and HR admins. Survey
e-mails that reach the sink are read here and their links handed to the survey recipients
through a Redis list. Afterwards: every survey of every resolve delivered once (after a
grace period for the workers to drain), the load average before/during/after, the machine
speed check of bench/run.py, and each page timed unloaded in this process (SQL and the
rest). Writes bench/LOAD.json and bench/LOAD.md (plus the hand-written
bench/load_analysis.md).

Beside it: load_stack.py (the processes and what watches them), load_report.py (the figures
and the Markdown), load_profile.py (each page unloaded), locustfile.py (the users).
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load_report import (
    TARGET_USERS,
    breakdown,
    percentile,
    render,
    render_summary,
    server_times,
    statistics_of,
    targets,
    timeline,
    web_workers_text,
)
from bench.load_stack import (
    LINKS_KEY,
    VENV_BIN,
    LoadWatch,
    Stack,
    SurveyMail,
    postgres_cpu_seconds,
    start_stack,
    wait_healthy,
)

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LOAD_MD = BENCH_DIR / "LOAD.md"
LOAD_JSON = BENCH_DIR / "LOAD.json"
# Hand-written: what the figures of the last real run mean and where the time goes; appended.
ANALYSIS = BENCH_DIR / "load_analysis.md"
SETTINGS = "icsat.settings"

# Who uses icsat at once, out of 100 (see LOAD.md for why).
WEIGHTS = {"employee": 50, "agent": 20, "survey": 12, "lead": 12, "hr": 6}
FILE_SHARE = 0.5  # an employee's journey files a request half the time
EXPORT_SHARE = 0.3  # a lead exports the CSV after three dashboard views in ten


def _duration(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 5m, 90s, 1m30s)")
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def _pair(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.split(","))
    return low, high


def main(argv=None) -> int:
    from bench.run import _label

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=TARGET_USERS)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument("--duration", type=_duration, default="5m", help="e.g. 5m, 90s")
    parser.add_argument("--tickets", type=int, default=100_000, help="seed size")
    parser.add_argument("--db", help="database (default icsat_bench_load_<size>)")
    parser.add_argument("--drop-db", action="store_true", help="drop the database afterwards")
    parser.add_argument("--redis-db", type=int, default=10, help="broker and cache, flushed")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--web-threads", type=int, default=1, help="threads per gunicorn worker (>1: gthread)"
    )
    parser.add_argument("--think", type=_pair, default=(2.0, 8.0), help="seconds, min,max")
    parser.add_argument("--grace", type=float, default=180, help="seconds for the workers")
    parser.add_argument(
        "--duplicate-wait", type=float, default=5, help="seconds after the last survey e-mail"
    )
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "bench-load")
    parser.add_argument("--json", type=Path, default=LOAD_JSON)
    parser.add_argument("--markdown", type=Path, default=LOAD_MD)
    parser.add_argument("--no-profile", action="store_true", help="skip the unloaded timings")
    parser.add_argument("--seed-only", action="store_true", help="seed (or check) and stop")
    parser.add_argument(
        "--render-only", action="store_true", help="write the Markdown from --json again"
    )
    args = parser.parse_args(argv)
    args.db = args.db or f"icsat_bench_load_{_label(args.tickets)}"
    if args.seed_only:
        os.environ.update(
            DJANGO_SETTINGS_MODULE=SETTINGS, DEBUG="0", SECRET_KEY="bench-load-" + "x" * 50
        )
        _ensure_seed(args, lambda text: print(text, file=sys.stderr))
        return 0

    if args.render_only:
        result = json.loads(args.json.read_text())
    else:
        result = run(args)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    text = render(result)
    if args.markdown == LOAD_MD and ANALYSIS.exists():
        text += "\n" + ANALYSIS.read_text()
    args.markdown.write_text(text)
    print(render_summary(result))
    return 0


# --- Environment ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(args, *, port: int, smtp_port: int, run_dir: Path) -> dict:
    """Production settings on loopback http: no HTTPS redirect, cookies not Secure-only."""
    from bench import seed

    redis_server = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    redis_server = urlunsplit(urlsplit(redis_server)._replace(path=""))
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
        "DATABASE_URL": seed.database_url(args.db),
        "CONN_MAX_AGE": "60",
        "REDIS_URL": f"{redis_server}/{args.redis_db}",
        "ICSAT_CACHE_REDIS_DB": str(args.redis_db),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ICSAT_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "0",
        "ICSAT_VAR_DIR": str(run_dir),
        "ICSAT_STATIC_ROOT": str(args.var_dir / "static"),
        "ICSAT_UPLOAD_DIR": str(args.var_dir / args.db / "uploads"),
        "LOG_LEVEL": "WARNING",
    }


def _ensure_seed(args, log) -> dict:
    """The seeded database: reused when seeded at this size with production settings."""
    from django.core.management import call_command

    from bench import seed

    seed.setup_django(args.db)
    info = seed.seed_info(args.db)
    if info and info.get("tickets") == args.tickets and info.get("settings") == SETTINGS:
        log(f"Reusing {args.db} seeded with {args.tickets:,} tickets (migrating)")
        call_command("migrate", verbosity=0)
        return {**info, "reused": True}
    log(f"Seeding {args.db} with {args.tickets:,} tickets")
    # Under production settings, so the bench password is hashed as production hashes it.
    info = seed.seed_database(args.db, args.tickets, log=log)
    info["settings"] = SETTINGS
    seed.record_seed(args.db, info)
    return {**info, "reused": False}


def _drop_database(name: str) -> None:
    import psycopg2
    from django.db import connections

    from bench import seed

    connections.close_all()
    conn = psycopg2.connect(seed.database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{seed._check_name(name)}" WITH (FORCE)')
    conn.close()


@contextlib.contextmanager
def _surveys_at_once():
    """For the run, every survey asks at once and after every resolve (delay 0, no
    "asked recently" rule), so each resolve of the run makes its survey e-mail within the
    run; the seed's values come back afterwards (the model's defaults if a killed earlier
    run left the run's values behind)."""
    from surveys.models import Survey

    fields = Survey._meta
    defaults = (
        fields.get_field("delay_minutes").default,
        fields.get_field("min_days_between").default,
    )
    original = {
        pk: (delay, days) if (delay, days) != (0, 0) else defaults
        for pk, delay, days in Survey.objects.values_list("pk", "delay_minutes", "min_days_between")
    }
    Survey.objects.update(delay_minutes=0, min_days_between=0)
    try:
        yield original
    finally:
        for pk, (delay, days) in original.items():
            Survey.objects.filter(pk=pk).update(delay_minutes=delay, min_days_between=days)


def _collectstatic() -> None:
    """The static files with the hashed names and manifest the pages link to. Collected with
    Django's ManifestStaticFilesStorage: the same names and manifest as whitenoise's storage,
    without its .gz/.br copies (about 40 s of compression here), which only requests for the
    static files themselves would read, and the users request pages only."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}):
        call_command("collectstatic", interactive=False, verbosity=0)


def _plan(args, run_dir: Path, redis_url: str) -> dict:
    """Who the locust users are: usernames from the seed, departments by volume."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from bench import seed
    from requests_app.models import Department, Membership, Ticket

    users = get_user_model().objects
    active = dict(
        Ticket.objects.filter(status__in=["new", "open", "waiting"])
        .values_list("department_id")
        .annotate(n=Count("pk"))
    )
    departments = []
    for department in Department.objects.filter(is_active=True).order_by("pk"):
        prefix = department.prefix.lower()
        weight = seed.VOLUME_WEIGHTS.get(department.prefix, 1)
        agents = sorted(
            Membership.objects.filter(department=department, role="agent").values_list(
                "user__username", flat=True
            )
        )
        departments.append(
            {
                "slug": department.slug,
                "weight": weight,
                # Agents go where there is work: a department with fewer than 5 open tickets
                # (only in a small seed) gets fewer of them, one with none gets none.
                "agent_weight": weight * min(active.get(department.pk, 0), 5) / 5,
                "lead": f"bench.{prefix}.lead",
                "agents": agents,
            }
        )
    return {
        "password": seed.BENCH_PASSWORD,
        "employees": sorted(
            users.filter(username__startswith="bench.u").values_list("username", flat=True)
        ),
        "hr_admins": [seed.HR_ADMIN],
        "departments": departments,
        "redis_url": redis_url,
        "links_key": LINKS_KEY,
        "think_seconds": list(args.think),
        "weights": WEIGHTS,
        "file_share": FILE_SHARE,
        "export_share": EXPORT_SHARE,
        "samples": str(run_dir / "samples.json"),
    }


# --- The run ---------------------------------------------------------------------------
def run(args) -> dict:
    import redis

    from bench.run import _calibrate, machine_info
    from tests.integration.smtp_sink import SmtpSink

    def log(text):
        print(text, file=sys.stderr, flush=True)

    args.var_dir.mkdir(parents=True, exist_ok=True)
    for earlier in args.var_dir.glob("run-*"):  # the logs of the last run only are kept
        shutil.rmtree(earlier, ignore_errors=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.var_dir))
    port = _free_port()
    phases = Phases()
    with SmtpSink() as sink:
        env = _environment(args, port=port, smtp_port=sink.port, run_dir=run_dir)
        os.environ.update(env)
        links = redis.Redis.from_url(env["REDIS_URL"])
        try:
            with phases("seed (or reuse and migrate)"):
                seed_info = _ensure_seed(args, log)
            links.flushdb()
            with phases("collectstatic"):
                _collectstatic()
            calibration = _calibrate()
            plan_path = run_dir / "plan.json"
            plan_path.write_text(json.dumps(_plan(args, run_dir, env["REDIS_URL"])))
            with _surveys_at_once() as survey_settings:
                result = _load(args, env, run_dir, port, sink, links, plan_path, log, phases)
            result.update(
                seed=seed_info,
                survey_settings_restored={str(k): v for k, v in survey_settings.items()},
                calibration=calibration,
                calibration_after=_calibrate(),
                machine=machine_info(),
            )
            if not args.no_profile:
                log("Timing each page unloaded, in this process")
                with phases("each page unloaded"):
                    from bench.load_profile import profile_pages

                    link = links.lindex(LINKS_KEY, 0)  # a survey nobody answered in the run
                    result["unloaded"] = profile_pages(link.decode() if link else None)
        finally:
            with contextlib.suppress(Exception):
                links.delete(LINKS_KEY)
            if args.drop_db:
                _drop_database(args.db)
    result.update(
        load_after=os.getloadavg(), run_dir=str(run_dir), phases_s=phases.seconds, code=_code()
    )
    result["targets"] = targets(result)
    return result


def _code() -> dict:
    """The commit the app ran at and the files changed in the working tree beside it."""

    def git(*command: str) -> str:
        finished = subprocess.run(  # noqa: S603 (git, fixed arguments)
            ["git", *command],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return finished.stdout

    changed = [line[3:] for line in git("status", "--porcelain").splitlines() if line[:2] != "??"]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "changed": changed}


class Phases:
    """``with phases("name"): ...`` records how long each part of the run took."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = round(time.monotonic() - started, 1)


def _load(args, env, run_dir, port, sink, links, plan_path, log, phases) -> dict:
    import resource

    from django.utils import timezone

    base_url = env["ICSAT_BASE_URL"]
    stack = Stack(env, run_dir)
    load_before = os.getloadavg()
    try:
        log(
            f"Starting gunicorn ({web_workers_text(args.web_workers, args.web_threads)}), "
            "2 Celery workers and beat"
        )
        with phases("start the stack until healthy"):
            start_stack(stack, args, port)
            wait_healthy(stack, base_url)
        log(f"Healthy; {args.users} users for {args.duration} s")
        run_started = timezone.now()
        cpu_before = stack.cpu_seconds()
        postgres_before = postgres_cpu_seconds(args.db)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with SurveyMail(sink, links, base_url) as mail, LoadWatch() as watch:
            with phases("locust"):
                _run_locust(stack, args, base_url, plan_path, run_dir)
            # Locust has exited (and was waited for): its CPU time is in RUSAGE_CHILDREN.
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = {
                name: round(seconds - cpu_before.get(name, 0), 1)
                for name, seconds in stack.cpu_seconds().items()
                if name != "locust"
            }
            cpu["locust"] = round(
                children.ru_utime
                + children.ru_stime
                - children_before.ru_utime
                - children_before.ru_stime,
                1,
            )
            cpu["postgres (the bench database's backends)"] = round(
                postgres_cpu_seconds(args.db) - postgres_before, 1
            )
            load_at_end = os.getloadavg()
            log(f"Locust done; waiting up to {args.grace:.0f} s for the survey e-mails")
            with phases("workers drain"):
                grace = _drain(mail, run_started, args.grace, args.duplicate_wait)
        log_errors = _log_errors(run_dir)
    finally:
        with phases("stop the stack"):
            orphans = stack.stop_all()
    samples = json.loads((run_dir / "samples.json").read_text())
    return {
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration_s": args.duration,
        "think_seconds": list(args.think),
        "web_workers": args.web_workers,
        "web_threads": args.web_threads,
        "weights": WEIGHTS,
        "db": args.db,
        "load_before": load_before,
        "locust_users": samples.get("users", {}),
        **statistics_of(samples),
        "surveys": survey_check(mail, run_started, grace),
        "emails_at_sink": len(sink.delivered),
        "server_pages": server_times(run_dir, samples),
        "breakdown": breakdown(run_dir),
        "timeline": timeline(samples, watch.samples),
        "load_during": _load_during(watch.samples, load_at_end),
        "cpu_seconds": cpu,
        "log_errors": log_errors,
        "orphan_process_groups": orphans,
    }


def _run_locust(stack: Stack, args, base_url: str, plan_path: Path, run_dir: Path) -> None:
    stop_timeout = 10
    stack.start(
        "locust",
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(BENCH_DIR / "locustfile.py"),
            "--headless",
            f"--users={args.users}",
            f"--spawn-rate={args.spawn_rate}",
            f"--run-time={args.duration}s",
            f"--host={base_url}",
            f"--csv={run_dir / 'locust'}",
            f"--stop-timeout={stop_timeout}",
            "--only-summary",
            "--loglevel=WARNING",
            "--exit-code-on-error=0",
        ],
        env={"ICSAT_LOAD_PLAN": str(plan_path)},
    )
    process = stack.processes["locust"]
    try:
        code = process.wait(timeout=args.duration + stop_timeout + 60)
    except subprocess.TimeoutExpired:
        stack.stop("locust", timeout=10)
        raise RuntimeError("locust overran its time limit and was stopped") from None
    if code != 0:
        tail = (run_dir / "locust.log").read_text()[-3000:]
        raise RuntimeError(f"locust exited with {code}:\n{tail}")


def _drain(mail: SurveyMail, run_started, grace: float, duplicate_wait: float) -> dict:
    """Wait until every due invitation of the run is sent (or given up) and its e-mail is
    at the sink, at most ``grace`` seconds; then ``duplicate_wait`` more, for a late
    duplicate."""
    from surveys.models import Invitation

    started = time.monotonic()
    deadline = started + grace
    waiting = []
    while time.monotonic() < deadline:
        mail.read()
        now = datetime.now(UTC)
        invitations = Invitation.objects.filter(created_at__gte=run_started, send_after__lte=now)
        unsent = invitations.filter(status__in=[Invitation.Status.PENDING, "sending"]).count()
        delivered = {m["reference"] for m in mail.surveys}
        waiting = [
            ref
            for ref in invitations.values_list("ticket__reference", flat=True)
            if ref not in delivered
        ]
        if not unsent and not waiting:
            break
        time.sleep(1)
    drained = time.monotonic() - started
    time.sleep(duplicate_wait)
    mail.read()
    return {
        "seconds": round(drained, 1),
        "limit": grace,
        "duplicate_wait": duplicate_wait,
        "still_waiting": len(waiting),
    }


def _load_during(samples: list[dict], at_end) -> dict:
    loads = [s["load"][0] for s in samples]
    busy = [s["cpu_busy"] for s in samples if s["cpu_busy"] is not None]
    return {
        "samples": len(samples),
        "load1_mean": round(statistics.mean(loads), 2) if loads else None,
        "load1_max": round(max(loads), 2) if loads else None,
        "at_end": at_end,
        "cpu_busy_mean": round(statistics.mean(busy), 3) if busy else None,
    }


def _log_errors(run_dir: Path) -> dict:
    """Tracebacks and ERROR lines in the web and worker logs, the first few of each."""
    found = {}
    for name in ("gunicorn", "worker0", "worker1", "beat"):
        path = run_dir / f"{name}.log"
        if not path.exists():
            continue
        text = path.read_text(errors="replace")
        blocks = re.findall(r"(?ms)^(?:Internal Server Error|ERROR|\[.*?ERROR).*?(?=^\S|\Z)", text)
        tracebacks = text.count("Traceback (most recent call last)")
        if blocks or tracebacks:
            found[name] = {
                "tracebacks": tracebacks,
                "first": [block.strip()[-2500:] for block in blocks[:3]],
            }
    return found


def survey_check(mail: SurveyMail, run_started, grace: dict) -> dict:
    """Every ticket resolved in the run whose invitation fell due: exactly one survey
    e-mail at the sink (matched by the ticket reference in its subject)."""
    from requests_app.models import TicketEvent
    from surveys.models import Invitation

    checked_at = datetime.now(UTC)
    resolved = set(
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.RESOLVED, created_at__gte=run_started
        ).values_list("ticket_id", flat=True)
    )
    invitations = list(
        Invitation.objects.filter(ticket_id__in=resolved, created_at__gte=run_started).values(
            "ticket_id", "ticket__reference", "status", "send_after", "created_at"
        )
    )
    without = resolved - {i["ticket_id"] for i in invitations}
    reasons = Counter(
        event.data.get("reason", "?")
        for event in TicketEvent.objects.filter(
            ticket_id__in=without, created_at__gte=run_started, data__survey="none"
        )
    )
    due = [i for i in invitations if i["send_after"] <= checked_at and i["status"] != "cancelled"]
    expected = {i["ticket__reference"]: i for i in due}
    per_reference = Counter(m["reference"] for m in mail.surveys)
    first_at = {}
    for m in mail.surveys:
        first_at.setdefault(m["reference"], m["at"])
    lost = sorted(ref for ref in expected if per_reference[ref] == 0)
    latency = sorted(
        first_at[ref] - invitation["created_at"].timestamp()
        for ref, invitation in expected.items()
        if ref in first_at
    )
    unexplained = len(without) - sum(reasons.values())
    if unexplained:
        reasons["no reason recorded"] = unexplained
    return {
        "tickets_resolved": len(resolved),
        "resolved_without_invitation": dict(reasons),
        "invitations": len(invitations),
        "due": len(expected),
        "delivered_once": sum(1 for ref in expected if per_reference[ref] == 1),
        "lost": len(lost),
        "lost_references": lost[:20],
        "duplicates": sum(n - 1 for n in per_reference.values() if n > 1),
        "duplicate_references": sorted(ref for ref, n in per_reference.items() if n > 1)[:20],
        "other_survey_emails": sum(n for ref, n in per_reference.items() if ref not in expected),
        "statuses": dict(Counter(i["status"] for i in invitations)),
        "resolve_to_email_s": {
            "p50": round(percentile(latency, 0.5), 1),
            "p95": round(percentile(latency, 0.95), 1),
            "max": round(latency[-1], 1),
        }
        if latency
        else None,
        "grace": grace,
        "unreadable_emails": mail.unreadable,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
