"""Celery tasks of insights: each calls one service and is safe to run twice."""

from celery import shared_task

from .services import decided_counts, weekly_digest


@shared_task
def send_weekly_digests() -> int:
    return weekly_digest.weekly_digests_send()


@shared_task(ignore_result=True)
def decide_survey_counts(department_ids: list[int]) -> int:
    return decided_counts.survey_counts_decide(department_ids)
