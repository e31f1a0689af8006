"""manage.py rebuild_stats: recompute every well's summary (trend, 12-month change, ...) and
recent days; with --check, only compare the maintained figures with the readings."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.monitoring.services import well_summaries_check, well_summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute each well's summary (first and last reading, count, min/median/max depth, "
        "trend in ft/year over the last 10 years, change over 12 months) and swap the new "
        "figures in in one transaction. Safe to run while the server serves."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: compare the figures every write keeps (counts, first and "
            "last reading, released readings, recent days) with the readings, list each "
            "difference, and exit 1 if there is any.",
        )

    def handle(self, *args, **options) -> None:
        if options["check"]:
            self._check()
            return
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

    def _check(self) -> None:
        problems = well_summaries_check()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} maintained figure(s) differ from the readings; "
                "`manage.py rebuild_stats` recomputes them."
            )
        self.stdout.write(self.style.SUCCESS("The maintained figures match the readings."))
