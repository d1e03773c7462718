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


@dataclass(frozen=True)
class Path:
    """A shift that is not a cube: each cell with how a unit shift changes it. Used where a
    headline cube's two groups share no breakdown value: one answer moves between their
    groups through two values, and the two values' totals move with it."""

    signs: tuple[tuple[tuple, int], ...]
    by_cell: dict = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "by_cell", dict(self.signs))

    def cells(self) -> list[tuple]:
        return list(self.by_cell)

    def sign(self, cell: tuple) -> int:
        return self.by_cell[cell]


Shift = Cube | Path


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
        cell = self.cells.get(key)  # shifts are built from canonical keys: the usual case
        return cell if cell is not None else self.cells.get(self.canonical(key), EMPTY)

    def is_unpublished(self, key: Sequence) -> bool:
        return any(c in hidden for c, hidden in zip(key, self.unpublished, strict=True))

    def partners(self, axis: int, coordinate) -> list:
        values = self.axes[axis]
        return [v for v in (*values, TOTAL) if v != coordinate]


# (the count a cell's value is bounded by, the value, its lowest and highest per answer)
BOUNDS = ((CSAT_N, CSAT_GOOD, 0, 1), (NPS_N, NPS_NET, -1, 1))


def _directions(table: Table, shift: Shift, anchor: tuple) -> frozenset[int]:
    """The moves of ``anchor`` (+1, −1) by which one answer can be shifted around
    ``shift`` without any cell leaving its possible range (CSAT: 0 to all answers good;
    NPS: all detractors to all promoters). Empty when no figure of the cells is live."""
    corners = [(table.get(cell), shift.sign(cell) * shift.sign(anchor)) for cell in shift.cells()]
    live = [bound for bound in BOUNDS if any(cell[bound[0]] for cell, _sign in corners)]
    if not live:
        return frozenset()
    return frozenset(
        direction
        for direction in (1, -1)
        if all(
            low * cell[n_index] <= cell[value_index] + direction * sign <= high * cell[n_index]
            for n_index, value_index, low, high in live
            for cell, sign in corners
        )
    )


def _movable(table: Table, shift: Shift) -> bool:
    """Can one answer be shifted around ``shift`` at all?"""
    return bool(_directions(table, shift, shift.cells()[0]))


@dataclass
class Suppression:
    """The state of every published cell of one table, and the cubes that protect them."""

    table: Table
    state: dict[tuple, str] = field(default_factory=dict)
    cubes: list[Shift] = field(default_factory=list)
    # A headline cube's shift must be the same in every breakdown: the move of its first
    # corner that all of their extensions allow.
    directions: dict[Cube, int] = field(default_factory=dict)
    # The extensions of a headline cube that can shift, per (cube, direction), found once.
    extensions: dict[tuple[Cube, int], list[Shift]] = field(default_factory=dict)

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


# How much dearer a cell is to hide for each axis it sums over: a figure of all request
# types (or all versions, or a breakdown's total) is seen by every reader of the
# dashboard, one of a filtered view by few, so cubes hide the narrower figures first.
MARGIN_WEIGHT = 3


