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
from .publishing import publish, publish_on_commit

logger = logging.getLogger(__name__)
Status = Email.Status
OWNER_MANAGED_NOTE = "retried by its owner"
# By name: services sit below tasks and do not import them.
SEND_EMAILS = "outbox.tasks.send_emails"


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


def render_email(
    *, template: str, recipient: Any, context: dict, shared: dict | None = None
) -> RenderedEmail:
    """Render ``email/<template>`` (subject, text and HTML twins) in the recipient's
    language, with times in their time zone.

    ``shared`` is one dict for a batch of e-mails, where template tags keep what reads the
    same for all of them (a department's actions), so it is read once per batch.
    """
    values = {
        **context,
        "recipient": recipient,
        "base_url": settings.ICSAT_BASE_URL,
        "shared": {} if shared is None else shared,
    }
    with recipient_locale(recipient):
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
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.email or not user.is_active or user.pk in seen:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        rows.append(_row(user, template, context, owner_kind, owner_id, max_attempts=max_attempts))
    emails = Email.objects.bulk_create(rows)
    if emails and publish:
        email_ids = [email.pk for email in emails]
        publish_on_commit(
            SEND_EMAILS, {"email_ids": email_ids}, refused=partial(_undispatch, email_ids)
        )
    return emails


def emails_queue_owned(
    *, template: str, owner_kind: str, owned: list[tuple[int, Any, dict]], max_attempts: int
) -> dict[int, Email]:
    """Record one e-mail per (owner id, recipient, context), in one statement, for a caller
    that sends them itself right away (a worker); returns them by owner id."""
    emails = Email.objects.bulk_create(
        _row(recipient, template, context, owner_kind, owner_id, max_attempts=max_attempts)
        for owner_id, recipient, context in owned
    )
    return {email.owner_id: email for email in emails if email.owner_id is not None}


def _row(recipient, template, context, owner_kind, owner_id, *, max_attempts) -> Email:
    now = timezone.now()
    return Email(
        recipient=recipient,
        template=template,
        context=context,
        owner_kind=owner_kind,
        owner_id=owner_id,
        max_attempts=max_attempts or settings.ICSAT_OUTBOX_MAX_ATTEMPTS,
        send_after=now,
        # A worker is asked now (by the message after commit, or by the caller that sends
        # it itself): the dispatcher leaves it alone for a lease, unless the message could
        # not be published (_publish then clears it).
        dispatched_at=now,
    )


def emails_send_soon(email_ids: list[int], *, seconds: int = 2) -> None:
    """Ask a worker to send these in a moment (a sender that hit a passing database error)."""
    _publish(email_ids, countdown=seconds)


def _publish(email_ids: list[int], countdown: int | None = None) -> None:
    if not publish(SEND_EMAILS, {"email_ids": email_ids}, countdown=countdown):
        _undispatch(email_ids)


def _undispatch(email_ids: list[int]) -> None:
    # Not taken by the broker: the next dispatcher run (≤ 30 s) sends them; the rows say
    # "asked" from the start, so only a failure costs an UPDATE.
    Email.objects.filter(pk__in=email_ids, status=Status.PENDING).update(dispatched_at=None)


def _lease() -> timedelta:
    return timedelta(seconds=settings.ICSAT_OUTBOX_LEASE_SECONDS)


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, send_after__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - _lease(), attempts__lt=F("max_attempts")
    )


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: base, 2×base, 4×base … ≤ 6 h."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 6 * 3600))


# How many due e-mails one task claims and sends together (its own ids filled up with late
# ones): one claim, one read, the contexts in a few queries, one SMTP connection.
SEND_BATCH = 50
# A row due this long whose message has not come is late: the workers are behind (a backlog
# after an outage or a burst), so a task takes it along. A row due just now has its own
# message on the way and is left to it.
LATE_AFTER = timedelta(seconds=2)


def email_send(*, email_id: int) -> bool:
    """Send one due e-mail; True if this call sent it.

    Safe to run twice, from two workers, or before the e-mail is due: only the
    caller that claims the row sends it.
    """
    return emails_send(email_ids=[email_id]) == 1


