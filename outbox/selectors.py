"""What the outbox's pages read: counts by status and the e-mails needing attention."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Email

Status = Email.Status


def email_status_counts() -> dict[str, int]:
    """How many e-mails are in each status, every status present (zero if none); one query."""
    rows = Email.objects.order_by().values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def emails_needing_attention() -> QuerySet[Email]:
    """Failed e-mails and those being retried (pending after an attempt), newest first.

    The recipient comes with each row, so a page of them is one query.
    """
    return (
        Email.objects.filter(Q(status=Status.FAILED) | Q(status=Status.PENDING, attempts__gt=0))
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def email_get(email_id: int) -> Email:
    """One e-mail with its recipient; 404 if there is none."""
    return get_object_or_404(Email.objects.select_related("recipient"), pk=email_id)
