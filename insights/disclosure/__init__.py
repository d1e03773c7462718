"""Disclosure control: which published cells to hide so that no hidden figure can be worked out.

The rule (statistical disclosure control for frequency tables):

* **Primary suppression, the threshold rule**: a group answered by fewer than
  ``ICSAT_MIN_RESPONSES`` people (k) is hidden.
* **Secondary suppression, the hypercube method** (Repsilber 1994; Giessing and
  Repsilber 2002, the GHMITER method of τ-ARGUS): every hidden cell is made the corner of
  a hypercube of hidden cells — in a table of request type × survey version × breakdown
  value, margins included, a 2×2×2 block — so that shifting one answer around the cube's
  corners changes no figure that is shown. The cube is chosen so that shift is possible
  in the data (no corner already at 0 % or 100 %), which is what keeps every hidden
  value between at least two possibilities; among such cubes the one hiding the fewest
  answers wins.

All views a reader can reach for one period are margins of one table: the dashboard
filtered by request type and by version shows the rows ``(type, version, ·)`` and the
unfiltered one their sums. Hiding cells of that whole table at once, not view by view,
is what defeats "the unfiltered total minus each type's filtered page". The groups'
headline cells (breakdown value = TOTAL) are shared by every breakdown; their cubes are
chosen once, on the headline table, and each breakdown extends the same cubes, so one
shift is consistent with every table on every page.

Pure functions over counts the database already summed; nothing here queries.
"""

from .search import protect, protect_linked
from .tables import (
    PROTECTED,
    SHOWN,
    TOO_FEW,
    TOTAL,
    UNPUBLISHED,
    Cube,
    Path,
    Suppression,
    Table,
    counters,
    with_margins,
)

__all__ = [
    "PROTECTED",
    "SHOWN",
    "TOO_FEW",
    "TOTAL",
    "UNPUBLISHED",
    "Cube",
    "Path",
    "Suppression",
    "Table",
    "counters",
    "protect",
    "protect_linked",
    "with_margins",
]
