"""The weekly digest to leads and HR admins: only changes that are real.

Each Monday a lead gets, for each department they lead, the figures of the last four
whole weeks that changed **clearly** against the four weeks before, the follow-ups past
due and the themes added last week — and no e-mail at all in a week without any. HR
admins get the same for every department in one e-mail.

"Clearly" is the dashboard's own test, so the digest never contradicts the page: for
the headline tiles, the 95 % interval of the difference excludes zero (Newcombe's
interval for shares, the adjusted Wald interval for NPS, Welch's for the mean score,
non-overlapping median intervals for the time to resolve), both figures shown under the
minimum-answers and disclosure rules. Breakdown rows (by request type and by customer
department) are many comparisons at once, so each is held to a Bonferroni-corrected
interval: with k rows compared, a row's change is clear only when its
(1 − 0.05 / k) interval of the difference excludes zero, which keeps the chance of any
false alarm in a digest at or below 5 %. Rows hidden on the dashboard are never
compared. The per-agent breakdown is left out: an e-mail is no place to rank colleagues.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import NormalDist

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy

from loop.models import FollowUp, Theme
from outbox import registry
from outbox.services import emails_queue
from requests_app.content import translated
from requests_app.models import Department, Membership

from ..models import WeeklyDigest
from ..scorecards import department_scorecard
from ..stats import Change, Figure, share_difference_interval

WINDOW_DAYS = 28
FAMILY_ALPHA = 0.05
# The headline tiles the digest compares, in the order it lists them.
TILES = (
    "csat",
    "nps",
    "csat_mean",
    "response_rate",
    "median_resolve_seconds",
    "sla_met",
    "reopen_rate",
)


@dataclass(frozen=True)
class ClearChange:
    """One figure that changed clearly: ``key`` names the tile (or "csat" of a breakdown
    row, with ``group`` its label), values in the tile's units (shares 0..1)."""

    key: str
    current: float
    previous: float
    direction: str
    group: str = ""


@dataclass
class DepartmentDigest:
    department: Department
    changes: list[ClearChange] = field(default_factory=list)
    overdue_follow_ups: int = 0
    new_themes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes or self.overdue_follow_ups or self.new_themes)


def digest_week(today: date) -> tuple[date, datetime, datetime]:
    """(Monday of this week, start, end) of the four whole weeks before it, local midnights."""
    monday = today - timedelta(days=today.weekday())
    tz = timezone.get_default_timezone()
    end = timezone.make_aware(datetime.combine(monday, time.min), tz)
    return monday, end - timedelta(days=WINDOW_DAYS), end


def _tile_changes(tiles) -> list[ClearChange]:
    changes = []
    for key in TILES:
        tile = getattr(tiles, key)
        change: Change | None = tile.change
        if change is None or not change.clear or not tile.current.shown:
            continue
        changes.append(
            ClearChange(
                key=key,
                current=float(tile.current.value),
                previous=float(tile.previous.value),
                direction=change.direction,
            )
        )
    return changes


def _successes(figure: Figure) -> int:
    return round((figure.value or 0) * figure.n)


def _row_changes(current_rows: list, previous_rows: list) -> list[ClearChange]:
    """Breakdown rows whose CSAT changed clearly under the Bonferroni correction."""
    previous = {row.key: row for row in previous_rows}
    pairs = [
        (row, previous[row.key])
        for row in current_rows
        if row.key in previous and row.csat.shown and previous[row.key].csat.shown
    ]
    if not pairs:
        return []
    z = NormalDist().inv_cdf(1 - FAMILY_ALPHA / len(pairs) / 2)
    changes = []
    for now, before in pairs:
        interval = share_difference_interval(
            _successes(now.csat), now.csat.n, _successes(before.csat), before.csat.n, z
        )
        if interval is None or interval[0] <= 0 <= interval[1]:
            continue
        changes.append(
            ClearChange(
                key="csat",
                group=now.label,
                current=float(now.csat.value),
                previous=float(before.csat.value),
                direction="up" if interval[0] > 0 else "down",
            )
        )
    return changes


def department_digest(department: Department, today: date) -> DepartmentDigest:
    """What the week's digest says of one department (reads only)."""
    _monday, start, end = digest_week(today)
    card = department_scorecard(
        department=department, start=start, end=end, trend_unit="week", include_agents=False
    )
    before = department_scorecard(
        department=department,
        start=start - timedelta(days=WINDOW_DAYS),
        end=start,
        trend_unit="week",
        include_agents=False,
    )
    digest = DepartmentDigest(department=department, changes=_tile_changes(card.tiles))
    digest.changes += _row_changes(
        [*card.by_request_type, *card.by_customer_department],
        [*before.by_request_type, *before.by_customer_department],
    )
    digest.overdue_follow_ups = FollowUp.objects.filter(
        department=department, status__in=FollowUp.OPEN_STATUSES, due_on__lt=today
    ).count()
    week_ago = end - timedelta(days=7)
    digest.new_themes = [
        translated(theme, "name")
        for theme in Theme.objects.filter(
            department=department, is_active=True, created_at__gte=week_ago, created_at__lt=end
        )
    ]
    return digest


