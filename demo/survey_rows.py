"""The rows the survey pipeline leaves behind, written directly in their final state.

Invitations, responses with their answers, the audit-trail lines on tickets and
the notifications for leads, each as the pipeline's own code would write it.
"""

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from demo.clock import given_timestamps
from demo.opinions import answer_rows, headline
from requests_app.models import Membership, TicketEvent
from requests_app.phrases import phrase
from surveys.dimensions import response_dimensions
from surveys.models import (
    Answer,
    Invitation,
    Notification,
    Question,
    Response,
    Survey,
    SurveyVersion,
)
from surveys.services.invitations import survey_scheduled_phrase
from surveys.services.responses import ANSWERED, LOW_SCORE, is_low_score, score_phrase

InvitationStatus = Invitation.Status
Kind = Question.Kind


@dataclass
class Cycle:
    """One resolution of a ticket, from its resolve to the reopen that ended it (if any)."""

    ticket_id: int
    resolved_at: datetime
    agent_id: int | None
    reopened_at: datetime | None = None


@dataclass
class Invite:
    """What the survey pipeline made of one resolution, in its final state."""

    cycle: Cycle
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


class Versions:
    """The survey versions invitations point at, with their questions in order."""

    def __init__(self):
        self._versions: dict[tuple[int, int], SurveyVersion] = {}  # (survey, number)
        self._questions: dict[tuple[int, int], list[Question]] = {}

    def remember(self, version: SurveyVersion):
        key = (version.survey_id, version.number)
        self._versions[key] = version
        self._questions[key] = list(version.questions.order_by("position", "pk"))

    def version(self, invite: Invite) -> SurveyVersion:
        return self._versions[(invite.survey.pk, invite.version_number)]

    def questions(self, invite: Invite) -> list[Question]:
        return self._questions[(invite.survey.pk, invite.version_number)]


def random_hash() -> str:
    """A SHA-256 like a token's, of random bytes: no link exists for it."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def invitation_row(invite: Invite, versions: Versions) -> Invitation:
    ticket = invite.ticket
    return Invitation(
        ticket_id=ticket["pk"],
        survey=invite.survey,
        version=versions.version(invite),
        recipient_id=ticket["requester_id"],
        department_id=ticket["department_id"],
        agent_id=invite.cycle.agent_id,
        token_hash=random_hash(),
        reminder_token_hash=random_hash() if invite.reminded_at else "",
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


def invitations_create(invites: list[Invite], versions: Versions) -> None:
    for invite in invites:
        invite.invitation = invitation_row(invite, versions)
    with given_timestamps((Invitation, "created_at")):
        Invitation.objects.bulk_create([i.invitation for i in invites], batch_size=500)


def responses_create(invites: list[Invite], versions: Versions) -> list[tuple[Invite, Response]]:
    """Responses with the dimensions response_submit denormalises, and their answers."""
    pairs = []
    for invite in invites:
        ticket, invitation = invite.ticket, invite.invitation
        questions = versions.questions(invite)
        kind, score = headline(questions, invite.answers)
        rows = answer_rows(questions, invite.answers)
        comment = next((t for q, _n, t in rows if q.kind == Kind.TEXT), "")
        response = Response(
            invitation=invitation,
            version=invitation.version,
            submitted_at=invite.answered_at,
            headline_kind=kind,
            headline_score=score,
            comment=comment,
            anonymous=invite.survey.anonymous,
            **response_dimensions(SimpleNamespace(**ticket), invitation),
        )
        pairs.append((invite, response))
    with given_timestamps((Response, "submitted_at")):
        Response.objects.bulk_create([r for _i, r in pairs], batch_size=500)
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=question, number=number, text=text)
            for invite, response in pairs
            for question, number, text in answer_rows(versions.questions(invite), invite.answers)
        ),
        batch_size=500,
    )
    return pairs


def scheduled_event(invite: Invite) -> TicketEvent:
    """What the resolve hook writes on the ticket's audit trail."""
    return TicketEvent(
        ticket_id=invite.ticket["pk"],
        kind=TicketEvent.Kind.SURVEY,
        is_internal=True,
        data={
            "survey": invite.survey.pk,
            "invitation": invite.invitation.pk,
            "phrase": survey_scheduled_phrase(invite.survey, invite.send_after),
        },
        created_at=invite.cycle.resolved_at,
    )


def answered_event(invite: Invite, response: Response) -> TicketEvent:
    """What response_submit writes on the ticket's audit trail (not for anonymous surveys)."""
    score = score_phrase(response.headline_kind, response.headline_score)
    return TicketEvent(
        ticket_id=invite.ticket["pk"],
        kind=TicketEvent.Kind.SURVEY,
        body=response.comment,
        is_internal=True,
        data={
            "response": response.pk,
            "score": response.headline_score,
            "phrase": phrase(ANSWERED, score=score),
        },
        created_at=invite.answered_at,
    )


def leads_notify(
    responses: list[tuple[Invite, Response]], *, now: datetime, rng: random.Random
) -> None:
    """A low score of a named survey tells the department's leads; they have read all but
    the newest ones. Anonymous low scores reach leads only in the weekly digest (as in
    surveys.services.responses: an alert's time would point at the ticket)."""
    leads: dict[int, list[int]] = {}
    for department_id, user_id in Membership.objects.filter(role=Membership.Role.LEAD).values_list(
        "department_id", "user_id"
    ):
        leads.setdefault(department_id, []).append(user_id)
    notes: dict[int, list[Notification]] = {}
    for invite, response in responses:
        if response.anonymous or not is_low_score(response.headline_kind, response.headline_score):
            continue
        ticket = invite.ticket
        said = phrase(
            LOW_SCORE,
            reference=ticket["reference"],
            score=score_phrase(response.headline_kind, response.headline_score),
        )
        for user_id in leads.get(ticket["department_id"], []):
            notes.setdefault(user_id, []).append(
                Notification(
                    user_id=user_id,
                    ticket_id=ticket["pk"],
                    phrase=said,
                    created_at=invite.answered_at,
                )
            )
    recent = now - timedelta(days=30)
    for user_notes in notes.values():
        user_notes.sort(key=lambda n: n.created_at)
        for i, note in enumerate(user_notes):
            # Unread: the newest two, if they came in the last 30 days.
            if i >= len(user_notes) - 2 and note.created_at > recent:
                continue
            read = note.created_at + timedelta(hours=rng.uniform(0.3, 30))
            note.read_at = min(read, now)
    with given_timestamps((Notification, "created_at")):
        Notification.objects.bulk_create(
            [n for user_notes in notes.values() for n in user_notes], batch_size=500
        )
