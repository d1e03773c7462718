"""manage.py seed_demo: a demo company with six months of requests, built through the services.

Every ticket is filed and worked through requests_app.services, exactly as the
pages do it, in the order the story happened. The services stamp the real
time; a clock records which real moments belong to which simulated moment
and the stamps are rewritten afterwards, so the history spans six months.
Resolved tickets are then closed by the same service the periodic task runs,
at the simulated times it would have run.

Resolving and reopening that history runs without the survey app's hooks:
otherwise every historical resolve would queue a real survey e-mail (or, with
no survey yet, log a misleading "no survey applies" on every ticket). The
surveys are created afterwards through the editor service, and what the
survey pipeline would have done with six months of resolves (invitations in
their final state, responses, answers, audit-trail lines and notifications
for leads) is written directly, one answer through response_submit to prove
that path. Nothing is left for a worker to send.

This is the one module of requests_app that knows the surveys app: it seeds
the whole project.

The whole seed is one transaction: it either leaves the complete demo (and
the marker user that makes a second run a no-op) or nothing at all. No
e-mail is sent while seeding and nothing is published to the Celery broker.
"""

import hashlib
import random
import secrets
import struct
import time
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from types import FunctionType
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext

from icsat.demo import data as demo
from requests_app import hooks
from requests_app.models import (
    Attachment,
    Department,
    Membership,
    RequestType,
    Ticket,
    TicketEvent,
)
from requests_app.services import departments as department_services
from requests_app.services import notifications
from requests_app.services import tickets as ticket_services
from requests_app.uploads import check_upload
from surveys.models import (
    Answer,
    Invitation,
    Notification,
    Question,
    Response,
    Survey,
    SurveyVersion,
)
from surveys.selectors import survey_for_ticket
from surveys.services.editor import survey_save, survey_set_questions
from surveys.services.invitations import WHY_NOT
from surveys.services.responses import is_low_score, response_submit

Status = Ticket.Status
InvitationStatus = Invitation.Status
Kind = Question.Kind
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# When people file requests during the day (local time).
OFFICE_HOURS = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
OFFICE_HOUR_WEIGHTS = (1, 5, 9, 10, 8, 5, 8, 8, 7, 4, 1)
# When staff pick up work left from the evening or the weekend: mostly early.
WORKING_HOURS = (8, 9, 10, 11, 12, 13, 14, 15, 16)
WORKING_HOUR_WEIGHTS = (8, 9, 7, 5, 3, 4, 3, 3, 2)
# The periodic close task runs every 15 minutes (CELERY_BEAT_SCHEDULE).
CLOSE_TASK_EVERY = timedelta(minutes=15)
SILENT_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


# --- Small real files ---------------------------------------------------------
def _pdf_bytes(heading: str, lines: list[str]) -> bytes:
    """A one-page PDF with a heading and a few lines of text, with a correct xref table."""

    def escape(text: str) -> bytes:
        text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return text.encode("cp1252", "replace")

    content = b"BT /F1 18 Tf 72 740 Td (" + escape(heading) + b") Tj /F1 11 Tf"
    for line in lines:
        content += b" 0 -24 Td (" + escape(line) + b") Tj"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png_bytes(name: str, width: int = 48, height: int = 32) -> bytes:
    """A small gradient picture whose colour depends on the name."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    hue = zlib.crc32(name.encode())
    base = ((hue >> 16) & 0xFF, (hue >> 8) & 0xFF, hue & 0xFF)
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(
                ((base[0] + 3 * x) % 256, (base[1] + 5 * y) % 256, (base[2] + x + y) % 256)
            )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def _csv_bytes(rng: random.Random, day: date) -> bytes:
    items = (
        "Taxi",
        "Hotel",
        "Train",
        "Lunch with customer",
        "Software licence",
        "Printing",
        "Catering",
        "Courier",
    )
    lines = ["date,description,amount,currency"]
    for offset in range(rng.randint(3, 6)):
        lines.append(
            f"{day - timedelta(days=offset * 2)},{rng.choice(items)},"
            f"{rng.uniform(80, 4000):.2f},NOK"
        )
    return ("\n".join(lines) + "\n").encode()


# --- Helpers -----------------------------------------------------------------------
class _Blank(dict):
    def __missing__(self, key):
        return ""


def _fill(template: str, words: dict) -> str:
    """The template with {names} from words; unknown names become empty."""
    return template.format_map(_Blank(words)).strip()


def _step(function: Callable, **kwargs) -> Callable[[int], object]:
    return lambda ticket_id: function(ticket_id=ticket_id, **kwargs)


def _skip_notification(**kwargs) -> int:
    return 0


@contextmanager
def _no_mail():
    """No e-mail while seeding: notifications are skipped, and any other mail goes nowhere.

    Skipping them (not only sending them to a dummy backend) also spares rendering
    thousands of templates after commit.
    """
    with ExitStack() as stack:
        stack.enter_context(override_settings(MAILERS=SILENT_MAILERS))
        for name, value in vars(notifications).items():
            if (
                isinstance(value, FunctionType)
                and value.__module__ == notifications.__name__
                and not name.startswith("_")
            ):
                stack.enter_context(mock.patch.object(notifications, name, _skip_notification))
        yield


@contextmanager
def _no_survey_hooks():
    """Replay the history without hook receivers; the survey history is written after."""
    with hooks.suspended():
        yield


@contextmanager
def _given_timestamps(*fields):
    """bulk_create keeps the simulated times given for these auto_now_add fields."""
    with ExitStack() as stack:
        for model, name in fields:
            stack.enter_context(
                mock.patch.object(model._meta.get_field(name), "auto_now_add", False)
            )
        yield


def _random_hash() -> str:
    """A SHA-256 like a token's, of random bytes: no link exists for it."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


class _Clock:
    """Which real moments (stamped by the services) stand for which simulated moments."""

    def __init__(self):
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        self._simulated: list[datetime] = []

    @contextmanager
    def at(self, simulated: datetime):
        start = timezone.now()
        yield
        self._starts.append(start)
        self._ends.append(timezone.now())
        self._simulated.append(simulated)

    def simulated(self, real: datetime | None) -> datetime | None:
        if real is None:
            return None
        i = bisect_right(self._starts, real) - 1
        if i < 0 or real > self._ends[i]:
            raise RuntimeError(f"seed_demo: no simulated time for the stamp {real.isoformat()}")
        return self._simulated[i]

    def reset(self):
        self._starts.clear()
        self._ends.clear()
        self._simulated.clear()


@dataclass
class _Plan:
    at: datetime
    create: Callable[[], Ticket]
    steps: list[tuple[datetime, Callable[[int], object]]] = field(default_factory=list)


