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
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOAD_MD = BENCH_DIR / "LOAD.md"
LOAD_JSON = BENCH_DIR / "LOAD.json"
# Hand-written: what the figures of the last real run mean and where the time goes; appended.
ANALYSIS = BENCH_DIR / "load_analysis.md"
LINKS_KEY = "icsat-load:survey-links"
SETTINGS = "icsat.settings"

# Every page the users request, in table order (the names the locustfile gives them).
PAGES = [
    "login page",
    "sign-in POST",
    "home",
    "my requests",
    "ticket page (requester)",
    "new request: departments",
    "new request: types",
    "new request form",
    "new request POST",
    "agent queue",
    "ticket page (agent)",
    "resolve POST",
    "survey page",
    "survey answer POST",
    "survey thanks",
    "department dashboard",
    "department dashboard CSV",
    "organisation view",
]
# Who uses icsat at once, out of 100 (see LOAD.md for why).
WEIGHTS = {"employee": 50, "agent": 20, "survey": 12, "lead": 12, "hr": 6}
FILE_SHARE = 0.5  # an employee's journey files a request half the time
EXPORT_SHARE = 0.3  # a lead exports the CSV after three dashboard views in ten

TARGET_USERS = 100
TARGET_P95_MS = 200


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
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn sync workers")
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
    from django.db import connection

    from bench import seed
    from bench.run import _seed_info

    seed.setup_django(args.db)
    info = _seed_info(args.db)
    if info and info.get("tickets") == args.tickets and info.get("settings") == SETTINGS:
        log(f"Reusing {args.db} seeded with {args.tickets:,} tickets (migrating)")
        call_command("migrate", verbosity=0)
        return {**info, "reused": True}
    log(f"Seeding {args.db} with {args.tickets:,} tickets")
    # Under production settings, so the bench password is hashed as production hashes it.
    info = seed.seed_database(args.db, args.tickets, log=log)
    info["settings"] = SETTINGS
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{args.db}" IS %s', [json.dumps(info)])
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


