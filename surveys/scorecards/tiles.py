"""Headline tiles of figures about requests, and how counts and medians change: each
change with the test its kind calls for (see ``surveys.stats``)."""

from dataclasses import replace

from ..stats import Change, Figure, median_change, share_change
from .results import Tile


def count_change(now: int, before: int):
    """Counts are exact: their change is a fact, not an estimate."""
    delta = now - before
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return Change(delta=delta, direction=direction, clear=direction != "flat")


def share_tile(ticket_row: dict, part: str, whole: str) -> Tile:
    """A share of resolved requests (SLA met, reopened) with Newcombe's change test."""
    now, before = (
        (ticket_row[f"cur_{part}"], ticket_row[f"cur_{whole}"]),
        (
            ticket_row[f"prev_{part}"],
            ticket_row[f"prev_{whole}"],
        ),
    )
    current, previous = Figure.share(*now), Figure.share(*before)
    shown = current.shown and previous.shown
    return Tile(current, previous, share_change(*now, *before) if shown else None)


def median_tile(medians: dict, department_id: int, ticket_row: dict) -> Tile:
    """The exact median time to resolve; changed clearly only when the two medians'
    distribution-free intervals do not overlap. Compared in minutes, as shown."""
    figures, estimates = [], []
    for period in ("cur_", "prev_"):
        estimate = medians.get((department_id, period))
        estimates.append(estimate)
        figures.append(
            Figure.of(estimate.seconds if estimate else None, ticket_row[f"{period}resolved"])
        )
    current, previous = figures
    change = None
    if current.shown and previous.shown:
        now, before = estimates
        change = median_change(
            now.seconds / 60,
            minutes(now.interval),
            now.n,
            before.seconds / 60,
            minutes(before.interval),
            before.n,
        )
        if change is not None:
            change = replace(change, delta=change.delta * 60)  # back to seconds
    return Tile(current, previous, change)


def minutes(interval):
    return None if interval is None else (interval[0] / 60, interval[1] / 60)
