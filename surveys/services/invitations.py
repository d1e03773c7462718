"""The survey pipeline: invite on resolve, send once, remind once, expire.

The Invitation row is the source of truth. A Celery message only says "look at
this row now"; a lost, duplicated or early message changes nothing, because
every step is a conditional UPDATE that only one caller can win.
"""

import logging
import random
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from audit.services import Kind as AuditKind
from audit.services import audit_record
from outbox import registry
from outbox.publishing import publish_on_commit
from outbox.services import (
    backoff,
    email_send,
    emails_cancel_for_owners,
    emails_queue,
    emails_queue_owned,
    emails_send,
    emails_send_soon,
    hand_out_due,
    lock_batch,
)
from requests_app.models import Ticket
from requests_app.phrases import Phrase, phrase
from requests_app.services.timeline import ticket_log_event

from .. import hooks
from ..models import Invitation, Survey
from ..selectors import survey_for_ticket
from ..tokens import hash_token, new_token

logger = logging.getLogger(__name__)
Status = Invitation.Status
OWNER_KIND = "survey_invitation"

# Replaced by a seeded generator in tests, so sampling can be checked exactly.
sample_rng = random.Random()  # noqa: S311 - sampling, not secrecy

# Message ids: the timeline writes them in each reader's language when read.
WHY_NOT = {
    "handoff": gettext_noop("no survey: file handoffs are not surveyed"),
    "opted_out": gettext_noop("no survey: this request type never sends surveys"),
    "no_survey": gettext_noop("no survey: none applies to this department or request type"),
    "throttled": gettext_noop("no survey: the requester was asked recently"),
    "not_sampled": gettext_noop("no survey: not in this survey's sample"),
    "already_open": gettext_noop("no survey: one is already open for this request"),
    "left": gettext_noop("no survey: the requester has left"),
}
SCHEDULED = gettext_noop("Satisfaction survey “%(survey)s” will be sent on %(when)s.")


def survey_scheduled_phrase(survey: Survey, send_after) -> Phrase:
    """The timeline's "will be sent on …", for the resolve hook and the demo."""
    return phrase(SCHEDULED, survey=survey.name, when=send_after)


def _recently_asked(survey: Survey, recipient, now) -> bool:
    if survey.min_days_between == 0:
        return False
    since = now - timedelta(days=survey.min_days_between)
    return (
        Invitation.objects.filter(recipient=recipient, created_at__gte=since)
        .exclude(status=Status.CANCELLED)
        .exists()
    )


def _why_not_invited(survey: Survey, ticket: Ticket, now, rng, *, already_open: bool) -> str:
    """Why the requester is not asked this survey ("" if they are)."""
    if not ticket.requester.is_active:
        return "left"
    if _recently_asked(survey, ticket.requester, now):
        return "throttled"
    if survey.sample_percent < 100 and rng.random() * 100 >= survey.sample_percent:
        return "not_sampled"
    if already_open:
        return "already_open"
    return ""


def invitation_create_for_resolved(*, ticket: Ticket, actor, rng=None) -> Invitation | None:
    """Hook of ticket_resolve: invite the requester, or record why not.

    Runs inside the resolve's transaction; the send is enqueued only after commit.
    """
    now = timezone.now()
    version, reason, already_open = survey_for_ticket(ticket)
    if version is not None:
        reason = _why_not_invited(
            version.survey, ticket, now, rng or sample_rng, already_open=already_open
        )
    if version is None or reason:
        ticket_log_event(
            ticket_id=ticket.pk,
            note=phrase(WHY_NOT[reason]),
            data={"survey": "none", "reason": reason},
        )
        return None
    survey = version.survey
    send_after = now + timedelta(minutes=survey.delay_minutes)
    invitation = Invitation.objects.create(
        ticket=ticket,
        survey=survey,
        version=version,
        recipient=ticket.requester,
        department_id=ticket.department_id,
        agent=actor,
        send_after=send_after,
        # A worker is asked for it at send_after (the message after commit); _undispatch
        # clears this if the message cannot be published, for the dispatcher.
        dispatched_at=send_after,
        expires_at=send_after + timedelta(days=survey.expires_days),
    )
    ticket_log_event(
        ticket_id=ticket.pk,
        note=survey_scheduled_phrase(survey, send_after),
        data={"survey": survey.pk, "invitation": invitation.pk},
    )
    _send_after_commit(invitation.pk, send_after)
    return invitation


