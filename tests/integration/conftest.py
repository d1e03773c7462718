"""Integration tests against a REAL Celery worker process, PostgreSQL and Redis.

They run only when DATABASE_URL is PostgreSQL and REDIS_URL is set (.ci/run's
second pass). The worker is a separate process: it sees only committed rows
(hence django_db(transaction=True)), uses pytest-django's test database and a
Redis database of its own (db 15, flushed before each test), and writes the
e-mails it sends as .eml files into a folder of the test. The worker sends every
e-mail (ticket notifications too, through the outbox); the survey tests count the
survey invitations among them.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from django.db import connection

from icsat.celery import app

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 30
WORKER_STOP_TIMEOUT = 10

requires_services = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason=(
        "integration tests need PostgreSQL and Redis: set DATABASE_URL=postgres://... "
        "and REDIS_URL=redis://... (.ci/run does)"
    ),
)

_workers_key = pytest.StashKey[list]()


# --- the test process's broker ------------------------------------------------


def itest_redis_url() -> str:
    """The tests' own Redis database: REDIS_URL's server, db 15 (or ICSAT_ITEST_REDIS_URL)."""
    if os.environ.get("ICSAT_ITEST_REDIS_URL"):
        return os.environ["ICSAT_ITEST_REDIS_URL"]
    return urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/15"))


@contextlib.contextmanager
def hanging_broker_url():
    """A Redis URL whose server accepts connections and never answers (closed on exit)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


def use_broker(url: str) -> None:
    """Point this process's Celery app at ``url``, dropping every cached broker connection
    and any outage the publisher remembers of the last one."""
    from outbox.publishing import publisher

    publisher.reset()
    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def broker():
    """A flushed Redis db shared by the worker and this process; restored afterwards."""
    url = itest_redis_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    original = app.conf.broker_url
    use_broker(url)
    yield url
    use_broker(original)
    client.flushdb()  # the workers have stopped (they depend on this fixture)
    client.close()


# --- e-mails written by the worker ----------------------------------------------


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def eml_files(folder: Path) -> list[Path]:
    # EmlFileBackend writes ".<name>.tmp" and renames: a *.eml file is complete.
    return sorted(folder.glob("*.eml"))


SURVEY_SUBJECT = "A short survey about"


def survey_eml_files(folder: Path) -> list[Path]:
    """The survey invitations among them (the worker sends the ticket e-mails too)."""
    return [path for path in eml_files(folder) if SURVEY_SUBJECT in read_eml(path)["Subject"]]


def read_eml(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# --- the worker process -----------------------------------------------------------


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def signal_group(self, signum: int) -> None:
        # start_new_session: the worker leads its own process group, pool children included.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL the main process and its pool children at once: no cleanup, no acks."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=WORKER_STOP_TIMEOUT)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL whatever is left of the group."""
        if self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=WORKER_STOP_TIMEOUT)
        self.signal_group(signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=WORKER_STOP_TIMEOUT)


def _test_database_url() -> str:
    """The URL of the database pytest-django created (test_<name>), for the worker."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = s.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = quote(s.get("HOST") or "127.0.0.1", safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


def _wait_ready(worker: Worker) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(
                f"the Celery worker exited with {worker.process.returncode}:\n{worker.log()}"
            )
        if app.control.ping(destination=[worker.name], timeout=0.5):
            return
        time.sleep(0.2)
    pytest.fail(f"the Celery worker was not ready after {WORKER_START_TIMEOUT} s:\n{worker.log()}")


@pytest.fixture
def start_worker(request, broker, mail_dir, tmp_path_factory, django_db_setup):
    """``start_worker(**env)`` starts a Celery worker process and waits until it answers a ping
    (``beat=True``: with the beat schedule running inside it, as the dispatchers run deployed).

    Every worker still running is stopped at teardown; a failing test's report
    carries each worker's log.
    """
    workers: list[Worker] = []
    request.node.stash[_workers_key] = workers

    def start(*, concurrency: int = 2, beat: bool = False, **env_overrides: str) -> Worker:
        name = f"itest-{uuid.uuid4().hex[:8]}@localhost"
        var_dir = tmp_path_factory.mktemp("worker-var")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "icsat.settings_test",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": broker,
            "CELERY_BROKER_URL": broker,
            # the test settings move Redis to the tests' database: this one
            "ICSAT_TEST_REDIS_DB": urlsplit(broker).path.lstrip("/"),
            "ICSAT_MAIL_DIR": str(mail_dir),
            "ICSAT_VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("EMAIL_URL", None)
        env.update(env_overrides)
        log_path = var_dir / "worker.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "icsat",
                    "worker",
                    "--loglevel=INFO",
                    f"--concurrency={concurrency}",
                    "--pool=prefork",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    name,
                    # The periodic tasks as deployed (dispatchers every 30/60 s), in the worker.
                    *(["--beat"] if beat else []),
                ],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name=name, process=process, log_path=log_path)
        workers.append(worker)
        _wait_ready(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def worker(start_worker) -> Worker:
    return start_worker()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for worker in item.stash.get(_workers_key, []):
            state = worker.process.poll()
            title = f"Celery worker {worker.name} ({'running' if state is None else state})"
            report.sections.append((title, worker.log()))
    return report
