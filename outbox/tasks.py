"""Celery tasks: each takes ids, calls one service and is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from . import services

# A database that is briefly unavailable (or locked) is tried again in a second or two;
# the dispatchers stay the safety net for anything that still did not go out.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": False,
    "max_retries": 5,
}


@shared_task(**RETRY_ON_DATABASE_ERRORS)
def send_emails(email_ids: list[int]) -> int:
    return services.emails_send(email_ids=email_ids)


@shared_task
def dispatch_due_emails() -> int:
    return services.emails_dispatch_due()
