"""The survey pipeline: invite on resolve, send once, remind once, expire.

The Invitation row is the source of truth. A Celery message only says "look at
this row now"; a lost, duplicated or early message changes nothing, because
every step is a conditional UPDATE that only one caller can win.
"""

import logging
import random
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import Kind as AuditKind
from audit.services import audit_record
from requests_app.models import Ticket
from requests_app.services.tickets import ticket_log_event

from ..models import Invitation, Survey
from ..selectors import current_version, survey_for_ticket
from ..tokens import new_token
from .rollups import rollup_invitation_sent

logger = logging.getLogger(__name__)
Status = Invitation.Status

# Replaced by a seeded generator in tests, so sampling can be checked exactly.
sample_rng = random.Random()  # noqa: S311 - sampling, not secrecy

WHY_NOT = {
    "handoff": gettext_lazy("no survey: file handoffs are not surveyed"),
    "opted_out": gettext_lazy("no survey: this request type never sends surveys"),
    "no_survey": gettext_lazy("no survey: none applies to this department or request type"),
    "throttled": gettext_lazy("no survey: the requester was asked recently"),
    "not_sampled": gettext_lazy("no survey: not in this survey's sample"),
    "already_open": gettext_lazy("no survey: one is already open for this request"),
}


def _language_of(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.language if employee else settings.LANGUAGE_CODE


def _recently_asked(survey: Survey, recipient, now) -> bool:
    if survey.min_days_between == 0:
        return False
    since = now - timedelta(days=survey.min_days_between)
    return (
        Invitation.objects.filter(recipient=recipient, created_at__gte=since)
        .exclude(status=Status.CANCELLED)
        .exists()
    )


def invitation_create_for_resolved(*, ticket: Ticket, actor, rng=None) -> Invitation | None:
    """Hook of ticket_resolve: invite the requester, or record why not.

    Runs inside the resolve's transaction; the send is enqueued only after commit.
    """
    now = timezone.now()
    rng = rng or sample_rng
    survey, reason = survey_for_ticket(ticket)
    if survey is not None and _recently_asked(survey, ticket.requester, now):
        survey, reason = None, "throttled"
    if (
        survey is not None
        and survey.sample_percent < 100
        and (rng.random() * 100 >= survey.sample_percent)
    ):
        survey, reason = None, "not_sampled"
    if (
        survey is not None
        and Invitation.objects.filter(ticket=ticket, status__in=Invitation.OPEN_STATUSES).exists()
    ):
        survey, reason = None, "already_open"
    if survey is None:
        ticket_log_event(
            ticket_id=ticket.pk,
            body=str(WHY_NOT[reason]),
            data={"survey": "none", "reason": reason},
        )
        return None
    send_after = now + timedelta(minutes=survey.delay_minutes)
    invitation = Invitation.objects.create(
        ticket=ticket,
        survey=survey,
        version=current_version(survey),
        recipient=ticket.requester,
        department_id=ticket.department_id,
        agent=actor,
        send_after=send_after,
        expires_at=send_after + timedelta(days=survey.expires_days),
    )
    ticket_log_event(
        ticket_id=ticket.pk,
        body=_("Satisfaction survey “%(survey)s” will be sent on %(when)s.")
        % {
            "survey": survey.name,
            "when": timezone.localtime(send_after).strftime("%d.%m.%Y %H:%M"),
        },
        data={"survey": survey.pk, "invitation": invitation.pk},
    )
    transaction.on_commit(partial(_enqueue_send, invitation.pk, send_after), robust=True)
    return invitation


def _enqueue_send(invitation_id: int, eta) -> None:
    """Ask a worker to send at the ETA; if the broker is down, the dispatcher sends later."""
    # By name: services sit below tasks and do not import them.
    current_app.send_task(
        "surveys.tasks.send_invitation", kwargs={"invitation_id": invitation_id}, eta=eta
    )


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


def _claim(invitation_id: int, now) -> str | None:
    """Flip one due invitation to 'sending' with a fresh token; None if someone else has it."""
    token, digest = new_token()
    won = Invitation.objects.filter(_due(now), pk=invitation_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, token_hash=digest
    )
    return token if won else None


def survey_url(token: str) -> str:
    return settings.ICSAT_BASE_URL + reverse("surveys:answer", kwargs={"token": token})


def _render_and_send(invitation: Invitation, template: str, token: str) -> None:
    recipient = invitation.recipient
    with translation.override(_language_of(recipient)):
        context = {
            "invitation": invitation,
            "ticket": invitation.ticket,
            "survey": invitation.survey,
            "version": invitation.version,
            "recipient": recipient,
            "url": survey_url(token),
        }
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"email/{template}.txt", context),
            to=[recipient.email],
        )
        message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    message.send()


