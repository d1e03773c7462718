"""One row per e-mail: the database row is the truth, a worker does the sending."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # What to render: templates/email/<template>{_subject.txt,.txt,.html}, with the
    # context its owner's builder makes from these ids when the e-mail is sent.
    template = models.CharField(max_length=60)
    context = models.JSONField(default=dict, blank=True)
    # The row an owner follows (e.g. a survey invitation), told when this is sent or fails.
    owner_kind = models.CharField(max_length=40, blank=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When a dispatcher last asked a worker to send it; it asks again only after a lease.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_due_idx"),
            models.Index(fields=["owner_kind", "owner_id"], name="outbox_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id} ({self.status})"
