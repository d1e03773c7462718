"""The per-day rollups the dashboards read, kept current by hooks on the changes they count.

The tables keep the names they had when they lived in requests_app and surveys.
Days are local dates; dashboards only ask for whole local days.
"""

from django.conf import settings
from django.db import models

from requests_app.models import Department, RequestType
from surveys.models import Question, SurveyVersion

# Question kinds whose answers are counted per value.
DISTRIBUTION_KINDS = (
    Question.Kind.CSAT,
    Question.Kind.NPS,
    Question.Kind.YES_NO,
    Question.Kind.CHOICE,
)


class TicketDay(models.Model):
    """A department's requests of one type on one local day, kept current by hooks.

    ``created`` counts requests created that day; the others count requests whose current
    resolution falls on that day (a reopen takes its resolution back). File handoffs are
    not counted. Dashboards sum these rows instead of scanning tickets.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    with_due = models.IntegerField(default=0)
    sla_met = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    # One more with every resolution counted or taken back on this day, never less: the
    # sums over a period move with every change to its time-to-resolve histogram, so the
    # dashboards keep their exact medians under them (insights.selectors.medians).
    resolution_changes = models.IntegerField(default=0)

    class Meta:
        db_table = "requests_app_ticketday"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "day", "request_type"], name="ticketday_unique"
            )
        ]

    def __str__(self):
        return f"{self.department_id}/{self.request_type_id} {self.day}"


class Grain(models.TextChoices):
    """A rollup row's span: one local day, the week starting on Monday ``day``, or the
    calendar month starting on ``day`` (the breakdowns' rows only)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ResolutionDay(models.Model):
    """How many of a day's resolutions took a time within one histogram bucket.

    Bucket bounds are ``insights.buckets.RESOLUTION_BOUNDS``; with the counts the
    median's rank is found in one bucket, then read exactly from the tickets' index.
    Also kept per week (``grain`` week, ``day`` its Monday): a year's histogram reads whole
    weeks plus the days at its ragged ends, the same sums from a sixth of the rows (the
    organisation view sums every department's).
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    grain = models.CharField(max_length=5, choices=Grain.choices, default=Grain.DAY)
    bucket = models.PositiveSmallIntegerField()
    tickets = models.IntegerField(default=0)

    class Meta:
        db_table = "requests_app_resolutionday"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "grain", "day", "request_type", "bucket"],
                name="resolutionday_unique",
            )
        ]
        indexes = [
            # The organisation view: every department's histogram over a period.
            models.Index(
                fields=["grain", "day"],
                include=["department", "bucket", "tickets"],
                name="resolutionday_period_idx",
            )
        ]

    def __str__(self):
        return f"{self.department_id}/{self.request_type_id} {self.day} #{self.bucket}"


class ResponseDay(models.Model):
    """Headline sums of one day's responses, per breakdown value.

    Each response counts once in every dimension: ``all`` (value 0), ``customer`` (the
    customer department's id, 0 for none), ``agent`` (user id, 0 for none),
    ``resolution`` (the dashboard's resolution-time bucket) and ``sla`` (1 met, 0 missed;
    responses without a due date are not counted there).

    The breakdown dimensions (all but ``all``) are also kept per week (``grain`` week,
    ``day`` its Monday) and per month (``grain`` month, ``day`` its first): a year's
    breakdown reads whole months, then whole weeks and days at its ragged ends, exactly,
    instead of 365 day rows per group (under a third of the rows that weeks and days took).
    """

    Grain = Grain

    BREAKDOWN_DIMENSIONS = ("customer", "agent", "resolution", "sla")
    # The counters every row carries (the dashboards' headline sums).
    COUNTERS = (
        "responses",
        "csat_n",
        "csat_good",
        "csat_sum",
        "csat_sum_sq",
        "nps_n",
        "nps_promoters",
        "nps_detractors",
    )

    class Dimension(models.TextChoices):
        ALL = "all"
        CUSTOMER = "customer"
        AGENT = "agent"
        RESOLUTION = "resolution"
        SLA = "sla"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    grain = models.CharField(max_length=5, choices=Grain.choices, default=Grain.DAY)
    value = models.IntegerField(default=0)
    responses = models.IntegerField(default=0)
    csat_n = models.IntegerField(default=0)
    csat_good = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    # Σ score²: with csat_n and csat_sum it gives the variance a change in the mean needs.
    csat_sum_sq = models.IntegerField(default=0)
    nps_n = models.IntegerField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)

    class Meta:
        db_table = "surveys_responseday"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "department",
                    "dimension",
                    "grain",
                    "day",
                    "request_type",
                    "version",
                    "value",
                ],
                name="responseday_unique",
            )
        ]
        indexes = [
            # The organisation's matrix: one dimension of every department over a period.
            models.Index(
                fields=["dimension", "grain", "day"],
                include=["department", "value", "csat_n", "csat_good"],
                name="responseday_matrix_idx",
            )
        ]

    def __str__(self):
        return f"{self.department_id} {self.day} {self.dimension}={self.value}"


class AnswerDay(models.Model):
    """How often each value of a CSAT, NPS, yes/no or choice question was given on a day."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    value = models.CharField(max_length=300)
    answers = models.IntegerField(default=0)

    class Meta:
        db_table = "surveys_answerday"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "day", "request_type", "question", "value"],
                name="answerday_unique",
            )
        ]

    def __str__(self):
        return f"{self.question_id} {self.day} {self.value}"


class InvitationDay(models.Model):
    """Invitations sent on a day, and how many of those have been answered since."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)

    class Meta:
        db_table = "surveys_invitationday"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "day", "request_type", "version"],
                name="invitationday_unique",
            )
        ]

    def __str__(self):
        return f"{self.department_id} {self.day}: {self.answered}/{self.sent}"


class SurveyCountsStamp(models.Model):
    """How often a department's counts changed: ``changes`` its answers' (ResponseDay,
    AnswerDay rows), ``invitation_changes`` its InvitationDay rows (sent and answered), each
    bumped in the transaction of every change to them, so a dashboard that reads them first
    may keep what it read of those rows until they move (``insights.scorecards.protection``).
    Every rebuild of any rollups moves all three, ``rebuilds`` only then (what is kept of the
    ticket rollups, the medians, is keyed by it: their own changes are counted in
    TicketDay).

    Every department with survey counts has one: the changes' receivers and the rebuild make
    it, and a department without one has no survey counts to read. The newer counters have
    a database default, so code deployed before them can still make and bump stamps.
    """

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    changes = models.BigIntegerField(default=0)
    invitation_changes = models.BigIntegerField(default=0, db_default=0)
    rebuilds = models.BigIntegerField(default=0, db_default=0)

    def __str__(self):
        return f"{self.department_id}: {self.changes}, {self.invitation_changes}"


class WeeklyDigest(models.Model):
    """A reader's weekly digest of clear changes was made for this week (Monday): one row
    per person and week keeps the hourly task from telling anyone twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="weeklydigest_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.week_start}"
