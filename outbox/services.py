"""The outbox: every e-mail icsat sends is a row here first, and a worker sends it.

A service that wants an e-mail sent calls ``emails_queue`` inside its own
transaction; the rows commit with the change or not at all, and one Celery
message per commit asks a worker to send them. A lost or duplicated message
changes nothing: every step is a conditional UPDATE that only one caller wins
(pending → sending is the claim). A failed send waits (backoff doubling from
``ICSAT_OUTBOX_BACKOFF_SECONDS``) and is tried again up to its ``max_attempts``,
then stays ``failed`` for HR admins to see and send again. A claim older than
``ICSAT_OUTBOX_LEASE_SECONDS`` belongs to a worker that died mid-send: the
dispatcher (every 30 s) hands it to a worker again. No web request talks to SMTP.
"""

import logging
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import partial
from itertools import batched
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.services import Kind as AuditKind
from audit.services import audit_record, person_name

from . import registry
from .mail_connection import send_message
from .models import Email
from .publishing import publish

logger = logging.getLogger(__name__)
Status = Email.Status
OWNER_MANAGED_NOTE = "retried by its owner"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def language_of(user: Any) -> str:
    employee = getattr(user, "employee", None)
    return getattr(employee, "language", None) or settings.LANGUAGE_CODE


def time_zone_of(user: Any) -> tzinfo:
    """The recipient's time zone: their profile's, else the site's (also for a name the
    installed tz database no longer has)."""
    employee = getattr(user, "employee", None)
    name = getattr(employee, "time_zone", None) or ""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.warning("Unknown time zone %r of user %s: the site's is used", name, user.pk)
    return timezone.get_default_timezone()


@contextmanager
def recipient_locale(recipient: Any) -> Iterator[None]:
    """The recipient's language and time zone, for everything rendered inside; the
    thread's own are back afterwards."""
    with translation.override(language_of(recipient)), timezone.override(time_zone_of(recipient)):
        yield


def render_email(*, template: str, recipient: Any, context: dict) -> RenderedEmail:
    """Render ``email/<template>`` (subject, text and HTML twins) in the recipient's
    language, with times in their time zone."""
    with recipient_locale(recipient):
        return _render(template, recipient, context)


def _render(template: str, recipient: Any, context: dict) -> RenderedEmail:
    values = {**context, "recipient": recipient, "base_url": settings.ICSAT_BASE_URL}
    subject = render_to_string(f"email/{template}_subject.txt", values)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=render_to_string(f"email/{template}.txt", values),
        html=render_to_string(f"email/{template}.html", values),
    )


def emails_queue(
    *,
    recipients: Iterable[Any],
    template: str,
    context: dict,
    exclude: Any = None,
    owner_kind: str = "",
    owner_id: int | None = None,
    max_attempts: int | None = None,
    publish: bool = True,
) -> list[Email]:
    """Record one e-mail per active recipient with an address (each once, never ``exclude``).

    Call inside the transaction of the change the e-mail is about. After commit a
    worker is asked to send them (``publish=False``: the caller sends them itself,
    from a worker). ``context`` holds ids for the template's builder; anything
    under ``context["secret"]`` is deleted once the e-mail is sent, cancelled, or
    given up on by its owner.
    """
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.email or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Email(
                recipient=user,
                template=template,
                context=context,
                owner_kind=owner_kind,
                owner_id=owner_id,
                max_attempts=max_attempts or settings.ICSAT_OUTBOX_MAX_ATTEMPTS,
                send_after=now,
                # Sent by the caller right away: the dispatcher leaves it alone for a lease.
                dispatched_at=None if publish else now,
            )
        )
    emails = Email.objects.bulk_create(rows)
    if emails and publish:
        transaction.on_commit(partial(_publish, [email.pk for email in emails]), robust=True)
    return emails


def emails_send_soon(email_ids: list[int], *, seconds: int = 2) -> None:
    """Ask a worker to send these in a moment (a sender that hit a passing database error)."""
    _publish(email_ids, countdown=seconds)


def _publish(email_ids: list[int], countdown: int | None = None) -> None:
    # By name: services sit below tasks. Not taken: the next dispatcher run (≤ 30 s).
    if publish("outbox.tasks.send_emails", {"email_ids": email_ids}, countdown=countdown):
        Email.objects.filter(pk__in=email_ids).update(dispatched_at=timezone.now())


def _lease() -> timedelta:
    return timedelta(seconds=settings.ICSAT_OUTBOX_LEASE_SECONDS)


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, send_after__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - _lease(), attempts__lt=F("max_attempts")
    )


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: base, 2×base, 4×base … ≤ 6 h."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 6 * 3600))


