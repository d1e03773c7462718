"""Reads of comment themes: a department's themes, the themes of comments, and how often
each theme came up per period for the dashboard.

Theme counts follow the rules of every other figure (README, "Honest numbers"): a period
with fewer than ``ICSAT_MIN_RESPONSES`` commented answers shows no share, and a view
narrowed by request type or survey version shows a period only when no group of that
period is small, so no small group's counts can be had by subtracting one view from
another. Anonymous comments count by whole weeks only (see ``theme_counts``).
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from requests_app.models import Department
from requests_app.zones import site_midnight
from surveys.models import Response

from ..models import Theme, ThemeTag
from ..suggestions import Example, ThemeSuggester

TOO_FEW = "too_few"
PROTECTED = "protected"
# A salt, not a secret: the key is SECRET_KEY.
_TOKEN_SALT = "loop.themes.comment"  # noqa: S105


def department_themes(department: Department, *, active_only: bool = False) -> list[Theme]:
    """The department's themes, in use first, by name. One query."""
    themes = Theme.objects.filter(department=department)
    if active_only:
        themes = themes.filter(is_active=True)
    return list(themes.order_by("-is_active", "name"))


def theme_get(department: Department, theme_id) -> Theme | None:
    """One theme of ``department``; None for another department's or a malformed id."""
    try:
        return Theme.objects.filter(department=department, pk=int(theme_id)).first()
    except (TypeError, ValueError):
        return None


def themes_of_responses(response_ids: Iterable[int]) -> dict[int, list[Theme]]:
    """{response id: its themes by name} for the given responses. One query."""
    ids = [pk for pk in response_ids if pk is not None]
    out: dict[int, list[Theme]] = defaultdict(list)
    if not ids:
        return out
    for tag in (
        ThemeTag.objects.filter(response_id__in=ids)
        .select_related("theme")
        .order_by("theme__name", "pk")
    ):
        out[tag.response_id].append(tag.theme)
    return out


# The newest tagged comments a suggestion learns from: enough to know a department's
# words, few enough that building the suggester stays a few milliseconds.
EXAMPLES_LIMIT = 2000


def tagged_examples(department: Department, *, limit: int = EXAMPLES_LIMIT) -> list[Example]:
    """(theme, comment text) of the department's newest tags on themes in use. One query;
    the text only, never who answered or when."""
    rows = (
        ThemeTag.objects.filter(theme__department=department, theme__is_active=True)
        .order_by("-pk")
        .values_list("theme_id", "response__comment")[:limit]
    )
    return [Example(theme_id=theme_id, text=text) for theme_id, text in rows]


# Built suggesters by exactly what they were built from (the themes' names and the tagged
# texts): stemming 2,000 comments costs ~40 ms, reading them a few; a dashboard view reads
# them and stems again only when something changed. Per process, a few departments' worth.
_SUGGESTERS: dict[tuple, ThemeSuggester] = {}
_SUGGESTERS_KEPT = 64


def theme_suggester(department: Department, themes: Sequence[Theme]) -> ThemeSuggester:
    """A suggester for the department's themes in use. One query."""
    active = [theme for theme in themes if theme.is_active]
    examples = tuple(tagged_examples(department)) if active else ()
    key = (tuple((t.pk, t.name, t.name_es, t.name_nb) for t in active), examples)
    suggester = _SUGGESTERS.get(key)
    if suggester is None:
        if len(_SUGGESTERS) >= _SUGGESTERS_KEPT:
            _SUGGESTERS.pop(next(iter(_SUGGESTERS)))  # the oldest built
        suggester = _SUGGESTERS[key] = ThemeSuggester(active, examples)
    return suggester


# ------------------------------------------------------------- which comment a form means


def comment_token(response_id: int) -> str:
    """An opaque name of a comment for the dashboard's tagging forms.

    Not the response's id: ids grow with time, so an anonymous comment's id placed among
    named comments (whose days are shown) would tell roughly when it was given.
    """
    return salted_hmac(_TOKEN_SALT, str(response_id), algorithm="sha256").hexdigest()[:24]


def week_of(moment: datetime) -> date:
    """The Monday of the site's week holding ``moment``."""
    day = timezone.localdate(moment, timezone.get_default_timezone())
    return day - timedelta(days=day.weekday())


def commented_response_find(department: Department, token: str, week: date) -> Response | None:
    """The department's commented response named by ``token`` among the answers of the
    week starting ``week`` (a Monday); None if there is none. One query, bounded by a
    week's comments of one department."""
    start, end = site_midnight(week), site_midnight(week + timedelta(days=7))
    candidates = (
        Response.objects.filter(
            department=department, submitted_at__gte=start, submitted_at__lt=end
        )
        .exclude(comment="")
        .select_related("department")
    )
    for response in candidates:
        if constant_time_compare(comment_token(response.pk), token or ""):
            return response
    return None


# ------------------------------------------------------------------- counts over time


