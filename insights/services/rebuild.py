"""Recomputing every rollup from the rows beneath it: after a bulk load such as the demo
seed or the benchmark, or to repair. The hooks keep them current otherwise."""

from django.db import transaction

from .surveys import rollups_rebuild_surveys
from .tickets import rollups_rebuild_tickets


@transaction.atomic
def rollups_rebuild(*, recompute_durations: bool = False) -> dict[str, int]:
    """Recompute every rollup from the rows beneath it; returns rows written per table.

    ``recompute_durations`` first recomputes each resolved ticket's stored time to
    resolve, for data whose timestamps were written directly (the demo's history).
    Safe to run twice.
    """
    written = {"requests": rollups_rebuild_tickets(recompute_durations=recompute_durations)}
    return written | rollups_rebuild_surveys()
