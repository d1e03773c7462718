"""Celery tasks of insights: each calls one service and is safe to run twice."""

from celery import shared_task

from .services import weekly_digest


@shared_task
def send_weekly_digests() -> int:
    return weekly_digest.weekly_digests_send()
