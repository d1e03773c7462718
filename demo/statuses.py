"""Every ticket status on show in the demo, whatever the day it is seeded.

Which requests are, say, waiting on their requester at the moment of seeding
depends on the date, and on some dates none is. Then the story that was in
that status most recently stops there instead: the rest of it has not happened
yet. This is decided on the plans, before anything is written, and draws
nothing at random: a date on which every status occurs anyway gets the same
data as without it, and a date always gets the same data.
"""

from collections import Counter
from datetime import datetime

from django.contrib.auth.models import AbstractUser

from demo.stories import Plan, Step
from demo.tickets import close_run_after
from requests_app.models import Ticket
from requests_app.services import tickets as ticket_services

Status = Ticket.Status


def statuses_ensure(plans: list[Plan], *, now: datetime) -> None:
    """Cut request stories short so that at least one request ends in each status.

    Changes only the steps of plans, and only when a status would be missing.
    Raises when no request is ever in a status before now.
    """
    requests = [plan for plan in plans if plan.kind == Ticket.Kind.REQUEST]
    trails = [_trail(plan, now=now) for plan in requests]
    ends = Counter(trail[-1][1] for trail in trails)
    for status in Status.values:
        if ends[status]:
            continue
        # Only a request whose own end status another request shares may change.
        candidates = [
            (moment, i, kept)
            for i, trail in enumerate(trails)
            if ends[trail[-1][1]] > 1
            for kept, (moment, reached) in enumerate(trail)
            if reached == status
        ]
        if not candidates:
            raise RuntimeError(f"seed_demo: no demo request is ever {status}")
        _moment, i, kept = max(candidates)
        ends[trails[i][-1][1]] -= 1
        ends[status] += 1
        del requests[i].steps[kept:]
        trails[i] = trails[i][: kept + 1]


def statuses_check() -> None:
    """Raise unless some request is in each status (after the history is written)."""
    present = set(
        Ticket.objects.filter(kind=Ticket.Kind.REQUEST).values_list("status", flat=True).distinct()
    )
    missing = [status for status in Status.values if status not in present]
    if missing:
        raise RuntimeError(f"seed_demo: no demo request is {', '.join(missing)}")


def _trail(plan: Plan, *, now: datetime) -> list[tuple[datetime, str]]:
    """For each number of steps kept (0, 1, ...): its last moment and the status now.

    Only the steps before now count, as only they are replayed. A resolved
    request counts as closed once the close task has run for it by now.
    """
    status, resolved_at = Status.NEW, None
    trail = [(plan.at, status)]
    for step in plan.steps:
        if step.at >= now:
            break
        status = _status_after(status, step, requester=plan.requester)
        if step.service is ticket_services.ticket_resolve:
            resolved_at = step.at
        if status != Status.RESOLVED:
            trail.append((step.at, status))
        elif close_run_after(resolved_at, plan.department.reopen_days) <= now:
            trail.append((step.at, Status.CLOSED))
        else:
            trail.append((step.at, Status.RESOLVED))
    return trail


def _status_after(status: str, step: Step, *, requester: AbstractUser) -> str:
    """The status a step leaves the request in, by the rules of the ticket services."""
    svc = ticket_services
    if step.service is svc.ticket_cancel:
        return Status.CANCELLED
    if step.service is svc.ticket_resolve:
        return Status.RESOLVED
    if step.service is svc.ticket_reopen:
        return Status.OPEN
    if step.service is svc.ticket_set_status:
        return step.kwargs["status"]
    if step.service in (svc.ticket_assign, svc.ticket_claim):
        return Status.OPEN if status == Status.NEW else status
    if step.service is svc.ticket_reply:
        if step.kwargs.get("internal"):
            return status
        if step.kwargs["actor"].pk == requester.pk:
            # The requester answering a question puts the request back to work.
            return Status.OPEN if status == Status.WAITING else status
        return Status.OPEN if status == Status.NEW else status
    raise ValueError(f"seed_demo: no status rule for {step.service.__name__}")
