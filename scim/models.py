"""What SCIM provisioning keeps beside icsat's people: tokens, directory data, groups, mappings.

icsat's own rows (User, Employee, Membership) stay the truth about people and roles;
these tables hold only what a directory says that icsat has no place for (its ids,
the e-mail list as sent, the department name as sent) and the groups it pushes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token a directory uses; only its SHA-256 is stored."""

    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so HR admins can tell tokens apart; too short to guess from.
    prefix = models.CharField(max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self):
        return self.name


class ScimUser(models.Model):
    """The directory's side of a person; created the first time SCIM writes them.

    The SCIM id is the user's primary key, so people added before SCIM are found by
    the directory's ``userName eq`` query and adopted instead of duplicated.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    # As the directory sent them: every address with its type; user.email is the primary.
    emails = models.JSONField(default=list, blank=True)
    preferred_language = models.CharField(max_length=64, blank=True)
    locale = models.CharField(max_length=64, blank=True)
    # The enterprise extension's department as sent, matched or not to an icsat department.
    department = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by SCIM DELETE: the person is deactivated and no longer exists for the directory.
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.user)


class ScimGroup(models.Model):
    """A group the directory pushed; grants roles only through a ScimGroupMapping."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("directory group"), max_length=200)
    external_id = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ScimGroupMember", related_name="scim_groups"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="scim_group_unique_name"),
        ]

    def __str__(self):
        return self.display_name


class ScimGroupMember(models.Model):
    group = models.ForeignKey(ScimGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="scim_member_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.group_id}"


class ScimGroupMapping(models.Model):
    """HR admins' rule: members of this directory group get this role in icsat."""

    class Grant(models.TextChoices):
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Lead")
        HR_ADMIN = "hr_admin", _("HR admin")

    # Matched to a group's displayName (ignoring case) or its externalId.
    directory_group = models.CharField(_("directory group"), max_length=200)
    grant = models.CharField(_("grants"), max_length=10, choices=Grant.choices)
    department = models.ForeignKey(
        "requests_app.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["directory_group"]
        constraints = [
            models.UniqueConstraint(Lower("directory_group"), name="scim_mapping_unique_group"),
            models.CheckConstraint(
                condition=(models.Q(grant="hr_admin") & models.Q(department__isnull=True))
                | (~models.Q(grant="hr_admin") & models.Q(department__isnull=False)),
                name="scim_mapping_department_iff_role",
            ),
        ]
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")

    def __str__(self):
        return f"{self.directory_group} → {self.grant}"
