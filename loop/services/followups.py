"""Follow-ups of low scores: opened by the answer, worked by the department's people.

States: open → contacted → closed (with an outcome); open → closed only with "no action"
and its why (fixed or explained means someone spoke with the requester); closed → open
again (or contacted, where a contact was recorded) when it needs more work. Each change
locks the row, returns early when it is already done, and writes an internal event on the
request's timeline so the history survives a reopen. Follow-ups are not tickets: no
e-mail, no survey.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from requests_app.exceptions import InvalidTransition, NotAllowed, TicketError
from requests_app.models import Membership
from requests_app.phrases import phrase
from requests_app.services.timeline import ticket_log_event
from requests_app.zones import site_today
from surveys.models import Response
from surveys.services.responses import is_low_score

from ..models import FollowUp
from ..permissions import can_work_follow_up

Status = FollowUp.Status
Outcome = FollowUp.Outcome

# A note of the contact is a line or two ("Called her; the laptop arrived on Monday."),
# the why of an outcome a short paragraph.
CONTACT_NOTE_MAX = 1000
OUTCOME_NOTE_MAX = 2000


class FollowUpRefused(TicketError):
    """A follow-up change refused with a message for the person who tried."""

    default_message = _("That change could not be made to this follow-up.")


def follow_up_open_for(response: Response) -> FollowUp | None:
    """A follow-up for a named survey's low headline score, owned by the agent who
    resolved the request while they are still in the department; none for anonymous
    answers or other scores. Runs inside the answer's transaction (surveys' hook).

    One per response: a request reopened and answered low again gets a second follow-up
    for the second answer (the first keeps its own state); running twice for the same
    response returns the first one."""
    if response.anonymous or not is_low_score(response.headline_kind, response.headline_score):
        return None
    existing = FollowUp.objects.filter(response=response).first()
    if existing is not None:
        return existing
    owner_id = response.agent_id
    if (
        owner_id is not None
        and not Membership.objects.filter(
            user_id=owner_id, department_id=response.department_id, user__is_active=True
        ).exists()
    ):
        owner_id = None
    # The site's day, as the lists count ages and overdue (not the answering person's).
    today = site_today()
    return FollowUp.objects.create(
        response=response,
        department_id=response.department_id,
        ticket_id=response.invitation.ticket_id,
        owner_id=owner_id,
        due_on=today + timedelta(days=settings.ICSAT_FOLLOW_UP_DAYS),
    )


def _lock(follow_up_id: int, actor) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=follow_up_id)
    )
    if not can_work_follow_up(actor, follow_up):
        raise NotAllowed()
    return follow_up


def _name(user) -> str:
    return user.get_full_name() or user.username


def _log(follow_up: FollowUp, actor, note: dict, body: str = "") -> None:
    """An internal event on the request's timeline: the department's agents see the
    follow-up's history there; the requester never does."""
    ticket_log_event(
        ticket_id=follow_up.ticket_id,
        note=note,
        body=body,
        data={"follow_up": follow_up.pk, "status": follow_up.status},
        internal=True,
        actor=actor,
    )


ASSIGNED = gettext_noop("Follow-up of the low score given to %(name)s.")
CONTACTED = gettext_noop("Follow-up of the low score: the requester was contacted.")
CLOSED = gettext_noop("Follow-up of the low score closed: %(outcome)s.")
REOPENED = gettext_noop("Follow-up of the low score reopened.")
OUTCOME_WORDS = {
    Outcome.FIXED: gettext_noop("Fixed"),
    Outcome.EXPLAINED: gettext_noop("Explained"),
    Outcome.NO_ACTION: gettext_noop("No action"),
}