def _send_after_commit(invitation_id: int, eta) -> None:
    """Ask a worker to send it at the ETA; if the broker is down, the dispatcher sends later."""
    # By name: services sit below tasks and do not import them.
    publish_on_commit(
        "surveys.tasks.send_invitation",
        {"invitation_id": invitation_id},
        eta=eta,
        refused=partial(_undispatch, invitation_id),
    )


def _undispatch(invitation_id: int) -> None:
    Invitation.objects.filter(pk=invitation_id, status=Status.PENDING).update(dispatched_at=None)


def invitations_cancel_for_leaver(*, user, actor) -> int:
    """Hook of person_deactivate: a leaver is asked nothing more; their open links close."""
    open_ids = list(
        Invitation.objects.filter(recipient=user, status__in=Invitation.OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    emails_cancel_for_owners(owner_kind=OWNER_KIND, owner_ids=open_ids)
    return Invitation.objects.filter(pk__in=open_ids).update(status=Status.CANCELLED)


def invitations_cancel_for_reopened(*, ticket: Ticket, actor) -> int:
    """Hook of ticket_reopen: an unanswered invitation of the old resolution is withdrawn."""
    return Invitation.objects.filter(ticket=ticket, status__in=Invitation.OPEN_STATUSES).update(
        status=Status.CANCELLED
    )


def _due(now) -> Q:
    lease = timedelta(seconds=settings.ICSAT_SURVEY_LEASE_SECONDS)
    # A claim older than the lease belongs to a worker that died mid-send.
    return Q(status=Status.PENDING, send_after__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - lease
    )


# How many due invitations one task claims and sends together, its own filled up with late
# ones (see outbox.services.SEND_BATCH and LATE_AFTER).
SEND_BATCH = 50


@transaction.atomic
def _claim(invitation_ids: list[int], now, fill_to: int = 0) -> list[int]:
    """Flip these due invitations (and late ones up to ``fill_to``) to 'sending', each with
    a fresh link, and record their e-mails; returns the e-mails' ids.

    Invitations someone else has are skipped. Each attempt is an e-mail of its own with a
    new link (only the newest link works), so the outbox tries it once and the invitation
    keeps its own retries and backoff.
    """
    due = Invitation.objects.filter(_due(now)).select_related("recipient")
    claimed = lock_batch(due, invitation_ids, now=now, fill_to=fill_to)
    if not claimed:
        return []
    tokens = {}
    for invitation in claimed:
        tokens[invitation.pk], invitation.token_hash = new_token()
        invitation.status, invitation.claimed_at = Status.SENDING, now
        invitation.attempts += 1  # read under the row's lock
    Invitation.objects.bulk_update(claimed, ["status", "claimed_at", "attempts", "token_hash"])
    emails_cancel_for_owners(owner_kind=OWNER_KIND, owner_ids=[i.pk for i in claimed])
    left = [i.pk for i in claimed if not i.recipient.is_active]
    no_address = [i.pk for i in claimed if i.recipient.is_active and not i.recipient.email]
    if left:
        Invitation.objects.filter(pk__in=left).update(status=Status.CANCELLED)
    if no_address:
        Invitation.objects.filter(pk__in=no_address).update(
            status=Status.FAILED, last_error="The recipient has no e-mail address."
        )
    emails = emails_queue_owned(
        template="survey_invitation",
        owner_kind=OWNER_KIND,
        owned=[
            (i.pk, i.recipient, {"invitation_id": i.pk, "secret": {"token": tokens[i.pk]}})
            for i in claimed
            if i.recipient.is_active and i.recipient.email
        ],
        max_attempts=1,
    )
    return [email.pk for email in emails.values()]


def survey_url(token: str) -> str:
    return settings.ICSAT_BASE_URL + reverse("surveys:answer", kwargs={"token": token})


def _backoff(attempts: int) -> timedelta:
    return backoff(attempts, settings.ICSAT_SURVEY_BACKOFF_SECONDS)


def _claimed_by(email) -> Invitation | None:
    """The invitation, if this e-mail carries the link of its current claim."""
    token = email.context.get("secret", {}).get("token", "")
    return (
        Invitation.objects.select_related("survey")
        .filter(pk=email.owner_id, status=Status.SENDING, token_hash=hash_token(token))
        .first()
    )


def invitation_email_sent(*, email, context: dict) -> None:
    """Outbox: the invitation's e-mail left; it counts as sent from its claim.

    ``context`` is what the e-mail was built from: the invitation as claimed, with its
    survey and ticket. Only if the e-mail carries the link of the claim still current does
    the invitation become sent.
    """
    invitation = context["invitation"]
    claimed_at = invitation.claimed_at
    if claimed_at is None:
        return
    token = email.context.get("secret", {}).get("token", "")
    sent = Invitation.objects.filter(
        pk=invitation.pk,
        status=Status.SENDING,
        claimed_at=claimed_at,
        token_hash=hash_token(token),
    ).update(
        status=Status.SENT,
        sent_at=claimed_at,
        expires_at=claimed_at + timedelta(days=invitation.survey.expires_days),
        last_error="",
    )
    if sent:
        invitation.status, invitation.sent_at = Status.SENT, claimed_at
        hooks.invitation_sent(invitation=invitation)


def invitation_email_failed(*, email, error: str) -> None:
    """Outbox: the attempt failed; back off and try again with a new link, or give up."""
    invitation = _claimed_by(email)
    if invitation is None or invitation.claimed_at is None:
        return
    failed = invitation.attempts >= settings.ICSAT_SURVEY_MAX_ATTEMPTS
    Invitation.objects.filter(
        pk=invitation.pk, status=Status.SENDING, claimed_at=invitation.claimed_at
    ).update(
        status=Status.FAILED if failed else Status.PENDING,
        send_after=invitation.claimed_at + _backoff(invitation.attempts),
        # Nobody is asked for the next try: the dispatcher hands it out after the backoff.
        dispatched_at=None,
        last_error=error[:2000],
    )
    logger.warning(
        "Survey invitation %s not sent (attempt %s): %s", invitation.pk, invitation.attempts, error
    )


def invitation_send(*, invitation_id: int) -> bool:
    """Send one due invitation's e-mail; True if this call sent it.

    Safe to run twice, from two workers, or before the invitation is due: only
    the caller that flips pending → sending sends.
    """
    return invitations_send(invitation_ids=[invitation_id]) == 1


def invitations_send(*, invitation_ids: list[int], fill_to: int = 0) -> int:
    """Send each of these invitations that is due, and late ones up to ``fill_to`` in all
    (a worker's task: its message's, then a backlog's); returns how many this call sent."""
    email_ids = _claim(invitation_ids, timezone.now(), fill_to)
    if not email_ids:
        return 0
    try:
        return emails_send(email_ids=email_ids)
    except DatabaseError:
        # The claims and their e-mails are saved: a worker sends the e-mails in a moment.
        emails_send_soon(email_ids)
        raise


def invitations_dispatch_due(*, limit: int = 1000, per_message: int = 10) -> int:
    """Ask the workers to send every due invitation nobody was asked to send within a lease.

    Sends the broker missed, retries and dead workers' claims go out as small
    messages spread over all workers (``outbox.services.hand_out_due``).
    """
    now = timezone.now()
    return hand_out_due(
        Invitation.objects.filter(_due(now)),
        now=now,
        lease=timedelta(seconds=settings.ICSAT_SURVEY_LEASE_SECONDS),
        task="surveys.tasks.send_invitations",
        ids_kwarg="invitation_ids",
        limit=limit,
        per_message=per_message,
    )


def invitations_send_reminders(*, now=None) -> int:
    """Remind once, with a link of its own, those who have not answered; safe to run twice.

    The reminder is recorded in the outbox with the change and sent from here (a
    worker); if the mail server fails, the outbox tries it again later.
    """
    now = now or timezone.now()
    reminded = 0
    candidates = (
        Invitation.objects.filter(
            status=Status.SENT,
            reminded_at__isnull=True,
            expires_at__gt=now,
            survey__reminder_hours__gt=0,
        )
        .select_related("survey", "recipient")
        .only("pk", "sent_at", "survey__reminder_hours", "recipient")
    )
    for invitation in candidates:
        sent_at = invitation.sent_at
        if sent_at is None or sent_at + timedelta(hours=invitation.survey.reminder_hours) > now:
            continue
        token, digest = new_token()
        with transaction.atomic():
            won = Invitation.objects.filter(
                pk=invitation.pk, status=Status.SENT, reminded_at__isnull=True
            ).update(status=Status.REMINDED, reminded_at=now, reminder_token_hash=digest)
            if not won:
                continue
            emails = emails_queue(
                recipients=[invitation.recipient],
                template="survey_reminder",
                context={"invitation_id": invitation.pk, "secret": {"token": token}},
                publish=False,
            )
        reminded += sum(email_send(email_id=email.pk) for email in emails)
    return reminded


def invitations_expire(*, now=None) -> int:
    """Close invitations past their expiry; safe to run twice."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=[Status.PENDING, Status.SENT, Status.REMINDED], expires_at__lte=now
    ).update(status=Status.EXPIRED)


@transaction.atomic
def invitation_retry(*, invitation_id: int, actor) -> bool:
    """An HR admin sends a failed invitation again (attempts start over); audited."""
    failed = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("ticket", "survey", "department")
        .filter(pk=invitation_id, status=Status.FAILED)
        .first()
    )
    if failed is None:
        return False
    Invitation.objects.filter(pk=invitation_id).update(
        status=Status.PENDING, send_after=timezone.now(), attempts=0, dispatched_at=timezone.now()
    )
    # The error text stays out of the log: it may quote the mail server.
    audit_record(
        actor=actor,
        kind=AuditKind.INVITATION_RESENT,
        target=failed,
        changes={"status": [Status.FAILED, Status.PENDING], "attempts": [failed.attempts, 0]},
        name=f"{failed.ticket.reference} · {failed.survey.name}",
        department=failed.department,
    )
    _send_after_commit(invitation_id, None)
    return True


def _email_contexts(items) -> list[dict | None]:
    """What survey e-mails show, loaded when they are sent (one query for a batch); None
    for one that has no purpose any more."""
    invitations = (
        Invitation.objects.select_related("ticket__department", "survey", "version")
        .exclude(status__in=[Status.CANCELLED, Status.EXPIRED, Status.ANSWERED])
        .in_bulk({stored["invitation_id"] for stored, _recipient in items})
    )
    contexts: list[dict | None] = []
    for stored, _recipient in items:
        invitation = invitations.get(stored["invitation_id"])
        contexts.append(
            None
            if invitation is None
            else {
                "invitation": invitation,
                "ticket": invitation.ticket,
                "survey": invitation.survey,
                "version": invitation.version,
                "url": survey_url(stored["secret"]["token"]),
            }
        )
    return contexts


def _email_context(stored: dict, recipient) -> dict | None:
    (context,) = _email_contexts([(stored, recipient)])
    return context


def register_emails() -> None:
    """Tell the outbox how to build survey e-mails and whom to tell how they went."""
    for template in ("survey_invitation", "survey_reminder"):
        registry.register_template(template, _email_context, batch_builder=_email_contexts)
    registry.register_owner(OWNER_KIND, sent=invitation_email_sent, failed=invitation_email_failed)