@dataclass(frozen=True)
class ThemeColumn:
    """One period bucket: its commented answers, or why it is withheld (then 0)."""

    bucket: date
    commented: int
    withheld: str = ""  # "", TOO_FEW or PROTECTED


@dataclass(frozen=True)
class ThemeCell:
    """One theme in one bucket: the tagged commented answers; 0 where withheld."""

    tagged: int
    commented: int
    withheld: str = ""

    @property
    def share(self) -> float | None:
        if self.withheld or not self.commented:
            return None
        return self.tagged / self.commented


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    cells: list[ThemeCell]


@dataclass(frozen=True)
class ThemeCounts:
    columns: list[ThemeColumn]
    rows: list[ThemeRow]


def _bucket_index(buckets: Sequence[date], day: date) -> int:
    return bisect_right(buckets, day) - 1


def theme_counts(
    *,
    department: Department,
    start: datetime,
    end: datetime,
    buckets: Sequence[date],
    request_type_id: int | None = None,
    version_id: int | None = None,
) -> ThemeCounts:
    """Per theme and bucket, the commented answers tagged with it and their share of the
    bucket's commented answers, for the answers of ``[start, end)`` (local midnights).

    ``buckets`` are the first days of the periods shown, ascending (the dashboard's weeks,
    months or quarters); each runs to the next, the last to ``end``; answers before the
    first are not counted. Named comments count on their day. Anonymous comments count
    on the Monday of their week, and only once that whole week lies inside the period:
    so moving the period's first or last day, or looking again tomorrow, never reveals
    the day an anonymous comment came in.

    A bucket is withheld (TOO_FEW) with fewer than ``ICSAT_MIN_RESPONSES`` commented
    answers in the view; a view narrowed by request type or version withholds
    (PROTECTED) a bucket where any request type × version group has between 1 and k−1
    commented answers, so that subtracting views reveals no small group. Retired themes
    are listed only where a shown cell counts them. Three queries whatever the data.
    """
    k = settings.ICSAT_MIN_RESPONSES
    buckets = sorted(buckets)
    tz = timezone.get_default_timezone()
    first = timezone.localdate(start, tz)
    stop = timezone.localdate(end, tz)
    group_by = ("day", "anonymous", "request_type", "version")
    filtered = request_type_id is not None or version_id is not None

    def place(row: dict) -> int | None:
        """The bucket of a grouped row, or None where it is not counted."""
        day = row["day"]
        if row["anonymous"]:
            day -= timedelta(days=day.weekday())
            if day < first or day + timedelta(days=7) > stop:
                return None
        index = _bucket_index(buckets, day)
        return None if index < 0 else index

    def in_view(row: dict) -> bool:
        return (request_type_id is None or row["request_type"] == request_type_id) and (
            version_id is None or row["version"] == version_id
        )

    responses = Response.objects.filter(
        department=department, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(comment="")
    # groups[bucket][(type, version)] = commented answers
    groups: list[dict[tuple, int]] = [defaultdict(int) for _bucket in buckets]
    commented = [0] * len(buckets)
    for row in (
        responses.annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .order_by()
        .values(*group_by)
        .annotate(n=Count("pk"))
    ):
        index = place(row)
        if index is None:
            continue
        groups[index][(row["request_type"], row["version"])] += row["n"]
        if in_view(row):
            commented[index] += row["n"]

    columns = []
    for index, bucket in enumerate(buckets):
        withheld = ""
        if commented[index] < k:
            withheld = TOO_FEW
        elif filtered and any(0 < n < k for n in groups[index].values()):
            withheld = PROTECTED
        columns.append(
            ThemeColumn(
                bucket=bucket, commented=0 if withheld else commented[index], withheld=withheld
            )
        )

    tagged: dict[int, list[int]] = defaultdict(lambda: [0] * len(buckets))
    for row in (
        ThemeTag.objects.filter(
            theme__department=department,
            response__department=department,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
        )
        .exclude(response__comment="")
        .annotate(
            day=TruncDate("response__submitted_at", tzinfo=tz),
            anonymous=F("response__anonymous"),
            request_type=F("response__request_type"),
            version=F("response__version"),
        )
        .order_by()
        .values("theme", *group_by)
        .annotate(n=Count("pk"))
    ):
        index = place(row)
        if index is None or not in_view(row) or columns[index].withheld:
            continue
        tagged[row["theme"]][index] += row["n"]

    rows = []
    for theme in department_themes(department):
        counts = tagged.get(theme.pk, [0] * len(buckets))
        if not theme.is_active and not any(counts):
            continue
        rows.append(
            ThemeRow(
                theme=theme,
                cells=[
                    ThemeCell(
                        tagged=counts[i], commented=column.commented, withheld=column.withheld
                    )
                    for i, column in enumerate(columns)
                ],
            )
        )
    return ThemeCounts(columns=columns, rows=rows)
