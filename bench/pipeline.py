"""The survey pipeline under volume: resolves, then the survey e-mails at an SMTP sink.

    .venv/bin/python -m bench.pipeline                      # 10,000 resolves, 2 workers
    .venv/bin/python -m bench.pipeline --resolves 1000      # a quicker run

Needs PostgreSQL (``BENCH_PG_URL``, default postgres://postgres@127.0.0.1:5432) and Redis
(``BENCH_REDIS_URL``, default redis://127.0.0.1:6379/9, flushed). Production settings, DEBUG
off. Writes bench/PIPELINE.json (the latest run) and prints the figures as Markdown.

1. A fresh database ``icsat_bench_pipeline``, migrated: one department, one request type,
   an agent, one requester per ticket, the default survey (no delay, everyone asked), and
   the open tickets (through ``ticket_create``, not timed).
2. **Resolves**: ``ticket_resolve`` for each ticket in this one process, each timed, the
   workers not yet running, so the survey messages wait in Redis.
3. **Sending**: ``--workers`` Celery worker processes (2 threads each, as the Procfile runs
   them) start; from the first survey e-mail at the sink (the project's SMTP sink from
   tests/integration, in this process) to the last is the sending time (the workers' start
   until the first is reported apart). The ticket e-mails of the creates and resolves are in
   the same queue, as in production. Then a grace period:
   a survey e-mail twice to the same person is a duplicate; an invitation not sent, lost.
4. **Broker outage**: ``--outage`` more resolves with the broker refusing connections and
   with one that accepts and never answers, each timed, and the log lines about it counted.
5. The machine speed check of bench/run.py, so runs on different days compare.
"""

import argparse
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATABASE = "icsat_bench_pipeline"
SURVEY_SUBJECT = "A short survey about"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolves", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--outage", type=int, default=50, help="resolves per broker outage")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for sends")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "PIPELINE.json")
    args = parser.parse_args()

    from tests.integration.smtp_sink import SmtpSink

    with SmtpSink() as sink:
        env = _environment(sink.port)
        os.environ.update(env)
        _recreate_database(env["DATABASE_URL"])
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = run(args, env, sink)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    return 0


def celery_worker_command(node: str) -> list[str]:
    """A Celery worker as the Procfile runs it (2 threads), quiet but for warnings."""
    return [
        str(ROOT / ".venv/bin/celery"),
        "-A",
        "icsat",
        "worker",
        "--pool=threads",
        "--concurrency=2",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "-n",
        node,
    ]


def _environment(smtp_port: int) -> dict:
    pg = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    var = tempfile.mkdtemp(prefix="icsat-pipeline-")
    return {
        "DJANGO_SETTINGS_MODULE": "icsat.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-pipeline-not-a-secret-" + "x" * 40,
        "DATABASE_URL": f"{pg.rstrip('/')}/{DATABASE}",
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ICSAT_BASE_URL": "http://bench.invalid",
        "ICSAT_VAR_DIR": var,
    }


def _recreate_database(url: str) -> None:
    import psycopg2

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def run(args, env: dict, sink) -> dict:
    import redis

    from bench.run import _calibrate

    calibration = _calibrate()
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    agent, tickets = _seed(args.resolves + 2 * args.outage)
    batch, outage = tickets[: args.resolves], tickets[args.resolves :]
    load_before = os.getloadavg()

    parts: dict[str, list] = {}
    resolve_ms = _resolve_all(batch, agent, parts)
    resolved_at = time.monotonic()
    sending = _send(args, env, sink, batch)
    outages = {
        kind: _resolve_in_outage(kind, outage[i * args.outage : (i + 1) * args.outage], agent)
        for i, kind in enumerate(("down", "hanging"))
    }
    return {
        "resolves": args.resolves,
        "workers": args.workers,
        "threads_per_worker": 2,
        "calibration": calibration,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "resolve_ms": _summary(resolve_ms),
        # medians of each part over the resolves (their sum is near, not equal to, the median)
        "resolve_parts_ms": {
            part: round(statistics.median(parts[part]), 2) for part in RESOLVE_PARTS
        },
        "resolve_statements": statistics.median(parts["statement_count"]),
        "resolves_per_s": len(resolve_ms) / (sum(resolve_ms) / 1000),
        "seconds_from_last_resolve_to_workers": round(sending["started"] - resolved_at, 1),
        **{key: value for key, value in sending.items() if key != "started"},
        "outage": outages,
    }


