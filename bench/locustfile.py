"""The people of the load test (bench/load.py), as locust users; run by locust, not imported.

Each user signs in through the login page (CSRF token from the form, the session in its
cookie jar) and then repeats a journey with think times between the pages. The plan
(usernames, departments, where survey links wait, think times, weights) is a JSON file
that bench/load.py writes and names in ``ICSAT_LOAD_PLAN``; every request is recorded
(start, page, milliseconds, outcome) and written to the plan's ``samples`` path when
locust quits. Requests are named by page, never by URL, so the figures are per page.

Locust monkeypatches the standard library with gevent on import: this file runs only in
locust's own process.
"""

import json
import os
import random
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import redis
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["ICSAT_LOAD_PLAN"]) as _plan:
    PLAN = json.load(_plan)
THINK = between(*PLAN["think_seconds"])
RANGES = ("30d", "90d", "12m")
TICKET_LINK = re.compile(r'href="/t/([A-Z]+-\d+)/"')
TYPE_LINK = re.compile(r'href="(/requests/new/[\w-]+/[\w-]+/)"')
REFUSAL = re.compile(
    r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', re.S
)
# A small attachment, accepted by requests_app.uploads (text, checked by its bytes).
ATTACHMENT = ("load-test-note.txt", b"A note attached by the load test.\n" * 20, "text/plain")

SAMPLES: list[list] = []
MARKS: dict[str, float] = {}
USERS: dict[str, int] = {}


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, context=None, **kw):
    error = "" if exception is None else str(exception)[:300]
    request_id = (context or {}).get("request_id", "")
    SAMPLES.append(
        [start_time or time.time(), name, request_type, response_time, error, request_id]
    )


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    MARKS.setdefault("spawned", time.time())


@events.test_start.add_listener
def _started(**kwargs):
    MARKS.setdefault("started", time.time())


@events.quitting.add_listener
def _write(**kwargs):
    MARKS["stopped"] = time.time()
    with open(PLAN["samples"], "w") as out:
        json.dump({"marks": MARKS, "users": USERS, "samples": SAMPLES}, out)


