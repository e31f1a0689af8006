"""manage.py rebuild_stats: recompute every well's summary (trend, 12-month change, ...)."""

import sys
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apps.monitoring.services import well_summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute each well's summary (first and last reading, count, min/median/max depth, "
        "trend in ft/year over the last 10 years, change over 12 months) and swap the new "
        "figures in in one transaction. Safe to run while the server serves."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        progress = tqdm(
            unit=" rows",
            unit_scale=True,
            desc="readings",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )
        with progress:
            count = well_summaries_rebuild(on_progress=progress.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {count} well summaries in {time.perf_counter() - started:.1f} s."
            )
        )
