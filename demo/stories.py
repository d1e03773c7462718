"""What happens to each demo ticket: planned ahead as service calls at simulated moments.

Nothing here touches the database; demo.tickets replays the plans through
the services in the order the story happened.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from demo import data as demo
from demo.clock import Calendar
from demo.files import extra_file, upload
from demo.forms import fill, form_answers
from demo.people import Company
from requests_app.models import Department, Ticket
from requests_app.services import tickets as ticket_services

Status = Ticket.Status


@dataclass
class Step:
    """One service call on the ticket (its id is passed in) at a simulated moment."""

    at: datetime
    service: Callable
    kwargs: dict

    def run(self, ticket_id: int):
        return self.service(ticket_id=ticket_id, **self.kwargs)


@dataclass
class Plan:
    """One ticket: when and how it is filed, and what happens to it after, in order."""

    at: datetime
    create: Callable[[], Ticket]
    kind: str
    requester: AbstractUser
    # The department that works a request; a handoff goes to a person.
    department: Department | None
    steps: list[Step] = field(default_factory=list)


class Stories:
    """The plans for every demo ticket.

    The draws from rng, in their order, make the data: the same seed and date
    give the same tickets.
    """

    def __init__(self, *, company: Company, calendar: Calendar, rng: random.Random):
        self.company = company
        self.calendar = calendar
        self.rng = rng
        self.now = calendar.now

    def plans(self) -> list[Plan]:
        """Every ticket's plan, in the order they are filed."""
        rng = self.rng
        department_weights = [d["weight"] for d in demo.DEPARTMENTS]
        drafts = []
        for _ in range(demo.REQUEST_TICKETS):
            department = rng.choices(demo.DEPARTMENTS, department_weights)[0]
            types = department["types"]
            type_spec = rng.choices(types, [t["weight"] for t in types])[0]
            drafts.append((self.calendar.filed_at(), department, type_spec))
        drafts.sort(key=lambda draft: draft[0])
        plans = []
        for i, (created, department, type_spec) in enumerate(drafts):
            recent = self.now - created < timedelta(days=2)
            # Nobody has looked at the newest requests yet.
            untouched = i >= len(drafts) - 3 or (recent and rng.random() < 0.25)
            plans.append(self._request(created, department, type_spec, untouched=untouched))
        for _ in range(demo.HANDOFF_TICKETS):
            plans.append(self._handoff(self.calendar.filed_at()))
        plans.sort(key=lambda plan: plan.at)
        return plans

    def _priority(self, data: dict) -> str:
        if str(data.get("urgency", "")).startswith("High"):
            return Ticket.Priority.HIGH
        roll = self.rng.random()
        if roll < 0.15:
            return Ticket.Priority.LOW
        return Ticket.Priority.HIGH if roll > 0.82 else Ticket.Priority.NORMAL

    def _request(self, created, department: dict, type_spec: dict, *, untouched) -> Plan:
        rng = self.rng
        prefix = department["prefix"]
        requester = self.company.requester(prefix, type_spec, rng=rng)
        agent = self.company.worker(prefix, rng=rng)
        entry = rng.choice(type_spec["titles"])
        template, overrides = (entry, {}) if isinstance(entry, str) else entry
        # The title names form answers, so the answers come first; file contents
        # mention the title, so they get the template's fixed words.
        data, field_files, words = form_answers(
            type_spec, created, overrides, requester, fill(template, overrides), rng=rng
        )
        words |= {"first": requester.first_name, "agent": agent.first_name}
        title = fill(template, words)[:200]
        description = fill(rng.choice(type_spec["details"]), words)
        priority = self._priority(data)
        files = []
        if rng.random() < 0.08:
            files.append(extra_file(prefix, about=title, person=requester, moment=created, rng=rng))
        create = lambda: ticket_services.ticket_create(  # noqa: E731
            requester=requester,
            request_type=self.company.request_types[(prefix, type_spec["slug"])],
            title=title,
            description=description,
            data=data,
            priority=priority,
            files=files,
            field_files=field_files,
        )
        plan = Plan(
            at=created,
            create=create,
            kind=Ticket.Kind.REQUEST,
            requester=requester,
            department=self.company.departments[prefix],
        )
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
        """What happens to a request after it is filed, in order."""
        rng, later, minutes = self.rng, self.calendar.later, self.calendar.minutes
        prefix = department["prefix"]
        sla = type_spec["sla_hours"]
        lead = self.company.leads[prefix]
        steps = []

        def add(moment, service, **kwargs):
            steps.append(Step(moment, service, kwargs))

        def say(texts):
            return fill(rng.choice(texts), words)

        svc = ticket_services
        cancelled = rng.random() < 0.06
        if cancelled and rng.random() < 0.5:
            add(
                later(created, 0.3, 30, work=False),
                svc.ticket_cancel,
                actor=requester,
                reason=say(demo.CANCEL_REASONS),
            )
            return steps

        # Picked up: claimed by an agent, or handed out by the lead.
        t = self.calendar.working(created + timedelta(hours=max(0.1, sla * rng.uniform(0.03, 0.3))))
        if agent is not lead and rng.random() < 0.3:
            add(t, svc.ticket_assign, actor=lead, assignee=agent)
        else:
            add(t, svc.ticket_claim, actor=agent)
        if rng.random() < 0.8:
            t = minutes(t, 1, 25)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.FIRST_REPLIES))
        if rng.random() < 0.3:
            t = later(t, 0.2, 6)
            add(t, svc.ticket_reply, actor=agent, body=say(department["notes"]), internal=True)

        # Waiting on the requester for more information.
        if rng.random() < 0.35:
            t = later(t, 0.1, 8)
            add(t, svc.ticket_reply, actor=agent, body=say(department["questions"]))
            t = minutes(t, 1, 3)
            add(t, svc.ticket_set_status, actor=agent, status=Status.WAITING)
            if rng.random() < 0.85:
                t = later(t, 0.5, 60, work=rng.random() < 0.8)
                files = []
                if rng.random() < 0.25:
                    files.append(
                        extra_file(prefix, about=title, person=requester, moment=t, rng=rng)
                    )
                add(
                    t,
                    svc.ticket_reply,
                    actor=requester,
                    body=say(demo.REQUESTER_ANSWERS),
                    files=files,
                )
            elif cancelled:
                add(
                    later(t, 24, 120, work=False),
                    svc.ticket_cancel,
                    actor=requester,
                    reason=say(demo.CANCEL_REASONS),
                )
                return steps
            else:
                add(
                    later(t, 24 * 5, 24 * 9),
                    svc.ticket_resolve,
                    actor=agent,
                    note=demo.NO_REPLY_RESOLUTION,
                )
                return steps

        if cancelled:
            add(
                later(t, 2, 72, work=False),
                svc.ticket_cancel,
                actor=requester,
                reason=say(demo.CANCEL_REASONS),
            )
            return steps
        if rng.random() < 0.12:
            t = later(t, 12, 72, work=False)
            add(t, svc.ticket_reply, actor=requester, body=say(demo.REQUESTER_CHASERS))
        if rng.random() < 0.2:
            t = later(t, 1, 24)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.FOLLOW_UPS))
        agent_file = type_spec.get("agent_file")
        if agent_file and rng.random() < agent_file[0]:
            t = later(t, 0.5, 12)
            attached = upload(
                agent_file[1],
                agent_file[2],
                about=title,
                person=requester,
                day=timezone.localdate(t),
                rng=rng,
            )
            body = say(demo.AGENT_FILE_REPLIES)
            add(t, svc.ticket_reply, actor=agent, body=body, files=[attached])
        elif rng.random() < 0.03:
            t = later(t, 0.5, 12)
            attached = extra_file(prefix, about=title, person=agent, moment=t, rng=rng)
            body = say(demo.AGENT_FILE_REPLIES)
            add(t, svc.ticket_reply, actor=agent, body=body, files=[attached])

        # Resolved, mostly within the SLA; some forgotten for a while.
        late = rng.random() < 0.12
        share = rng.uniform(1.2, 3.0) if late else rng.uniform(0.25, 1.0)
        t = self.calendar.working(max(created + timedelta(hours=sla * share), minutes(t, 10, 90)))
        add(t, svc.ticket_resolve, actor=agent, note=say(type_spec["resolutions"]))
        if rng.random() < 0.07:
            window_hours = 24 * min(4, department["reopen_days"] - 1)
            t = later(t, 3, window_hours, work=False)
            add(t, svc.ticket_reopen, actor=requester, reason=say(demo.REOPEN_REASONS))
            t = later(t, 0.5, 20)
            add(t, svc.ticket_reply, actor=agent, body=say(demo.REOPEN_REPLIES))
            t = later(t, 2, 48)
            add(t, svc.ticket_resolve, actor=agent, note=say(type_spec["resolutions"]))
        if rng.random() < 0.15:
            t = later(t, 0.3, 20, work=False)
            add(t, svc.ticket_reply, actor=requester, body=say(demo.THANKS))
        return steps

    def _handoff(self, created) -> Plan:
        """Files sent to a named colleague, who mostly answers and resolves it."""
        rng = self.rng
        colleagues = [
            self.company.users[p.username]
            for p in demo.PEOPLE
            if p.department and not p.is_associate and not p.superuser
        ]
        requester = rng.choice(colleagues)
        colleague = rng.choice([c for c in colleagues if c is not requester])
        title, message, files = rng.choice(demo.HANDOFFS)
        words = {"first": requester.first_name, "colleague": colleague.first_name}
        day = timezone.localdate(created)
        uploads = [
            upload(kind, name, about=title, person=requester, day=day, rng=rng)
            for kind, name in files
        ]
        create = lambda: ticket_services.handoff_create(  # noqa: E731
            requester=requester,
            colleague=colleague,
            title=title,
            message=fill(message, words),
            files=uploads,
        )
        plan = Plan(
            at=created,
            create=create,
            kind=Ticket.Kind.HANDOFF,
            requester=requester,
            department=None,
        )
        if rng.random() < 0.85:
            t = self.calendar.later(created, 0.2, 20)
            body = fill(rng.choice(demo.HANDOFF_REPLIES), words)
            plan.steps.append(
                Step(t, ticket_services.ticket_reply, {"actor": colleague, "body": body})
            )
            if rng.random() < 0.85:
                t = self.calendar.later(t, 0.2, 30)
                note = rng.choice(demo.HANDOFF_RESOLUTIONS)
                plan.steps.append(
                    Step(t, ticket_services.ticket_resolve, {"actor": colleague, "note": note})
                )
        return plan
