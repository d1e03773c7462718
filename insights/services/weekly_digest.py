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
from datetime import date, datetime, timedelta
from statistics import NormalDist

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loop.models import FollowUp, Theme
from outbox.services import emails_queue
from requests_app.content import translated
from requests_app.models import Department, Membership
from requests_app.zones import site_midnight

from ..models import WeeklyDigest
from ..scorecards import department_scorecard
from ..scorecards.results import Tile
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
    """One figure that changed clearly: ``key`` names the tile (a ``Tiles`` attribute, or
    "csat" of a breakdown row with ``group`` its label); ``tile`` holds both figures and
    the change with its interval (for a breakdown row, the Bonferroni-corrected one)."""

    key: str
    tile: Tile
    group: str = ""
    dimension: str = ""  # "request_type" or "customer_department" for a breakdown row

    @property
    def current(self) -> float:
        return float(self.tile.current.value or 0)  # shown, so never None

    @property
    def previous(self) -> float:
        return float(self.tile.previous.value or 0)

    @property
    def direction(self) -> str:
        return self.tile.change.direction if self.tile.change else "flat"


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
    end = site_midnight(monday)
    return monday, end - timedelta(days=WINDOW_DAYS), end


def _tile_changes(tiles) -> list[ClearChange]:
    changes = []
    for key in TILES:
        tile = getattr(tiles, key)
        change: Change | None = tile.change
        if change is None or not change.clear or not tile.current.shown:
            continue
        changes.append(ClearChange(key=key, tile=tile))
    return changes


def _successes(figure: Figure) -> int:
    return round((figure.value or 0) * figure.n)


def _row_changes(rows: list[tuple], whole: Tile) -> list[ClearChange]:
    """Breakdown rows whose CSAT changed clearly under the Bonferroni correction; ``rows``
    are (dimension, row now, the same row before), both breakdowns as one family.

    A row that holds all of the department's answers in both windows (a single request
    type, a single customer department) is the headline again and is not compared."""
    pairs = [
        (dimension, now, before)
        for dimension, now, before in rows
        if now.csat.shown
        and before.csat.shown
        and (now.csat.n, before.csat.n) != (whole.current.n, whole.previous.n)
    ]
    return [
        ClearChange(key="csat", group=now.label, dimension=dimension, tile=tile)
        for dimension, now, before in pairs
        if (tile := _bonferroni_tile(now.csat, before.csat, len(pairs))) is not None
    ]


def _pairs(current_rows: list, previous_rows: list) -> list[tuple]:
    previous = {row.key: row for row in previous_rows}
    return [(row, previous[row.key]) for row in current_rows if row.key in previous]


def _bonferroni_tile(now: Figure, before: Figure, comparisons: int) -> Tile | None:
    """The two shares and their change when the corrected interval leaves out zero."""
    z = NormalDist().inv_cdf(1 - FAMILY_ALPHA / comparisons / 2)
    interval = share_difference_interval(_successes(now), now.n, _successes(before), before.n, z)
    if interval is None or interval[0] <= 0 <= interval[1]:
        return None
    low, high = interval
    change = Change(
        delta=(now.value or 0) - (before.value or 0),
        direction="up" if low > 0 else "down",
        clear=True,
        low=low,
        high=high,
    )
    return Tile(current=now, previous=before, change=change)


def department_digest(department: Department, today: date) -> DepartmentDigest:
    """What the week's digest says of one department (reads only)."""
    _monday, start, end = digest_week(today)
    card = department_scorecard(
        department=department,
        start=start,
        end=end,
        trend_unit="week",
        include_agents=False,
        include_low_scores=False,
    )
    before = department_scorecard(
        department=department,
        start=start - timedelta(days=WINDOW_DAYS),
        end=start,
        trend_unit="week",
        include_agents=False,
        include_low_scores=False,
    )
    digest = DepartmentDigest(department=department, changes=_tile_changes(card.tiles))
    # Both breakdowns are one family: k counts the rows of both.
    rows = [
        (dimension, now, then)
        for dimension, now_rows, then_rows in (
            ("request_type", card.by_request_type, before.by_request_type),
            ("customer_department", card.by_customer_department, before.by_customer_department),
        )
        for now, then in _pairs(now_rows, then_rows)
    ]
    digest.changes += _row_changes(rows, whole=card.tiles.csat)
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
