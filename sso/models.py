"""Which provider account (issuer, subject) is which icsat person."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SsoIdentity(models.Model):
    """A person's account at the OpenID provider, linked at their first sign-in.

    Keyed by (issuer, subject), never by e-mail: a person whose address changes at the
    provider is still found, and an address reused for someone else finds nobody.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("person"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked"), default=timezone.now, editable=False)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_subject"),
            # One account per provider and person: a second subject claiming the same
            # person's e-mail is refused, not linked beside the first.
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_identity_one_per_person"),
        ]
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")

    def __str__(self):
        return f"{self.issuer} {self.subject}"
