"""The disclosure tables' margins: every figure a reader sees of a group is the sum of
the answers in it, however the group is cut (summed axis by axis, see ``with_margins``)."""

import itertools
import random

import pytest

from insights.disclosure import TOTAL, Table, counters, with_margins
from insights.scorecards.protection import _margins


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
    assert _margins(rows) == {
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
    assert _margins({}) == {}
