"""Follow-ups on low scores, themes of comments, and actions published to customers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from requests_app.content import translated
from requests_app.models import Department, Ticket
from surveys.models import Response


class FollowUp(models.Model):
    """A department's follow-up of one low headline score on a named survey.

    Not a ticket: it sends no survey and has no queue. Anonymous answers never get one
    (there is nobody to contact, and opening one would tie the answer to its request).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        EXPLAINED = "explained", _("Explained")
        NO_ACTION = "no_action", _("No action")

    OPEN_STATUSES = (Status.OPEN, Status.CONTACTED)

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="follow_up")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # What the contact was (a call, a meeting): written when contacted.
    contact_note = models.TextField(_("contact"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Why: required for "no action", welcome for the others.
    outcome_note = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="followup_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="followup_dept_status_idx"),
            models.Index(fields=["owner", "status"], name="followup_owner_status_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Theme(models.Model):
    """What a department's customers keep saying ("slow laptop delivery"), as its leads
    name it; comments are tagged with it."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    name_nb = models.CharField(_("name (Norwegian Bokmål)"), max_length=80, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="theme_unique_name"),
        ]

    def __str__(self):
        return translated(self, "name")


class ThemeTag(models.Model):
    """One comment (a response's comment) tagged with one theme.

    Who tagged is not kept: on an anonymous comment a tag must add nothing that a reader
    could tie to a person or a request; the tag carries the week of the answer only
    through its response's own (already coarsened) date on every page.
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="theme_tags")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "response"], name="themetag_unique"),
        ]

    def __str__(self):
        return f"{self.theme_id} · {self.response_id}"


class Action(models.Model):
    """ "You said, we did": what a department heard from its customers and what it changed.

    Drafts are seen by the department's leads only; published actions by every employee
    (and by associates who file to the department), in the reader's language.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Figure(models.TextChoices):
        CSAT = "csat", _("Satisfaction (CSAT)")
        NPS = "nps", _("Likelihood to recommend (NPS)")
        RESOLUTION = "resolution", _("Time to resolve")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="actions")
    # What it heard: a theme, or a figure over a period.
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("theme"),
    )
    figure = models.CharField(_("figure"), max_length=12, choices=Figure.choices, blank=True)
    heard_from = models.DateField(_("heard from"), null=True, blank=True)
    heard_to = models.DateField(_("heard until"), null=True, blank=True)
    heard = models.TextField(_("what we heard"))
    heard_es = models.TextField(_("what we heard (Spanish)"), blank=True)
    heard_nb = models.TextField(_("what we heard (Norwegian Bokmål)"), blank=True)
    changed = models.TextField(_("what we changed"))
    changed_es = models.TextField(_("what we changed (Spanish)"), blank=True)
    changed_nb = models.TextField(_("what we changed (Norwegian Bokmål)"), blank=True)
    effective_on = models.DateField(_("in effect from"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        indexes = [
            models.Index(fields=["department", "status", "effective_on"], name="action_dept_idx"),
        ]

    def __str__(self):
        return translated(self, "changed")[:80]
