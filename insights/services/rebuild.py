"""Recomputing every rollup from the rows beneath it: after a bulk load such as the demo
seed or the benchmark, or to repair. The hooks keep them current otherwise."""

from django.db import transaction

from requests_app.models import Department

from .surveys import rollups_rebuild_surveys, survey_counts_changed
from .tickets import rollups_rebuild_tickets


@transaction.atomic
def rollups_rebuild(*, recompute_durations: bool = False) -> dict[str, int]:
    """Recompute every rollup from the rows beneath it; returns rows written per table.

    ``recompute_durations`` first recomputes each resolved ticket's stored time to
    resolve, for data whose timestamps were written directly (the demo's history).
    Safe to run twice.
    """
    written = {"requests": rollups_rebuild_tickets(recompute_durations=recompute_durations)}
    written |= rollups_rebuild_surveys()
    # What the dashboards keep of the old rows is keyed by the stamps: move them all.
    survey_counts_changed(Department.objects.values_list("pk", flat=True), rebuild=True)
    return written