def email_send(*, email_id: int) -> bool:
    """Send one due e-mail; True if this call sent it.

    Safe to run twice, from two workers, or before the e-mail is due: only the
    caller that claims the row sends it.
    """
    now = timezone.now()
    won = Email.objects.filter(_due(now), pk=email_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return False
    email = Email.objects.select_related("recipient").get(pk=email_id)
    claim = Email.objects.filter(pk=email_id, status=Status.SENDING, claimed_at=now)
    address = email.recipient.email
    try:
        with recipient_locale(email.recipient):
            context = registry.builder_for(email.template)(email.context, email.recipient)
            rendered = _render(email.template, email.recipient, context) if context else None
        if rendered is None:
            claim.update(
                status=Status.CANCELLED,
                last_error="What it was about is gone.",
                context=_without_secret(email.context),
            )
            return False
        if not address:
            raise ValueError("The recipient has no e-mail address.")
        message = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text, to=[address])
        message.attach_alternative(rendered.html, "text/html")
        send_message(message)  # over the worker thread's open connection
    except Exception as error:
        _record_failure(email, claim, f"{type(error).__name__}: {error}"[:2000], now)
        return False
    with transaction.atomic():
        sent = claim.update(
            status=Status.SENT,
            sent_at=timezone.now(),
            subject=rendered.subject[:300],
            context=_without_secret(email.context),
            last_error="",
        )
        if sent:
            registry.owner_sent(email)
    return bool(sent)


def _without_secret(context: dict) -> dict:
    return {key: value for key, value in context.items() if key != "secret"}


def _record_failure(email: Email, claim, error: str, now: datetime) -> None:
    final = email.attempts >= email.max_attempts
    with transaction.atomic():
        updated = claim.update(
            status=Status.FAILED if final else Status.PENDING,
            send_after=now + backoff(email.attempts, settings.ICSAT_OUTBOX_BACKOFF_SECONDS),
            last_error=error,
            # An owner sends a new link of its own; HR may send any other one again.
            context=_without_secret(email.context) if final and email.owner_kind else email.context,
        )
        if updated and final:
            registry.owner_failed(email, error)
    logger.warning(
        "E-mail %s (%s) not sent, attempt %s of %s: %s",
        email.pk,
        email.template,
        email.attempts,
        email.max_attempts,
        error,
    )


def emails_send(*, email_ids: list[int]) -> int:
    """Send each of these e-mails that is due; returns how many this call sent."""
    return sum(email_send(email_id=email_id) for email_id in email_ids)


def _give_up_stale(now: datetime) -> int:
    """A dead worker's claim on an e-mail with no attempts left: it failed."""
    stale = Email.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - _lease(), attempts__gte=F("max_attempts")
    ).only("pk", "claimed_at", "owner_kind", "owner_id", "context", "template")
    given_up = 0
    for email in stale:
        error = "The worker sending it stopped before it finished."
        with transaction.atomic():
            updated = Email.objects.filter(
                pk=email.pk, status=Status.SENDING, claimed_at=email.claimed_at
            ).update(status=Status.FAILED, last_error=error)
            if updated:
                registry.owner_failed(email, error)
                given_up += 1
    return given_up


def hand_out_due(
    due: QuerySet,
    *,
    now: datetime,
    lease: timedelta,
    task: str,
    ids_kwarg: str,
    limit: int,
    per_message: int,
) -> int:
    """Publish ``task`` for the due rows nobody was asked to send within a lease.

    Rows go out in messages of ``per_message`` ids spread over the workers, marked
    ``dispatched_at`` so they are handed out again only after a lease; dispatchers
    running at once split the rows (skip_locked). Sends nothing itself; returns how
    many rows it handed out. Used for e-mails and for survey invitations.
    """
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - lease))
            .order_by("send_after", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        due.model.objects.filter(pk__in=ids).update(dispatched_at=now)
    for chunk in batched(ids, per_message):
        # By name: services sit below tasks and do not import them.
        current_app.send_task(task, kwargs={ids_kwarg: list(chunk)})
    return len(ids)


def emails_dispatch_due(*, limit: int = 1000, per_message: int = 10) -> int:
    """Ask the workers to send every due e-mail nobody was asked to send within a lease.

    Retries, sends the broker missed and claims of dead workers go out as small
    messages spread over all workers (``hand_out_due``); a dead worker's claim with
    no attempts left is marked failed first.
    """
    now = timezone.now()
    _give_up_stale(now)
    return hand_out_due(
        Email.objects.filter(_due(now)),
        now=now,
        lease=_lease(),
        task="outbox.tasks.send_emails",
        ids_kwarg="email_ids",
        limit=limit,
        per_message=per_message,
    )


@transaction.atomic
def email_retry(*, email_id: int, actor: Any) -> bool:
    """An HR admin sends a failed e-mail again (attempts start over); audited."""
    failed = (
        Email.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=email_id, status=Status.FAILED, owner_kind="")
        .first()
    )
    if failed is None:
        return False
    Email.objects.filter(pk=email_id).update(
        status=Status.PENDING,
        attempts=0,
        send_after=timezone.now(),
        dispatched_at=None,
        last_error="",
    )
    # The error text stays out of the log: it may quote the mail server.
    audit_record(
        actor=actor,
        kind=AuditKind.EMAIL_RESENT,
        target=failed,
        changes={"status": [Status.FAILED, Status.PENDING], "attempts": [failed.attempts, 0]},
        name=f"{failed.template} · {person_name(failed.recipient)}",
    )
    transaction.on_commit(partial(_publish, [email_id]), robust=True)
    return True


def emails_cancel_for_owner(*, owner_kind: str, owner_id: int) -> int:
    """Withdraw the owner's e-mails that have not gone out (its new attempt replaces them)."""
    return Email.objects.filter(
        owner_kind=owner_kind, owner_id=owner_id, status__in=[Status.PENDING, Status.SENDING]
    ).update(status=Status.CANCELLED, last_error=OWNER_MANAGED_NOTE, context={})
