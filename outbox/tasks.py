"""Celery tasks: each takes ids, calls one service and is safe to run twice."""

import logging

from celery import current_app, shared_task
from django.db import OperationalError

from . import services
from .publishing import publish

logger = logging.getLogger(__name__)

# A database that is briefly unavailable (or locked) is tried again in a second or two;
# the dispatchers stay the safety net for anything that still did not go out.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": False,
    "max_retries": 5,
}


# Rows one dispatcher run hands out (in messages of 10, spread over the workers).
DISPATCH_LIMIT = 1000


@shared_task(**RETRY_ON_DATABASE_ERRORS)
def send_emails(email_ids: list[int]) -> int:
    """These e-mails, and other due ones up to a batch (their own messages then find them
    sent)."""
    return services.emails_send(email_ids=email_ids, fill_to=services.SEND_BATCH)


@shared_task
def dispatch_due_emails(limit: int = DISPATCH_LIMIT) -> int:
    """Hand out up to ``limit`` due e-mails; after a full batch the next one at once (see
    surveys.tasks.dispatch_due_invitations)."""
    handed_out = services.emails_dispatch_due(limit=limit)
    if handed_out >= limit:
        dispatch_due_emails.delay(limit=limit)
    return handed_out


@shared_task
def run_messages(messages: list[list]) -> None:
    """The messages one commit published as one (publishing.publish_on_commit), each run
    here as if it had come alone. One that fails is published again on its own, where its
    task's retries apply; the others still run."""
    for name, kwargs in messages:
        try:
            current_app.tasks[name](**kwargs)
        except Exception as error:  # any task's failure: it goes again alone
            logger.warning("%s failed in a shared message (%s); sent again alone", name, error)
            publish(name, kwargs, countdown=2)