def _seed(count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from requests_app.models import Department, Employee, RequestType
    from requests_app.services import tickets as ticket_services
    from tests import factories

    department = Department.objects.create(name="IT", slug="it", prefix="IT")
    request_type = RequestType.objects.create(department=department, name="Access", slug="access")
    agent = factories.agent(department, username="bench.agent")
    factories.survey(delay_minutes=0)  # the default survey: everyone asked, at once
    users = get_user_model().objects
    unusable = make_password(None)  # the requesters never sign in
    requesters = users.bulk_create(
        [
            users.model(username=f"r{i}", email=f"r{i}@bench.invalid", password=unusable)
            for i in range(count)
        ]
    )
    Employee.objects.bulk_create([Employee(user=user) for user in requesters])
    tickets = [
        ticket_services.ticket_create(
            requester=user, request_type=request_type, title=f"Request {i}", data={}
        )
        for i, user in enumerate(requesters)
    ]
    return agent, tickets


def _resolve_all(tickets, agent, parts: dict | None = None) -> list[float]:
    """Each resolve's milliseconds; with ``parts`` (a dict of lists), also where they went:
    a value per resolve for each of RESOLVE_PARTS, and its number of statements."""
    from requests_app.services.tickets import ticket_resolve

    timings = []
    timing_parts = _timed_parts() if parts is not None else contextlib.nullcontext({})
    with timing_parts as spent:
        for ticket in tickets:
            spent.clear()
            started = time.perf_counter()
            ticket_resolve(ticket_id=ticket.pk, actor=agent, note="Done")
            timings.append((time.perf_counter() - started) * 1000)
            if parts is not None:
                waited = [spent.get(part, 0.0) for part in RESOLVE_PARTS[:-1]]
                values = [*waited, timings[-1] - sum(waited)]
                for part, ms in zip(RESOLVE_PARTS, values, strict=True):
                    parts.setdefault(part, []).append(ms)
                parts.setdefault("statement_count", []).append(spent.get("statement_count", 0))
    return timings


# What a resolve spends waiting, as its own process sees it: the SQL statements (sent, run and
# their answer read), the commit, and handing the survey's message to the broker after commit.
# The rest is Python: building the statements, the hooks, the ORM's objects.
RESOLVE_PARTS = ("statements", "commit", "publish", "rest")


@contextlib.contextmanager
def _timed_parts():
    """Times the statements, the commit and the publish into the dict it yields
    (milliseconds by part; "statement_count" counts the statements)."""
    from django.db import connection

    from outbox.publishing import publisher

    spent: dict[str, float] = {}

    def timed(part: str, call):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[part] = spent.get(part, 0.0) + (time.perf_counter() - started) * 1000

        return run

    def statement(execute, sql, params, many, context):
        spent["statement_count"] = spent.get("statement_count", 0) + 1
        return timed("statements", execute)(sql, params, many, context)

    # On the instances, for this harness only: the app's code runs as it is.
    connection.ensure_connection()
    connection._commit = timed("commit", connection._commit)
    publisher.publish = timed("publish", publisher.publish)
    try:
        with connection.execute_wrapper(statement):
            yield spent
    finally:
        del connection._commit, publisher.publish


def _send(args, env: dict, sink, tickets) -> dict:
    from surveys.models import Invitation

    workers = [
        subprocess.Popen(  # noqa: S603 (the venv's own celery, fixed arguments)
            celery_worker_command(f"pipeline{i}@%h"),
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(args.workers)
    ]
    started = time.monotonic()
    first = last = first_any = None
    all_by_last = 0
    expected = len(tickets)
    try:
        deadline = started + args.timeout
        while time.monotonic() < deadline:
            if sink.delivered and first_any is None:
                first_any = time.monotonic()
            surveys = _surveys(sink)
            if surveys and first is None:
                first = time.monotonic()
            if len(surveys) >= expected:
                last = time.monotonic()
                all_by_last = len(sink.delivered)
                break
            time.sleep(0.2)
        time.sleep(5)  # a duplicate sent a little later shows up here
        surveys = _surveys(sink)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=30)
    per_person: dict[str, int] = {}
    for received in surveys:
        for address in received.recipients:
            per_person[address] = per_person.get(address, 0) + 1
    sent = Invitation.objects.filter(status=Invitation.Status.SENT).count()
    seconds = (last or time.monotonic()) - (first or started)
    return {
        "started": started,
        "survey_emails": len(surveys),
        "all_emails": len(sink.delivered),
        "sending_seconds": round(seconds, 1),
        "first_email_after_s": round(first - started, 1) if first else None,
        "emails_per_s": round(len(surveys) / seconds, 1) if seconds else None,
        # every e-mail (ticket e-mails too) from the first at the sink to the last survey
        "all_emails_per_s": round(all_by_last / (last - first_any), 1)
        if last and first_any and last > first_any
        else None,
        "duplicates": sum(n - 1 for n in per_person.values() if n > 1),
        "lost": expected - len(per_person),
        "invitations_sent": sent,
    }


def _surveys(sink) -> list:
    return [r for r in list(sink.delivered) if SURVEY_SUBJECT.encode() in r.data[:2000]]


class _Counting(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = 0

    def emit(self, record):
        if "broker" in record.getMessage():
            self.lines += 1


def _resolve_in_outage(kind: str, tickets, agent) -> dict:
    from icsat.celery import app
    from outbox.publishing import publisher
    from tests.integration.conftest import hanging_broker_url, use_broker

    original = app.conf.broker_url
    counting = _Counting()
    logging.getLogger().addHandler(counting)
    with contextlib.ExitStack() as stack:
        url = (
            "redis://127.0.0.1:1/0" if kind == "down" else stack.enter_context(hanging_broker_url())
        )
        use_broker(url)
        try:
            timings = _resolve_all(tickets, agent)
            publisher.wait_idle(timeout=15)  # a hanging broker's failure comes after 5 s
        finally:
            logging.getLogger().removeHandler(counting)
    use_broker(original)
    return {"resolve_ms": _summary(timings), "log_lines": counting.lines}


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max": round(ordered[-1], 2),
    }


def markdown(result: dict) -> str:
    calibration = result["calibration"]
    python_ms = calibration["python_ms"]
    resolve = result["resolve_ms"]
    lines = [
        f"Resolves: {result['resolves']}; workers: {result['workers']} × "
        f"{result['threads_per_worker']} threads; load before/after: "
        f"{'/'.join(f'{x:.1f}' for x in result['load_before'])} → "
        f"{'/'.join(f'{x:.1f}' for x in result['load_after'])}; machine speed check: "
        f"python loop {python_ms:.1f} ms, 200 × SELECT 1 {calibration['select1_ms']:.1f} ms.",
        "",
        "| measure | value | in speed-check units |",
        "|---|---|---|",
        f"| `ticket_resolve`, one process: median / p95 / max | {resolve['median']} / "
        f"{resolve['p95']} / {resolve['max']} ms | {resolve['median'] / python_ms:.2f} |",
        f"| where a resolve's time goes (medians): {result['resolve_statements']:.0f} SQL "
        "statements / commit / publish after commit / the rest (Python) | "
        f"{' / '.join(str(result['resolve_parts_ms'][part]) for part in RESOLVE_PARTS)} ms | |",
        f"| resolves per second, one process | {result['resolves_per_s']:.1f} | |",
        f"| survey e-mails at the sink | {result['survey_emails']} of {result['resolves']} "
        f"(all e-mails: {result['all_emails']}) | |",
        f"| workers' start → first survey e-mail | {result['first_email_after_s']} s | |",
        f"| sending time, first → last survey e-mail | {result['sending_seconds']} s "
        f"| {result['sending_seconds'] * 1000 / python_ms:.0f} |",
        f"| survey e-mails per second | {result['emails_per_s']} | |",
        f"| all e-mails per second (ticket e-mails too) | {result['all_emails_per_s']} | |",
        f"| duplicates / lost | {result['duplicates']} / {result['lost']} | |",
    ]
    for kind, outage in result["outage"].items():
        timing = outage["resolve_ms"]
        lines.append(
            f"| resolve with the broker {kind}: median / max ({timing['n']} resolves) | "
            f"{timing['median']} / {timing['max']} ms; {outage['log_lines']} log line(s) | "
            f"{timing['median'] / python_ms:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
