"""The curious reader: every CSV a lead can download for one period, combined, recovers no
hidden figure.

For generated departments (random sizes, several request types, one or two surveys, named
and anonymous, CSAT and NPS headlines, groups below the minimum), the test downloads the
dashboard's CSV for every request type × survey version filter the lead can choose, reads
every figure they show, and then solves, as an integer program, for the lowest and
highest value each hidden figure can take given all of them at once: totals minus shown
rows, filtered views minus the unfiltered one, every breakdown and the trend against the
headline. It is even told each group's true number of answers, which anonymous pages hide.
A hidden figure is recovered when its lowest and highest possible values are equal.

The one thing it may learn is what a shown group says of everyone in it: when a shown
group answered unanimously (all satisfied, all detractors), each smaller group inside it
answered so too, including a group whose answers the counts place inside such groups.
Those are not counted as recovered.

Mutation check: with secondary suppression turned off, the same reader recovers some.
"""

import csv
import io
import itertools
import random
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, milp

from insights.buckets import RESOLUTION_BUCKETS
from insights.disclosure import search as disclosure_search
from insights.services.rebuild import rollups_rebuild
from requests_app.models import Ticket
from surveys.models import Answer, Invitation, Response
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
PERIOD = {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}
FEBRUARY = datetime(2026, 2, 1, tzinfo=OSLO)
JANUARY = datetime(2026, 1, 4, tzinfo=OSLO)  # the previous period: 4–31 January
TOTAL = "*"
NPS_QUESTIONS = [
    {"kind": "nps_0_10", "text": "Would you recommend us?", "required": True, "is_headline": True},
    {"kind": "text", "text": "Anything else?"},
]
CSAT_QUESTIONS = [
    {"kind": "csat_1_5", "text": "How satisfied are you?", "required": True, "is_headline": True},
    {"kind": "text", "text": "Anything else?"},
]
RESOLUTION_SECONDS = [3600, 8 * 3600, 2 * 86400, 5 * 86400]  # one per dashboard bucket
FAMILIES = ("customer", "agent", "resolution", "sla", "trend")
_numbers = itertools.count(1)


class Department:
    """A generated department: its people, types, surveys and every response's attributes."""

    def __init__(self, rng: random.Random, index: int):
        self.index = index
        self.it = factories.DepartmentFactory(
            name=f"Provider {index}", slug=f"provider-{index}", prefix=f"P{index}"
        )
        self.lead = factories.lead(self.it, username=f"lead-{index}")
        self.types = [
            factories.RequestTypeFactory(department=self.it, name=f"Type {index}.{i}")
            for i in range(rng.randint(2, 4))
        ]
        self.agents = [
            factories.agent(self.it, first_name=f"Agent{index}", last_name=f"N{i}")
            for i in range(rng.randint(2, 4))
        ]
        self.customers = [
            factories.DepartmentFactory(
                name=f"Customer {index}.{i}", slug=f"c{index}-{i}", prefix=f"C{index}{i}"
            )
            for i in range(rng.randint(2, 3))
        ]
        self.requester = factories.employee()
        anonymous = rng.random() < 0.5
        self.versions = []
        for number, kind in enumerate(rng.sample(["csat", "nps"], rng.randint(1, 2))):
            survey = factories.survey(
                name=f"Survey {index}.{number}",
                questions=NPS_QUESTIONS if kind == "nps" else CSAT_QUESTIONS,
                is_default=False,
                anonymous=anonymous,
            )
            self.versions.append((survey.versions.get(), kind))
        self.responses = []
        for request_type in self.types:
            version, kind = rng.choice(self.versions)
            size = rng.choice([1, 2, 3, 4, 6, 9, 14, 20])
            for _ in range(size):
                self.answer(rng, request_type, version, kind, FEBRUARY)
            for _ in range(rng.choice([0, 2, 7])):
                self.answer(rng, request_type, version, kind, JANUARY)

    def answer(self, rng, request_type, version, kind, month_start):
        score = rng.randint(0, 10) if kind == "nps" else rng.choice([1, 2, 3, 4, 4, 5, 5])
        at = month_start + timedelta(days=rng.randint(0, 26), hours=rng.randint(8, 16))
        resolution = rng.choice([*RESOLUTION_SECONDS, None])
        sla = rng.choice([True, False, None])
        agent = rng.choice(self.agents)
        customer = rng.choice(self.customers)
        ticket = Ticket.objects.create(
            reference=f"{self.it.prefix}-{next(_numbers):06d}",
            requester=self.requester,
            customer_department=customer,
            department=self.it,
            request_type=request_type,
            title="Need help",
        )
        invitation = Invitation.objects.create(
            ticket=ticket,
            survey=version.survey,
            version=version,
            recipient=self.requester,
            department=self.it,
            agent=agent,
            status=Invitation.Status.ANSWERED,
            send_after=at - timedelta(hours=1),
            sent_at=at - timedelta(hours=1),
            answered_at=at,
        )
        question = version.questions.get(is_headline=True)
        response = Response.objects.create(
            invitation=invitation,
            version=version,
            headline_kind=question.kind,
            headline_score=score,
            anonymous=version.survey.anonymous,
            department=self.it,
            request_type=request_type,
            agent=agent,
            customer_department=customer,
            resolution_seconds=resolution,
            sla_met=sla,
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=at)
        Answer.objects.create(response=response, question=question, number=score)
        self.responses.append(
            {
                "type": request_type.pk,
                "version": version.pk,
                "kind": kind,
                "score": score,
                "customer": customer.pk,
                "agent": agent.pk,
                "resolution": None if resolution is None else bucket_index(resolution),
                "sla": None if sla is None else int(sla),
                "day": at.date(),
                "current": month_start == FEBRUARY,
            }
        )