def emails_send(*, email_ids: list[int], fill_to: int = 0) -> int:
    """Send each of these e-mails that is due, and late ones (``LATE_AFTER``) up to
    ``fill_to`` in all (a worker's task: its message's rows, then a backlog's); returns how
    many this call sent.

    The batch is claimed (pending → sending) by one conditional UPDATE, so only one caller
    sends each row. Each e-mail is recorded as sent in its own short transaction right
    after the mail server took it, with its owner's change: a worker that dies mid-batch
    leaves only the e-mail in flight to be sent again.
    """
    now = timezone.now()
    emails = _claim(email_ids, now, fill_to)
    sent = 0
    shared: dict = {}  # what the batch's e-mails read alike (see render_email)
    for template, batch in _by_template(emails).items():
        for email, context in zip(batch, _contexts(template, batch), strict=True):
            sent += _send_claimed(email, context, now, shared)
    return sent


def lock_batch(due: QuerySet, ids: list[int], *, now: datetime, fill_to: int) -> list:
    """Lock these of the ``due`` rows, and late ones (due ≥ ``LATE_AFTER``, oldest first)
    up to ``fill_to`` in all; call inside a transaction. Rows another worker holds are
    skipped, so workers filling their batches at once take different rows. Used for
    e-mails and for survey invitations."""
    locked = due.select_for_update(skip_locked=True, of=("self",))
    batch = list(locked.filter(pk__in=ids))
    if fill_to > len(batch):
        late = locked.exclude(pk__in=[row.pk for row in batch])
        batch += late.filter(send_after__lte=now - LATE_AFTER).order_by("send_after", "pk")[
            : fill_to - len(batch)
        ]
    return batch


def _claim(email_ids: list[int], now: datetime, fill_to: int) -> list[Email]:
    with transaction.atomic():
        due = Email.objects.filter(_due(now)).only("pk")
        ids = [email.pk for email in lock_batch(due, email_ids, now=now, fill_to=fill_to)]
        if not ids:
            return []
        Email.objects.filter(_due(now), pk__in=ids).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        Email.objects.select_related("recipient__employee")
        .filter(pk__in=ids, status=Status.SENDING, claimed_at=now)
        .order_by("pk")
    )


def _by_template(emails: list[Email]) -> dict[str, list[Email]]:
    batches: dict[str, list[Email]] = {}
    for email in emails:
        batches.setdefault(email.template, []).append(email)
    return batches


def _contexts(template: str, emails: list[Email]) -> list[dict | Exception | None]:
    """Each e-mail's context (None: what it was about is gone; an exception: building it
    failed, which fails only that e-mail)."""
    batch_builder = registry.batch_builder_for(template)
    if batch_builder is not None:
        try:
            return list(batch_builder([(email.context, email.recipient) for email in emails]))
        except Exception:
            logger.exception("Building a batch of %s e-mails failed; one by one now", template)
    builder = registry.builder_for(template)
    contexts: list[dict | Exception | None] = []
    for email in emails:
        try:
            with recipient_locale(email.recipient):
                contexts.append(builder(email.context, email.recipient))
        except Exception as error:
            contexts.append(error)
    return contexts


def _send_claimed(
    email: Email, context: dict | Exception | None, now: datetime, shared: dict
) -> bool:
    claim = Email.objects.filter(pk=email.pk, status=Status.SENDING, claimed_at=now)
    address = email.recipient.email
    try:
        if isinstance(context, Exception):
            raise context
        if context is None:
            claim.update(
                status=Status.CANCELLED,
                last_error="What it was about is gone.",
                context=_without_secret(email.context),
            )
            return False
        if not address:
            raise ValueError("The recipient has no e-mail address.")
        rendered = render_email(
            template=email.template, recipient=email.recipient, context=context, shared=shared
        )
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
            registry.owner_sent(email, context)
    return bool(sent)


def _without_secret(context: dict) -> dict:
    return {key: value for key, value in context.items() if key != "secret"}


def _record_failure(email: Email, claim, error: str, now: datetime) -> None:
    final = email.attempts >= email.max_attempts  # read after the claim counted this one
    with transaction.atomic():
        updated = claim.update(
            status=Status.FAILED if final else Status.PENDING,
            send_after=now + backoff(email.attempts, settings.ICSAT_OUTBOX_BACKOFF_SECONDS),
            # Nobody is asked for the next try: the dispatcher hands it out after the backoff.
            dispatched_at=None,
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
        dispatched_at=timezone.now(),  # the message after commit; cleared if not published
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


def emails_cancel_for_owners(*, owner_kind: str, owner_ids: list[int]) -> int:
    """Withdraw the owners' e-mails that have not gone out (their new attempts replace them)."""
    return Email.objects.filter(
        owner_kind=owner_kind,
        owner_id__in=owner_ids,
        status__in=[Status.PENDING, Status.SENDING],
    ).update(status=Status.CANCELLED, last_error=OWNER_MANAGED_NOTE, context={})
