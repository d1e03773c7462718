"""The disclosure tables' margins: every figure a reader sees of a group is the sum of
the answers in it, however the group is cut (summed axis by axis, see ``with_margins``)."""

import itertools
import random

import pytest

from insights.disclosure import TOTAL, Cube, Table, counters, with_margins
from insights.disclosure.search import _candidates
from insights.disclosure.tables import (
    CSAT_GOOD,
    CSAT_N,
    DOWN,
    NPS_N,
    NPS_NET,
    UP,
    cell_moves,
    directions,
)
from insights.scorecards.protection import _Sums


def _by_hand(atoms: dict[tuple, tuple], width: int) -> dict[tuple, tuple]:
    """Each cell (a coordinate or TOTAL per axis) summed from every atom inside it."""
    values = [{key[axis] for key in atoms} | {TOTAL} for axis in range(width)]
    cells = {}
    for cell in itertools.product(*values):
        inside = [
            value
            for key, value in atoms.items()
            if all(c in (TOTAL, k) for c, k in zip(cell, key, strict=True))
        ]
        if inside:
            cells[cell] = tuple(map(sum, zip(*inside, strict=True)))
    return cells


def _random_atoms(rng: random.Random, width: int) -> dict[tuple, tuple]:
    # Some axes hold TOTAL as a value of their own (a breakdown's version axis), some one
    # value only (collapsed by Table), some several.
    axes = [rng.choice([[TOTAL], ["only"], list(range(rng.randint(2, 5)))]) for _ in range(width)]
    atoms = {}
    for key in itertools.product(*axes):
        if rng.random() < 0.6:
            n = rng.randint(1, 12)
            good = rng.randint(0, n)
            atoms[key] = counters(responses=n, csat_n=n, csat_good=good, csat_sum=good * 5)
    return atoms


@pytest.mark.parametrize("seed", range(40))
def test_margins_are_the_sums_of_the_answers_inside_them(seed):
    rng = random.Random(seed)
    width = rng.randint(1, 4)
    atoms = _random_atoms(rng, width)
    expected = _by_hand(atoms, width)

    assert with_margins(atoms.items()) == expected
    rows = {key: dict(zip("abcdef", value, strict=True)) for key, value in atoms.items()}
    assert _Sums.of(rows).rows() == {
        key: dict(zip("abcdef", value, strict=True)) for key, value in expected.items()
    }

    table = Table(
        axes=tuple(tuple(sorted({key[i] for key in atoms}, key=str)) for i in range(width)),
        atoms=atoms,
    )
    for cell, value in expected.items():
        # a collapsed axis's single value is the same group as its total
        assert table.get(cell) == value
        assert table.get(table.canonical(cell)) == value


def test_no_answers_no_cells():
    assert with_margins([]) == {}
    assert _Sums.of({}).rows() == {}


def _directions_by_definition(table: Table, cube: Cube, anchor: tuple) -> set[int]:
    """Each way the anchor can move by one answer with every cell of the cube moving
    the other way or the same (its sign) and staying possible: 0..n good CSAT answers,
    -n..n net promoters, for every figure some cell of the cube has answers for."""
    values = {cell: table.get(cell) for cell in cube.cells()}
    live = [
        (n, value, low, high)
        for n, value, low, high in ((CSAT_N, CSAT_GOOD, 0, 1), (NPS_N, NPS_NET, -1, 1))
        if any(v[n] for v in values.values())
    ]
    return {
        direction
        for direction in (1, -1)
        if live
        and all(
            low * v[n] <= v[value] + direction * cube.sign(cell) * cube.sign(anchor) <= high * v[n]
            for cell, v in values.items()
            for n, value, low, high in live
        )
    }


@pytest.mark.parametrize("seed", range(30))
def test_a_cube_moves_only_where_every_cell_stays_possible(seed):
    rng = random.Random(seed)
    atoms = {}
    for key in itertools.product(range(3), range(3)):
        if rng.random() < 0.8:
            n = rng.randint(1, 4)
            good = rng.choice([0, n, rng.randint(0, n)])
            promoters = rng.randint(0, n)
            atoms[key] = counters(
                responses=n, csat_n=n, csat_good=good, nps_n=n, nps_promoters=promoters
            )
    table = Table(axes=((0, 1, 2), (0, 1, 2)), atoms=atoms)
    for pairs in itertools.product(
        itertools.permutations((0, 1, 2, TOTAL), 2), itertools.permutations((0, 1, 2, TOTAL), 2)
    ):
        cube = Cube(pairs=pairs)
        assert len(cube.cells()) == 4
        for anchor in cube.cells():
            assert directions(table, cube, anchor) == _directions_by_definition(
                table, cube, anchor
            ), (pairs, anchor)


def test_cubes_are_the_same_key_when_their_pairs_are():
    one, same, other = Cube(pairs=((1, 2), None)), Cube(pairs=((1, 2), None)), Cube(((2, 1), None))
    assert one == same and hash(one) == hash(same) and one != other
    assert {one: "kept"}[same] == "kept"
    assert one.cells() == ((1, TOTAL), (2, TOTAL))
    # the first corner moves with the shift, its partner against it; a margin moves as the
    # cells it sums (one answer from (1, 6) to (1, 5) moves the totals of 5 and 6 alike)
    assert [one.sign(cell) for cell in one.cells()] == [1, -1]
    square = Cube(pairs=((1, TOTAL), (5, 6)))
    assert {cell: square.sign(cell) for cell in square.cells()} == {
        (1, 5): 1,
        (1, 6): -1,
        (TOTAL, 5): 1,
        (TOTAL, 6): -1,
    }


