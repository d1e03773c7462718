"""Surveys, their versions and questions, invitations, responses and in-app notifications."""

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from requests_app.content import translated
from requests_app.models import Department, RequestType, Ticket
from requests_app.phrases import render


class Survey(models.Model):
    """What HR admins configure: who gets asked, when, how often; the questions live in versions."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default survey"),
        default=False,
        help_text=_("Sent when no survey for the request's type or department applies."),
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="surveys", verbose_name=_("departments")
    )
    request_types = models.ManyToManyField(
        RequestType, blank=True, related_name="surveys", verbose_name=_("request types")
    )
    delay_minutes = models.PositiveIntegerField(_("delay after resolve (minutes)"), default=60)
    reminder_hours = models.PositiveIntegerField(
        _("reminder after (hours)"), default=48, help_text=_("0 sends no reminder.")
    )
    expires_days = models.PositiveIntegerField(_("expires after (days)"), default=14)
    min_days_between = models.PositiveIntegerField(
        _("at most one survey per person every (days)"),
        default=14,
        help_text=_("0 asks after every resolved request."),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("share of resolved requests asked (%)"), default=100
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Answers are never shown with a name or a link to the request, anywhere."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_percent__gte=0) & Q(sample_percent__lte=100),
                name="survey_sample_percent_range",
            ),
        ]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return self.name


class SurveyVersion(models.Model):
    """The exact intro and questions a recipient saw; answered versions are never edited."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    intro = models.TextField(_("introduction"), blank=True)
    # Translations (requests_app.content): empty = the English introduction.
    intro_es = models.TextField(_("introduction (Spanish)"), blank=True)
    intro_nb = models.TextField(_("introduction (Norwegian Bokmål)"), blank=True)
    is_current = models.BooleanField(default=True)
    # Bumped by every in-place edit, so an answer form opened before it is detected.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="surveyversion_unique"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(is_current=True),
                name="surveyversion_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.survey} v{self.number}"


class Question(models.Model):
    class Kind(models.TextChoices):
        CSAT = "csat_1_5", _("Satisfaction, 1 to 5")
        NPS = "nps_0_10", _("Likelihood to recommend, 0 to 10")
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Comment")

    HEADLINE_KINDS = (Kind.CSAT, Kind.NPS)

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    # The English options, stored as the answers' values in every language.
    choices = models.JSONField(_("options"), default=list, blank=True)
    # Translations, option by option in the same order; empty = English.
    text_es = models.CharField(_("question (Spanish)"), max_length=300, blank=True)
    text_nb = models.CharField(_("question (Norwegian Bokmål)"), max_length=300, blank=True)
    choices_es = models.JSONField(_("options (Spanish)"), default=list, blank=True)
    choices_nb = models.JSONField(_("options (Norwegian Bokmål)"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    is_headline = models.BooleanField(_("headline"), default=False)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(is_headline=True), name="question_one_headline"
            ),
        ]

    def __str__(self):
        return translated(self, "text")

    @property
    def scale(self) -> list[int]:
        if self.kind == self.Kind.CSAT:
            return list(range(1, 6))
        if self.kind == self.Kind.NPS:
            return list(range(11))
        return []


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        REMINDED = "reminded", _("Reminded")
        ANSWERED = "answered", _("Answered")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    OPEN_STATUSES = (Status.PENDING, Status.SENDING, Status.SENT, Status.REMINDED)
    ANSWERABLE_STATUSES = (Status.SENT, Status.REMINDED)

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="invitations")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="invitations")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    # Denormalised from the ticket, so response rates need no join to tickets.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    # Who resolved this resolution cycle: the person the answer is about.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Only hashes of the e-mailed tokens are kept; the reminder carries a token of its own.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reminder_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When a worker was last asked to send it; the dispatcher asks again only after a lease.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status__in=["pending", "sending", "sent", "reminded"]),
                name="invitation_one_open_per_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="invitation_due_idx"),
            models.Index(fields=["recipient", "created_at"], name="invitation_recipient_idx"),
            # "Surveys waiting for you" on every page: a person's few answerable ones,
            # not all they were ever sent.
            models.Index(
                fields=["recipient", "expires_at"],
                condition=Q(status__in=["sent", "reminded"]),
                name="invitation_waiting_idx",
            ),
            models.Index(fields=["department", "status"], name="invitation_dept_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id} → {self.recipient_id} ({self.status})"


# The highest low headline score of each kind: 1–2 of 5, or a detractor's 0–6 of 10. A low
# score opens a follow-up (services.responses' ``is_low_score``) and is counted as one.
LOW_SCORE_AT_MOST = {Question.Kind.CSAT: 2, Question.Kind.NPS: 6}


def low_score_q(prefix: str = "") -> Q:
    """The low headline scores (``LOW_SCORE_AT_MOST``); ``prefix`` reaches them through a
    relation."""
    kind, score = f"{prefix}headline_kind", f"{prefix}headline_score"
    return functools.reduce(
        operator.or_,
        (Q(**{kind: low, f"{score}__lte": most}) for low, most in LOW_SCORE_AT_MOST.items()),
    )


class Response(models.Model):
    """One submitted survey, with the dimensions dashboards group by."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    headline_kind = models.CharField(max_length=10, choices=Question.Kind.choices)
    headline_score = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    request_type = models.ForeignKey(
        RequestType, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    customer_department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolution_seconds = models.PositiveIntegerField(null=True)
    sla_met = models.BooleanField(null=True)
    reopened = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["department", "submitted_at"], name="response_dept_idx"),
            # The dashboard's follow-ups of low scores: a department's named low scores in a
            # period, counted from the index alone (at 1M tickets: 49 → 1.5 ms, a tenth of
            # the rows of response_dept_idx and no table reads).
            models.Index(
                fields=["department", "submitted_at"],
                include=["id", "request_type", "version"],
                condition=Q(anonymous=False) & low_score_q(),
                name="response_named_low_idx",
            ),
        ]

    def __str__(self):
        return f"{self.invitation_id}: {self.headline_score}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.number if self.number is not None else self.text}"


class Notification(models.Model):
    """An in-app message, e.g. a lead told about a low score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, related_name="+")
    # What it says, written in the reader's language when read (requests_app.phrases);
    # ``text`` holds finished text of notifications made before phrases were kept.
    phrase = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.message

    @property
    def message(self) -> str:
        return render(self.phrase) or self.text


class AnonymousDigest(models.Model):
    """A week's summary of anonymous answers sent to a department's leads.

    Anonymous low scores are not reported one by one (the time of an alert would point
    at the ticket just answered); leads get one line a week instead, and only for weeks
    with at least ``ICSAT_MIN_RESPONSES`` anonymous answers. One row per department and
    week makes the weekly task safe to run twice.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    responses = models.IntegerField()
    low_scores = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "week_start"], name="anonymousdigest_unique"
            )
        ]

    def __str__(self):
        return f"{self.department_id} {self.week_start}: {self.low_scores}/{self.responses}"