def _backoff(attempts: int) -> timedelta:
    base = settings.ICSAT_SURVEY_BACKOFF_SECONDS
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _deliver(invitation_id: int, token: str, claimed_at) -> bool:
    invitation = Invitation.objects.select_related(
        "ticket", "survey", "version", "recipient__employee"
    ).get(pk=invitation_id)
    claim = Invitation.objects.filter(
        pk=invitation_id, status=Status.SENDING, claimed_at=claimed_at
    )
    if not invitation.recipient.email:
        claim.update(status=Status.FAILED, last_error="The recipient has no e-mail address.")
        return False
    try:
        _render_and_send(invitation, "survey_invitation", token)
    except Exception as error:
        failed = invitation.attempts >= settings.ICSAT_SURVEY_MAX_ATTEMPTS
        claim.update(
            status=Status.FAILED if failed else Status.PENDING,
            send_after=claimed_at + _backoff(invitation.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning(
            "Survey invitation %s not sent (attempt %s): %s",
            invitation_id,
            invitation.attempts,
            error,
        )
        return False
    expires_at = claimed_at + timedelta(days=invitation.survey.expires_days)
    with transaction.atomic():
        sent = claim.update(
            status=Status.SENT, sent_at=claimed_at, expires_at=expires_at, last_error=""
        )
        if sent:
            invitation.sent_at = claimed_at
            rollup_invitation_sent(invitation)
    return bool(sent)


def invitation_send(*, invitation_id: int) -> bool:
    """Send one due invitation's e-mail; True if this call sent it.

    Safe to run twice, from two workers, or before the invitation is due: only
    the caller that flips pending → sending sends.
    """
    now = timezone.now()
    token = _claim(invitation_id, now)
    if token is None:
        return False
    return _deliver(invitation_id, token, now)


def invitations_dispatch_due(*, batch_size: int = 50, limit: int = 1000) -> int:
    """Send every due invitation that no worker is sending; returns how many this call sent.

    Rows are claimed under select_for_update(skip_locked=True), so dispatchers
    running at once split the work instead of queueing behind each other.
    """
    sent = 0
    handled = 0
    while handled < limit:
        now = timezone.now()
        with transaction.atomic():
            ids = list(
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(_due(now))
                .order_by("send_after", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            claims = [(pk, token) for pk in ids if (token := _claim(pk, now))]
        if not ids:
            break
        handled += len(ids)
        for pk, token in claims:
            sent += _deliver(pk, token, now)
    return sent


def invitations_send_reminders(*, now=None) -> int:
    """Remind once, with a link of its own, those who have not answered; safe to run twice."""
    now = now or timezone.now()
    reminded = 0
    candidates = (
        Invitation.objects.filter(
            status=Status.SENT,
            reminded_at__isnull=True,
            expires_at__gt=now,
            survey__reminder_hours__gt=0,
        )
        .select_related("survey")
        .only("pk", "sent_at", "survey__reminder_hours")
    )
    for invitation in candidates:
        sent_at = invitation.sent_at
        if sent_at is None or sent_at + timedelta(hours=invitation.survey.reminder_hours) > now:
            continue
        token, digest = new_token()
        won = Invitation.objects.filter(
            pk=invitation.pk, status=Status.SENT, reminded_at__isnull=True
        ).update(status=Status.REMINDED, reminded_at=now, reminder_token_hash=digest)
        if not won:
            continue
        full = Invitation.objects.select_related(
            "ticket", "survey", "version", "recipient__employee"
        ).get(pk=invitation.pk)
        try:
            _render_and_send(full, "survey_reminder", token)
        except Exception as error:
            # Give it back, so the next run tries again.
            Invitation.objects.filter(
                pk=invitation.pk, status=Status.REMINDED, reminded_at=now
            ).update(
                status=Status.SENT,
                reminded_at=None,
                reminder_token_hash="",
                last_error=f"reminder: {type(error).__name__}: {error}"[:2000],
            )
            continue
        reminded += 1
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
        status=Status.PENDING, send_after=timezone.now(), attempts=0
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
    transaction.on_commit(partial(_enqueue_send, invitation_id, None), robust=True)
    return True
