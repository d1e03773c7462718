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

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

TOTAL = "*"

# Counter layout of a cell (the ResponseDay counters the dashboards show figures of).
RESPONSES, CSAT_N, CSAT_GOOD, CSAT_SUM, NPS_N, NPS_NET = range(6)
WIDTH = 6

# Cell states.
SHOWN = ""
TOO_FEW = "few"  # primary: fewer than k answers
PROTECTED = "protected"  # secondary: hidden so a smaller group can't be worked out
UNPUBLISHED = "unpublished"  # never shown (e.g. responses without a due date in "by SLA")


def counters(
    responses: int = 0,
    csat_n: int = 0,
    csat_good: int = 0,
    csat_sum: int = 0,
    nps_n: int = 0,
    nps_promoters: int = 0,
    nps_detractors: int = 0,
) -> tuple[int, ...]:
    """A cell's counters in the layout this module uses."""
    return (responses, csat_n, csat_good, csat_sum, nps_n, nps_promoters - nps_detractors)


def _add(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


EMPTY = (0,) * WIDTH


def is_too_few(cell: Sequence[int], k: int) -> bool:
    """Primary suppression: some figure of the cell stands on 1..k-1 answers."""
    return any(0 < cell[index] < k for index in (RESPONSES, CSAT_N, NPS_N))


@dataclass(frozen=True)
class Cube:
    """For each axis, the two coordinates the cube spans (None: the axis has one value)."""

    pairs: tuple[tuple[object, object] | None, ...]

    def cells(self) -> list[tuple]:
        choices = [pair if pair else (TOTAL,) for pair in self.pairs]
        return list(product(*choices))

    def sign(self, cell: tuple) -> int:
        """+1/−1: how a unit shift around the cube changes ``cell`` (margins flip sign)."""
        sign = 1
        for coordinate, pair in zip(cell, self.pairs, strict=True):
            if pair is None:
                continue
            if coordinate != pair[0]:
                sign = -sign
            if coordinate == TOTAL:
                sign = -sign
        return sign


@dataclass
class Table:
    """An n-dimensional table of cells: every combination of axis values and TOTAL.

    ``atoms`` hold the counters of the fully specified cells; margins are their sums.
    An axis with one published value is collapsed (that value is the same group as its
    total). Values in ``unpublished`` (per axis) are never shown.
    """

    axes: tuple[tuple, ...]
    atoms: Mapping[tuple, Sequence[int]]
    unpublished: tuple[frozenset, ...] = ()
    cells: dict[tuple, tuple[int, ...]] = field(init=False)
    collapsed: tuple[object | None, ...] = field(init=False)

    def __post_init__(self):
        if not self.unpublished:
            self.unpublished = tuple(frozenset() for _ in self.axes)
        self.collapsed = tuple(
            values[0] if len(values) == 1 and values[0] not in hidden else None
            for values, hidden in zip(self.axes, self.unpublished, strict=True)
        )
        self.axes = tuple(
            () if single is not None else tuple(values)
            for values, single in zip(self.axes, self.collapsed, strict=True)
        )
        cells: dict[tuple, tuple[int, ...]] = {}
        for key, value in self.atoms.items():
            key = self.canonical(key)
            for corner in product(*(((c, TOTAL) if c != TOTAL else (TOTAL,)) for c in key)):
                cells[corner] = _add(cells.get(corner, EMPTY), value)
        self.cells = cells

    def canonical(self, key: Sequence) -> tuple:
        """The key with collapsed axes' single value written as TOTAL."""
        return tuple(
            TOTAL if single is not None and coordinate == single else coordinate
            for coordinate, single in zip(key, self.collapsed, strict=True)
        )

    def get(self, key: Sequence) -> tuple[int, ...]:
        return self.cells.get(self.canonical(key), EMPTY)

    def is_unpublished(self, key: Sequence) -> bool:
        return any(c in hidden for c, hidden in zip(key, self.unpublished, strict=True))

    def partners(self, axis: int, coordinate) -> list:
        values = self.axes[axis]
        return [v for v in (*values, TOTAL) if v != coordinate]


def _movable(table: Table, cube: Cube) -> bool:
    """Can one answer be shifted around the cube's corners without leaving any cell's
    possible range? Checked for each figure the cells show (CSAT, NPS, the mean)."""
    corners = [(cell, cube.sign(cell), table.get(cell)) for cell in cube.cells()]
    live = [index for index in (CSAT_N, NPS_N) if any(c[2][index] for c in corners)]
    if not live:
        return False
    for n_index in live:
        bounds = {
            CSAT_N: ((CSAT_GOOD, 0, 1),),
            NPS_N: ((NPS_NET, -1, 1),),
        }[n_index]
        for value_index, low_per_n, high_per_n in bounds:
            ok = False
            for direction in (1, -1):
                if all(
                    low_per_n * cell[n_index]
                    <= cell[value_index] + direction * sign
                    <= high_per_n * cell[n_index]
                    for _key, sign, cell in corners
                ):
                    ok = True
                    break
            if not ok:
                return False
    return True


@dataclass
class Suppression:
    """The state of every published cell of one table, and the cubes that protect them."""

    table: Table
    state: dict[tuple, str] = field(default_factory=dict)
    cubes: list[Cube] = field(default_factory=list)

    def of(self, key: Sequence) -> str:
        key = self.table.canonical(key)
        if self.table.is_unpublished(key):
            return UNPUBLISHED
        return self.state.get(key, SHOWN)

    def hidden(self, key: Sequence) -> bool:
        return self.of(key) != SHOWN

    def _hide(self, cells: Iterable[tuple]) -> None:
        for cell in cells:
            if not self.table.is_unpublished(cell) and cell not in self.state:
                self.state[cell] = PROTECTED


def _cost(suppression: Suppression, cube: Cube) -> int:
    table = suppression.table
    return sum(
        table.get(cell)[RESPONSES] + 1
        for cell in cube.cells()
        if cell not in suppression.state and not table.is_unpublished(cell)
    )


def _best_cube(suppression: Suppression, candidates: Iterable[Cube]) -> Cube | None:
    """The movable candidate that hides the fewest answers; else the cheapest one."""
    best = None
    for cube in candidates:
        movable = _movable(suppression.table, cube)
        rank = (not movable, _cost(suppression, cube))
        if best is None or rank < best[0]:
            best = (rank, cube)
    return best[1] if best else None


def _candidates(
    table: Table, cell: tuple, fixed: Mapping[int, tuple | None], values_only: int | None = None
) -> Iterable[Cube]:
    """Every cube with ``cell`` as a corner. ``fixed`` pins some axes' pairs; on axis
    ``values_only`` the partner is a value, never TOTAL."""
    options = []
    for axis, coordinate in enumerate(cell):
        if axis in fixed:
            options.append([fixed[axis]])
        elif not table.axes[axis]:
            options.append([None])
        else:
            partners = table.partners(axis, coordinate)
            if axis == values_only:
                partners = [p for p in partners if p != TOTAL]
            options.append([(coordinate, p) for p in partners])
    for pairs in product(*options):
        yield Cube(pairs=tuple(pairs))


def _at_extreme(cell: Sequence[int]) -> bool:
    """All of the cell's answers alike: every CSAT answer good or none, every NPS answer a
    promoter or every one a detractor."""
    if cell[CSAT_N] and cell[CSAT_GOOD] in (0, cell[CSAT_N]):
        return True
    return bool(cell[NPS_N]) and abs(cell[NPS_NET]) == cell[NPS_N]


def _told_by_shown_group(suppression: Suppression, key: tuple) -> bool:
    """Is ``key`` inside a shown group whose answers were all alike? Then its value is
    what that shown figure already says of everyone in the group, and no cube can make
    it uncertain."""
    table = suppression.table
    free = [axis for axis, coordinate in enumerate(key) if coordinate != TOTAL]
    for mask in range(1, 1 << len(free)):
        ancestor = list(key)
        for bit, axis in enumerate(free):
            if mask >> bit & 1:
                ancestor[axis] = TOTAL
        ancestor = tuple(ancestor)
        if ancestor in suppression.state or table.is_unpublished(ancestor):
            continue
        if _at_extreme(table.get(ancestor)):
            return True
    return False


def _cover(suppression: Suppression, cubes: Iterable[Cube], key: tuple) -> None:
    cube = _best_cube(suppression, cubes)
    if cube is None:
        return
    if not _movable(suppression.table, cube) and _told_by_shown_group(suppression, key):
        return  # hiding more would protect nothing
    suppression._hide(cube.cells())
    # Only a cube that can shift protects its corners; one that cannot (every candidate
    # had a corner already at 0 or at all of its answers) still hides them, so no
    # subtraction gives them away, but does not count as cover for later cells.
    if _movable(suppression.table, cube):
        suppression.cubes.append(cube)


def _extend(cube: Cube, axis: int) -> tuple[tuple, dict[int, tuple | None]]:
    """A headline cube as a breakdown's corner and pinned pairs (TOTAL on ``axis``)."""
    pairs = (*cube.pairs[:axis], (TOTAL, None), *cube.pairs[axis:])
    corner = tuple(pair[0] if pair else TOTAL for pair in pairs)
    return corner, {index: pair for index, pair in enumerate(pairs) if index != axis}


def _extension(suppression: Suppression, cube: Cube, axis: int) -> tuple[int, Cube] | None:
    """The cheapest movable extension of a headline cube into a breakdown, with its cost."""
    corner, fixed = _extend(cube, axis)
    best = None
    for candidate in _candidates(suppression.table, corner, fixed, values_only=axis):
        if _movable(suppression.table, candidate):
            cost = _cost(suppression, candidate)
            if best is None or cost < best[0]:
                best = (cost, candidate)
    return best


def _primaries(suppression: Suppression, k: int, skip_axis: int | None = None) -> list[tuple]:
    """Mark the cells under the threshold; return them smallest first (their cubes often
    protect larger ones on the way)."""
    table = suppression.table
    for key, cell in table.cells.items():
        if key in suppression.state or table.is_unpublished(key):
            continue
        if skip_axis is not None and key[skip_axis] == TOTAL:
            continue  # a headline cell: the headline decided
        if is_too_few(cell, k):
            suppression.state[key] = TOO_FEW
    return sorted(
        (key for key, state in suppression.state.items() if state == TOO_FEW),
        key=lambda key: (table.get(key)[RESPONSES], str(key)),
    )


def protect(table: Table, k: int) -> Suppression:
    """Hide the cells of one table that must not be shown; reads only."""
    suppression = Suppression(table=table)
    for key in _primaries(suppression, k):
        if not any(key in cube.cells() for cube in suppression.cubes):
            _cover(suppression, _candidates(table, key, {}), key)
    return suppression


def protect_linked(
    headline: Table, breakdowns: Sequence[Table], k: int, *, axis: int = -1
) -> tuple[Suppression, list[Suppression]]:
    """Hide cells of a headline table and of breakdowns whose TOTAL slice on ``axis`` is
    that headline table (a breakdown of ``(type, version, value)`` over the headline's
    ``(type, version)``); reads only.

    A headline cube is chosen only where every breakdown can extend it with a movable
    cube, so one shift of answers is consistent with all of them at once; each
    breakdown's own small cells then get cubes whose partner on ``axis`` is a value, so a
    breakdown never hides a headline figure. A small cell whose group answered all alike
    can only be kept uncertain through its group's headline: it gets a cube through the
    headline that shifts as one of the headline's cubes does (adding one if need be).
    """
    head = Suppression(table=headline)
    linked = [Suppression(table=table) for table in breakdowns]
    position = axis % (len(headline.axes) + 1)
    for key in _primaries(head, k):
        if any(key in cube.cells() for cube in head.cubes):
            continue
        if not _add_headline_cube(head, linked, position, key):
            # no cube can be shifted everywhere: hide what it can
            _cover(head, _candidates(headline, key, {}), key)
    _sync(head, linked, position)
    for suppression in linked:
        for key in _primaries(suppression, k, skip_axis=position):
            if key[position] == TOTAL:
                continue
            if any(key in cube.cells() for cube in suppression.cubes):
                continue
            options = list(
                itertools.chain(
                    _candidates(suppression.table, key, {}, values_only=position),
                    _through_headline(head, key, position),
                )
            )
            group = key[:position] + key[position + 1 :]
            movable = any(_movable(suppression.table, cube) for cube in options)
            if (
                not movable
                and head.hidden(group)
                and _add_headline_cube(head, linked, position, group, through=(suppression, key))
            ):
                continue
            _cover(suppression, options, key)
    return head, linked


def _sync(head: Suppression, linked: Sequence[Suppression], position: int) -> None:
    """The headline's hidden cells are the breakdowns' TOTAL slice."""
    for suppression in linked:
        for key, state in head.state.items():
            suppression.state.setdefault((*key[:position], TOTAL, *key[position:]), state)


def _add_headline_cube(
    head: Suppression,
    linked: Sequence[Suppression],
    position: int,
    key: tuple,
    through: tuple[Suppression, tuple] | None = None,
) -> bool:
    """Cover headline cell ``key`` with the cheapest cube that every breakdown can extend
    movably (and, with ``through``, that lets that breakdown's cell shift through the
    headline); apply it and its extensions. False when there is none."""
    best = None
    for cube in _candidates(head.table, key, {}):
        if not _movable(head.table, cube):
            continue
        cost, extensions = _cost(head, cube), []
        for suppression in linked:
            extension = _extension(suppression, cube, position)
            if extension is None:
                break
            cost += extension[0]
            extensions.append(extension[1])
        else:
            extra = None
            if through is not None:
                suppression, cell = through
                extra = next(
                    (
                        candidate
                        for candidate in _through_headline(
                            Suppression(table=head.table, cubes=[cube]), cell, position
                        )
                        if _movable(suppression.table, candidate)
                    ),
                    None,
                )
                if extra is None:
                    continue
                cost += _cost(suppression, extra)
            if best is None or cost < best[0]:
                best = (cost, cube, extensions, extra)
    if best is None:
        return False
    _, cube, extensions, extra = best
    head.cubes.append(cube)
    head._hide(cube.cells())
    _sync(head, linked, position)  # first, so the headline cells keep the headline's reason
    for suppression, extension in zip(linked, extensions, strict=True):
        suppression.cubes.append(extension)
        suppression._hide(extension.cells())
    if extra is not None and through is not None:
        through[0].cubes.append(extra)
        through[0]._hide(extra.cells())
    return True


def _through_headline(head: Suppression, key: tuple, axis: int) -> Iterable[Cube]:
    """Cubes from ``key`` to its group's headline that shift exactly as one of the
    headline's own cubes does: a small group whose answers were all alike can only be
    kept uncertain by moving an answer between groups, which the headline cube allows
    and every breakdown already absorbs."""
    group = key[:axis] + key[axis + 1 :]
    for cube in head.cubes:
        if group not in cube.cells():
            continue
        # orient the headline pairs so that ``key``'s group is the cube's first corner
        pairs = tuple(
            None if pair is None else (pair if pair[0] == c else (pair[1], pair[0]))
            for pair, c in zip(cube.pairs, group, strict=True)
        )
        yield Cube(pairs=(*pairs[:axis], (key[axis], TOTAL), *pairs[axis:]))