# --- Forms -----------------------------------------------------------------------------
class _Forms(HTMLParser):
    """Every <form> of a page: its action and fields, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form["fields"].append(
                {
                    "tag": "input",
                    "type": (a.get("type") or "text").lower(),
                    "name": a.get("name"),
                    "value": a.get("value") or "",
                    "required": "required" in a,
                }
            )
        elif tag == "select":
            self._select = {"tag": "select", "name": a.get("name"), "options": []}
            self._select["required"] = "required" in a
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", "name": a.get("name"), "value": ""}
            self._textarea["required"] = "required" in a
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = self._option = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str = "", action_end: str = "") -> dict | None:
    for form in forms_of(html):
        names = {f.get("name") for f in form["fields"]}
        if field and field not in names:
            continue
        if action_end and not form["action"].endswith(action_end):
            continue
        return form
    return None


def _option_value(option: dict) -> str:
    return option["value"] if option["value"] is not None else option["text"].strip()


def fill_request_form(form: dict, rng: random.Random) -> tuple[list, list]:
    """(fields, files) of a filled-in request form: every required field, some optional."""
    fields, files, radios = [], [], {}
    for field in form["fields"]:
        name, tag = field.get("name"), field["tag"]
        if not name:
            continue
        wanted = field.get("required") or rng.random() < 0.5
        if tag == "select":
            options = [o for o in field["options"] if _option_value(o)]
            chosen = [o for o in options if o["selected"]]
            if chosen:
                fields.append((name, _option_value(chosen[0])))
            elif options and wanted:
                fields.append((name, _option_value(rng.choice(options))))
            continue
        if tag == "textarea":
            if name == "description" or wanted:
                fields.append((name, "Filed by the load test. " * rng.randint(1, 5)))
            continue
        kind = field["type"]
        if kind in ("submit", "button", "reset"):
            continue
        if kind == "hidden":
            fields.append((name, field["value"]))
        elif kind == "file":
            if name == "files" or field["required"]:
                files.append((name, ATTACHMENT))
        elif kind == "radio":
            radios.setdefault(name, []).append(field["value"])
        elif kind == "checkbox":
            if field["required"] or rng.random() < 0.3:
                fields.append((name, field["value"] or "on"))
        elif name == "title":
            fields.append((name, f"Load test request {uuid.uuid4().hex[:8]}"))
        elif kind == "number":
            fields.append((name, str(rng.randint(1, 20))))
        elif kind == "date":
            day = datetime.now(UTC).date() + timedelta(days=rng.randint(7, 60))
            fields.append((name, day.isoformat()))
        elif kind == "email":
            fields.append((name, "someone@icsat.example"))
        elif field["value"]:
            fields.append((name, field["value"]))
        elif wanted:
            fields.append((name, "Oslo B2, 3rd floor"))
    for name, values in radios.items():
        fields.append((name, rng.choice(values)))
    return fields, files


def multipart(fields: list, files: list) -> tuple[bytes, str]:
    boundary = "----icsat-load-" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def fill_survey(form: dict, rng: random.Random) -> list:
    """A valid answer: a score for every scale, most other questions, a comment sometimes."""
    fields, radios = [], {}
    for field in form["fields"]:
        name = field.get("name")
        if not name:
            continue
        if field["tag"] == "textarea":
            if rng.random() < 0.2:
                fields.append((name, "Answered by the load test."))
        elif field.get("type") == "hidden":
            fields.append((name, field["value"]))
        elif field.get("type") == "radio":
            radios.setdefault(name, {"values": [], "required": False})
            radios[name]["values"].append(field["value"])
            radios[name]["required"] |= field["required"]
    for name, group in radios.items():
        if group["required"] or rng.random() < 0.7:
            fields.append((name, rng.choice(group["values"])))
    return fields


# --- Users ---------------------------------------------------------------------------------
def _refusal(html: str) -> str:
    """What a page that refused a form says about it (for the error report)."""
    found = REFUSAL.findall(html or "")
    return "; ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found)[:200]


class _Person(FastHttpUser):
    abstract = True
    wait_time = THINK
    # A slow page is a slow page, not a dropped connection: well above any expected wait.
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self):
        self.rng = random.Random()
        self.first_journey = True
        USERS[type(self).__name__] = USERS.get(type(self).__name__, 0) + 1

    @task
    def _one_journey(self):
        self.journey()
        self.first_journey = False

    def journey(self):
        raise NotImplementedError

    def fetch(self, name, path, *, expect=(200,), method="GET", **kwargs):
        """One request named by page; any other status than expected is an error."""
        kwargs.setdefault("allow_redirects", False)
        # The page's name and the request's id go to gunicorn's access log too: its own time
        # per request, so the wait for a free worker is known request by request.
        request_id = uuid.uuid4().hex
        kwargs["headers"] = {
            **kwargs.get("headers", {}),
            "X-Load-Page": name,
            "X-Load-Request": request_id,
        }
        kwargs["context"] = {"request_id": request_id}
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as r:
            if r.status_code in expect:
                r.success()
            else:
                why = _refusal(r.text) if r.status_code in (200, 400, 409) else ""
                r.failure(
                    f"HTTP {r.status_code} (expected {'/'.join(map(str, expect))})"
                    + (f": {why}" if why else "")
                )
            return r

    def post_form(self, name, path, fields, *, files=(), expect=(302,)):
        if files:
            body, content_type = multipart(fields, list(files))
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type}
        return self.fetch(name, path, method="POST", data=body, expect=expect, headers=headers)

    def sign_in(self, username):
        page = self.fetch("login page", "/accounts/login/")
        form = form_with(page.text or "", field="csrfmiddlewaretoken")
        if form is None:
            return
        fields = [(f["name"], f["value"]) for f in form["fields"] if f.get("type") == "hidden"]
        fields += [("username", username), ("password", PLAN["password"])]
        answer = self.post_form("sign-in POST", "/accounts/login/", fields)
        if answer.status_code == 302:
            self.fetch("home", answer.headers.get("location") or "/")

    def think(self):
        self.wait()


class Employee(_Person):
    """Reads their own requests and one request's page; files a request with a file sometimes."""

    weight = PLAN["weights"]["employee"]

    def on_start(self):
        super().on_start()
        self.sign_in(self.rng.choice(PLAN["employees"]))

    def journey(self):
        listing = self.fetch("my requests", "/requests/mine/")
        refs = TICKET_LINK.findall(listing.text or "")
        if refs:
            self.think()
            self.fetch("ticket page (requester)", f"/t/{self.rng.choice(refs)}/")
        if self.first_journey or self.rng.random() < PLAN["file_share"]:
            self.think()
            self.file_request()

    def file_request(self):
        self.fetch("new request: departments", "/requests/new/")
        self.think()
        departments = PLAN["departments"]
        department = self.rng.choices(departments, weights=[d["weight"] for d in departments])[0]
        page = self.fetch("new request: types", f"/requests/new/{department['slug']}/")
        types = TYPE_LINK.findall(page.text or "")
        if not types:
            return
        self.think()
        path = self.rng.choice(types)
        page = self.fetch("new request form", path)
        form = form_with(page.text or "", field="submission_key")
        if form is None:
            return
        self.think()
        fields, files = fill_request_form(form, self.rng)
        answer = self.post_form("new request POST", path, fields, files=files)
        if answer.status_code == 302:
            self.fetch("ticket page (requester)", answer.headers.get("location"))


