"""Headline tiles of figures about requests, and how counts and medians change: each
change with the test its kind calls for (see ``insights.stats``)."""

from dataclasses import replace

from ..selectors import MedianEstimate
from ..stats import Change, Figure, median_change, share_change
from .common import Periods, TicketSums
from .results import Tile


def count_change(now: int, before: int):
    """Counts are exact: their change is a fact, not an estimate."""
    delta = now - before
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return Change(delta=delta, direction=direction, clear=direction != "flat")


def share_tile(tickets: Periods[TicketSums], part: str, whole: str) -> Tile:
    """A share of resolved requests (SLA met, reopened) with Newcombe's change test."""
    now, before = tickets.map(lambda sums: (getattr(sums, part), getattr(sums, whole)))
    current, previous = Figure.share(*now), Figure.share(*before)
    shown = current.shown and previous.shown
    return Tile(current, previous, share_change(*now, *before) if shown else None)


def median_tile(medians: Periods[MedianEstimate | None], tickets: Periods[TicketSums]) -> Tile:
    """The exact median time to resolve; changed clearly only when the two medians'
    distribution-free intervals do not overlap. Compared in minutes, as shown."""
    current, previous = (
        Figure.of(estimate.seconds if estimate else None, sums.resolved)
        for estimate, sums in zip(medians, tickets, strict=True)
    )
    change = None
    if current.shown and previous.shown:
        now, before = medians
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
