"""The search for hidden cells: primary suppression, then for each hidden cell the
cheapest shift (a cube, or a path across a breakdown) that keeps it uncertain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import product

from .tables import (
    BOTH_MOVES,
    BOUNDS,
    CSAT_GOOD,
    CSAT_N,
    NPS_N,
    NPS_NET,
    OPPOSITE,
    RESPONSES,
    TOO_FEW,
    TOTAL,
    Cube,
    Path,
    Shift,
    Suppression,
    Table,
    cell_moves,
    directions,
    is_too_few,
    movable,
)


def _cost(suppression: Suppression, cube: Shift) -> int:
    """The answers a shift would newly hide, margins weighted (``MARGIN_WEIGHT``)."""
    state, weights = suppression.state, suppression.table.weights
    cost = 0
    for cell in cube.cells():  # priced for every candidate: a loop, not a generator
        if cell not in state:
            cost += weights[cell]
    return cost


def _best_cube(
    suppression: Suppression, candidates: Callable[[bool], Iterable[Shift]]
) -> Shift | None:
    """The movable candidate that hides the fewest answers; else the cheapest one.
    ``candidates(live_only)`` gives them in a fixed order; with ``live_only`` it may leave
    out shifts that cannot move (see ``_candidates``), which are then made only when no
    candidate can move."""
    cubes = list(candidates(True))
    costs = [_cost(suppression, cube) for cube in cubes]
    # cheapest first, ties in the order found (a stable sort): the first that can shift
    # is the answer (costs are cheap, shifts not)
    by_cost = sorted(range(len(cubes)), key=costs.__getitem__)
    table = suppression.table
    for index in by_cost:
        if movable(table, cubes[index]):
            return cubes[index]
    # none can shift: the first of the cheapest of them all, the left-out ones included
    return min(candidates(False), key=lambda cube: _cost(suppression, cube), default=None)


def _candidates(
    table: Table,
    cell: tuple,
    fixed: Mapping[int, tuple | None],
    values_only: int | None = None,
    *,
    live_only: bool = True,
) -> Iterable[Cube]:
    """Every cube with ``cell`` as a corner, in a fixed order. ``fixed`` pins some axes'
    pairs; on axis ``values_only`` the partner is a value, never TOTAL.

    With ``live_only``, only cubes whose corner and cells next to it can each take the
    move the shift gives them, for one move of the corner at least: a cube that fails
    this can never shift (``directions`` checks every cell), and most candidates of a
    small cell fail it (a cell of one answer is always at 0 % or 100 %), so the search
    need not make, price and test them."""
    corner_moves = cell_moves(table.get(cell)) if live_only else BOTH_MOVES
    # the partial cubes, in order, with the corner's moves that every cell checked allows
    partial: list[tuple[tuple, int]] = [((), corner_moves)]
    for axis, coordinate in enumerate(cell):
        if axis in fixed:
            choices = [(fixed[axis], BOTH_MOVES)]
        elif not table.axes[axis]:
            choices = [(None, BOTH_MOVES)]
        else:
            choices = []
            for partner in table.partners(axis, coordinate):
                if axis == values_only and partner == TOTAL:
                    continue
                moves = BOTH_MOVES
                if live_only:
                    # The cell next to the corner takes the corner's move where one answer
                    # moves between a group and its total, and the opposite one between
                    # two groups (``Cube.sign``).
                    along = cell_moves(table.get((*cell[:axis], partner, *cell[axis + 1 :])))
                    moves = along if TOTAL in (coordinate, partner) else OPPOSITE[along]
                    if not moves & corner_moves:
                        continue
                choices.append(((coordinate, partner), moves))
        partial = [
            ((*pairs, pair), allowed & moves)
            for pairs, allowed in partial
            for pair, moves in choices
            if allowed & moves
        ]
    for pairs, _allowed in partial:
        yield Cube(pairs=pairs)


def _around(table: Table, key: tuple) -> Callable[[bool], Iterable[Cube]]:
    """Every cube with ``key`` as a corner, as ``_best_cube`` asks for them."""
    return lambda live_only: _candidates(table, key, {}, live_only=live_only)


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


def _cover(suppression: Suppression, cube: Cube | None, key: tuple) -> None:
    """Hide ``cube`` (the best one for ``key``, see ``_best_cube``)."""
    if cube is None:
        return
    if not movable(suppression.table, cube) and _told_by_shown_group(suppression, key):
        return  # hiding more would protect nothing
    suppression._hide(cube.cells())
    # Only a cube that can shift protects its corners; one that cannot (every candidate
    # had a corner already at 0 or at all of its answers) still hides them, so no
    # subtraction gives them away, but does not count as cover for later cells.
    if movable(suppression.table, cube):
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
            feasible = [c for c in candidates if direction in directions(table, c, corner)]
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
            _cover(suppression, _best_cube(suppression, _around(table, key)), key)
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
            _cover(head, _best_cube(head, _around(headline, key)), key)
    _sync(head, linked, position)
    for suppression in linked:
        for key in _primaries(suppression, k, skip_axis=position):
            if key[position] == TOTAL:
                continue
            if any(key in cube.cells() for cube in suppression.cubes):
                continue

            def options(live_only: bool, suppression=suppression, key=key) -> Iterable[Shift]:
                table = suppression.table
                yield from _candidates(table, key, {}, values_only=position, live_only=live_only)
                yield from _through_headline(head, table, key, position)

            group = key[:position] + key[position + 1 :]
            # the best is movable when any candidate is (see _best_cube)
            best = _best_cube(suppression, options)
            if (
                (best is None or not movable(suppression.table, best))
                and head.hidden(group)
                and _add_headline_cube(head, linked, position, group, through=(suppression, key))
            ):
                continue
            # (a headline cube that was not added changed nothing: ``best`` still is)
            _cover(suppression, best, key)
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
        for direction in sorted(directions(head.table, cube, corner)):
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
        if direction in directions(table, through, anchor):
            yield through
        # or the other groups' answers at values of their own (see _spread)
        for spread in _spread(table, projected, axis, direction, pinned=key):
            if key in spread.by_cell and direction in directions(table, spread, anchor):
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
