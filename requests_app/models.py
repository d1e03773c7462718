"""Departments, people, request types, tickets and their audit trail."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .content import translated
from .phrases import render


class SignedInSession(models.Model):
    """Which session belongs to whom, written at sign-in, so that signing a leaver out
    everywhere deletes their sessions without decoding every session of the site."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user_id} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class Department(models.Model):
    """A provider of services: HR, IT, Facilities..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    prefix = models.CharField(
        _("reference prefix"),
        max_length=8,
        unique=True,
        help_text=_("Upper-case letters that start every ticket reference, e.g. HR."),
    )
    description = models.TextField(_("description"), blank=True)
    # Translations of name and description (requests_app.content): empty = English.
    name_es = models.CharField(_("name (Spanish)"), max_length=100, blank=True)
    name_nb = models.CharField(_("name (Norwegian Bokmål)"), max_length=100, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian Bokmål)"), blank=True)
    is_active = models.BooleanField(_("accepts requests"), default=True)
    reopen_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"),
        default=7,
        help_text=_("How long after resolution a requester may reopen a request."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return translated(self, "name")


class ReferenceCounter(models.Model):
    """The last ticket number handed out per reference prefix.

    A row per prefix, locked while a ticket is created, so references are
    unique and never reused even when tickets are created concurrently or
    deleted later.
    """

    prefix = models.CharField(max_length=8, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last_number}"


class Membership(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Lead")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="membership_unique_user_dept"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.department} ({self.role})"


class Employee(models.Model):
    """What icsat knows about a person beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee"
    )
    home_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("home department"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # An IANA name (requests_app.zones); empty: the site's TIME_ZONE. No choices here: the
    # list comes from the installed tz database and would change the migrations with it.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    # Leads' and HR admins' weekly e-mail of clear changes (insights); each may turn it off.
    weekly_digest = models.BooleanField(_("weekly e-mail of clear changes"), default=True)
    is_associate = models.BooleanField(
        _("associate (contractor or supplier)"),
        default=False,
        help_text=_("Associates see only their own requests: no directory, no dashboards."),
    )

    class Meta:
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")

    def __str__(self):
        return str(self.user)


class RequestType(models.Model):
    """A kind of request a department takes, with its own form."""

    class FieldKind(models.TextChoices):
        TEXT = "text", _("Short text")
        TEXTAREA = "textarea", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        YES_NO = "yes_no", _("Yes / no")
        FILE = "file", _("File")

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="request_types"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    name_nb = models.CharField(_("name (Norwegian Bokmål)"), max_length=120, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian Bokmål)"), blank=True)
    # [{"name", "label", "kind", "required", "choices": [...], "help",
    #   "label_es", "help_es", "choices_es": [...], "label_nb", ...}]
    fields = models.JSONField(_("form fields"), default=list, blank=True)
    sla_hours = models.PositiveIntegerField(
        _("SLA (hours)"), default=72, help_text=_("Time to resolve before a ticket is overdue.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    survey_opt_out = models.BooleanField(_("never send satisfaction surveys"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["department", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "slug"], name="requesttype_unique_slug"),
        ]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self):
        return f"{self.department.prefix} · {translated(self, 'name')}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on requester")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request to a department")
        HANDOFF = "handoff", _("File handoff to a colleague")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
    # File handoffs go to a person, not a department: their references share one prefix.
    HANDOFF_PREFIX = "FH"

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    cc = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cc_tickets", verbose_name=_("cc")
    )
    # The customer side: the requester's home department when the ticket was filed.
    customer_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets_as_customer",
        verbose_name=_("customer department"),
    )
    # The provider side; for a handoff, the colleague's home department.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("department")
    )
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("request type"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    data = models.JSONField(_("form answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_tickets",
    )
    resolution_note = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Whole seconds from creation to the current resolution; None while unresolved.
    # Stored (not computed) so the exact median can walk an index in duration order.
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Bumped by every state change; forms carry it to detect a stale page.
    version = models.PositiveIntegerField(default=1)
    # A double-clicked submit carries the same key twice and creates one ticket.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="ticket_unique_submission",
            ),
        ]
        indexes = [
            # kind and due_at ride along so the queue's counts (overdue included) are
            # index-only scans on PostgreSQL.
            models.Index(
                fields=["department", "status", "-created_at"],
                include=["kind", "due_at"],
                name="ticket_queue_idx",
            ),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            # The queue's default view: a department's open requests, soonest due first,
            # read 25 at a time straight from the index.
            models.Index(
                "department",
                "due_at",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=Q(kind="request", status__in=["new", "open", "waiting"]),
                name="ticket_active_due_idx",
            ),
            # Exact medians: a department's resolved requests in duration order
            # (PostgreSQL only: INCLUDE makes it an index-only scan).
            models.Index(
                fields=["department", "resolution_seconds"],
                include=["resolved_at", "request_type"],
                condition=Q(kind="request", resolution_seconds__isnull=False),
                name="ticket_resolution_idx",
            ),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("requests_app:ticket_detail", kwargs={"reference": self.reference})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class TicketEvent(models.Model):
    """One line of a ticket's timeline and audit trail."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")
        SURVEY = "survey", _("Survey")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    body = models.TextField(blank=True)
    is_internal = models.BooleanField(default=False)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}"

    @property
    def text(self) -> str:
        """What the entry says, in the reader's language: the system's own words (written
        when read) above what a person wrote."""
        said = render(self.data.get("phrase")) if self.data else ""
        return "\n\n".join(part for part in (said, self.body) if part)


def attachment_path(instance, filename):
    # Random names on disk: the original name is only metadata, never a path.
    return f"attachments/{instance.ticket_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name
