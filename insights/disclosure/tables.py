"""The tables of the disclosure rule: cells, their counters, and the shifts (cubes and
paths) that move one answer around hidden cells without changing any shown one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from functools import cached_property
from itertools import product
from math import prod
from operator import add

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


def with_margins(atoms: Iterable[tuple[tuple, Sequence[int]]]) -> dict[tuple, tuple[int, ...]]:
    """The atoms and every margin of theirs (each coordinate or TOTAL), summed axis by
    axis: a margin over several axes is summed from the margins over fewer, not from
    every atom again (an atom has 2ⁿ margins, the table far fewer)."""
    cells: dict[tuple, tuple[int, ...]] = {}
    kept_of = cells.get  # the sums below are the search's commonest step: written out
    for key, value in atoms:
        kept = kept_of(key)
        cells[key] = tuple(value) if kept is None else tuple(map(add, kept, value))
    width = len(next(iter(cells), ()))
    total = (TOTAL,)
    for axis in range(width):
        after = axis + 1
        for key, value in list(cells.items()):
            if key[axis] == TOTAL:
                continue  # a margin over this axis already (or an atom summed into none)
            margin = key[:axis] + total + key[after:]
            kept = kept_of(margin)
            cells[margin] = value if kept is None else tuple(map(add, kept, value))
    return cells


EMPTY = (0,) * WIDTH

# How much dearer a cell is to hide for each axis it sums over: a figure of all request
# types (or all versions, or a breakdown's total) is seen by every reader of the
# dashboard, one of a filtered view by few, so cubes hide the narrower figures first.
MARGIN_WEIGHT = 3


def is_too_few(cell: Sequence[int], k: int) -> bool:
    """Primary suppression: some figure of the cell stands on 1..k-1 answers."""
    return any(0 < cell[index] < k for index in (RESPONSES, CSAT_N, NPS_N))


def axis_signs(pair: tuple[object, object] | None) -> tuple[int, ...]:
    """How a unit shift moves each coordinate of one axis of a cube: its first value
    with the shift, its partner against it, a TOTAL the other way round."""
    if pair is None:
        return (1,)
    first = pair[0]
    return tuple(
        (-1 if coordinate != first else 1) * (-1 if coordinate == TOTAL else 1)
        for coordinate in pair
    )


class Cube:
    """For each axis, the two coordinates the cube spans (None: the axis has one value).

    Equal and hashed by its pairs; never changed once made. A plain class with slots, not
    a dataclass: the search makes and prices thousands of candidates a page, and most are
    only priced, by their cells (computed with the cube).
    """

    __slots__ = ("_cells", "_signs", "pairs")

    def __init__(self, pairs: tuple[tuple[object, object] | None, ...]):
        self.pairs = pairs
        self._cells: tuple[tuple, ...] = tuple(
            product(*[pair if pair else (TOTAL,) for pair in pairs])
        )
        self._signs: tuple[int, ...] | None = None  # made when first asked: most are priced only

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cube) and self.pairs == other.pairs

    def __hash__(self) -> int:
        return hash(self.pairs)

    def __repr__(self) -> str:
        return f"Cube(pairs={self.pairs!r})"

    def cells(self) -> tuple[tuple, ...]:
        return self._cells

    def signs_in_order(self) -> tuple[int, ...]:
        """Each cell's sign (see ``sign``), in the order of ``cells()``."""
        if self._signs is None:
            self._signs = tuple(map(prod, product(*map(axis_signs, self.pairs))))
        return self._signs

    def sign(self, cell: tuple) -> int:
        """+1/−1: how a unit shift around the cube changes ``cell`` (margins flip sign)."""
        return self.signs_in_order()[self._cells.index(cell)]


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

    def signs_in_order(self) -> tuple[int, ...]:
        return tuple(self.by_cell.values())

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
    # Or, instead of atoms, every margin of theirs summed already (as ``with_margins``
    # gives them, for every coordinate the axes hold), left out where they have no answers;
    # not kept: the table's cells are those margins.
    margins: InitVar[dict[tuple, tuple[int, ...]] | None] = None
    cells: dict[tuple, tuple[int, ...]] = field(init=False)
    collapsed: tuple[object | None, ...] = field(init=False)
    # What hiding a cell costs the search (see ``insights.disclosure.search``), made when
    # first asked and kept: the table's values never change, and the search prices cells
    # again and again (``weights[cell]``, a dict lookup once made).
    weights: dict[tuple, int] = field(init=False)

    def __post_init__(self, margins: dict[tuple, tuple[int, ...]] | None):
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
        if margins is not None:
            # a collapsed axis's value is the same group as its total: keep the total's
            collapsed = [
                axis
                for axis, single in enumerate(self.collapsed)
                if single is not None and single != TOTAL
            ]
            self.cells = (
                {
                    key: value
                    for key, value in margins.items()
                    if all(key[axis] == TOTAL for axis in collapsed)
                }
                if collapsed
                else margins
            )
        else:
            atoms = self.atoms.items()
            if self.any_collapsed:
                atoms = ((self.canonical(key), value) for key, value in atoms)
            self.cells = with_margins(atoms)
        self.weights = _Weights(self)

    def canonical(self, key: Sequence) -> tuple:
        """The key with collapsed axes' single value written as TOTAL."""
        return tuple(
            TOTAL if single is not None and coordinate == single else coordinate
            for coordinate, single in zip(key, self.collapsed, strict=True)
        )

    def get(self, key: Sequence) -> tuple[int, ...]:
        cell = self.cells.get(key)  # shifts are built from canonical keys: the usual case
        if cell is not None or not self.any_collapsed:
            return cell if cell is not None else EMPTY  # (most empty cells: no axis to fold)
        return self.cells.get(self.canonical(key), EMPTY)

    @cached_property
    def any_collapsed(self) -> bool:
        """Does ``canonical`` change any key? (An axis whose single value is TOTAL, as the
        version axis of a breakdown's atoms, changes none.)"""
        return any(single is not None and single != TOTAL for single in self.collapsed)

    def weight(self, key: tuple) -> int:
        """What hiding the cell costs a search: its answers, dearer for each axis it sums."""
        if self.is_unpublished(key):
            return 0
        return (self.get(key)[RESPONSES] + 1) * MARGIN_WEIGHT ** key.count(TOTAL)

    def is_unpublished(self, key: Sequence) -> bool:
        if not self.any_unpublished:
            return False
        return any(c in hidden for c, hidden in zip(key, self.unpublished, strict=True))

    @cached_property
    def any_unpublished(self) -> bool:
        return any(self.unpublished)

    def partners(self, axis: int, coordinate) -> list:
        values = self.axes[axis]
        return [v for v in (*values, TOTAL) if v != coordinate]


