"""One row per configuration change, written by the service that made the change."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed which setting of what, when, and its old and new value.

    Rows are history: they keep the names of the actor, the object and the department
    as they were, so renaming or deactivating any of them later changes no row.
    """

    class Kind(models.TextChoices):
        DEPARTMENT_CREATED = "department_created", _("Department created")
        DEPARTMENT_CHANGED = "department_changed", _("Department changed")
        DEPARTMENT_CLOSED = "department_closed", _("Department stopped taking requests")
        DEPARTMENT_OPENED = "department_opened", _("Department takes requests again")
        MEMBERSHIP_ADDED = "membership_added", _("Member added")
        MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", _("Member's role changed")
        MEMBERSHIP_REMOVED = "membership_removed", _("Member removed")
        REQUEST_TYPE_CREATED = "request_type_created", _("Request type created")
        REQUEST_TYPE_CHANGED = "request_type_changed", _("Request type changed")
        REQUEST_TYPE_FIELDS_CHANGED = (
            "request_type_fields_changed",
            _("Request type's form fields changed"),
        )
        REQUEST_TYPE_ARCHIVED = "request_type_archived", _("Request type archived")
        REQUEST_TYPE_RESTORED = "request_type_restored", _("Request type restored")
        SURVEY_CREATED = "survey_created", _("Survey created")
        SURVEY_CHANGED = "survey_changed", _("Survey settings changed")
        SURVEY_ACTIVATED = "survey_activated", _("Survey activated")
        SURVEY_DEACTIVATED = "survey_deactivated", _("Survey deactivated")
        SURVEY_QUESTIONS_CHANGED = "survey_questions_changed", _("Survey questions changed")
        SURVEY_VERSION_PUBLISHED = "survey_version_published", _("Survey version published")
        INVITATION_RESENT = "invitation_resent", _("Failed invitation sent again")
        EMAIL_RESENT = "email_resent", _("Failed e-mail sent again")
        PERSON_CREATED = "person_created", _("Person added")
        PERSON_DEACTIVATED = "person_deactivated", _("Person deactivated (left)")
        PERSON_REACTIVATED = "person_reactivated", _("Person reactivated")
        PERSON_CHANGED = "person_changed", _("Person's home department or HR role changed")
        SSO_LINKED = "sso_linked", _("Single sign-on account linked")
        PERSON_DETAILS_CHANGED = (
            "person_details_changed",
            _("Person's name, e-mail or language changed"),
        )
        SCIM_TOKEN_CREATED = "scim_token_created", _("Provisioning token created")
        SCIM_TOKEN_REVOKED = "scim_token_revoked", _("Provisioning token revoked")
        SCIM_MAPPING_ADDED = "scim_mapping_added", _("Directory group mapped")
        SCIM_MAPPING_REMOVED = "scim_mapping_removed", _("Directory group mapping removed")
        THEME_CREATED = "theme_created", _("Comment theme created")
        THEME_CHANGED = "theme_changed", _("Comment theme changed")
        ACTION_PUBLISHED = "action_published", _("“You said, we did” action published")
        ACTION_CHANGED = "action_changed", _("Published action changed")
        ACTION_WITHDRAWN = "action_withdrawn", _("Published action withdrawn")

    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # Null for changes made by the system (a management command, a data migration).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(_("kind of change"), max_length=40, choices=Kind.choices)
    # "app_label.model" of the changed object: no generic foreign key, the row outlives it.
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_name = models.CharField(max_length=300)
    # A plain id, not a foreign key: audit sits below requests_app, whose services write here.
    department_id = models.PositiveIntegerField(null=True, blank=True)
    department_name = models.CharField(max_length=100, blank=True)
    # {field: [old, new]}; old is null for a creation, new is null for a removal.
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="audit_newest"),
            models.Index(fields=["department_id", "-created_at"], name="audit_department"),
            models.Index(fields=["kind", "-created_at"], name="audit_kind"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.object_name}"
