"""What the dashboards show: plain, frozen results built by the scorecard selectors."""

from dataclasses import dataclass, field
from datetime import date, datetime

from requests_app.models import Department

from ..stats import Change, Figure
from .trend_units import TrendChoice


@dataclass(frozen=True)
class Tile:
    """A headline figure for the period and the previous period of the same length, and
    how it changed: each kind with its own test (``insights.stats``: Newcombe's interval
    for shares, adjusted Wald for NPS, Welch for means, median intervals), a plain
    difference for counts; None when either figure is not shown."""

    current: Figure
    previous: Figure
    change: Change | None = None


@dataclass(frozen=True)
class Tiles:
    """The headline tiles. Shares are 0..1, NPS −100..100, the median in seconds.

    ``responses``, ``sent``, ``answered`` (of those sent in the period) and ``volume`` are
    plain counts (never suppressed); the others
    are suppressed below the minimum number of observations behind them: answers for
    CSAT/mean/NPS, sent invitations for the response rate, resolved tickets for the
    median, SLA and reopen rate.
    """

    csat: Tile
    csat_mean: Tile
    nps: Tile
    responses: Tile
    sent: Tile
    answered: Tile
    response_rate: Tile
    volume: Tile
    resolved: Tile
    median_resolve_seconds: Tile
    sla_met: Tile
    reopen_rate: Tile

    @property
    def headline_kind(self) -> str:
        """ "nps" where the answers behind these tiles are mostly NPS, else "csat"."""
        nps_n = self.nps.current.n + self.nps.previous.n
        csat_n = self.csat.current.n + self.csat.previous.n
        return "nps" if nps_n > csat_n else "csat"


# The label of a breakdown row whose group is not known (no customer department, a
# deleted request type or person).
UNKNOWN_GROUP = "—"


@dataclass(frozen=True)
class BreakdownRow:
    """CSAT (and NPS) of one group of the period's responses; ``hidden`` says why its
    figures are not shown ("" shown, "few" under the minimum, "protected" so a smaller
    group can't be worked out)."""

    key: object
    label: str
    responses: int
    csat: Figure
    nps: Figure
    hidden: str = ""


@dataclass(frozen=True)
class TrendPoint:
    bucket: date
    responses: int
    csat: Figure
    nps: Figure
    hidden: str = ""


@dataclass(frozen=True)
class CommentRow:
    """A comment; on anonymous surveys reference and requester are always None,
    and only the week it was given in is kept (``week_of``, a Monday)."""

    text: str
    submitted_at: datetime | None
    week_of: date | None
    headline_kind: str
    score: int | None
    request_type: str | None
    anonymous: bool
    ticket_reference: str | None
    requester_name: str | None
    # Never shown: the tagging forms name the comment by an opaque token made from it.
    response_id: int | None = None


@dataclass(frozen=True)
class QuestionResult:
    """How often each value was chosen; ``counts`` is empty when suppressed."""

    question_id: int
    version_number: int
    position: int
    kind: str
    text: str
    n: int
    counts: list[tuple[str, int]]
    suppressed: bool
    hidden: str = ""


@dataclass(frozen=True)
class DepartmentScorecard:
    """Everything one view of a department's dashboard shows.

    Equal scorecards show alike, so a page may keep what it rendered of one by the
    scorecard itself (``insights.views.dashboards``): it is hashed by its plain fields and
    compared by all of them, its lists included.
    """

    department: Department
    start: datetime
    end: datetime
    previous_start: datetime
    request_type_id: int | None
    version_id: int | None
    tiles: Tiles
    by_request_type: list[BreakdownRow] = field(hash=False)
    by_customer_department: list[BreakdownRow] = field(hash=False)
    by_agent: list[BreakdownRow] | None = field(hash=False)
    by_resolution_time: list[BreakdownRow] = field(hash=False)
    by_sla: list[BreakdownRow] = field(hash=False)
    questions: list[QuestionResult] = field(hash=False)
    questions_by_type_withheld: bool
    breakdowns_by_version_withheld: bool
    trend: list[TrendPoint] = field(hash=False)
    trend_choice: TrendChoice
    comments: list[CommentRow] = field(hash=False)
    comments_suppressed: bool
    comments_hidden: str
    anonymous: bool
    median_is_exact: bool = True
    # Named answers with a low headline score in the period (the follow-ups' base): shown,
    # like the comments, only where the comments are; None where not counted.
    named_low_scores: int | None = None


@dataclass(frozen=True)
class OverviewRow:
    """One department in the organisation table; ``headline`` is its figure in its
    headline ``measure`` ("csat" or "nps"), ``csat`` and ``nps`` both for reference."""

    department: Department
    measure: str
    headline: Figure
    headline_previous: Figure
    csat: Figure
    nps: Figure
    responses: int
    sent: int
    response_rate: Figure
    volume: int
    median_resolve_seconds: Figure
    sla_met: Figure
    trend: Change | None = None
    median_is_exact: bool = True


@dataclass(frozen=True)
class Matrix:
    """Customer department (rows) × provider department (columns); cells keyed (row, col).
    Each column is in its provider's headline measure: (id, name, "csat" or "nps",
    anonymous?)."""

    rows: list[tuple[int | None, str]]
    columns: list[tuple[int, str, str, bool]]
    cells: dict[tuple[int | None, int], Figure] = field(default_factory=dict)

    def cell(self, row_id, column_id) -> Figure:
        return self.cells.get((row_id, column_id), Figure.of(None, 0))
