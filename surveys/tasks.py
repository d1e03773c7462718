"""Celery tasks: each takes ids, calls one service and is safe to run twice."""

from celery import shared_task

from outbox.tasks import DISPATCH_LIMIT, RETRY_ON_DATABASE_ERRORS

from .services import digests, invitations


@shared_task(**RETRY_ON_DATABASE_ERRORS)
def send_invitation(invitation_id: int) -> int:
    """This invitation, and other due ones up to a batch (their own messages then find
    them sent)."""
    return invitations.invitations_send(
        invitation_ids=[invitation_id], fill_to=invitations.SEND_BATCH
    )


@shared_task(**RETRY_ON_DATABASE_ERRORS)
def send_invitations(invitation_ids: list[int]) -> int:
    return invitations.invitations_send(
        invitation_ids=invitation_ids, fill_to=invitations.SEND_BATCH
    )


@shared_task
def dispatch_due_invitations(limit: int = DISPATCH_LIMIT) -> int:
    """Hand out up to ``limit`` due invitations; a full batch means a backlog (the broker
    was down, a mail server failed), so the next batch is asked for at once instead of in a
    minute: the workers, not the beat, set the pace."""
    handed_out = invitations.invitations_dispatch_due(limit=limit)
    if handed_out >= limit:
        dispatch_due_invitations.delay(limit=limit)
    return handed_out


@shared_task
def send_survey_reminders() -> int:
    return invitations.invitations_send_reminders()


@shared_task
def expire_invitations() -> int:
    return invitations.invitations_expire()


@shared_task
def send_anonymous_digests() -> int:
    return digests.anonymous_digests_send()
