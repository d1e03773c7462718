"""Seed a PostgreSQL database with icsat data at scale, fast: COPY from in-memory buffers.

    DJANGO_SETTINGS_MODULE=icsat.settings_test .venv/bin/python -m bench.seed --tickets 100000

drops and recreates the database (default ``icsat_bench``), migrates it, then
seeds 12 departments, ~2,000 people and N tickets over 6 months with their
events, survey invitations, responses and answers, and ANALYZEs. Reference
data (departments, request types, the survey) goes through the ORM and the
survey editor service; everything that scales goes through ``COPY``.
"""

import argparse
import io
import json
import math
import os
import random
import re
import sys
import time
from datetime import UTC, datetime
from types import SimpleNamespace

PG_SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DEFAULT_DB = "icsat_bench"
SEED = 20250614
HISTORY_DAYS = 182
N_PEOPLE = 2000
CHUNK = 50_000
INVITED_SHARE = 0.9  # resolved tickets that get an invitation (sampling, throttling)
ANSWERED_SHARE = 0.30  # resolved tickets with an answered survey
# Every bench user signs in with this (the load test signs in through the login form); the
# bench databases are local and throwaway.
BENCH_PASSWORD = "bench-sign-in"  # noqa: S105
HR_ADMIN = "bench.hradmin"

# Six more providers beside the demo's six: 12 in all.
EXTRA_DEPARTMENTS = [
    {
        "name": "Procurement",
        "slug": "procurement",
        "prefix": "PRO",
        "types": [
            ("New supplier", "new-supplier", 120),
            ("Purchase request", "purchase", 72),
            ("Framework agreement", "framework", 240),
        ],
    },
    {
        "name": "Security",
        "slug": "security",
        "prefix": "SEC",
        "types": [
            ("Report an incident", "incident", 8),
            ("Visitor badge", "visitor", 24),
            ("Security review", "review", 168),
        ],
    },
    {
        "name": "Travel",
        "slug": "travel",
        "prefix": "TRV",
        "types": [
            ("Book a trip", "trip", 48),
            ("Change a booking", "change", 24),
            ("Visa letter", "visa", 72),
        ],
    },
    {
        "name": "Training",
        "slug": "training",
        "prefix": "TRN",
        "types": [
            ("Course sign-up", "course", 72),
            ("Certification", "certification", 120),
            ("Custom workshop", "workshop", 240),
        ],
    },
    {
        "name": "Data & Analytics",
        "slug": "data",
        "prefix": "DAT",
        "types": [
            ("Report request", "report", 120),
            ("Data access", "access", 48),
            ("Dashboard change", "dashboard", 96),
        ],
    },
    {
        "name": "Wellbeing",
        "slug": "wellbeing",
        "prefix": "WEL",
        "types": [
            ("Ergonomic assessment", "ergonomics", 120),
            ("Health check", "health-check", 168),
        ],
    },
]
# Share of tickets per provider: a few departments are busy.
VOLUME_WEIGHTS = {
    "IT": 30,
    "HR": 14,
    "FAC": 12,
    "FIN": 9,
    "PRO": 6,
    "COM": 5,
    "SEC": 5,
    "TRV": 5,
    "TRN": 4,
    "DAT": 4,
    "LEG": 3,
    "WEL": 3,
}
DEFAULT_CSAT_WEIGHTS = (3, 5, 11, 33, 48)
COMMENTS = [
    "Quick and friendly, thank you.",
    "Took longer than I hoped, but it was solved properly.",
    "I had to chase twice before anyone answered.",
    "Exactly what I needed.",
    "Please keep me informed next time.",
    "Great help, solved in minutes.",
]
RESOLUTION_NOTES = ["Done.", "Solved, see the reply above.", "Completed as requested."]


# --- Databases ----------------------------------------------------------------
def database_url(name: str) -> str:
    return f"{PG_SERVER_URL}/{name}"


