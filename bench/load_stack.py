"""The deployment the load test runs (gunicorn, Celery workers and beat) and what watches it:
the survey e-mails at the sink, the machine's load."""

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from bench.pipeline import celery_worker_command

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = ROOT / ".venv" / "bin"
# The Redis list the runner pushes survey links onto and the survey recipients pop.
LINKS_KEY = "icsat-load:survey-links"


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


def start_stack(stack: Stack, args, port: int) -> None:
    stack.start(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "icsat.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.web_workers}",
            f"--threads={args.web_threads}",  # more than 1: gunicorn's gthread worker
            "--no-control-socket",
            # Per request: CPU, SQL, the collector and the dashboards' parts (breakdown-*.jsonl).
            f"--config={ROOT / 'bench' / 'load_breakdown.py'}",
            # The page (a header the locust users send), status and gunicorn's own time in µs:
            # from the worker taking the request to the answer written, so a request's time at
            # the user minus this is the wait for a free worker (and loopback).
            f"--access-logfile={stack.run_dir / 'access.log'}",
            "--access-logformat=%({x-load-page}i)s\t%(s)s\t%(D)s\t%({x-load-request}i)s",
        ],
        env={"ICSAT_LOAD_BREAKDOWN_DIR": str(stack.run_dir)},
    )
    for i in range(2):
        stack.start(
            f"worker{i}",
            celery_worker_command(f"load{i}@%h"),
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


def wait_healthy(stack: Stack, base_url: str, timeout: float = 120) -> float:
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


def postgres_cpu_seconds(db: str) -> float:
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