def _cost(suppression: Suppression, cube: Shift) -> int:
    """The answers a shift would newly hide, margins weighted (``MARGIN_WEIGHT``)."""
    table = suppression.table
    return sum(
        (table.get(cell)[RESPONSES] + 1) * MARGIN_WEIGHT ** cell.count(TOTAL)
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


def _extension(
    suppression: Suppression, cube: Cube, axis: int, direction: int
) -> tuple[int, int, Shift] | None:
    """The cheapest extension of a headline cube into a breakdown that lets the cube's
    first corner move by ``direction``, as (cost, rank, shift): a cube where one exists, else a
    shift that puts each moved answer at a value of its own group (see ``_spread``)."""
    feasible = suppression.extensions.get((cube, direction))
    if feasible is None:  # the table's values never change: find the feasible ones once
        corner, fixed = _extend(cube, axis)
        table = suppression.table
        feasible = []
        for candidates in (
            _candidates(table, corner, fixed, values_only=axis),
            _spread(table, cube, axis, direction),
        ):
            feasible = [c for c in candidates if direction in _directions(table, c, corner)]
            if feasible:
                break
        suppression.extensions[(cube, direction)] = feasible
    # the first of the cheapest, in the order they were found: the same on every page
    return min(
        ((_cost(suppression, shift), index, shift) for index, shift in enumerate(feasible)),
        key=lambda found: found[:2],
        default=None,
    )


# How many values of its own group each moved answer may take in ``_spread``.
SPREAD_OPTIONS = 3


def _spread(
    table: Table, cube: Cube, axis: int, direction: int, pinned: tuple | None = None
) -> Iterable[Path]:
    """Shifts in a breakdown that move each of the headline cube's answers at a value
    where its own group has an answer that can move, with every total they touch.

    A cube needs one value where all its groups have answers; sparse groups rarely share
    one. Moving each group's answer at a value of its own (``x`` for one, ``y`` for
    another) moves the totals of ``x`` and ``y`` too, which are hidden with them. With
    ``pinned`` (a breakdown cell), its group's answer moves at that cell's value."""
    corner = cube.cells()[0]
    corner_sign = cube.sign(corner)
    moves = [
        (cell, direction * cube.sign(cell) * corner_sign)
        for cell in cube.cells()
        if not any(
            c == TOTAL and pair is not None for c, pair in zip(cell, cube.pairs, strict=True)
        )
    ]
    options = []
    for group, change in moves:
        choices = []
        values = table.axes[axis]
        if pinned is not None and pinned[:axis] + pinned[axis + 1 :] == group:
            values = (pinned[axis],)
        for value in values:
            key = (*group[:axis], value, *group[axis:])
            cell = table.get(key)
            if _can_move(cell, change):
                choices.append((cell[RESPONSES], str(value), key))
        if not choices:
            return
        options.append([key for _n, _v, key in sorted(choices)[:SPREAD_OPTIONS]])
    free = [index for index, values in enumerate(table.axes) if values]
    for atoms in product(*options):
        changes: dict[tuple, int] = {}
        for atom, (_group, change) in zip(atoms, moves, strict=True):
            for mask in range(1 << len(free)):
                cell = list(atom)
                for bit, index in enumerate(free):
                    if mask >> bit & 1:
                        cell[index] = TOTAL
                changes[tuple(cell)] = changes.get(tuple(cell), 0) + change
        yield Path(signs=tuple((cell, change) for cell, change in changes.items() if change))


def _can_move(cell: Sequence[int], change: int) -> bool:
    return any(
        cell[n_index] and low * cell[n_index] <= cell[value_index] + change <= high * cell[n_index]
        for n_index, value_index, low, high in BOUNDS
    )


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
                    _through_headline(head, suppression.table, key, position),
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
    so that one and the same shift moves them all (and, with ``through``, that lets that
    breakdown's cell shift through the headline); apply it and its extensions. False when
    there is none."""
    best = None
    # cheapest headline first, so that a costly one can be dropped before its extensions
    candidates = sorted(_candidates(head.table, key, {}), key=lambda c: _cost(head, c))
    for cube in candidates:
        corner = cube.cells()[0]
        for direction in sorted(_directions(head.table, cube, corner)):
            cost, extensions = _cost(head, cube), []
            for suppression in linked:
                if best is not None and cost >= best[0]:
                    break
                projected = _project(cube, suppression.table, position)
                if projected is None:  # the shift cancels out in this breakdown
                    extensions.append(None)
                    continue
                extension = _extension(suppression, projected, position, direction)
                if extension is None:
                    break
                cost += extension[0]
                extensions.append(extension[2])
            else:
                extra = None
                if through is not None:
                    suppression, cell = through
                    trial = Suppression(
                        table=head.table, cubes=[cube], directions={cube: direction}
                    )
                    extra = next(
                        iter(_through_headline(trial, suppression.table, cell, position)), None
                    )
                    if extra is None:
                        continue
                    cost += _cost(suppression, extra)
                if best is None or cost < best[0]:
                    best = (cost, cube, direction, extensions, extra)
    if best is None:
        return False
    _, cube, direction, extensions, extra = best
    head.cubes.append(cube)
    head.directions[cube] = direction
    head._hide(cube.cells())
    _sync(head, linked, position)  # first, so the headline cells keep the headline's reason
    for suppression, extension in zip(linked, extensions, strict=True):
        if extension is not None:
            suppression.cubes.append(extension)
            suppression._hide(extension.cells())
    if extra is not None and through is not None:
        through[0].cubes.append(extra)
        through[0]._hide(extra.cells())
    return True


def _through_headline(head: Suppression, table: Table, key: tuple, axis: int) -> Iterable[Shift]:
    """Cubes from ``key`` to its group's headline that shift exactly as one of the
    headline's own cubes does, in the direction that cube's extensions allow: a small
    group whose answers were all alike can only be kept uncertain by moving an answer
    between groups, which the headline cube allows and every breakdown already absorbs."""
    group = key[:axis] + key[axis + 1 :]
    for cube in head.cubes:
        if cube not in head.directions:
            continue
        projected = _project(cube, table, axis)
        if projected is None or group not in projected.cells():
            continue
        # orient the headline pairs so that ``key``'s group is the cube's first corner
        pairs = tuple(
            None if pair is None else (pair if pair[0] == c else (pair[1], pair[0]))
            for pair, c in zip(projected.pairs, group, strict=True)
        )
        through = Cube(pairs=(*pairs[:axis], (key[axis], TOTAL), *pairs[axis:]))
        corner = projected.cells()[0]
        anchor = (*corner[:axis], TOTAL, *corner[axis:])
        direction = head.directions[cube]
        if direction in _directions(table, through, anchor):
            yield through
        # or the other groups' answers at values of their own (see _spread)
        for spread in _spread(table, projected, axis, direction, pinned=key):
            if key in spread.by_cell and direction in _directions(table, spread, anchor):
                yield spread


def _project(cube: Cube, table: Table, axis: int) -> Cube | None:
    """A headline cube as a breakdown sees it: a breakdown summed over a headline axis
    (all survey versions together) sees the cube's shift summed over that axis. None
    when it cancels out there (both of the cube's coordinates on that axis are values);
    else the cube without that axis, whose first corner moves as the cube's does."""
    pairs = []
    for index, pair in enumerate(cube.pairs):
        in_table = index if index < axis else index + 1
        if pair is not None and not table.axes[in_table]:
            if TOTAL not in pair:
                return None
            pairs.append(None)
        else:
            pairs.append(pair)
    return Cube(pairs=tuple(pairs))