class _Weights(dict):
    """A table's cell weights, each computed when first looked up (``Table.weights``)."""

    def __init__(self, table: Table):
        super().__init__()
        self.table = table

    def __missing__(self, key: tuple) -> int:
        weight = self[key] = self.table.weight(key)
        return weight


# (the count a cell's value is bounded by, the value, its lowest and highest per answer)
BOUNDS = ((CSAT_N, CSAT_GOOD, 0, 1), (NPS_N, NPS_NET, -1, 1))


NO_DIRECTION: frozenset[int] = frozenset()


# The moves (+1, −1) a cell can take, as bits: a shift moves its anchor by ``d`` only
# where every cell can take ``d`` times its sign.
UP, DOWN = 1, 2
BOTH_MOVES = UP | DOWN
OPPOSITE = (0, DOWN, UP, BOTH_MOVES)  # the moves, each turned round


def cell_moves(cell: Sequence[int]) -> int:
    """The moves of one answer (``UP``, ``DOWN``, as bits) that this cell alone can take:
    each figure it has answers for stays in its range. A cell that can take neither, or
    holds no figure at all, stops every shift through it (``directions``)."""
    if not (cell[CSAT_N] or cell[CSAT_GOOD] or cell[NPS_N] or cell[NPS_NET]):
        return 0  # every figure live elsewhere in a shift is stuck at 0 here
    moves = 0
    for bit, move in ((UP, 1), (DOWN, -1)):
        for n_index, value_index, low, high in BOUNDS:
            n = cell[n_index]
            if n and not low * n <= cell[value_index] + move <= high * n:
                break
        else:
            moves |= bit
    return moves


def directions(table: Table, shift: Shift, anchor: tuple) -> frozenset[int]:
    """The moves of ``anchor`` (+1, −1) by which one answer can be shifted around
    ``shift`` without any cell leaving its possible range (CSAT: 0 to all answers good;
    NPS: all detractors to all promoters). Empty when no figure of the cells is live."""
    # Asked of the candidates the search weighs, cheapest first, until one can shift
    # (~1,300 times for one organisation view of 30 days with nothing kept): written
    # out, with the cheap refusals first.
    get = table.get
    cells = shift.cells()
    values = [get(cell) for cell in cells]
    live = []
    for bound in BOUNDS:
        n_index, value_index = bound[0], bound[1]
        answered = empty = False
        for value in values:
            if value[n_index]:
                answered = True
            elif not value[value_index]:
                empty = True
        if not answered:
            continue
        # A live figure that a cell has no answers for (and so stands at 0) cannot move
        # either way: most cheap candidates touch an empty cell.
        if empty:
            return NO_DIRECTION
        live.append(bound)
    if not live:
        return NO_DIRECTION
    signs = shift.signs_in_order()
    anchor_sign = signs[cells.index(anchor)]

    def fits(step: int) -> bool:
        for n_index, value_index, low, high in live:
            for value, sign in zip(values, signs, strict=True):
                n = value[n_index]
                if not low * n <= value[value_index] + step * sign <= high * n:
                    return False
        return True

    return frozenset(direction for direction in (1, -1) if fits(direction * anchor_sign))


def movable(table: Table, shift: Shift) -> bool:
    """Can one answer be shifted around ``shift`` at all?"""
    return bool(directions(table, shift, shift.cells()[0]))


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