@transaction.atomic
def follow_up_assign(*, follow_up_id: int, actor, owner_id: int) -> FollowUp:
    """Give the follow-up to a member of its department.

    Anyone who may work it may hand it on (a lead, an HR admin, its owner). A closed
    follow-up keeps the owner it was closed by. Safe to run twice."""
    follow_up = _lock(follow_up_id, actor)
    if follow_up.owner_id == owner_id:
        return follow_up
    if follow_up.status == Status.CLOSED:
        raise InvalidTransition(_("This follow-up is closed; reopen it to change its owner."))
    membership = (
        Membership.objects.filter(
            user_id=owner_id, department_id=follow_up.department_id, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise FollowUpRefused(_("Choose a member of the department as the owner."))
    follow_up.owner = membership.user
    follow_up.save(update_fields=["owner"])
    _log(follow_up, actor, phrase(ASSIGNED, name=_name(membership.user)))
    return follow_up


@transaction.atomic
def follow_up_mark_contacted(*, follow_up_id: int, actor, note: str) -> FollowUp:
    """Record that the requester was contacted, with a short note of how.

    Open → contacted. Sending the same note again changes nothing (a double click);
    a closed follow-up must be reopened first."""
    note = (note or "").strip()
    follow_up = _lock(follow_up_id, actor)
    if follow_up.status == Status.CONTACTED and follow_up.contact_note == note:
        return follow_up
    if follow_up.status != Status.OPEN:
        raise InvalidTransition(
            _("This follow-up is already marked contacted; close it with an outcome.")
            if follow_up.status == Status.CONTACTED
            else _("This follow-up is closed; reopen it first.")
        )
    if not note:
        raise FollowUpRefused(_("Say in a few words how you contacted the requester."))
    if len(note) > CONTACT_NOTE_MAX:
        raise FollowUpRefused(
            _("Keep the note of the contact under %(n)s characters.") % {"n": CONTACT_NOTE_MAX}
        )
    follow_up.status = Status.CONTACTED
    follow_up.contact_note = note
    follow_up.contacted_at = timezone.now()
    follow_up.save(update_fields=["status", "contact_note", "contacted_at"])
    _log(follow_up, actor, phrase(CONTACTED), body=note)
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up_id: int, actor, outcome: str, note: str = "") -> FollowUp:
    """Close the follow-up with its outcome: fixed, explained, or no action and why.

    Fixed and explained need the requester contacted first; no action may close an open
    one (the person left, the score was a slip) but never without its why. Closing again
    with the same outcome changes nothing."""
    note = (note or "").strip()
    if outcome not in Outcome.values:
        raise FollowUpRefused(_("Choose an outcome."))
    follow_up = _lock(follow_up_id, actor)
    if follow_up.status == Status.CLOSED:
        if follow_up.outcome == outcome and follow_up.outcome_note == note:
            return follow_up
        raise InvalidTransition(_("This follow-up is already closed; reopen it to change it."))
    if outcome == Outcome.NO_ACTION and not note:
        raise FollowUpRefused(_("Say why no action is taken."))
    if outcome != Outcome.NO_ACTION and follow_up.status != Status.CONTACTED:
        raise InvalidTransition(_("Contact the requester before closing as fixed or explained."))
    if len(note) > OUTCOME_NOTE_MAX:
        raise FollowUpRefused(_("Keep the why under %(n)s characters.") % {"n": OUTCOME_NOTE_MAX})
    follow_up.status = Status.CLOSED
    follow_up.outcome = outcome
    follow_up.outcome_note = note
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
    _log(
        follow_up,
        actor,
        phrase(CLOSED, outcome=phrase(OUTCOME_WORDS[Outcome(outcome)])),
        body=note,
    )
    return follow_up


@transaction.atomic
def follow_up_reopen(*, follow_up_id: int, actor) -> FollowUp:
    """Open a closed follow-up again: back to contacted where a contact was recorded,
    else open. The outcome is cleared (the timeline keeps it); the due date stays, so a
    late follow-up is still late. An open one is returned unchanged."""
    follow_up = _lock(follow_up_id, actor)
    if follow_up.status != Status.CLOSED:
        return follow_up
    follow_up.status = Status.CONTACTED if follow_up.contacted_at else Status.OPEN
    follow_up.outcome = ""
    follow_up.outcome_note = ""
    follow_up.closed_at = None
    follow_up.closed_by = None
    follow_up.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
    _log(follow_up, actor, phrase(REOPENED))
    return follow_up
