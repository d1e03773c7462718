"""Celery tasks: each takes ids, calls one service and is safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def send_emails(email_ids: list[int]) -> int:
    return services.emails_send(email_ids=email_ids)


@shared_task
def dispatch_due_emails() -> int:
    return services.emails_dispatch_due()
