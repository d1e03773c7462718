from celery import shared_task

from .services.closing import tickets_close_resolved


@shared_task
def close_resolved_tickets() -> int:
    """Close resolved tickets past their reopen window; safe to run twice."""
    return tickets_close_resolved()