class Agent(_Person):
    """Works a department's queue: the newest tickets, opens one and resolves it."""

    weight = PLAN["weights"]["agent"]

    def on_start(self):
        super().on_start()
        staffed = [d for d in PLAN["departments"] if d["agents"]]
        departments = [d for d in staffed if d["agent_weight"]] or staffed
        weights = [d["agent_weight"] or d["weight"] for d in departments]
        self.department = self.rng.choices(departments, weights=weights)[0]
        self.sign_in(self.rng.choice(self.department["agents"]))

    def journey(self):
        slug = self.department["slug"]
        queue = self.fetch("agent queue", f"/queue/{slug}/?sort=newest")
        refs = TICKET_LINK.findall(queue.text or "")
        if not refs:
            return
        self.think()
        path = f"/t/{self.rng.choice(refs[:10])}/"
        page = self.fetch("ticket page (agent)", path)
        form = form_with(page.text or "", action_end="/resolve/")
        if form is None:
            return
        self.think()
        fields = [(f["name"], f["value"]) for f in form["fields"] if f.get("type") == "hidden"]
        fields.append(("note", "Resolved during the load test."))
        answer = self.post_form("resolve POST", form["action"], fields)
        if answer.status_code == 302:
            self.fetch("ticket page (agent)", answer.headers.get("location"))


class SurveyRecipient(_Person):
    """Answers a survey from its e-mail link (no sign-in: the link is the key)."""

    weight = PLAN["weights"]["survey"]

    def on_start(self):
        super().on_start()
        self.links = redis.Redis.from_url(PLAN["redis_url"])

    def journey(self):
        popped = self.links.blpop([PLAN["links_key"]], timeout=2)
        if popped is None:
            return  # no survey e-mail has arrived yet
        path = popped[1].decode()
        page = self.fetch("survey page", path)
        form = form_with(page.text or "", field="revision")
        if form is None:
            return
        self.think()
        answer = self.post_form("survey answer POST", path, fill_survey(form, self.rng))
        if answer.status_code == 302:
            self.fetch("survey thanks", answer.headers.get("location") or path)


class DepartmentLead(_Person):
    """Reads their department's dashboard over a period, and exports it as CSV sometimes."""

    weight = PLAN["weights"]["lead"]

    def on_start(self):
        super().on_start()
        self.department = self.rng.choice(PLAN["departments"])
        self.sign_in(self.department["lead"])

    def journey(self):
        query = urlencode({"range": self.rng.choice(RANGES)})
        base = f"/surveys/dashboard/{self.department['slug']}/"
        self.fetch("department dashboard", f"{base}?{query}")
        if self.first_journey or self.rng.random() < PLAN["export_share"]:
            self.think()
            self.fetch("department dashboard CSV", f"{base}export.csv?{query}")


class HrAdmin(_Person):
    """Reads the organisation view over a period."""

    weight = PLAN["weights"]["hr"]

    def on_start(self):
        super().on_start()
        self.sign_in(self.rng.choice(PLAN["hr_admins"]))

    def journey(self):
        query = urlencode({"range": self.rng.choice(RANGES)})
        self.fetch("organisation view", f"/surveys/dashboard/?{query}")
