"""Six months of survey invitations: one per resolution, and what became of it by now."""

import random
from datetime import datetime, timedelta

from django.conf import settings

from demo import data as demo
from demo.opinions import Opinions
from demo.survey_rows import Cycle, Invite
from requests_app.models import Ticket, TicketEvent
from surveys.models import Invitation, Survey

InvitationStatus = Invitation.Status


def resolution_cycles() -> tuple[list[Cycle], dict[int, dict]]:
    """Every resolution in the ticket history, oldest first, and its ticket by id."""
    cycles, current = [], {}
    rows = (
        TicketEvent.objects.filter(kind__in=[TicketEvent.Kind.RESOLVED, TicketEvent.Kind.REOPENED])
        .order_by("ticket_id", "created_at", "pk")
        .values_list("ticket_id", "kind", "actor_id", "created_at")
    )
    for ticket_id, kind, actor_id, at in rows:
        if kind == TicketEvent.Kind.RESOLVED:
            current[ticket_id] = Cycle(ticket_id, at, actor_id)
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


class Pipeline:
    """What the survey pipeline made of each resolution by now, decided ahead.

    Sent by the dispatcher, reminded by the reminder task, answered, expired, or
    withdrawn by a reopen; nothing is left pending for a worker.
    """

    def __init__(
        self, *, rng: random.Random, now: datetime, opinions: Opinions, demo_employee_id: int
    ):
        self.rng = rng
        self.now = now
        self.opinions = opinions
        self.demo_employee_id = demo_employee_id

    def invite(self, cycle: Cycle, ticket: dict, survey: Survey, *, version_number: int) -> Invite:
        rng, now = self.rng, self.now
        send_after = cycle.resolved_at + timedelta(minutes=survey.delay_minutes)
        # Beat's dispatcher runs every minute.
        sent_at = min(send_after + timedelta(seconds=rng.uniform(1, 59)), now)
        invite = Invite(
            cycle=cycle,
            ticket=ticket,
            survey=survey,
            version_number=version_number,
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

    def _answered(self, invite: Invite, answered_at: datetime, remind_at: datetime | None):
        invite.status = InvitationStatus.ANSWERED
        invite.answered_at = answered_at
        invite.reminded_at = remind_at if remind_at and remind_at < answered_at else None
        invite.answers = self.opinions.opinion(invite.ticket)

    def _remind_at(self, invite: Invite) -> datetime | None:
        hours = invite.survey.reminder_hours
        if not hours or invite.sent_at is None:
            return None
        # The reminder task runs every 15 minutes.
        return invite.sent_at + timedelta(hours=hours, minutes=self.rng.uniform(0, 15))

    def _still_open(self, invite: Invite):
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

    # Special cases for the demo --------------------------------------------------------------
    def waiting_for_the_demo_employee(self, invites: list[Invite]):
        """The demo employee's two newest surveys wait in "Surveys waiting for you".

        The older ones they answered within a day, so the list stays short.
        """
        theirs = sorted(
            (
                i
                for i in invites
                if i.ticket["requester_id"] == self.demo_employee_id
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

    def failed_deliveries(self, invites: list[Invite]):
        """Two invitations the SMTP relay kept refusing some days ago: the delivery monitor."""
        candidates = [
            i
            for i in invites
            if i.status != InvitationStatus.CANCELLED
            and i.ticket["requester_id"] != self.demo_employee_id
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
