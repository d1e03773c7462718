"""Dashboard selectors: a department's scorecard, the organisation overview, the matrix.

Figures are sums over per-day rollups kept current by the services (see
``insights/services/``), so the work does
not grow with the number of tickets, only with the days and groups shown. Medians of time
to resolve are exact: the resolution histogram finds the bucket holding the middle rank
and one indexed lookup reads the middle duration(s) from the tickets. Rates are
``stats.Figure`` objects, suppressed below ``ICSAT_MIN_RESPONSES``; callers scope access
(who may see which department) before calling. Periods are whole local days.
"""

from .department import LATEST_COMMENTS, department_scorecard
from .organisation import organisation_overview, satisfaction_matrix
from .protection import protections
from .results import (
    BreakdownRow,
    CommentRow,
    DepartmentScorecard,
    Matrix,
    OverviewRow,
    QuestionResult,
    Tile,
    Tiles,
    TrendPoint,
)

__all__ = [
    "LATEST_COMMENTS",
    "BreakdownRow",
    "CommentRow",
    "DepartmentScorecard",
    "Matrix",
    "OverviewRow",
    "QuestionResult",
    "Tile",
    "Tiles",
    "TrendPoint",
    "department_scorecard",
    "organisation_overview",
    "protections",
    "satisfaction_matrix",
]