def _check_name(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise SystemExit(f"not a plain database name: {name!r}")
    return name


def recreate_database(name: str) -> None:
    """Drop and create the database: a size's seed is idempotent."""
    import psycopg2

    _check_name(name)
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django(db_name: str) -> None:
    """Point Django at the bench database; must run before django.setup()."""
    os.environ["DATABASE_URL"] = database_url(_check_name(db_name))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsat.settings_test")
    # Keep connections open between requests, like a production web process.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    import django

    django.setup()


# --- Helpers ------------------------------------------------------------------
def _dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _ts(epoch: float | None) -> str:
    moment = _dt(epoch)
    return r"\N" if moment is None else moment.isoformat()


def _v(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    buf = io.StringIO()
    buf.write("\n".join("\t".join(_v(v) for v in row) for row in rows))
    buf.write("\n")
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def _cum(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _zipf(n: int, s: float) -> list[float]:
    return _cum(1 / (rank**s) for rank in range(1, n + 1))


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


TICKET_COLS = (
    "id",
    "reference",
    "kind",
    "title",
    "description",
    "data",
    "status",
    "priority",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "resolution_note",
    "closed_at",
    "due_at",
    "reopen_count",
    "resolution_seconds",
    "version",
    "submission_key",
    "assignee_id",
    "customer_department_id",
    "department_id",
    "request_type_id",
    "requester_id",
    "resolved_by_id",
)
EVENT_COLS = (
    "id",
    "kind",
    "body",
    "is_internal",
    "from_status",
    "to_status",
    "data",
    "created_at",
    "actor_id",
    "ticket_id",
)
INVITATION_COLS = (
    "id",
    "token_hash",
    "reminder_token_hash",
    "status",
    "send_after",
    "claimed_at",
    "sent_at",
    "reminded_at",
    "answered_at",
    "expires_at",
    "attempts",
    "last_error",
    "created_at",
    "agent_id",
    "department_id",
    "recipient_id",
    "ticket_id",
    "survey_id",
    "version_id",
)
RESPONSE_COLS = (
    "id",
    "submitted_at",
    "headline_kind",
    "headline_score",
    "comment",
    "anonymous",
    "resolution_seconds",
    "sla_met",
    "reopened",
    "agent_id",
    "customer_department_id",
    "department_id",
    "invitation_id",
    "request_type_id",
    "version_id",
)
ANSWER_COLS = ("id", "number", "text", "question_id", "response_id")


# --- Reference data (ORM: small) ---------------------------------------------------
def _department_specs() -> list[dict]:
    from demo import data

    specs = []
    for d in data.DEPARTMENTS:
        specs.append(
            {
                "name": d["name"],
                "slug": d["slug"],
                "prefix": d["prefix"],
                "reopen_days": d.get("reopen_days", 7),
                "types": [
                    (t["name"], t["slug"], t.get("sla_hours", 72), t.get("fields", []))
                    for t in d["types"]
                ],
                "csat": data.CSAT_WEIGHTS.get(d["prefix"], DEFAULT_CSAT_WEIGHTS),
            }
        )
    for d in EXTRA_DEPARTMENTS:
        specs.append(
            {
                "name": d["name"],
                "slug": d["slug"],
                "prefix": d["prefix"],
                "reopen_days": 7,
                "types": [(name, slug, sla, []) for name, slug, sla in d["types"]],
                "csat": DEFAULT_CSAT_WEIGHTS,
            }
        )
    return specs


def _reference_data():
    from django.contrib.auth.models import Group, User

    from demo import data
    from requests_app.models import Department, RequestType
    from surveys.services.editor import survey_save

    admin = User.objects.create_superuser("bench.admin", "bench.admin@icsat.example", None)
    hr_admin = User.objects.create_user(HR_ADMIN, f"{HR_ADMIN}@icsat.example", BENCH_PASSWORD)
    group, _ = Group.objects.get_or_create(name="HR admins")
    hr_admin.groups.add(group)
    departments = []
    for spec in _department_specs():
        dept = Department.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            prefix=spec["prefix"],
            reopen_days=spec["reopen_days"],
        )
        types = RequestType.objects.bulk_create(
            RequestType(
                department=dept,
                name=name,
                slug=slug,
                sla_hours=sla,
                fields=fields,
                position=i,
            )
            for i, (name, slug, sla, fields) in enumerate(spec["types"])
        )
        departments.append(
            {
                "id": dept.pk,
                "prefix": dept.prefix,
                "slug": dept.slug,
                "reopen_days": dept.reopen_days,
                "weight": VOLUME_WEIGHTS[dept.prefix],
                "csat": spec["csat"],
                "types": [(t.pk, t.name, t.sla_hours) for t in types],
            }
        )
    default = data.SURVEYS[0]
    survey = survey_save(
        actor=admin,
        name=default["name"],
        is_default=True,
        anonymous=False,
        intro=default["intro"],
        questions=default["questions"],
    )
    version = survey.versions.get(is_current=True)
    questions = list(version.questions.order_by("position", "pk"))
    return departments, survey, version, questions


# --- People (COPY) ----------------------------------------------------------------
def _people(cursor, rng: random.Random, departments: list[dict], now: float):
    """Agents and a lead per department (staffed by volume), the rest employees."""
    from demo import data

    first = [p.first_name for p in data.PEOPLE]
    last = [p.last_name for p in data.PEOPLE]
    user_id = _next_id(cursor, "auth_user")
    emp_id = _next_id(cursor, "requests_app_employee")
    mem_id = _next_id(cursor, "requests_app_membership")
    users, employees, memberships = [], [], []
    total_weight = sum(d["weight"] for d in departments)
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(BENCH_PASSWORD)  # once: the hasher is slow on purpose

    def add_user(username, home, role=None, dept=None):
        nonlocal user_id, emp_id, mem_id
        users.append(
            (
                user_id,
                password_hash,
                None,
                False,
                username,
                rng.choice(first),
                rng.choice(last),
                f"{username}@icsat.example",
                False,
                True,
                _ts(now - 400 * 86400),
            )
        )
        # Empty time zone: the site's; the weekly digest on, as for every new person.
        employees.append(
            (emp_id, rng.choice(("en", "en", "nb", "es")), "", True, False, home, user_id)
        )
        if role:
            memberships.append((mem_id, role, dept, user_id))
            mem_id += 1
        emp_id += 1
        user_id += 1
        return user_id - 1

    for dept in departments:
        slug = dept["prefix"].lower()
        dept["lead"] = add_user(f"bench.{slug}.lead", dept["id"], "lead", dept["id"])
        n_agents = max(3, round(120 * dept["weight"] / total_weight))
        dept["agents"] = [
            add_user(f"bench.{slug}.agent{i}", dept["id"], "agent", dept["id"])
            for i in range(1, n_agents + 1)
        ]
        dept["agents_cum"] = _zipf(n_agents, 0.7)
    homes = [d["id"] for d in departments]
    home_cum = _cum(d["weight"] + 3 for d in departments)
    requesters = []
    for i in range(1, N_PEOPLE - len(users) + 1):
        home = rng.choices(homes, cum_weights=home_cum)[0]
        requesters.append((add_user(f"bench.u{i:04d}", home), home))
    _copy(
        cursor,
        "auth_user",
        (
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ),
        users,
    )
    _copy(
        cursor,
        "requests_app_employee",
        (
            "id",
            "language",
            "time_zone",
            "weekly_digest",
            "is_associate",
            "home_department_id",
            "user_id",
        ),
        employees,
    )
    _copy(
        cursor,
        "requests_app_membership",
        ("id", "role", "department_id", "user_id"),
        memberships,
    )
    return requesters, len(users)


# --- Tickets and everything hanging off them (COPY, chunked) -------------------------
def _tickets(cursor, rng, departments, requesters, survey, version, questions, n, now):
    from requests_app.timing import resolution_seconds
    from surveys.dimensions import response_dimensions

    start = now - HISTORY_DAYS * 86400
    span = HISTORY_DAYS * 86400
    times = sorted(start + rng.random() * span for _ in range(n))
    dept_cum = _cum(d["weight"] for d in departments)
    for d in departments:
        d["types_cum"] = _zipf(len(d["types"]), 1.1)
        d["counter"] = 0
    req_cum = _zipf(len(requesters), 0.6)
    q_csat, q_yes, q_choice, q_text = questions
    choices = q_choice.choices
    ids = {
        t: _next_id(cursor, t)
        for t in (
            "requests_app_ticket",
            "requests_app_ticketevent",
            "surveys_invitation",
            "surveys_response",
            "surveys_answer",
        )
    }
    tid, eid, iid, rid, aid = ids.values()
    counts = dict.fromkeys(("tickets", "events", "invitations", "responses", "answers"), 0)
    answer_p = ANSWERED_SHARE / INVITED_SHARE
    for lo in range(0, n, CHUNK):
        chunk = times[lo : lo + CHUNK]
        k = len(chunk)
        depts = rng.choices(departments, cum_weights=dept_cum, k=k)
        reqs = rng.choices(requesters, cum_weights=req_cum, k=k)
        tickets, events, invitations, responses, answers = [], [], [], [], []
        for created, dept, (requester, home) in zip(chunk, depts, reqs, strict=True):
            type_id, type_name, sla = rng.choices(dept["types"], cum_weights=dept["types_cum"])[0]
            dept["counter"] += 1
            reference = f"{dept['prefix']}-{dept['counter']:06d}"
            agent = rng.choices(dept["agents"], cum_weights=dept["agents_cum"])[0]
            res = max(360.0, rng.lognormvariate(math.log(sla * 0.45), 0.9) * 3600)
            due = created + sla * 3600
            first_response = created + min(res * 0.2, 4 * 3600)
            resolved_at = closed_at = None
            reopen_count = 0
            events.append(
                (eid, "created", "", False, "", "new", "{}", _ts(created), requester, tid)
            )
            eid += 1
            roll = rng.random()
            if roll < 0.02:
                status, assignee = "cancelled", None
                first_response = None
                at = created + min(res, max(now - created, 60) / 2)
                events.append(
                    (eid, "cancelled", "", False, "new", "cancelled", "{}", _ts(at), requester, tid)
                )
                eid += 1
                updated = at
            elif created + res > now:
                assignee = agent if rng.random() < 0.7 else None
                status = rng.choice(("open", "open", "waiting")) if assignee else "new"
                if first_response > now or not assignee:
                    first_response = None
                updated = first_response or created
            else:
                assignee = agent
                resolved_at = created + res
                if rng.random() < 0.03:
                    reopen_count = 1
                    events.append(
                        (
                            eid,
                            "reopened",
                            "Still not working.",
                            False,
                            "resolved",
                            "open",
                            "{}",
                            _ts(created + res * 0.7),
                            requester,
                            tid,
                        )
                    )
                    eid += 1
                events.append(
                    (
                        eid,
                        "resolved",
                        rng.choice(RESOLUTION_NOTES),
                        False,
                        "open",
                        "resolved",
                        "{}",
                        _ts(resolved_at),
                        agent,
                        tid,
                    )
                )
                eid += 1
                close_at = resolved_at + dept["reopen_days"] * 86400
                if close_at < now:
                    status, closed_at = "closed", close_at
                    events.append(
                        (
                            eid,
                            "closed",
                            "",
                            True,
                            "resolved",
                            "closed",
                            "{}",
                            _ts(close_at),
                            None,
                            tid,
                        )
                    )
                    eid += 1
                else:
                    status = "resolved"
                updated = closed_at or resolved_at
            if first_response is not None:
                events.append(
                    (
                        eid,
                        "reply",
                        "Thanks, we are on it.",
                        False,
                        "",
                        "",
                        "{}",
                        _ts(first_response),
                        agent,
                        tid,
                    )
                )
                eid += 1
            tickets.append(
                (
                    tid,
                    reference,
                    "request",
                    f"{type_name} for {reference}",
                    "",
                    "{}",
                    status,
                    "normal" if rng.random() < 0.85 else rng.choice(("low", "high", "urgent")),
                    _ts(created),
                    _ts(updated),
                    _ts(first_response),
                    _ts(resolved_at),
                    "Done." if resolved_at else "",
                    _ts(closed_at),
                    _ts(due),
                    reopen_count,
                    resolution_seconds(_dt(created), _dt(resolved_at)),
                    1 + (resolved_at is not None) + (closed_at is not None),
                    None,
                    assignee,
                    home,
                    dept["id"],
                    type_id,
                    requester,
                    agent if resolved_at else None,
                )
            )
            if resolved_at is not None and rng.random() < INVITED_SHARE:
                sent = resolved_at + 3600
                expires = sent + 14 * 86400
                answered_at = None
                if rng.random() < answer_p:
                    answered_at = min(sent + rng.lognormvariate(math.log(6 * 3600), 1.0), expires)
                    if answered_at > now:
                        answered_at = None
                if answered_at is not None:
                    inv_status = "answered"
                elif sent > now:
                    inv_status = "pending"
                elif expires > now:
                    inv_status = "sent"
                else:
                    inv_status = "expired"
                invitations.append(
                    (
                        iid,
                        "",
                        "",
                        inv_status,
                        _ts(sent),
                        _ts(sent if sent <= now else None),
                        _ts(sent if sent <= now else None),
                        None,
                        _ts(answered_at),
                        _ts(expires),
                        1 if sent <= now else 0,
                        "",
                        _ts(resolved_at),
                        agent,
                        dept["id"],
                        requester,
                        tid,
                        survey.pk,
                        version.pk,
                    )
                )
                if answered_at is not None:
                    score = rng.choices((1, 2, 3, 4, 5), weights=dept["csat"])[0]
                    comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
                    dimensions = response_dimensions(
                        SimpleNamespace(
                            created_at=_dt(created),
                            resolved_at=_dt(resolved_at),
                            due_at=_dt(due),
                            reopen_count=reopen_count,
                            request_type_id=type_id,
                            customer_department_id=home,
                        ),
                        SimpleNamespace(department_id=dept["id"], agent_id=agent),
                    )
                    row = {
                        "id": rid,
                        "submitted_at": _ts(answered_at),
                        "headline_kind": "csat_1_5",
                        "headline_score": score,
                        "comment": comment,
                        "anonymous": False,
                        "invitation_id": iid,
                        "version_id": version.pk,
                        **dimensions,
                    }
                    responses.append(tuple(row[column] for column in RESPONSE_COLS))
                    answers.append((aid, score, "", q_csat.pk, rid))
                    aid += 1
                    if rng.random() < 0.7:
                        yes = rng.random() < (0.85 if score >= 4 else 0.35)
                        answers.append((aid, int(yes), "", q_yes.pk, rid))
                        aid += 1
                    if rng.random() < 0.6:
                        answers.append((aid, None, rng.choice(choices), q_choice.pk, rid))
                        aid += 1
                    if comment:
                        answers.append((aid, None, comment, q_text.pk, rid))
                        aid += 1
                    body = f"The requester answered the satisfaction survey: {score}/5."
                    events.append(
                        (
                            eid,
                            "survey",
                            body,
                            True,
                            "",
                            "",
                            f'{{"response": {rid}, "score": {score}}}',
                            _ts(answered_at),
                            None,
                            tid,
                        )
                    )
                    eid += 1
                    rid += 1
                iid += 1
            tid += 1
        _copy(cursor, "requests_app_ticket", TICKET_COLS, tickets)
        _copy(cursor, "requests_app_ticketevent", EVENT_COLS, events)
        _copy(cursor, "surveys_invitation", INVITATION_COLS, invitations)
        _copy(cursor, "surveys_response", RESPONSE_COLS, responses)
        _copy(cursor, "surveys_answer", ANSWER_COLS, answers)
        for key, rows in zip(
            counts, (tickets, events, invitations, responses, answers), strict=True
        ):
            counts[key] += len(rows)
    return counts


def _finish(cursor, departments) -> None:
    """Reference counters match the references; sequences continue after the COPYed ids."""
    rows = [(d["prefix"], d["counter"]) for d in departments]
    cursor.executemany(
        "INSERT INTO requests_app_referencecounter (prefix, last_number) VALUES (%s, %s) "
        "ON CONFLICT (prefix) DO UPDATE SET last_number = EXCLUDED.last_number",
        rows,
    )
    for table in (
        "auth_user",
        "requests_app_employee",
        "requests_app_membership",
        "requests_app_ticket",
        "requests_app_ticketevent",
        "surveys_invitation",
        "surveys_response",
        "surveys_answer",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def seed_data(n_tickets: int, *, rng_seed: int = SEED, fast_fk: bool = True, log=print) -> dict:
    """Seed the database Django points at (migrated, without bench data).

    fast_fk switches off FK triggers during COPY (session_replication_role =
    replica, needs a superuser): the generated ids are consistent by
    construction and the smoke test checks them with the triggers on.
    Returns what run.py needs: phase timings, counts and who to log in as.
    """
    from django.db import connection

    from insights.services.rebuild import rollups_rebuild

    rng = random.Random(rng_seed)
    now = time.time()
    phases: dict[str, float] = {}

    def phase(name, t0):
        phases[name] = time.perf_counter() - t0
        log(f"  {name:<28} {phases[name]:7.2f} s")

    t0 = time.perf_counter()
    departments, survey, version, questions = _reference_data()
    phase("departments, types, survey", t0)
    with connection.cursor() as cursor:
        if fast_fk:
            cursor.execute("SET session_replication_role = replica")
        try:
            t0 = time.perf_counter()
            requesters, n_people = _people(cursor, rng, departments, now)
            phase(f"people ({n_people})", t0)
            t0 = time.perf_counter()
            counts = _tickets(
                cursor, rng, departments, requesters, survey, version, questions, n_tickets, now
            )
            phase(f"tickets ({n_tickets})", t0)
            t0 = time.perf_counter()
            _finish(cursor, departments)
        finally:
            if fast_fk:
                cursor.execute("SET session_replication_role = DEFAULT")
        phase("counters, sequences", t0)
        t0 = time.perf_counter()
        # The dashboards' per-day rollups, computed from what was loaded (the services
        # keep them current in the running app).
        written = rollups_rebuild()
        phase(f"rollups ({sum(written.values()):,} rows)", t0)
        t0 = time.perf_counter()
        # VACUUM sets the visibility map autovacuum would set in time: index-only scans.
        # (Not possible inside a transaction, as in the smoke test: ANALYZE only there.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        phase("vacuum analyze", t0)
    counts["people"] = n_people
    return {"tickets": n_tickets, "phases": phases, "counts": counts}


def seed_database(db_name: str, n_tickets: int, *, log=print) -> dict:
    """Drop, create, migrate and seed db_name; Django must already point at it."""
    from django.core.management import call_command
    from django.db import connection

    t_all = time.perf_counter()
    t0 = time.perf_counter()
    connection.close()
    recreate_database(db_name)
    call_command("migrate", verbosity=0)
    create_migrate = time.perf_counter() - t0
    log(f"  {'create + migrate':<28} {create_migrate:7.2f} s")
    info = seed_data(n_tickets, log=log)
    info["phases"] = {"create + migrate": create_migrate, **info["phases"]}
    info["seconds"] = time.perf_counter() - t_all
    log(f"  {'total':<28} {info['seconds']:7.2f} s")
    record_seed(db_name, info)
    return info


def record_seed(db_name: str, info: dict) -> None:
    """Write what was seeded on the database itself (COMMENT ON DATABASE), so a later run
    reuses it whichever command seeded it (bench.seed, bench.run, bench.load)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{db_name}" IS %s', [json.dumps(info)])


def seed_info(db_name: str) -> dict | None:
    """What the last seed of this database recorded, if any (None: not seeded or no server)."""
    import psycopg2

    try:
        conn = psycopg2.connect(database_url("postgres"))
    except psycopg2.Error:
        return None
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [db_name],
        )
        row = cur.fetchone()
    conn.close()
    return json.loads(row[0]) if row and row[0] else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--db", default=DEFAULT_DB, help="database name (dropped and recreated)")
    args = parser.parse_args(argv)
    setup_django(args.db)
    print(f"Seeding {args.db} with {args.tickets:,} tickets", file=sys.stderr)
    seed_database(args.db, args.tickets, log=lambda s: print(s, file=sys.stderr))


if __name__ == "__main__":
    main()
