"""insights learns of changes only through the apps' hooks: the counts they keep equal a
rebuild after every kind of change, a reopen takes its resolution back, ``suspended()``
silences every hook, and neither requests_app nor surveys imports insights."""

import ast
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from insights.buckets import (
    RESOLUTION_BOUNDS,
    RESOLUTION_BUCKETS,
    breakdown_bucket,
    bucket_bounds,
    resolution_bucket,
)
from insights.models import AnswerDay, InvitationDay, ResolutionDay, ResponseDay, TicketDay
from insights.services.rebuild import rollups_rebuild
from requests_app import hooks
from requests_app.services import tickets as ticket_svc
from surveys.models import Invitation
from surveys.services import invitations as invitation_svc
from tests import factories
from tests.insights.test_rollups import answer_through_services, snapshot

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
ROOT = Path(__file__).resolve().parents[2]
ROLLUPS = (TicketDay, ResolutionDay, ResponseDay, AnswerDay, InvitationDay)


def assert_equal_to_a_rebuild():
    kept = snapshot()
    rollups_rebuild()
    assert snapshot() == kept


def resolve_at(moment, ticket, agent, note, capture):
    """Resolve through the service at ``moment``, running what it sends after commit."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=agent, note=note)


def test_hooks_keep_the_rollups_equal_to_a_rebuild_after_each_change(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    factories.survey(departments=[request_type.department], delay_minutes=0)
    start = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    with time_machine.travel(start, tick=False):
        ticket = ticket_svc.ticket_create(requester=requester, request_type=request_type, title="x")
    assert_equal_to_a_rebuild()
    capture = django_capture_on_commit_callbacks
    resolve_at(start + timedelta(hours=5), ticket, it_agent, "Done", capture)
    assert_equal_to_a_rebuild()
    with time_machine.travel(start + timedelta(days=1), tick=False):
        ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="Again")
    assert_equal_to_a_rebuild()
    resolve_at(start + timedelta(days=2), ticket, it_agent, "Really done", capture)
    assert_equal_to_a_rebuild()
    invitation = Invitation.objects.exclude(status=Invitation.Status.CANCELLED).get(ticket=ticket)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        # The worker's turn after the resolve's commit sent it already; a second send is a no-op.
        invitation_svc.invitation_send(invitation_id=invitation.pk)
    assert_equal_to_a_rebuild()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    with time_machine.travel(start + timedelta(days=4), tick=False):
        answer_through_services(invitation, score=4, comment="Fine")
    assert_equal_to_a_rebuild()
    kept = snapshot()
    assert kept["ticket"] and kept["resolution"] and kept["response"] and kept["answer"]
    assert kept["invitation"]


def test_reopen_takes_back_the_counted_resolution(request_type, requester, it_agent):
    ticket = ticket_svc.ticket_create(requester=requester, request_type=request_type, title="x")
    ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Done")
    assert TicketDay.objects.get().resolved == 1
    assert histogram_totals() == {"day": 1, "week": 1}
    ticket_svc.ticket_reopen(ticket_id=ticket.pk, actor=requester, reason="Again")
    assert TicketDay.objects.get().resolved == 0
    assert TicketDay.objects.get().created == 1
    assert histogram_totals() == {"day": 0, "week": 0}


def histogram_totals() -> dict[str, int]:
    """Resolutions counted in the histogram's day rows and in its week rows."""
    totals = {"day": 0, "week": 0}
    for grain, tickets in ResolutionDay.objects.values_list("grain", "tickets"):
        totals[grain] += tickets
    return totals


def test_suspended_silences_the_survey_hooks_too(
    request_type, requester, it_agent, django_capture_on_commit_callbacks
):
    factories.survey(departments=[request_type.department], delay_minutes=0)
    ticket = ticket_svc.ticket_create(requester=requester, request_type=request_type, title="x")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_svc.ticket_resolve(ticket_id=ticket.pk, actor=it_agent, note="Done")
    invitation = Invitation.objects.get(ticket=ticket)
    before = snapshot()
    with hooks.suspended():
        other = ticket_svc.ticket_create(requester=requester, request_type=request_type, title="y")
        ticket_svc.ticket_resolve(ticket_id=other.pk, actor=it_agent, note="Done")
        invitation_svc.invitation_send(invitation_id=invitation.pk)
        invitation.refresh_from_db()
        answer_through_services(invitation, score=5)
    assert snapshot() == before
    # and after the block the hooks count again
    ticket_svc.ticket_create(requester=requester, request_type=request_type, title="z")
    assert sum(TicketDay.objects.values_list("created", flat=True)) == 2


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module":
            names.update(
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return names


@pytest.mark.parametrize("app", ["requests_app", "surveys"])
def test_app_never_imports_insights(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in _imported_modules(path)
            if name == "insights" or name.startswith("insights.")
        )
        for path in (ROOT / app).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_breakdown_buckets_are_runs_of_the_median_buckets():
    labels = [str(label) for _key, label, _low, _high in RESOLUTION_BUCKETS]
    assert labels == ["< 4 h", "4–24 h", "1–3 days", "> 3 days"]
    edges = [(low, high) for _key, _label, low, high in RESOLUTION_BUCKETS]
    assert edges == [(0, 4 * 3600), (4 * 3600, 86400), (86400, 3 * 86400), (3 * 86400, None)]
    for low, high in edges:
        assert low in RESOLUTION_BOUNDS
        assert high is None or high in RESOLUTION_BOUNDS
    # every fine bucket lies wholly inside one breakdown bucket
    for bucket in range(len(RESOLUTION_BOUNDS)):
        low, high = bucket_bounds(bucket)
        assert resolution_bucket(low) == bucket
        last = low if high is None else high - 1
        assert breakdown_bucket(low) == breakdown_bucket(last)
    for seconds, expected in ((0, 0), (14399, 0), (14400, 1), (86400, 2), (259200, 3)):
        assert breakdown_bucket(seconds) == expected