@pytest.mark.parametrize("seed", range(30))
def test_the_search_leaves_out_only_cubes_that_cannot_move(seed):
    """``_candidates(live_only=True)`` skips cubes without making them; each one skipped
    must be one that ``directions`` finds stuck, and the rest keep their order (the search
    takes the first of the cheapest that can move)."""
    rng = random.Random(seed)
    axes = (tuple(range(rng.randint(2, 4))), tuple(range(rng.randint(1, 3))), ("a", "b", "c"))
    atoms = {}
    for key in itertools.product(*axes):
        if rng.random() < 0.7:
            n = rng.choice([1, 1, 2, rng.randint(1, 9)])
            good = rng.choice([0, n, rng.randint(0, n)])
            promoters = rng.randint(0, n)
            if seed % 2:  # one measure a table, as the pages' tables are
                atoms[key] = counters(responses=n, csat_n=n, csat_good=good)
            else:
                atoms[key] = counters(
                    responses=n, csat_n=n, csat_good=good, nps_n=n, nps_promoters=promoters
                )
    table = Table(axes=axes, atoms=atoms)
    skipped = 0
    for corner in table.cells:
        for values_only in (None, 2):
            everything = list(_candidates(table, corner, {}, values_only, live_only=False))
            kept = list(_candidates(table, corner, {}, values_only))
            assert kept == [cube for cube in everything if cube in set(kept)]
            for cube in everything:
                if cube not in kept:
                    skipped += 1
                    assert not directions(table, cube, corner), (corner, cube)
    assert skipped  # the tables are sparse and small enough for the rule to matter


def test_a_cell_takes_the_moves_that_keep_its_figures_possible():
    assert cell_moves(counters(responses=1, csat_n=1, csat_good=1)) == DOWN
    assert cell_moves(counters(responses=1, csat_n=1, csat_good=0)) == UP
    assert cell_moves(counters(responses=2, csat_n=2, csat_good=1)) == UP | DOWN
    # every figure with answers must allow the move: CSAT all good, NPS all detractors
    both = counters(responses=2, csat_n=2, csat_good=2, nps_n=2, nps_detractors=2)
    assert cell_moves(both) == 0  # CSAT can only go down, NPS only up
    assert cell_moves(counters(responses=3, nps_n=3, nps_promoters=1)) == UP | DOWN
    assert cell_moves(counters()) == 0  # no figure: nothing can move through it


@pytest.mark.parametrize("seed", range(40))
def test_a_measure_s_table_from_the_page_s_sums_is_the_table_of_its_answers(seed):
    """The dashboards sum each table's atoms once, for the figures, and read each measure's
    disclosure table out of those sums: it must be the table of that measure's answers
    alone, as if summed from them (collapsed axes, unpublished values, groups that have
    answers of the other measure only)."""
    rng = random.Random(seed)
    values = [
        rng.choice([["only"], list(range(rng.randint(2, 4)))]),
        rng.choice([[TOTAL], [7], [7, 8, 9]]),
        rng.choice([["x"], ["x", "y", "none"], list("abcde")]),
    ]
    unpublished = [frozenset(), frozenset(), frozenset({"none"} if rng.random() < 0.5 else ())]
    atoms = {}
    for key in itertools.product(*values):
        if rng.random() < 0.6:
            csat_n, nps_n = (
                rng.choice([0, 1, rng.randint(1, 9)]),
                rng.choice([0, rng.randint(1, 9)]),
            )
            promoters = rng.randint(0, nps_n)
            good = rng.randint(0, csat_n)
            atoms[key] = {
                "responses": max(csat_n, nps_n),
                "csat_n": csat_n,
                "csat_good": good,
                "csat_sum": good * 5 + (csat_n - good) * 2,
                "csat_sum_sq": 0,
                "nps_n": nps_n,
                "nps_promoters": promoters,
                "nps_detractors": rng.randint(0, nps_n - promoters),
            }
    sums = _Sums.of(atoms)
    for measure in ("csat", "nps"):
        own = {
            key: counters(
                responses=row[f"{measure}_n"],
                csat_n=row["csat_n"] if measure == "csat" else 0,
                csat_good=row["csat_good"] if measure == "csat" else 0,
                csat_sum=row["csat_sum"] if measure == "csat" else 0,
                nps_n=row["nps_n"] if measure == "nps" else 0,
                nps_promoters=row["nps_promoters"] if measure == "nps" else 0,
                nps_detractors=row["nps_detractors"] if measure == "nps" else 0,
            )
            for key, row in atoms.items()
            if row[f"{measure}_n"]
        }
        expected = Table(
            axes=tuple(tuple(sorted({key[i] for key in own}, key=str)) for i in range(3)),
            atoms=own,
            unpublished=tuple(unpublished),
        )
        table = sums.table(measure, unpublished)
        assert (table.axes, table.collapsed, table.unpublished) == (
            expected.axes,
            expected.collapsed,
            expected.unpublished,
        )
        assert table.cells == expected.cells