def bucket_index(seconds: int) -> int:
    return next(
        index
        for index, (_key, _label, _low, high) in enumerate(RESOLUTION_BUCKETS)
        if high is None or seconds < high
    )


# ---------------------------------------------------------------- reading the CSVs


def download(client, department: Department, request_type=None, version=None) -> list[list[str]]:
    params = dict(PERIOD)
    if request_type is not None:
        params["request_type"] = request_type
    if version is not None:
        params["version"] = version
    url = reverse("insights:department_dashboard_csv", args=[department.it.slug])
    response = client.get(url, params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sections(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """Tables of the CSV by their heading: tiles under "Figure", the rest under their title."""
    out, current = {}, None
    for row in rows:
        if not row or not any(row):
            current = None
        elif current is None and len(row) > 1 and row[1] in ("Responses", "Unit"):
            current = row[0]
            out[current] = []
        elif current is not None:
            out[current].append(row)
    return out


def read_figure(text: str, kind: str) -> int | None:
    """The shown percentage or NPS (a plain whole number in the CSV), None when the figure
    is withheld (an empty cell)."""
    if not text:
        return None
    value = float(text)
    assert value.is_integer(), f"{kind} with more precision than the page shows: {text!r}"
    return int(value)


class Reader:
    """Everything the CSVs say, as constraints on each group's count of good answers
    (CSAT: answers of 4–5) or net promoters (NPS)."""

    def __init__(self, department: Department):
        self.department = department
        self.shown: list[tuple[str, tuple, str, int]] = []  # family, cell, measure, figure
        self.hidden: set[tuple[str, tuple, str]] = set()
        labels = {
            "customer": {c.name: c.pk for c in department.customers},
            "agent": {f"{a.first_name} {a.last_name}": a.pk for a in department.agents},
            "resolution": {
                str(label): index for index, (_k, label, _l, _h) in enumerate(RESOLUTION_BUCKETS)
            },
            "sla": {"SLA met": 1, "SLA missed": 0},
            "type": {t.name: t.pk for t in department.types},
        }
        self.labels = labels

    def read(self, rows, request_type, version) -> None:
        view_t = TOTAL if request_type is None else request_type
        view_v = TOTAL if version is None else version
        found = sections(rows)
        tiles = {row[0]: row for row in found["Figure"]}
        columns = {"csat": "CSAT (%)", "nps": "NPS"}
        for measure, label in (("csat", "CSAT (answers of 4–5)"), ("nps", "NPS (−100 to +100)")):
            if label in tiles:
                self.note("headline", (view_t, view_v), measure, tiles[label][2])
                self.note("previous", (view_t, view_v), measure, tiles[label][3])
        titles = {
            "By request type": "type",
            "By customer department": "customer",
            "By agent": "agent",
            "By time to resolve": "resolution",
            "By SLA": "sla",
        }
        header = {}
        for row in rows:
            if len(row) > 1 and row[1] == "Responses":
                header[row[0]] = row[2:]
        for title, family in titles.items():
            for row in found.get(title, []):
                key = self.labels[family][row[0]]
                for measure, label in columns.items():
                    if label in header[title]:
                        text = row[2 + header[title].index(label)]
                        if family == "type":
                            self.note("headline", (key, view_v), measure, text)
                        else:
                            self.note(family, (view_t, view_v, key), measure, text)
        for position, row in enumerate(found.get("Trend", [])):
            for measure, label in columns.items():
                if label in header["Trend"]:
                    text = row[2 + header["Trend"].index(label)]
                    self.note("trend", (view_t, view_v, position), measure, text)

    def note(self, family, cell, measure, text):
        figure = read_figure(text, measure)
        if figure is None:
            self.hidden.add((family, cell, measure))
        else:
            self.shown.append((family, cell, measure, figure))


# ---------------------------------------------------------------- solving


def attack(department: Department, reader: Reader) -> list[tuple]:
    """Every hidden figure whose lowest and highest possible values coincide."""
    recovered = []
    for measure in ("csat", "nps"):
        rows = [r for r in department.responses if r["kind"] == measure]
        if not rows:
            continue
        recovered += _attack_measure(department, reader, measure, rows)
    return recovered


def _value(row, measure) -> int:
    if measure == "csat":
        return int(row["score"] >= 4)
    return 1 if row["score"] >= 9 else -1 if row["score"] <= 6 else 0


def _atoms_of(row, family):
    """The atom (smallest cell) a response falls in, per family; None: not in that family."""
    base = (row["type"], row["version"])
    if family in ("headline", "previous"):
        return base
    if family == "trend":
        return (*base, row["trend"])
    value = row[family]
    return (*base, "none" if value is None else value)


def _contains(cell, atom) -> bool:
    return all(c in (TOTAL, a) for c, a in zip(cell, atom, strict=True))


def _attack_measure(department, reader, measure, rows):
    # Variables: one integer per atom of each family (true n known to the reader).
    variables: dict[tuple, int] = {}
    n_of: dict[tuple, int] = defaultdict(int)
    truth: dict[tuple, int] = defaultdict(int)
    for row in rows:
        families = ("previous",) if not row["current"] else ("headline", *FAMILIES)
        for family in families:
            atom = (family, _atoms_of(row, family))
            variables.setdefault(atom, len(variables))
            n_of[atom] += 1
            truth[atom] += _value(row, measure)
    size = len(variables)
    low_bound = np.array([0 if measure == "csat" else -n_of[a] for a in variables], float)
    high_bound = np.array([n_of[a] for a in variables], float)
    matrix, lows, highs = [], [], []

    def atoms_in(family, cell):
        return [
            index
            for (fam, atom), index in variables.items()
            if fam == family and _contains(cell, atom)
        ]

    # each family's atoms of a type and version add up to that group's headline atom
    for family in FAMILIES:
        for (fam, atom), index in variables.items():
            if fam != "headline":
                continue
            coefficients = np.zeros(size)
            coefficients[index] = -1
            for member in atoms_in(family, (*atom, TOTAL)):
                coefficients[member] = 1
            matrix.append(coefficients)
            lows.append(0)
            highs.append(0)
    # every figure shown: the rounded percentage or NPS bounds the group's sum
    for family, cell, shown_measure, figure in reader.shown:
        if shown_measure != measure:
            continue
        members = atoms_in(family, cell)
        n = sum(n_of[a] for a in variables if a[0] == family and _contains(cell, a[1]))
        if not members or not n:
            continue
        coefficients = np.zeros(size)
        coefficients[members] = 1
        matrix.append(coefficients)
        lows.append(n * (figure - 0.5) / 100 - 1e-9)
        highs.append(n * (figure + 0.5) / 100 + 1e-9)
    constraints = LinearConstraint(np.array(matrix), lows, highs) if matrix else None

    def extreme(target, sense):
        result = milp(
            sense * target,
            integrality=np.ones(size),
            bounds=Bounds(low_bound, high_bound),
            constraints=constraints,
        )
        assert result.status == 0, result.message  # the truth is always feasible
        return sense * result.fun

    recovered = []
    for family, cell, hidden_measure in sorted(reader.hidden, key=str):
        if hidden_measure != measure:
            continue
        members = atoms_in(family, cell)
        if not members:
            continue
        if _told_by_unanimous_group(reader, variables, n_of, truth, family, cell, measure):
            continue
        target = np.zeros(size)
        target[members] = 1
        if extreme(target, 1) == extreme(target, -1):
            recovered.append((family, cell, measure))
    return recovered


def _told_by_unanimous_group(reader, variables, n_of, truth, family, cell, measure) -> bool:
    """Is every answer of this hidden group inside shown groups whose answers were all
    alike, and alike the same way? Then its value is what those shown figures say of
    everyone in them (the counts tell the reader which groups hold its answers)."""
    inside = [a for a in variables if a[0] == family and n_of[a] and _contains(cell, a[1])]
    extremes = set()
    for _fam, atom in inside:
        extreme = _shown_unanimous_around(reader, variables, n_of, truth, family, atom, measure)
        if extreme is None:
            return False
        extremes.add(extreme)
    return len(extremes) == 1


def _shown_unanimous_around(reader, variables, n_of, truth, family, atom, measure):
    """ "low" or "high" when a shown unanimous group holds ``atom``, else None."""
    for shown_family, shown_cell, shown_measure, _figure in reader.shown:
        if shown_measure != measure:
            continue
        if shown_family == family:
            inner = atom
        elif shown_family == "headline" and family in FAMILIES:
            inner = atom[:2]
        else:
            continue
        if not _contains(shown_cell, inner):
            continue
        atoms = [a for a in variables if a[0] == shown_family and _contains(shown_cell, a[1])]
        n = sum(n_of[a] for a in atoms)
        total = sum(truth[a] for a in atoms)
        if n and total == (0 if measure == "csat" else -n):
            return "low"
        if n and total == n:
            return "high"
    return None


# ---------------------------------------------------------------- the test


def reach_everything(client, department: Department) -> Reader:
    """Download every view the lead can choose for the period and read it."""
    client.force_login(department.lead)
    reader = Reader(department)
    first = download(client, department)
    trend_rows = sections(first)["Trend"]
    department.trend_positions = _trend_positions(trend_rows)
    for row in department.responses:
        if row["current"]:
            row["trend"] = department.trend_positions[row["day"]]
    types = [None, *(t.pk for t in department.types)]
    versions = [None, *(v.pk for v, _kind in department.versions)]
    for request_type, version in itertools.product(types, versions):
        reader.read(download(client, department, request_type, version), request_type, version)
    return reader


def _trend_positions(trend_rows) -> dict:
    """Day → row of the trend, from the row labels ("week of 2 Feb 2026", "February 2026")."""
    days = [FEBRUARY.date() + timedelta(days=i) for i in range(28)]
    labels = [row[0] for row in trend_rows]
    if labels[0].startswith("week of"):
        monday = FEBRUARY.date() - timedelta(days=FEBRUARY.date().weekday())
        return {day: (day - monday).days // 7 for day in days}
    return dict.fromkeys(days, 0)


def generated_departments(seed: int, count: int) -> list[Department]:
    rng = random.Random(seed)
    departments = [Department(rng, index) for index in range(count)]
    rollups_rebuild()
    return departments


SEEDS = [11, 29]


@pytest.mark.parametrize("seed", SEEDS)
def test_curious_reader_recovers_no_hidden_figure(client, seed):
    departments = generated_departments(seed, 4)
    hidden_total = 0
    for department in departments:
        reader = reach_everything(client, department)
        hidden_total += len(reader.hidden)
        assert attack(department, reader) == [], f"recovered in {department.it.name}"
    assert hidden_total > 0  # the data had small groups to protect


def test_curious_reader_recovers_some_without_secondary_suppression(client, monkeypatch):
    monkeypatch.setattr(disclosure_search, "_cover", lambda *args, **kwargs: None)
    recovered = []
    for department in generated_departments(SEEDS[0], 4):
        recovered += attack(department, reach_everything(client, department))
    assert recovered, "the reader should subtract its way to a small group's figure"


def test_anonymous_breakdowns_show_no_small_count(client):
    rng = random.Random(5)
    department = None
    while department is None or not department.versions[0][0].survey.anonymous:
        department = Department(rng, next(_numbers))
    rollups_rebuild()
    client.force_login(department.lead)
    types = [None, *(t.pk for t in department.types)]
    for request_type in types:
        found = sections(download(client, department, request_type))
        for title, rows in found.items():
            if title in ("Figure",):
                continue
            for row in rows:
                if len(row) > 1 and row[1].isdigit():
                    assert int(row[1]) == 0 or int(row[1]) >= 5, (title, row)