def _readers() -> dict[int, list[int]]:
    """{user id: ids of the departments their digest covers}: leads for the departments
    they lead, HR admins for all; only active people who have not turned it off."""
    departments = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    readers: dict[int, list[int]] = {}
    leads = Membership.objects.filter(
        role=Membership.Role.LEAD,
        user__is_active=True,
        user__employee__weekly_digest=True,
        department__is_active=True,
    ).values_list("user_id", "department_id")
    for user_id, department_id in leads:
        readers.setdefault(user_id, []).append(department_id)
    hr_admins = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=settings.ICSAT_HR_ADMIN_GROUP),
        is_active=True,
        employee__weekly_digest=True,
    )
    for user_id in hr_admins.values_list("pk", flat=True).distinct():
        readers[user_id] = departments
    return readers


def weekly_digests_send(*, today: date | None = None) -> int:
    """Record this week's digest e-mails; returns how many. Nothing for a reader whose
    departments have nothing to tell; safe to run twice (a reader's week is told once)."""
    today = today or timezone.localdate(timezone.now(), timezone.get_default_timezone())
    monday, _start, _end = digest_week(today)
    digests: dict[int, DepartmentDigest] = {}
    readers = _readers()
    people = get_user_model().objects.in_bulk(list(readers))
    sent = 0
    for user_id, department_ids in readers.items():
        told = []
        for department_id in department_ids:
            if department_id not in digests:
                department = Department.objects.get(pk=department_id)
                digests[department_id] = department_digest(department, today)
            if digests[department_id]:
                told.append(department_id)
        if told and _remember(user_id, monday):
            sent += 1
            with transaction.atomic():
                emails_queue(
                    recipients=[people[user_id]],
                    template="insights_weekly_digest",
                    context={"department_ids": told, "today": today.isoformat()},
                )
    return sent


def _remember(user_id: int, monday: date) -> bool:
    try:
        with transaction.atomic():
            WeeklyDigest.objects.create(user_id=user_id, week_start=monday)
    except IntegrityError:
        return False
    return True


# The dashboard's own names for the figures (the same catalogue entries).
LABELS = {
    "csat": gettext_lazy("CSAT (answers of 4–5)"),
    "nps": gettext_lazy("NPS (−100 to +100)"),
    "csat_mean": gettext_lazy("Mean score (1–5)"),
    "response_rate": gettext_lazy("Response rate"),
    "median_resolve_seconds": gettext_lazy("Median time to resolve"),
    "sla_met": gettext_lazy("SLA met"),
    "reopen_rate": gettext_lazy("Reopen rate"),
}


def _shown(key: str, value: float) -> str:
    """A figure as the dashboard writes it, in the active language."""
    if key == "nps":
        return f"{value:+.0f}"
    if key == "csat_mean":
        return formats.number_format(value, 1)
    if key == "median_resolve_seconds":
        return gettext("%(hours)s h") % {"hours": formats.number_format(value / 3600, 1)}
    return f"{formats.number_format(value * 100, 0)} %"


def _lines(digest: DepartmentDigest) -> list[dict]:
    return [
        {
            "label": str(LABELS[change.key]),
            "group": change.group,
            "previous": _shown(change.key, change.previous),
            "current": _shown(change.key, change.current),
            "up": change.direction == "up",
        }
        for change in digest.changes
    ]


def _digest_context(stored: dict, recipient) -> dict | None:
    """The digest e-mail's contents, worked out again when it is sent (in the recipient's
    language and zone); cancelled if nothing is left to tell."""
    today = date.fromisoformat(stored["today"])
    _monday, start, end = digest_week(today)
    departments = Department.objects.filter(pk__in=stored["department_ids"]).order_by("name")
    digests = [d for d in (department_digest(dep, today) for dep in departments) if d]
    if not digests:
        return None
    base = settings.ICSAT_BASE_URL
    return {
        "digests": [
            {
                "digest": digest,
                "lines": _lines(digest),
                "url": base
                + reverse(
                    "insights:department_dashboard",
                    kwargs={"department_slug": digest.department.slug},
                ),
            }
            for digest in digests
        ],
        "first_day": start.date(),
        "last_day": (end - timedelta(days=1)).date(),
        "profile_url": base + reverse("requests_app:profile"),
    }


def register_emails() -> None:
    registry.register_template("insights_weekly_digest", _digest_context)