# --- The seeder ----------------------------------------------------------------------
class _Seeder:
    BATCH = 100

    def __init__(self, *, now: datetime):
        self.now = now
        self.rng = random.Random(demo.SEED)  # noqa: S311 - reproducible demo data
        self.clock = _Clock()
        self.users = {}
        self.departments: dict[str, Department] = {}
        self.request_types: dict[tuple[str, str], RequestType] = {}
        self.workers: dict[str, list[tuple[object, float]]] = {}
        self.leads: dict[str, object] = {}

    def run(self):
        self._people_and_departments()
        plans = self._plans()
        self._execute(plans)
        self._close_old_resolved()
        _SurveyHistory(self).run()

    # People, departments, request types -----------------------------------------
    def _people_and_departments(self):
        user_model = get_user_model()
        # One hash for everyone: hashing the same password 46 times costs ~20 s.
        password = make_password(demo.DEMO_PASSWORD)
        hr_admins, _ = Group.objects.get_or_create(name=settings.ICSAT_HR_ADMIN_GROUP)
        for person in demo.PEOPLE:
            user = user_model.objects.create(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@{demo.EMAIL_DOMAIN}",
                password=password,
                is_staff=person.superuser,
                is_superuser=person.superuser,
            )
            if person.hr_admin:
                user.groups.add(hr_admins)
            self.users[person.username] = user

        actor = self.users[demo.MARKER_USERNAME]
        for spec in demo.DEPARTMENTS:
            department = department_services.department_save(
                actor=actor,
                name=spec["name"],
                slug=spec["slug"],
                prefix=spec["prefix"],
                description=spec["description"],
                reopen_days=spec["reopen_days"],
            )
            self.departments[spec["prefix"]] = department
            for position, type_spec in enumerate(spec["types"]):
                self.request_types[(spec["prefix"], type_spec["slug"])] = (
                    department_services.request_type_save(
                        actor=actor,
                        department=department,
                        name=type_spec["name"],
                        slug=type_spec["slug"],
                        description=type_spec["description"],
                        fields=type_spec["fields"],
                        sla_hours=type_spec["sla_hours"],
                        survey_opt_out=type_spec.get("survey_opt_out", False),
                        position=position,
                    )
                )

        for person in demo.PEOPLE:
            user = self.users[person.username]
            employee = department_services.employee_ensure(user)
            employee.home_department = self.departments.get(person.department)
            employee.language = person.language
            employee.is_associate = person.is_associate
            employee.save()
            if person.role:
                department = self.departments[person.department]
                department_services.membership_set(
                    actor=actor, department=department, user=user, role=person.role
                )
                weight = 1 if person.role == "lead" else (4 if user.username == "agent" else 3)
                self.workers.setdefault(person.department, []).append((user, weight))
                if person.role == "lead":
                    self.leads[person.department] = user

    def _requester_weight(self, person: demo.Person) -> float:
        if person.username in demo.REQUESTER_WEIGHTS:
            return demo.REQUESTER_WEIGHTS[person.username]
        if person.is_associate:
            return 1
        return 0.4 if (person.role or person.hr_admin) else 1

    def _requester(self, prefix: str, type_spec: dict):
        """Someone from another department (or, for some types, an associate)."""
        candidates = [
            (self.users[p.username], self._requester_weight(p))
            for p in demo.PEOPLE
            if p.department != prefix and (type_spec.get("associates") or not p.is_associate)
        ]
        users, weights = zip(*candidates, strict=True)
        return self.rng.choices(users, weights)[0]

    def _worker(self, prefix: str):
        users, weights = zip(*self.workers[prefix], strict=True)
        return self.rng.choices(users, weights)[0]

    # Simulated time ------------------------------------------------------------------
    def _working(self, moment: datetime) -> datetime:
        """The moment, or some time on the next working day if it falls outside 08-17."""
        local = timezone.localtime(moment)
        if local.weekday() < 5 and 8 <= local.hour < 17:
            return moment
        day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        hour = self.rng.choices(WORKING_HOURS, WORKING_HOUR_WEIGHTS)[0]
        start = datetime.combine(day, clock_time(hour), tzinfo=local.tzinfo)
        return start + timedelta(minutes=self.rng.uniform(0, 60))

    def _later(self, moment: datetime, lo_hours: float, hi_hours: float, *, work=True):
        later = moment + timedelta(hours=self.rng.uniform(lo_hours, hi_hours))
        return self._working(later) if work else later

    def _minutes(self, moment: datetime, lo: int, hi: int) -> datetime:
        return moment + timedelta(minutes=self.rng.randint(lo, hi))

    def _created_time(self) -> datetime:
        """When someone files a request: mostly office hours on weekdays, more lately."""
        rng = self.rng
        tz = timezone.get_current_timezone()
        for _attempt in range(20):
            # More requests lately: the service desk caught on over the months.
            age = timedelta(days=demo.HISTORY_DAYS * rng.random() ** 1.35)
            day = timezone.localdate(self.now - age)
            if rng.random() < 0.92:
                if day.weekday() >= 5:
                    continue
                hour = rng.choices(OFFICE_HOURS, OFFICE_HOUR_WEIGHTS)[0]
            else:
                hour = rng.randrange(24)
            moment = datetime.combine(day, clock_time(hour), tzinfo=tz) + timedelta(
                minutes=rng.uniform(0, 60)
            )
            if moment < self.now - timedelta(minutes=5):
                return moment
        return self.now - timedelta(minutes=rng.uniform(5, 120))

    # Files -----------------------------------------------------------------------------
    def _upload(self, kind: str, name: str, *, about: str, person, day: date):
        heading = name.rsplit(".", 1)[0].replace("-", " ").capitalize()
        if kind == "pdf":
            lines = [about, f"{person.get_full_name()}, {day.isoformat()}"]
            content, content_type = _pdf_bytes(heading, lines), "application/pdf"
        elif kind == "png":
            content, content_type = _png_bytes(f"{name}{about}"), "image/png"
        elif kind == "csv":
            content, content_type = _csv_bytes(self.rng, day), "text/csv"
        else:
            text = f"{heading}\n\n{about}\n\n{person.get_full_name()}, {day.isoformat()}\n"
            content, content_type = text.encode(), "text/plain"
        uploaded = SimpleUploadedFile(name, content, content_type=content_type)
        return uploaded, check_upload(uploaded)

    def _extra_file(self, prefix: str, *, about: str, person, moment: datetime):
        kind, name = self.rng.choice(demo.EXTRA_FILES[prefix])
        return self._upload(kind, name, about=about, person=person, day=timezone.localdate(moment))

    # Form answers ----------------------------------------------------------------------
    def _default_spec(self, spec: dict):
        kind, required = spec["kind"], spec.get("required")
        if kind == "choice":
            default = demo.pick(*spec["choices"])
        elif kind == "yes_no":
            default = demo.yes(0.7)
        elif kind == "date":
            default = demo.days(3, 30)
        elif kind == "number":
            default = demo.amount(1, 10)
        else:
            return None
        return default if required else demo.maybe(0.6, default)

    def _answer(self, spec, created: datetime):
        rng = self.rng
        tag = spec[0]
        if tag == "pick":
            return rng.choice(spec[1])
        if tag == "days":
            return timezone.localdate(created) + timedelta(days=rng.randint(spec[1], spec[2]))
        if tag == "amount":
            _tag, lo, hi, decimals = spec
            value = rng.uniform(lo, hi)
            return f"{value:.{decimals}f}" if decimals else str(round(value))
        if tag == "serial":
            return spec[1].format(n=rng.randint(spec[2], spec[3]))
        if tag == "month":
            day = timezone.localdate(created)
            index = day.year * 12 + day.month - 1 - rng.randint(spec[1], spec[2])
            return f"{MONTHS[index % 12]} {index // 12}"
        if tag == "yes":
            return rng.random() < spec[1]
        if tag == "file":
            return spec[1:]
        if tag == "maybe":
            return self._answer(spec[2], created) if rng.random() < spec[1] else None
        raise ValueError(f"unknown answer spec {spec!r}")

    def _answers(self, type_spec: dict, created: datetime, overrides: dict, requester, title):
        """(Ticket.data, field_files, words for texts) for one filled-in form."""
        data, field_files, words = {}, {}, {}
        specs = type_spec.get("answers", {})
        for spec in type_spec["fields"]:
            name = spec["name"]
            if name in overrides:
                value = overrides[name]
            else:
                answer_spec = specs.get(name) or self._default_spec(spec)
                value = self._answer(answer_spec, created) if answer_spec else None
            if value is None:
                continue
            if spec["kind"] == "file":
                kind, filename = value
                field_files[name] = self._upload(
                    kind,
                    filename,
                    about=title,
                    person=requester,
                    day=timezone.localdate(created),
                )
                words[name] = filename
            elif isinstance(value, date):
                data[name] = value.isoformat()
                words[name] = f"{value.day} {MONTHS[value.month - 1]}"
            elif isinstance(value, bool):
                data[name] = value
                words[name] = "yes" if value else "no"
            else:
                data[name] = value
                words[name] = value
        return data, field_files, words

    # Stories ---------------------------------------------------------------------------
    def _plans(self) -> list[_Plan]:
        rng = self.rng
        department_weights = [d["weight"] for d in demo.DEPARTMENTS]
        drafts = []
        for _ in range(demo.REQUEST_TICKETS):
            department = rng.choices(demo.DEPARTMENTS, department_weights)[0]
            types = department["types"]
            type_spec = rng.choices(types, [t["weight"] for t in types])[0]
            drafts.append((self._created_time(), department, type_spec))
        drafts.sort(key=lambda draft: draft[0])
        plans = []
        for i, (created, department, type_spec) in enumerate(drafts):
            recent = self.now - created < timedelta(days=2)
            # Nobody has looked at the newest requests yet.
            untouched = i >= len(drafts) - 3 or (recent and rng.random() < 0.25)
            plans.append(self._plan_request(created, department, type_spec, untouched=untouched))
        for _ in range(demo.HANDOFF_TICKETS):
            plans.append(self._plan_handoff(self._created_time()))
        plans.sort(key=lambda plan: plan.at)
        return plans

    def _priority(self, data: dict) -> str:
        if str(data.get("urgency", "")).startswith("High"):
            return Ticket.Priority.HIGH
        roll = self.rng.random()
        if roll < 0.15:
            return Ticket.Priority.LOW
        return Ticket.Priority.HIGH if roll > 0.82 else Ticket.Priority.NORMAL

    def _plan_request(self, created, department: dict, type_spec: dict, *, untouched) -> _Plan:
        rng = self.rng
        prefix = department["prefix"]
        requester = self._requester(prefix, type_spec)
        agent = self._worker(prefix)
        entry = rng.choice(type_spec["titles"])
        template, overrides = (entry, {}) if isinstance(entry, str) else entry
        # The title names form answers, so the answers come first; file contents
        # mention the title, so they get the template's fixed words.
        data, field_files, words = self._answers(
            type_spec, created, overrides, requester, _fill(template, overrides)
        )
        words |= {"first": requester.first_name, "agent": agent.first_name}
        title = _fill(template, words)[:200]
        description = _fill(rng.choice(type_spec["details"]), words)
        priority = self._priority(data)
        files = []
        if rng.random() < 0.08:
            files.append(self._extra_file(prefix, about=title, person=requester, moment=created))
        create = lambda: ticket_services.ticket_create(  # noqa: E731
            requester=requester,
            request_type=self.request_types[(prefix, type_spec["slug"])],
            title=title,
            description=description,
            data=data,
            priority=priority,
            files=files,
            field_files=field_files,
        )
        plan = _Plan(at=created, create=create)
        if not untouched:
            plan.steps = self._request_story(
                created,
                department,
                type_spec,
                requester=requester,
                agent=agent,
                words=words,
                title=title,
            )
        return plan

    def _request_story(self, created, department, type_spec, *, requester, agent, words, title):
        """What happens to a request after it is filed, as (simulated time, step) pairs."""
        rng = self.rng
        prefix = department["prefix"]
        sla = type_spec["sla_hours"]
        lead = self.leads[prefix]
        steps = []

        def add(moment, function, **kwargs):
            steps.append((moment, _step(function, **kwargs)))

        def say(texts):
            return _fill(rng.choice(texts), words)

        svc = ticket_services
        cancelled = rng.random() < 0.06
        if cancelled and rng.random() < 0.5:
            add(
                self._later(created, 0.3, 30, work=False),
                svc.ticket_cancel,
                actor=requester,
                reason=say(demo.CANCEL_REASONS),
            )
            return steps

        # Picked up: claimed by an agent, or handed out by the lead.
        t = self._working(created + timedelta(hours=max(0.1, sla * rng.uniform(0.03, 0.3))))
        if agent is not lead and rng.random() < 0.3:
            add(t, svc.ticket_assign, actor=lead, assignee=agent)
        else:
            add(t, svc.ticket_claim, actor=agent)
        if rng.random() < 0.8:
            t = self._minutes(t, 1, 25)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.FIRST_REPLIES))
        if rng.random() < 0.3:
            t = self._later(t, 0.2, 6)
            add(t, svc.ticket_reply, actor=agent, body=say(department["notes"]), internal=True)

        # Waiting on the requester for more information.
        if rng.random() < 0.35:
            t = self._later(t, 0.1, 8)
            add(t, svc.ticket_reply, actor=agent, body=say(department["questions"]))
            t = self._minutes(t, 1, 3)
            add(t, svc.ticket_set_status, actor=agent, status=Status.WAITING)
            if rng.random() < 0.85:
                t = self._later(t, 0.5, 60, work=rng.random() < 0.8)
                files = []
                if rng.random() < 0.25:
                    files.append(self._extra_file(prefix, about=title, person=requester, moment=t))
                add(
                    t,
                    svc.ticket_reply,
                    actor=requester,
                    body=say(demo.REQUESTER_ANSWERS),
                    files=files,
                )
            elif cancelled:
                add(
                    self._later(t, 24, 120, work=False),
                    svc.ticket_cancel,
                    actor=requester,
                    reason=say(demo.CANCEL_REASONS),
                )
                return steps
            else:
                add(
                    self._later(t, 24 * 5, 24 * 9),
                    svc.ticket_resolve,
                    actor=agent,
                    note=demo.NO_REPLY_RESOLUTION,
                )
                return steps

        if cancelled:
            add(
                self._later(t, 2, 72, work=False),
                svc.ticket_cancel,
                actor=requester,
                reason=say(demo.CANCEL_REASONS),
            )
            return steps
        if rng.random() < 0.12:
            t = self._later(t, 12, 72, work=False)
            add(t, svc.ticket_reply, actor=requester, body=say(demo.REQUESTER_CHASERS))
        if rng.random() < 0.2:
            t = self._later(t, 1, 24)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.FOLLOW_UPS))
        agent_file = type_spec.get("agent_file")
        if agent_file and rng.random() < agent_file[0]:
            t = self._later(t, 0.5, 12)
            upload = self._upload(
                agent_file[1],
                agent_file[2],
                about=title,
                person=requester,
                day=timezone.localdate(t),
            )
            add(t, svc.ticket_reply, actor=agent, body=say(demo.AGENT_FILE_REPLIES), files=[upload])
        elif rng.random() < 0.03:
            t = self._later(t, 0.5, 12)
            upload = self._extra_file(prefix, about=title, person=agent, moment=t)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.AGENT_FILE_REPLIES), files=[upload])

        # Resolved, mostly within the SLA; some forgotten for a while.
        late = rng.random() < 0.12
        share = rng.uniform(1.2, 3.0) if late else rng.uniform(0.25, 1.0)
        t = self._working(max(created + timedelta(hours=sla * share), self._minutes(t, 10, 90)))
        add(t, svc.ticket_resolve, actor=agent, note=say(type_spec["resolutions"]))
        if rng.random() < 0.07:
            window_hours = 24 * min(4, department["reopen_days"] - 1)
            t = self._later(t, 3, window_hours, work=False)
            add(t, svc.ticket_reopen, actor=requester, reason=say(demo.REOPEN_REASONS))
            t = self._later(t, 0.5, 20)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.REOPEN_REPLIES))
            t = self._later(t, 2, 48)
            add(t, svc.ticket_resolve, actor=agent, note=say(type_spec["resolutions"]))
        if rng.random() < 0.15:
            t = self._later(t, 0.3, 20, work=False)
            add(t, svc.ticket_reply, actor=requester, body=say(demo.THANKS))
        return steps

    def _plan_handoff(self, created) -> _Plan:
        rng = self.rng
        colleagues = [
            self.users[p.username]
            for p in demo.PEOPLE
            if p.department and not p.is_associate and not p.superuser
        ]
        requester = rng.choice(colleagues)
        colleague = rng.choice([c for c in colleagues if c is not requester])
        title, message, files = rng.choice(demo.HANDOFFS)
        words = {"first": requester.first_name, "colleague": colleague.first_name}
        day = timezone.localdate(created)
        uploads = [
            self._upload(kind, name, about=title, person=requester, day=day) for kind, name in files
        ]
        create = lambda: ticket_services.handoff_create(  # noqa: E731
            requester=requester,
            colleague=colleague,
            title=title,
            message=_fill(message, words),
            files=uploads,
        )
        plan = _Plan(at=created, create=create)
        if rng.random() < 0.85:
            t = self._later(created, 0.2, 20)
            plan.steps.append(
                (
                    t,
                    _step(
                        ticket_services.ticket_reply,
                        actor=colleague,
                        body=_fill(rng.choice(demo.HANDOFF_REPLIES), words),
                    ),
                )
            )
            if rng.random() < 0.85:
                t = self._later(t, 0.2, 30)
                plan.steps.append(
                    (
                        t,
                        _step(
                            ticket_services.ticket_resolve,
                            actor=colleague,
                            note=rng.choice(demo.HANDOFF_RESOLUTIONS),
                        ),
                    )
                )
        return plan

    # Running the stories -----------------------------------------------------------------
    def _execute(self, plans: list[_Plan]):
        batch = []
        for plan in plans:
            with self.clock.at(plan.at):
                ticket = plan.create()
            for moment, step in plan.steps:
                if moment >= self.now:
                    break  # the rest of this story has not happened yet
                with self.clock.at(moment):
                    step(ticket.pk)
            batch.append(ticket.pk)
            if len(batch) >= self.BATCH:
                self._backdate(batch)
                batch = []
        if batch:
            self._backdate(batch)

    def _backdate(self, ticket_ids: list[int]):
        """Rewrite the real stamps of these tickets, events and files to simulated ones."""
        sim = self.clock.simulated
        tickets = []
        rows = Ticket.objects.filter(pk__in=ticket_ids).values_list(
            "pk",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "request_type__sla_hours",
        )
        for pk, created, updated, first_response, resolved, closed, sla_hours in rows:
            created = sim(created)
            tickets.append(
                Ticket(
                    pk=pk,
                    created_at=created,
                    updated_at=sim(updated),
                    due_at=created + timedelta(hours=sla_hours) if sla_hours is not None else None,
                    first_response_at=sim(first_response),
                    resolved_at=sim(resolved),
                    closed_at=sim(closed),
                )
            )
        Ticket.objects.bulk_update(
            tickets,
            ["created_at", "updated_at", "due_at", "first_response_at", "resolved_at", "closed_at"],
            batch_size=250,
        )
        events = [
            TicketEvent(pk=pk, created_at=sim(created))
            for pk, created in TicketEvent.objects.filter(ticket_id__in=ticket_ids).values_list(
                "pk", "created_at"
            )
        ]
        TicketEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
        attachments = [
            Attachment(pk=pk, created_at=sim(created))
            for pk, created in Attachment.objects.filter(ticket_id__in=ticket_ids).values_list(
                "pk", "created_at"
            )
        ]
        Attachment.objects.bulk_update(attachments, ["created_at"], batch_size=500)
        self.clock.reset()

    def _close_old_resolved(self):
        """Run the periodic close task at the simulated moments it would have found work."""
        windows = {d.pk: timedelta(days=d.reopen_days) for d in self.departments.values()}
        every = CLOSE_TASK_EVERY.total_seconds()
        runs = set()
        for department_id, resolved_at in Ticket.objects.filter(status=Status.RESOLVED).values_list(
            "department_id", "resolved_at"
        ):
            due = (resolved_at + windows[department_id]).timestamp()
            # The first run strictly after the window has passed.
            run = datetime.fromtimestamp((due // every + 1) * every, tz=UTC)
            if run <= self.now:
                runs.add(run)
        for run in sorted(runs):
            ticket_services.tickets_close_resolved(now=run)
        closed_at = Ticket.objects.filter(pk=OuterRef("ticket_id")).values("closed_at")[:1]
        TicketEvent.objects.filter(kind=TicketEvent.Kind.CLOSED).update(
            created_at=Subquery(closed_at)
        )
        Ticket.objects.filter(status=Status.CLOSED).update(updated_at=F("closed_at"))


# --- The survey history ----------------------------------------------------------------
@dataclass
class _Cycle:
    """One resolution of a ticket, from its resolve to the reopen that ended it (if any)."""

    ticket_id: int
    resolved_at: datetime
    agent_id: int | None
    reopened_at: datetime | None = None


@dataclass
class _Invite:
    """What the survey pipeline made of one resolution, in its final state."""

    cycle: _Cycle
    ticket: dict
    survey: Survey
    version_number: int
    send_after: datetime
    sent_at: datetime | None
    expires_at: datetime
    status: str = InvitationStatus.SENT
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    claimed_at: datetime | None = None
    retry_after: datetime | None = None
    attempts: int = 1
    last_error: str = ""
    answers: dict | None = None
    invitation: Invitation | None = None


class _Deck:
    """Draws that follow their weights closely even over a few dozen: cards, reshuffled.

    Independent draws would make a department of 40 answers look very different from
    one demo day to the next.
    """

    def __init__(self, rng: random.Random, values, weights, size: int = 20):
        exact = [w * size / sum(weights) for w in weights]
        counts = [int(e) for e in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
        for i in by_remainder[: size - sum(counts)]:
            counts[i] += 1
        self.cards = [v for v, n in zip(values, counts, strict=True) for _ in range(n)]
        self.rng = rng
        self.pile: list = []

    def draw(self):
        if not self.pile:
            self.pile = self.rng.sample(self.cards, len(self.cards))
        return self.pile.pop()


class _SurveyHistory:
    """The demo surveys, and six months of what the pipeline would have done with resolves."""

    def __init__(self, seeder: _Seeder):
        self.seeder = seeder
        self.rng = seeder.rng
        self.now = seeder.now
        self.admin = seeder.users[demo.MARKER_USERNAME]
        self.surveys: dict[str, Survey] = {}
        self.questions: dict[tuple[int, int], list[Question]] = {}  # (survey, number)
        self.versions: dict[tuple[int, int], SurveyVersion] = {}
        self.v2_at = seeder._working(self.now - timedelta(days=demo.IT_SURVEY_V2_DAYS_AGO))
        self._targets: dict[tuple, tuple[Survey | None, str]] = {}
        self.csat_decks = {
            prefix: _Deck(self.rng, range(1, 6), weights)
            for prefix, weights in demo.CSAT_WEIGHTS.items()
        }
        self.nps_decks = {
            csat: _Deck(self.rng, range(11), weights) for csat, weights in demo.NPS_WEIGHTS.items()
        }

    def run(self):
        self._create_surveys()
        cycles, tickets = self._cycles()
        events: list[TicketEvent] = []
        invites: list[_Invite] = []
        for cycle in cycles:
            ticket = tickets[cycle.ticket_id]
            survey, reason = self._survey_for(ticket)
            if survey is None:
                events.append(
                    TicketEvent(
                        ticket_id=cycle.ticket_id,
                        kind=TicketEvent.Kind.SURVEY,
                        body=str(WHY_NOT[reason]),
                        is_internal=True,
                        data={"survey": "none", "reason": reason},
                        created_at=cycle.resolved_at,
                    )
                )
            else:
                invites.append(self._invite(cycle, ticket, survey))
        self._waiting_for_the_demo_employee(invites)
        self._failed_deliveries(invites)

        proof = self._answer_through_the_service(invites)
        responses = []
        for number in (1, 2):
            if number == 2:
                self._it_version_2()
            batch = [i for i in invites if i.version_number == number and i is not proof]
            self._create_invitations(batch)
            responses += self._create_responses([i for i in batch if i.answers is not None])
        for invite in invites:
            events.append(self._scheduled_event(invite))
        for invite, response in responses:
            if not response.anonymous:
                events.append(self._answered_event(invite, response))
        with _given_timestamps((TicketEvent, "created_at")):
            TicketEvent.objects.bulk_create(events, batch_size=500)
        self._notify_leads(responses)
        stuck = Invitation.objects.filter(
            status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING]
        )
        if stuck.exists():
            raise RuntimeError("seed_demo: a demo invitation would be sent by a worker")

    # Surveys ---------------------------------------------------------------------------------
    def _create_surveys(self):
        for spec in demo.SURVEYS:
            survey = survey_save(
                actor=self.admin,
                departments=[self.seeder.departments[p] for p in spec["departments"]],
                intro=spec["intro"],
                questions=spec["questions"],
                name=spec["name"],
                is_default=spec["is_default"],
                anonymous=spec["anonymous"],
                is_active=True,
                **demo.SURVEY_TIMING,
            )
            self.surveys[spec["key"]] = survey
        # HR configured them just before the history starts.
        start = self.seeder._working(self.now - timedelta(days=demo.HISTORY_DAYS + 5))
        Survey.objects.update(created_at=start, updated_at=start)
        SurveyVersion.objects.update(created_at=start)
        for version in SurveyVersion.objects.all():
            self._remember(version)

    def _it_version_2(self):
        """IT asked one more question once the first answers were in: version 2 from then on."""
        it = self.surveys["it"]
        v2 = survey_set_questions(
            actor=self.admin, survey=it, questions=demo.IT_SURVEY_V2_QUESTIONS
        )
        if v2.number != 2:
            raise RuntimeError("seed_demo: IT's survey has no answers before its edit")
        SurveyVersion.objects.filter(pk=v2.pk).update(created_at=self.v2_at)
        Survey.objects.filter(pk=it.pk).update(updated_at=self.v2_at)
        self._remember(v2)

    def _remember(self, version: SurveyVersion):
        key = (version.survey_id, version.number)
        self.versions[key] = version
        self.questions[key] = list(version.questions.order_by("position", "pk"))

    def _survey_for(self, ticket: dict) -> tuple[Survey | None, str]:
        """The survey the pipeline picks (its own selector), per department and type."""
        key = (ticket["kind"], ticket["department_id"], ticket["request_type_id"])
        if key not in self._targets:
            request_type = (
                RequestType.objects.get(pk=ticket["request_type_id"])
                if ticket["request_type_id"]
                else None
            )
            probe = Ticket(
                kind=ticket["kind"],
                department_id=ticket["department_id"],
                request_type=request_type,
            )
            self._targets[key] = survey_for_ticket(probe)
        return self._targets[key]

    # Resolutions -----------------------------------------------------------------------------
    def _cycles(self) -> tuple[list[_Cycle], dict[int, dict]]:
        cycles, current = [], {}
        rows = (
            TicketEvent.objects.filter(
                kind__in=[TicketEvent.Kind.RESOLVED, TicketEvent.Kind.REOPENED]
            )
            .order_by("ticket_id", "created_at", "pk")
            .values_list("ticket_id", "kind", "actor_id", "created_at")
        )
        for ticket_id, kind, actor_id, at in rows:
            if kind == TicketEvent.Kind.RESOLVED:
                current[ticket_id] = _Cycle(ticket_id, at, actor_id)
                cycles.append(current[ticket_id])
            elif ticket_id in current:
                current.pop(ticket_id).reopened_at = at
        tickets = {
            row["pk"]: row
            for row in Ticket.objects.filter(pk__in={c.ticket_id for c in cycles}).values(
                "pk",
                "reference",
                "kind",
                "department_id",
                "department__prefix",
                "department__name",
                "request_type_id",
                "requester_id",
                "requester__employee__language",
                "customer_department_id",
                "created_at",
                "due_at",
                "resolved_at",
                "reopen_count",
            )
        }
        cycles.sort(key=lambda cycle: cycle.resolved_at)
        return cycles, tickets

    def _invite(self, cycle: _Cycle, ticket: dict, survey: Survey) -> _Invite:
        rng, now = self.rng, self.now
        send_after = cycle.resolved_at + timedelta(minutes=survey.delay_minutes)
        # Beat's dispatcher runs every minute.
        sent_at = min(send_after + timedelta(seconds=rng.uniform(1, 59)), now)
        invite = _Invite(
            cycle=cycle,
            ticket=ticket,
            survey=survey,
            # The version current when the resolve created it.
            version_number=(
                2 if survey == self.surveys["it"] and cycle.resolved_at >= self.v2_at else 1
            ),
            send_after=min(send_after, sent_at),
            sent_at=sent_at,
            claimed_at=sent_at,
            expires_at=sent_at + timedelta(days=survey.expires_days),
        )
        remind_at = self._remind_at(invite)
        if cycle.reopened_at is not None:
            # The reopen withdrew the unanswered invitation.
            invite.status = InvitationStatus.CANCELLED
            if remind_at and remind_at < cycle.reopened_at:
                invite.reminded_at = remind_at
            return invite
        rate = demo.SURVEY_ANSWER_RATES[ticket["department__prefix"]]
        answered_at = sent_at + self._answer_delay(survey) if rng.random() < rate else None
        if answered_at is not None and answered_at <= now:
            self._answered(invite, answered_at, remind_at)
        elif invite.expires_at <= now:
            invite.status = InvitationStatus.EXPIRED
            invite.reminded_at = remind_at
        else:
            self._still_open(invite)
        return invite

    def _answered(self, invite: _Invite, answered_at: datetime, remind_at: datetime | None):
        invite.status = InvitationStatus.ANSWERED
        invite.answered_at = answered_at
        invite.reminded_at = remind_at if remind_at and remind_at < answered_at else None
        invite.answers = self._opinion(invite.ticket)

    def _remind_at(self, invite: _Invite) -> datetime | None:
        hours = invite.survey.reminder_hours
        if not hours or invite.sent_at is None:
            return None
        # The reminder task runs every 15 minutes.
        return invite.sent_at + timedelta(hours=hours, minutes=self.rng.uniform(0, 15))

    def _still_open(self, invite: _Invite):
        """Not answered yet: reminded once its reminder was due, so no worker reminds it now."""
        invite.answers = invite.answered_at = None
        remind_at = self._remind_at(invite)
        if (
            remind_at is not None
            and invite.sent_at + timedelta(hours=invite.survey.reminder_hours) <= self.now
        ):
            invite.status = InvitationStatus.REMINDED
            invite.reminded_at = min(remind_at, self.now)
        else:
            invite.status = InvitationStatus.SENT
            invite.reminded_at = None

    def _answer_delay(self, survey: Survey) -> timedelta:
        """Most answer within hours; some only after the reminder."""
        rng = self.rng
        roll = rng.random()
        reminder = survey.reminder_hours
        if roll < 0.45:
            hours = rng.uniform(0.02, 3)
        elif roll < 0.8 or not reminder:
            hours = rng.uniform(3, min(reminder or 46, 46))
        else:
            hours = reminder + rng.uniform(0.3, 24 * (survey.expires_days - 1) - reminder)
        return timedelta(hours=hours)

    # Answers ---------------------------------------------------------------------------------
    def _opinion(self, ticket: dict) -> dict:
        """Everything one person would answer, whatever the survey's questions are."""
        rng = self.rng
        prefix = ticket["department__prefix"]
        resolved, due = ticket["resolved_at"], ticket["due_at"]
        reopened = ticket["reopen_count"] > 0
        csat = self.csat_decks[prefix].draw()
        # SLAs count every hour, weekends too, so a few hours late is common and mostly
        # forgiven; days late are not.
        late_hours = (resolved - due).total_seconds() / 3600 if due else 0
        penalty = (
            0.6 if late_hours > 72 else 0.3 if late_hours > 24 else 0.1 if late_hours > 0 else 0
        )
        if rng.random() < penalty:
            csat -= 1
        if reopened and rng.random() < 0.7:
            csat -= 1
        csat = max(1, csat)
        # A reopened request was by definition not solved the first time.
        solved = rng.random() < (0.15 if reopened else 0.94 if csat >= 3 else 0.55)
        if csat >= 4:
            took = resolved - ticket["created_at"]
            quick = due is not None and took < (due - ticket["created_at"]) / 2
            weights = (45 if quick else 30, 22, 28, 15)
        else:
            weights = (30, 5, 30, 35)
        tone = "bad" if csat <= 2 else ("ok" if csat == 3 else "good")
        wants_comment = rng.random() < {"bad": 0.65, "ok": 0.45, "good": 0.36}[tone]
        return {
            "csat": csat,
            "csat_also": csat if rng.random() < 0.92 else None,
            "nps": self.nps_decks[csat].draw(),
            "solved": solved if rng.random() < 0.88 else None,
            "mattered": (
                rng.choices(demo.MATTERED_MOST, weights)[0] if rng.random() < 0.78 else None
            ),
            "comment": self._comment(ticket, tone) if wants_comment else "",
        }

    def _comment(self, ticket: dict, tone: str) -> str:
        rng = self.rng
        language = ticket["requester__employee__language"] or "en"
        if language != "en" and rng.random() < 0.65:
            return rng.choice(demo.SURVEY_COMMENTS[language][tone])
        pool = demo.SURVEY_COMMENTS["en"][tone] + demo.DEPARTMENT_COMMENTS.get(
            ticket["department__prefix"], {}
        ).get(tone, [])
        return rng.choice(pool)

    @staticmethod
    def _answer_rows(
        questions: list[Question], answers: dict
    ) -> list[tuple[Question, int | None, str]]:
        """(question, number, text) as response_submit stores them; unanswered ones left out."""
        rows = []
        for question in questions:
            if question.kind == Kind.CSAT:
                value = answers["csat"] if question.is_headline else answers["csat_also"]
            elif question.kind == Kind.NPS:
                value = answers["nps"]
            elif question.kind == Kind.YES_NO:
                value = None if answers["solved"] is None else int(answers["solved"])
            elif question.kind == Kind.CHOICE:
                mattered = answers["mattered"]
                value = mattered if mattered in question.choices else None
            else:
                value = answers["comment"] or None
            if value is None:
                continue
            if question.kind in (Kind.CHOICE, Kind.TEXT):
                rows.append((question, None, value))
            else:
                rows.append((question, value, ""))
        return rows

    @staticmethod
    def _raw(rows: list[tuple[Question, int | None, str]]) -> dict[int, str]:
        """The same answers as the answer form posts them."""
        raw = {}
        for question, number, text in rows:
            if question.kind == Kind.YES_NO:
                raw[question.pk] = "yes" if number else "no"
            else:
                raw[question.pk] = str(number) if number is not None else text
        return raw

    def _questions(self, invite: _Invite) -> list[Question]:
        return self.questions[(invite.survey.pk, invite.version_number)]

    def _headline(self, invite: _Invite) -> tuple[str, int | None]:
        questions = self._questions(invite)
        headline = next(q for q in questions if q.is_headline)
        score = next(
            (n for q, n, _t in self._answer_rows(questions, invite.answers) if q is headline),
            None,
        )
        return headline.kind, score

    # Special cases for the demo --------------------------------------------------------------
    def _waiting_for_the_demo_employee(self, invites: list[_Invite]):
        """The demo employee's two newest surveys wait in "Surveys waiting for you".

        The older ones they answered within a day, so the list stays short.
        """
        employee = self.seeder.users["employee"].pk
        theirs = sorted(
            (
                i
                for i in invites
                if i.ticket["requester_id"] == employee
                and i.status != InvitationStatus.CANCELLED
                and i.expires_at > self.now
            ),
            key=lambda i: i.sent_at,
            reverse=True,
        )
        for invite in theirs[:2]:
            self._still_open(invite)
        for invite in theirs[2:]:
            if invite.status in Invitation.ANSWERABLE_STATUSES:
                hours = self.rng.uniform(0.1, 20)
                answered_at = min(invite.sent_at + timedelta(hours=hours), self.now)
                self._answered(invite, answered_at, self._remind_at(invite))

    def _failed_deliveries(self, invites: list[_Invite]):
        """Two invitations the SMTP relay kept refusing some days ago: the delivery monitor."""
        employee = self.seeder.users["employee"].pk
        candidates = [
            i
            for i in invites
            if i.status != InvitationStatus.CANCELLED
            and i.ticket["requester_id"] != employee
            and self.now - timedelta(days=10) < i.cycle.resolved_at < self.now - timedelta(days=2)
        ]
        if len(candidates) < 2:
            return
        first = self.rng.randrange(len(candidates) - 1)
        attempts = settings.ICSAT_SURVEY_MAX_ATTEMPTS
        backoff = settings.ICSAT_SURVEY_BACKOFF_SECONDS
        for invite, error in zip(
            candidates[first : first + 2], demo.SURVEY_DELIVERY_ERRORS, strict=False
        ):
            # Attempt n waits backoff × 2^(n-1) after attempt n-1.
            last = invite.sent_at + timedelta(seconds=backoff * (2 ** (attempts - 1) - 1))
            invite.status = InvitationStatus.FAILED
            invite.attempts = attempts
            invite.last_error = error
            invite.claimed_at = last
            invite.retry_after = last + timedelta(seconds=backoff * 2 ** (attempts - 1))
            invite.sent_at = invite.reminded_at = invite.answered_at = invite.answers = None

    def _answer_through_the_service(self, invites: list[_Invite]) -> _Invite | None:
        """The first IT answer goes through response_submit, as the answer form sends it."""
        it = self.surveys["it"]
        proof = min(
            (
                i
                for i in invites
                if i.survey == it
                and i.version_number == 1
                and i.answers is not None
                and i.answered_at < self.v2_at
                and not is_low_score(Kind.NPS, i.answers["nps"])
            ),
            key=lambda i: i.answered_at,
            default=None,
        )
        if proof is None:
            return None
        invitation = self._invitation(proof)
        # Answerable now, so that the service accepts it; its history is restored below.
        invitation.status = InvitationStatus.SENT
        invitation.reminded_at = invitation.answered_at = None
        invitation.expires_at = timezone.now() + timedelta(hours=1)
        invitation.save()
        last_event = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        version = self.versions[(it.pk, 1)]
        rows = self._answer_rows(self._questions(proof), proof.answers)
        response = response_submit(
            invitation_id=invitation.pk, raw_answers=self._raw(rows), revision=version.revision
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=proof.status,
            created_at=proof.cycle.resolved_at,
            reminded_at=proof.reminded_at,
            reminder_token_hash=_random_hash() if proof.reminded_at else "",
            answered_at=proof.answered_at,
            expires_at=proof.expires_at,
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=proof.answered_at)
        TicketEvent.objects.filter(pk__gt=last_event or 0).update(created_at=proof.answered_at)
        proof.invitation = invitation
        return proof

    # Rows --------------------------------------------------------------------------------------
    def _invitation(self, invite: _Invite) -> Invitation:
        ticket = invite.ticket
        return Invitation(
            ticket_id=ticket["pk"],
            survey=invite.survey,
            version=self.versions[(invite.survey.pk, invite.version_number)],
            recipient_id=ticket["requester_id"],
            department_id=ticket["department_id"],
            agent_id=invite.cycle.agent_id,
            token_hash=_random_hash(),
            reminder_token_hash=_random_hash() if invite.reminded_at else "",
            status=invite.status,
            send_after=invite.retry_after or invite.send_after,
            claimed_at=invite.claimed_at,
            sent_at=invite.sent_at,
            reminded_at=invite.reminded_at,
            answered_at=invite.answered_at,
            expires_at=invite.expires_at,
            attempts=invite.attempts,
            last_error=invite.last_error,
            created_at=invite.cycle.resolved_at,
        )

    def _create_invitations(self, invites: list[_Invite]):
        for invite in invites:
            invite.invitation = self._invitation(invite)
        with _given_timestamps((Invitation, "created_at")):
            Invitation.objects.bulk_create([i.invitation for i in invites], batch_size=500)

    def _create_responses(self, invites: list[_Invite]) -> list[tuple[_Invite, Response]]:
        """Responses with the dimensions response_submit denormalises, and their answers."""
        pairs = []
        for invite in invites:
            ticket, invitation = invite.ticket, invite.invitation
            questions = self._questions(invite)
            kind, score = self._headline(invite)
            rows = self._answer_rows(questions, invite.answers)
            comment = next((t for q, _n, t in rows if q.kind == Kind.TEXT), "")
            resolved = ticket["resolved_at"]
            response = Response(
                invitation=invitation,
                version=invitation.version,
                submitted_at=invite.answered_at,
                headline_kind=kind,
                headline_score=score,
                comment=comment,
                anonymous=invite.survey.anonymous,
                department_id=invitation.department_id,
                request_type_id=ticket["request_type_id"],
                agent_id=invitation.agent_id,
                customer_department_id=ticket["customer_department_id"],
                resolution_seconds=int((resolved - ticket["created_at"]).total_seconds()),
                sla_met=resolved <= ticket["due_at"] if ticket["due_at"] else None,
                reopened=ticket["reopen_count"] > 0,
            )
            pairs.append((invite, response))
        with _given_timestamps((Response, "submitted_at")):
            Response.objects.bulk_create([r for _i, r in pairs], batch_size=500)
        Answer.objects.bulk_create(
            (
                Answer(response=response, question=question, number=number, text=text)
                for invite, response in pairs
                for question, number, text in self._answer_rows(
                    self._questions(invite), invite.answers
                )
            ),
            batch_size=500,
        )
        return pairs

    @staticmethod
    def _score_text(kind: str, score: int | None) -> str:
        if score is None:
            return gettext("no score given")
        return f"{score}/{5 if kind == Kind.CSAT else 10}"

    def _scheduled_event(self, invite: _Invite) -> TicketEvent:
        """What the resolve hook writes on the ticket's audit trail."""
        when = timezone.localtime(invite.send_after).strftime("%d.%m.%Y %H:%M")
        return TicketEvent(
            ticket_id=invite.ticket["pk"],
            kind=TicketEvent.Kind.SURVEY,
            body=gettext("Satisfaction survey “%(survey)s” will be sent on %(when)s.")
            % {"survey": invite.survey.name, "when": when},
            is_internal=True,
            data={"survey": invite.survey.pk, "invitation": invite.invitation.pk},
            created_at=invite.cycle.resolved_at,
        )

    def _answered_event(self, invite: _Invite, response: Response) -> TicketEvent:
        """What response_submit writes on the ticket's audit trail (not for anonymous surveys)."""
        score = self._score_text(response.headline_kind, response.headline_score)
        body = gettext("The requester answered the satisfaction survey: %(score)s.") % {
            "score": score
        }
        return TicketEvent(
            ticket_id=invite.ticket["pk"],
            kind=TicketEvent.Kind.SURVEY,
            body=body + (f"\n\n{response.comment}" if response.comment else ""),
            is_internal=True,
            data={"response": response.pk, "score": response.headline_score},
            created_at=invite.answered_at,
        )

    def _notify_leads(self, responses: list[tuple[_Invite, Response]]):
        """A low score tells the department's leads; they have read all but the newest ones."""
        leads: dict[int, list[int]] = {}
        for department_id, user_id in Membership.objects.filter(
            role=Membership.Role.LEAD
        ).values_list("department_id", "user_id"):
            leads.setdefault(department_id, []).append(user_id)
        notes: dict[int, list[Notification]] = {}
        for invite, response in responses:
            if not is_low_score(response.headline_kind, response.headline_score):
                continue
            ticket = invite.ticket
            score = self._score_text(response.headline_kind, response.headline_score)
            if response.anonymous:
                text = gettext(
                    "A low satisfaction score (%(score)s) was given to %(department)s."
                ) % {
                    "score": score,
                    "department": ticket["department__name"],
                }
            else:
                text = gettext("%(reference)s got a low satisfaction score (%(score)s).") % {
                    "reference": ticket["reference"],
                    "score": score,
                }
            for user_id in leads.get(ticket["department_id"], []):
                notes.setdefault(user_id, []).append(
                    Notification(
                        user_id=user_id,
                        ticket_id=None if response.anonymous else ticket["pk"],
                        text=text[:300],
                        created_at=invite.answered_at,
                    )
                )
        recent = self.now - timedelta(days=30)
        for user_notes in notes.values():
            user_notes.sort(key=lambda n: n.created_at)
            for i, note in enumerate(user_notes):
                # Unread: the newest two, if they came in the last 30 days.
                if i >= len(user_notes) - 2 and note.created_at > recent:
                    continue
                read = note.created_at + timedelta(hours=self.rng.uniform(0.3, 30))
                note.read_at = min(read, self.now)
        with _given_timestamps((Notification, "created_at")):
            Notification.objects.bulk_create(
                [n for user_notes in notes.values() for n in user_notes], batch_size=500
            )


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo company: six departments, their people, six "
        "months of requests and their satisfaction surveys. Does nothing when the demo data "
        "is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip quietly (instead of failing) when the database already has other data.",
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print the demo logins (with the password when DEBUG is on).",
        )

    def handle(self, *args, if_empty=False, print_logins=False, verbosity=1, **options):
        if print_logins:
            self._print_logins()
            return
        if get_user_model().objects.filter(username=demo.MARKER_USERNAME).exists():
            self.stdout.write("demo data already present")
            return
        in_the_way = self._existing_data()
        if in_the_way:
            if if_empty:
                if verbosity:
                    self.stdout.write(f"No demo data added: {in_the_way}.")
                return
            raise CommandError(f"{in_the_way}; seed_demo only fills an empty database.")
        started = time.monotonic()
        with _no_mail(), _no_survey_hooks(), transaction.atomic():
            _Seeder(now=timezone.now()).run()
        if verbosity:
            self._summary(time.monotonic() - started)

    def _existing_data(self) -> str:
        """What in the database would clash with the demo, or an empty string."""
        usernames = [person.username for person in demo.PEOPLE]
        taken = sorted(
            get_user_model()
            .objects.filter(username__in=usernames)
            .values_list("username", flat=True)
        )
        if taken:
            return f"the database already has the users {', '.join(taken)}"
        if Department.objects.exists() or Ticket.objects.exists():
            return "the database already has departments"
        if Survey.objects.exists():
            return "the database already has surveys"
        return ""

    def _summary(self, seconds: float):
        counts = Counter(
            Ticket.objects.filter(kind=Ticket.Kind.REQUEST).values_list(
                "department__prefix", "status"
            )
        )
        statuses = list(Status.values)
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data created in {seconds:.1f} s."))
        write(f"{'':6}" + "".join(f"{s:>10}" for s in statuses) + f"{'total':>8}")
        for spec in demo.DEPARTMENTS:
            row = [counts[(spec["prefix"], s)] for s in statuses]
            write(f"{spec['prefix']:6}" + "".join(f"{n:>10}" for n in row) + f"{sum(row):>8}")
        handoffs = Ticket.objects.filter(kind=Ticket.Kind.HANDOFF).count()
        overdue = Ticket.objects.filter(
            status__in=Ticket.ACTIVE_STATUSES, due_at__lt=timezone.now()
        ).count()
        write(
            f"{Ticket.objects.count()} tickets ({handoffs} file handoffs, {overdue} overdue), "
            f"{TicketEvent.objects.count()} events, {Attachment.objects.count()} files, "
            f"{get_user_model().objects.count()} people."
        )
        self._survey_summary()
        write("Logins: python manage.py seed_demo --print-logins")

    def _survey_summary(self):
        write = self.stdout.write
        statuses = Counter(Invitation.objects.values_list("status", flat=True))
        by_status = ", ".join(f"{statuses[s]} {s}" for s in InvitationStatus.values if statuses[s])
        write(
            f"{Survey.objects.count()} surveys ({SurveyVersion.objects.count()} versions), "
            f"{sum(statuses.values())} invitations ({by_status}), "
            f"{Notification.objects.filter(read_at__isnull=True).count()} unread notifications."
        )
        rows = Response.objects.values_list("department__prefix", "headline_kind", "headline_score")
        per_department: dict[str, list[tuple[str, int]]] = {}
        for prefix, kind, score in rows:
            per_department.setdefault(prefix, []).append((kind, score))
        parts = []
        for spec in demo.DEPARTMENTS:
            scores = per_department.get(spec["prefix"], [])
            if not scores:
                continue
            if scores[0][0] == Kind.NPS:
                promoters = sum(s >= 9 for _k, s in scores)
                detractors = sum(s <= 6 for _k, s in scores)
                headline = f"NPS {round(100 * (promoters - detractors) / len(scores)):+d}"
            else:
                headline = f"CSAT {round(100 * sum(s >= 4 for _k, s in scores) / len(scores))} %"
            parts.append(f"{spec['prefix']} {len(scores)} ({headline})")
        write(f"{len(rows)} survey responses: " + ", ".join(parts) + ".")

    def _print_logins(self):
        write = self.stdout.write
        write("Demo logins:")
        width = max(len(role) for role, _username in demo.DEMO_LOGINS)
        for role, username in demo.DEMO_LOGINS:
            write(f"  {role:<{width}}  {username}")
        write(f"  {demo.DEMO_LOGINS_NOTE}")
        if settings.DEBUG:
            write(f"Password for every demo login: {demo.DEMO_PASSWORD}")
        else:
            write("The demo password is shown only when DEBUG is on.")
