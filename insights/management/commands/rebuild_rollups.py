"""Recompute the dashboards' per-day rollups from tickets, invitations and responses."""

import time

from django.core.management.base import BaseCommand

from insights.selectors import rollups_missing
from insights.services.rebuild import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the per-day rollups the dashboards read. The services keep them current; "
        "run this after loading rows directly, after changing TIME_ZONE, or to repair."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--recompute-durations",
            action="store_true",
            help="also recompute each resolved ticket's stored time to resolve (slow on millions)",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="only when there are tickets but no rollups yet (after upgrading)",
        )

    def handle(self, *args, recompute_durations=False, if_missing=False, verbosity=1, **options):
        if if_missing and not rollups_missing():
            return
        started = time.monotonic()
        written = rollups_rebuild(recompute_durations=recompute_durations)
        if verbosity:
            rows = ", ".join(f"{name} {n:,}" for name, n in written.items())
            self.stdout.write(f"Rollups rebuilt in {time.monotonic() - started:.1f} s: {rows}")