# --- Processes ---------------------------------------------------------------------------
class Stack:
    """The processes of the deployment, each in a process group of its own, so that
    stopping one stops its children too (gunicorn's workers)."""

    def __init__(self, env: dict, run_dir: Path):
        self.env = {**os.environ, **env}
        self.run_dir = run_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: list = []

    def start(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = (self.run_dir / f"{name}.log").open("wb")
        self._logs.append(log)
        self.processes[name] = subprocess.Popen(  # noqa: S603 (the venv's own programs)
            command,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def stop(self, name: str, timeout: float = 30) -> None:
        """SIGTERM to the group (a warm shutdown: a worker finishes its task), then SIGKILL."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # Children that outlived their leader (none expected) go with the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> int:
        """Stop everything still running; returns how many groups had to be killed."""
        for name in reversed(list(self.processes)):
            self.stop(name)
        for log in self._logs:
            log.close()
        return sum(_group_alive(p.pid) for p in self.processes.values())

    def cpu_seconds(self) -> dict:
        """CPU seconds so far of each process and its living children (psutil)."""
        import psutil

        seconds = {}
        for name, process in self.processes.items():
            total = 0.0
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(process.pid)
                for p in [parent, *parent.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        times = p.cpu_times()
                        total += times.user + times.system
            seconds[name] = round(total, 1)
        return seconds


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_stack(stack: Stack, args, port: int) -> None:
    stack.start(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "icsat.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.web_workers}",
            "--no-control-socket",
            # The page (a header the locust users send), status and gunicorn's own time in µs:
            # from the worker taking the request to the answer written, so a request's time at
            # the user minus this is the wait for a free worker (and loopback).
            f"--access-logfile={stack.run_dir / 'access.log'}",
            "--access-logformat=%({x-load-page}i)s\t%(s)s\t%(D)s\t%({x-load-request}i)s",
        ],
    )
    for i in range(2):
        stack.start(
            f"worker{i}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "icsat",
                "worker",
                "--pool=threads",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"load{i}@%h",
            ],
        )
    stack.start(
        "beat",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "icsat",
            "beat",
            "--loglevel=WARNING",
            f"--pidfile={stack.run_dir / 'beat.pid'}",
        ],
    )


def _wait_healthy(stack: Stack, base_url: str, timeout: float = 120) -> float:
    """Seconds until /healthz answers 200 and both workers answer a ping."""
    import urllib.request

    from icsat.celery import app

    started = time.monotonic()
    deadline = started + timeout
    web = workers = False
    while time.monotonic() < deadline:
        for name in stack.processes:
            if not stack.alive(name):
                raise RuntimeError(f"{name} exited: see {stack.run_dir / (name + '.log')}")
        if not web:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as answer,  # noqa: S310
            ):
                web = answer.status == 200
        if not workers:
            workers = len(app.control.ping(timeout=1.0) or []) >= 2
        if web and workers:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"not healthy after {timeout:.0f} s (web {web}, workers {workers})")


# --- Watching the run --------------------------------------------------------------------
SURVEY_LINK = re.compile(r"(/s/[A-Za-z0-9_-]+/)")
REFERENCE = re.compile(r"\b([A-Z]{2,6}-\d{6})\b")


class SurveyMail:
    """Reads the sink as e-mails arrive: survey links go to the locust users (a Redis
    list); each survey e-mail is kept with its ticket reference and arrival time."""

    def __init__(self, sink, redis_client, base_url: str):
        self.sink = sink
        self.redis = redis_client
        self.link = re.compile(re.escape(base_url) + SURVEY_LINK.pattern)
        self.surveys: list[dict] = []
        self.unreadable = 0
        self._seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        self.read()

    def _loop(self):
        while not self._stop.wait(0.25):
            self.read()

    def read(self) -> None:
        arrived = list(self.sink.delivered[self._seen :])
        self._seen += len(arrived)
        for received in arrived:
            message = received.message()
            try:
                body = message.get_body(preferencelist=("plain",)).get_content()
            except (AttributeError, LookupError):
                self.unreadable += 1
                continue
            link = self.link.search(body)
            if link is None:
                continue
            reference = REFERENCE.search(str(message["subject"] or ""))
            self.surveys.append(
                {
                    "at": time.time(),
                    "reference": reference.group(1) if reference else "",
                    "path": link.group(1),
                    "to": received.recipients,
                }
            )
            self.redis.rpush(LINKS_KEY, link.group(1))


class LoadWatch:
    """The load average and the machine's CPU use every few seconds while the load runs."""

    def __init__(self, every: float = 5):
        self.every = every
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._last = _cpu_ticks()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self):
        while not self._stop.wait(self.every):
            busy, total = _cpu_ticks()
            d_busy, d_total = busy - self._last[0], total - self._last[1]
            self._last = (busy, total)
            self.samples.append(
                {
                    "t": time.time(),
                    "load": os.getloadavg(),
                    "cpu_busy": round(d_busy / d_total, 3) if d_total else None,
                }
            )


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot (/proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _postgres_cpu_seconds(db: str) -> float:
    """CPU seconds of the PostgreSQL backends now connected to the bench database."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db],
        )
        pids = [row[0] for row in cursor.fetchall()]
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return round(total, 1)


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
                    result["unloaded"] = profile_pages(links)
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
        log(f"Starting gunicorn ({args.web_workers} workers), 2 Celery workers and beat")
        with phases("start the stack until healthy"):
            _start_stack(stack, args, port)
            _wait_healthy(stack, base_url)
        log(f"Healthy; {args.users} users for {args.duration} s")
        run_started = timezone.now()
        cpu_before = stack.cpu_seconds()
        postgres_before = _postgres_cpu_seconds(args.db)
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
                _postgres_cpu_seconds(args.db) - postgres_before, 1
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
        "weights": WEIGHTS,
        "db": args.db,
        "load_before": load_before,
        "locust_users": samples.get("users", {}),
        **statistics_of(samples),
        "surveys": survey_check(mail, run_started, grace),
        "emails_at_sink": len(sink.delivered),
        "server_pages": server_times(run_dir, samples),
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


# --- Figures -----------------------------------------------------------------------------
def _percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 1))
    return ordered[int(rank) - 1]


def _page_figures(rows: list, seconds: float) -> dict:
    times = sorted(r[3] for r in rows)
    return {
        "requests": len(rows),
        "per_s": round(len(rows) / seconds, 2) if seconds else None,
        "errors": sum(1 for r in rows if r[4]),
        "p50_ms": round(_percentile(times, 0.50), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "max_ms": round(times[-1], 1) if times else None,
    }


def statistics_of(samples: dict) -> dict:
    """Per page and overall, for the whole run and for its steady part (after the last
    sign-in finished: the sign-ins of the ramp-up hash passwords, which is slow by design)."""
    rows = samples["samples"]
    marks = samples["marks"]
    started, stopped = marks.get("started"), marks.get("stopped")
    seconds = (stopped - started) if started and stopped else None
    sign_ins = [r[0] + r[3] / 1000 for r in rows if r[1] == "sign-in POST"]
    steady_from = max(sign_ins) if sign_ins else started
    steady = [r for r in rows if r[0] >= steady_from]
    steady_seconds = (stopped - steady_from) if stopped and steady_from else None
    errors = Counter((r[1], r[4]) for r in rows if r[4])
    names = [*PAGES, *sorted({r[1] for r in rows} - set(PAGES))]
    return {
        "seconds": round(seconds, 1) if seconds else None,
        "spawned_after_s": round(marks["spawned"] - started, 1) if "spawned" in marks else None,
        "steady_from_s": round(steady_from - started, 1) if started and steady_from else None,
        "overall": _page_figures(rows, seconds),
        "pages": {
            name: _page_figures([r for r in rows if r[1] == name], seconds) for name in names
        },
        "steady_overall": _page_figures(steady, steady_seconds),
        "steady_pages": {
            name: _page_figures([r for r in steady if r[1] == name], steady_seconds)
            for name in names
        },
        "errors": [
            {"page": page, "error": error, "count": count}
            for (page, error), count in errors.most_common()
        ],
    }


def server_times(run_dir: Path, samples: dict) -> dict:
    """Per page: gunicorn's own time (its access log) and, request by request, the time at
    the user beyond it — the wait in the listen queue for a free worker, and loopback."""
    served: dict[str, float] = {}
    path = run_dir / "access.log"
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            _page, _status, micros, request_id = [*line.split("\t"), "", "", ""][:4]
            if request_id and micros.isdigit():
                served[request_id] = int(micros) / 1000
    per_page: dict[str, list[tuple[float, float]]] = {}
    for row in samples["samples"]:
        if len(row) > 5 and row[5] in served:
            inside = served[row[5]]
            per_page.setdefault(row[1], []).append((inside, max(0.0, row[3] - inside)))
    every = [pair for pairs in per_page.values() for pair in pairs]
    figures = {}
    for page, pairs in [*((p, per_page.get(p, [])) for p in PAGES), ("all pages", every)]:
        if not pairs:
            continue
        inside = sorted(i for i, _ in pairs)
        waits = sorted(w for _, w in pairs)
        total = sum(inside) + sum(waits)
        figures[page] = {
            "requests": len(pairs),
            "p50_ms": round(_percentile(inside, 0.5), 1),
            "p95_ms": round(_percentile(inside, 0.95), 1),
            "p99_ms": round(_percentile(inside, 0.99), 1),
            "wait_p50_ms": round(_percentile(waits, 0.5), 1),
            "wait_p95_ms": round(_percentile(waits, 0.95), 1),
            "wait_share": round(sum(waits) / total, 3) if total else None,
        }
    return figures


def timeline(samples: dict, watch: list[dict], every: float = 30) -> list[dict]:
    """Per ``every`` seconds of the load: requests/s, p50 and p95 of all pages, and the
    machine (1-minute load average, CPU busy) over the same stretch."""
    rows = samples["samples"]
    started = samples["marks"].get("started")
    if not rows or not started:
        return []
    windows = []
    end = max(r[0] for r in rows)
    at = started
    while at <= end:
        inside = sorted(r[3] for r in rows if at <= r[0] < at + every)
        machine = [w for w in watch if at < w["t"] <= at + every]
        busy = [w["cpu_busy"] for w in machine if w["cpu_busy"] is not None]
        if inside:
            windows.append(
                {
                    "from_s": round(at - started),
                    "per_s": round(len(inside) / every, 1),
                    "p50_ms": round(_percentile(inside, 0.5), 1),
                    "p95_ms": round(_percentile(inside, 0.95), 1),
                    "load1": round(machine[-1]["load"][0], 2) if machine else None,
                    "cpu_busy": round(statistics.mean(busy), 2) if busy else None,
                }
            )
        at += every
    return windows


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
            "p50": round(_percentile(latency, 0.5), 1),
            "p95": round(_percentile(latency, 0.95), 1),
            "max": round(latency[-1], 1),
        }
        if latency
        else None,
        "grace": grace,
        "unreadable_emails": mail.unreadable,
    }


# --- Each page unloaded ------------------------------------------------------------------
def _profile_cases(links) -> list[tuple[str, object, str | None]]:
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
    link = links.lindex(LINKS_KEY, 0)  # a survey nobody answered in the run
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
        ("survey page", None, link.decode() if link else None),
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


def profile_pages(links, n: int = 10) -> dict:
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
    for page, who, path in _profile_cases(links):
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
        "path": "check_password (PBKDF2) alone",
        "median_ms": round(statistics.median(hashes), 1),
        "queries": 0,
        "sql_ms": 0.0,
        "rest_ms": round(statistics.median(hashes), 1),
        "hot_spots": [],
    }
    return pages


# --- Targets and Markdown ------------------------------------------------------------------
def _missed(value: float, target: float, unit: str) -> str:
    return "met" if value <= target else f"missed by {value - target:,.1f} {unit}".rstrip()


def targets(result: dict) -> list[dict]:
    """Each target with its value and verdict, for the whole run and after the ramp-up
    ("steady": from the last sign-in on)."""
    spawned = result.get("spawned_after_s") is not None
    users_verdict = (
        "met"
        if result["users"] >= TARGET_USERS and spawned
        else f"missed by {TARGET_USERS - result['users']} users"
    )
    rows = [{"target": f"{TARGET_USERS} concurrent users", "value": f"{result['users']} users"}]
    rows[0].update(verdict=users_verdict, steady_value="", steady_verdict="")
    for page, figures in result["pages"].items():
        if not figures["requests"]:
            continue
        steady = result["steady_pages"].get(page, {})
        rows.append(
            {
                "target": f"{page}: p95 ≤ {TARGET_P95_MS} ms",
                "value": f"{figures['p95_ms']:,.1f} ms",
                "verdict": _missed(figures["p95_ms"], TARGET_P95_MS, "ms"),
                "steady_value": f"{steady['p95_ms']:,.1f} ms" if steady.get("requests") else "–",
                "steady_verdict": _missed(steady["p95_ms"], TARGET_P95_MS, "ms")
                if steady.get("requests")
                else "–",
            }
        )
    for key, label in (("overall", ""), ("steady_overall", "steady_")):
        errors = result[key]["errors"]
        value = f"{errors} of {result[key]['requests']:,} requests"
        verdict = "met" if errors == 0 else f"missed by {errors}"
        if not label:
            rows.append({"target": "0 errors", "value": value, "verdict": verdict})
        else:
            rows[-1].update(steady_value=value, steady_verdict=verdict)
    surveys = result["surveys"]
    once = surveys["due"] > 0 and surveys["lost"] == 0 and surveys["duplicates"] == 0
    rows.append(
        {
            "target": "every survey delivered once",
            "value": f"{surveys['delivered_once']} of {surveys['due']} once; "
            f"{surveys['lost']} lost, {surveys['duplicates']} duplicates",
            "verdict": "met"
            if once
            else ("not tested (no survey fell due)" if not surveys["due"] else "missed"),
            "steady_value": "",
            "steady_verdict": "",
        }
    )
    return rows


def _ms(value) -> str:
    return "–" if value is None or value != value else f"{value:,.0f}"


def _units(value, speed) -> str:
    return "–" if value is None or value != value else f"{value / speed:.1f}"


def _loadavg(values) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def render(result: dict) -> str:
    machine, speed = result["machine"], result["calibration"]["python_ms"]
    seed_info, surveys, during = result["seed"], result["surveys"], result["load_during"]
    reused = "reused" if seed_info.get("reused") else f"seeded now in {seed_info['seconds']:.0f} s"
    users = ", ".join(f"{name} {n}" for name, n in sorted(result["locust_users"].items()))
    lines = [
        "# icsat load test",
        "",
        "Written by `bench/load.py` (see bench/README.md); do not edit by hand. The analysis",
        "at the end is bench/load_analysis.md, written by a person from this run's figures.",
        "",
        "## The run",
        "",
        f"- Machine: {machine['cpu']}, {machine['nproc']} cores, {machine['memory_gb']} GB; "
        f"Python {machine['python']}. Shared: other work ran on it too (see the load average).",
        f"- Stack, all on loopback: gunicorn with {result['web_workers']} sync workers "
        "(`--no-control-socket`), production settings (`icsat.settings`, DEBUG off, plain http: "
        "no HTTPS redirect, cookies not Secure-only, via the environment), 2 Celery worker "
        "processes × 2 threads and beat, PostgreSQL, Redis, the project's SMTP sink.",
        _code_line(result.get("code")),
        f"- Database `{result['db']}`: {seed_info['tickets']:,} tickets from bench/seed.py "
        f"({reused}). For the run every survey asks at once and after every resolve "
        "(delay 0, no 'asked recently' rule); the seed's values were put back afterwards.",
        f"- Users: {result['users']} (locust {_locust_version()}, headless, FastHttpUser), "
        "started at "
        f"{result['spawn_rate']:g}/s: all running after {result['spawned_after_s']} s, the last "
        f"sign-in done at {result['steady_from_s']} s; {result['seconds']} s of load; think time "
        f"{result['think_seconds'][0]:g}–{result['think_seconds'][1]:g} s between pages. "
        f"Users by kind: {users}.",
        f"- Load average (1/5/15 min): before {_loadavg(result['load_before'])}; during the load "
        f"the 1-minute average was {during['load1_mean']} on average and {during['load1_max']} "
        f"at most (machine CPU busy {during['cpu_busy_mean']:.0%} on average); at the end of the "
        f"load {_loadavg(during['at_end'])}; after everything stopped "
        f"{_loadavg(result['load_after'])}.",
        "- CPU seconds used during the load: "
        + ", ".join(f"{name} {s}" for name, s in result["cpu_seconds"].items())
        + ".",
        f"- Machine speed check (bench/run.py: a pure-Python loop; 200 × `SELECT 1`), before → "
        f"after: {speed:.1f} → {result['calibration_after']['python_ms']:.1f} ms and "
        f"{result['calibration']['select1_ms']:.1f} → "
        f"{result['calibration_after']['select1_ms']:.1f} ms. 'In speed-check units' below is a "
        "time divided by the loop's time before the run.",
        "- Phases of the run (s): "
        + ", ".join(f"{name} {s:g}" for name, s in result["phases_s"].items())
        + f"; process groups left after stopping: {result['orphan_process_groups']}.",
        "",
        "## Targets",
        "",
        "The p95 verdicts for the whole run, and after the ramp-up (from the last sign-in: "
        "see the pages after the ramp-up below).",
        "",
        "| target | whole run | verdict | after the ramp-up | verdict |",
        "|---|---|---|---|---|",
        *(
            f"| {t['target']} | {t['value']} | {t['verdict']} | {t['steady_value']} "
            f"| {t['steady_verdict']} |"
            for t in result["targets"]
        ),
        "",
        "## Pages, the whole run",
        "",
        "Milliseconds from the request sent to the whole answer read, at the locust user; "
        "percentiles by nearest rank over every request of the page.",
        "",
        "| page | requests | per s | errors | p50 | p95 | p99 | max | p95 in speed-check units |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name, f):
        return (
            f"| {name} | {f['requests']:,} | {f['per_s'] or 0:.2f} | {f['errors']} | "
            f"{_ms(f['p50_ms'])} | {_ms(f['p95_ms'])} | {_ms(f['p99_ms'])} | {_ms(f['max_ms'])} "
            f"| {_units(f['p95_ms'], speed)} |"
        )

    lines += [row(name, f) for name, f in result["pages"].items()]
    lines += [
        row("**all pages**", result["overall"]),
        "",
        f"## Pages after the ramp-up (from {result['steady_from_s']} s, the last sign-in)",
        "",
        "| page | requests | per s | errors | p50 | p95 | p99 | max | p95 in speed-check units |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(name, f) for name, f in result["steady_pages"].items() if f["requests"]]
    lines += [row("**all pages**", result["steady_overall"])]
    if result.get("server_pages"):
        lines += [
            "",
            "## Where a request's time was spent: in gunicorn, or waiting for it",
            "",
            "Gunicorn's own time for each request (its access log, `%(D)s`: from the worker "
            "taking the request to the answer written, matched to the user's request by an id "
            "header) and the rest of the time at the user: the wait in the listen queue for a "
            f"free worker ({result['web_workers']} sync workers, one request each) and loopback.",
            "",
            "| page | in gunicorn p50 | p95 | p99 | waiting p50 | waiting p95 "
            "| share of all the page's time spent waiting |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for page, f in result["server_pages"].items():
            share = f"{f['wait_share']:.0%}" if f["wait_share"] is not None else "–"
            lines.append(
                f"| {page} | {_ms(f['p50_ms'])} | {_ms(f['p95_ms'])} | {_ms(f['p99_ms'])} "
                f"| {_ms(f['wait_p50_ms'])} | {_ms(f['wait_p95_ms'])} | {share} |"
            )
    if result.get("timeline"):
        lines += [
            "",
            "## Over time",
            "",
            "Every 30 s of the load: requests per second and all pages' p50/p95 at the user, "
            "with the machine's 1-minute load average at the end of the stretch and its CPU busy "
            "share (every process on the machine, this run's and others').",
            "",
            "| from (s) | requests/s | p50 | p95 | load average (1 min) | CPU busy |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for w in result["timeline"]:
            busy = f"{w['cpu_busy']:.0%}" if w["cpu_busy"] is not None else "–"
            lines.append(
                f"| {w['from_s']} | {w['per_s']} | {_ms(w['p50_ms'])} | {_ms(w['p95_ms'])} "
                f"| {w['load1'] if w['load1'] is not None else '–'} | {busy} |"
            )
    lines += ["", "## Errors", ""]
    if result["errors"]:
        lines += [f"- {e['page']}: {e['error']} (× {e['count']})" for e in result["errors"]]
    else:
        lines.append("None: every request got the status its page should answer.")
    if result["log_errors"]:
        lines += ["", "In the logs of the stack (the first of each):", ""]
        for name, found in result["log_errors"].items():
            lines.append(f"- {name}: {found['tracebacks']} traceback(s)")
            lines += ["", "```", *(block for block in found["first"]), "```", ""]
    else:
        lines += ["", "No traceback or ERROR line in the logs of gunicorn, the workers or beat."]
    latency = surveys["resolve_to_email_s"]
    lines += [
        "",
        "## Surveys: every resolve's survey delivered once",
        "",
        f"- Tickets resolved in the run: {surveys['tickets_resolved']}; invitations: "
        f"{surveys['invitations']}; resolved without one: "
        f"{surveys['resolved_without_invitation'] or 'none'}.",
        f"- Fell due: {surveys['due']}; survey e-mail exactly once at the sink: "
        f"{surveys['delivered_once']}; lost: {surveys['lost']}"
        + (f" ({', '.join(surveys['lost_references'])})" if surveys["lost"] else "")
        + f"; duplicates: {surveys['duplicates']}"
        + (f" ({', '.join(surveys['duplicate_references'])})" if surveys["duplicates"] else "")
        + ".",
        f"- Invitation statuses at the check: {surveys['statuses']}.",
        f"- The workers drained in {surveys['grace']['seconds']} s after the load stopped "
        f"(limit {surveys['grace']['limit']:.0f} s), then "
        f"{surveys['grace']['duplicate_wait']:g} s more for late duplicates.",
        "- Resolve → survey e-mail at the sink: "
        + (
            f"p50 {latency['p50']} s, p95 {latency['p95']} s, max {latency['max']} s."
            if latency
            else "none arrived."
        ),
        f"- Other survey e-mails (the seed's own invitations that fell due): "
        f"{surveys['other_survey_emails']}; all e-mails at the sink: "
        f"{result['emails_at_sink']:,}.",
    ]
    if result.get("unloaded"):
        missed = {
            t["target"].split(": p95")[0] for t in result["targets"] if "missed" in t["verdict"]
        }
        lines += [
            "",
            "## Each page unloaded",
            "",
            "After the run, in the runner's process through Django's test client (production "
            "settings, the stack stopped): median of 10 after 2 warm-ups; SQL is the time of "
            "the page's queries, the rest is Python (views, forms, templates). IT's pages, "
            "12 months on the dashboards, the busiest requester.",
            "",
            "| page | unloaded median | SQL queries | SQL | the rest | loaded p95 ÷ unloaded |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for page, f in result["unloaded"].items():
            loaded = result["pages"].get(page, {}).get("p95_ms")
            ratio = f"{loaded / f['median_ms']:.1f}×" if loaded and f["median_ms"] else "–"
            lines.append(
                f"| {page} | {f['median_ms']:,.1f} | {f['queries']} | {f['sql_ms']:,.1f} | "
                f"{f['rest_ms']:,.1f} | {ratio} |"
            )
        hot = [(page, f) for page, f in result["unloaded"].items() if page in missed]
        hot = [(page, f) for page, f in hot if f["hot_spots"]]
        if hot:
            lines += [
                "",
                "Where the time goes in the pages that missed their target: the project's "
                "functions that take the most of one request under cProfile (cumulative, "
                "leaving out what wraps the whole request; cProfile slows Python down, so "
                "the shares matter more than the milliseconds).",
                "",
            ]
            for page, f in hot:
                spots = "; ".join(f"`{s['function']}` {s['share']:.0%}" for s in f["hot_spots"])
                lines.append(f"- {page}: {spots}")
    return "\n".join(lines) + "\n"


def _code_line(code: dict | None) -> str:
    if not code:
        return "- Code: not recorded."
    changed = code["changed"]
    beside = (
        f", with {len(changed)} file(s) changed in the working tree: "
        + ", ".join(f"`{name}`" for name in changed)
        if changed
        else ", nothing changed in the working tree"
    )
    return f"- Code: commit {code['commit']}{beside}."


def _locust_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("locust")
    except PackageNotFoundError:
        return "?"


def render_summary(result: dict) -> str:
    overall = result["overall"]
    lines = [
        f"{result['users']} users, {result['seconds']} s: {overall['requests']:,} requests, "
        f"{overall['per_s']} /s, p50/p95/p99 {overall['p50_ms']}/{overall['p95_ms']}/"
        f"{overall['p99_ms']} ms, {overall['errors']} errors",
        *(f"  {t['target']}: {t['value']} — {t['verdict']}" for t in result["targets"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
